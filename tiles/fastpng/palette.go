package fastpng

import "encoding/binary"

// A tile drawn in a few flat colours — most tiles — has at most 256
// distinct non-premultiplied colours even with antialiasing. Such a tile is
// written with a palette (colour type 3): one byte a pixel instead of four,
// which deflate compresses faster and smaller. It is still lossless: the
// palette holds the exact colours. A tile with more colours is written as
// RGBA.

// paletteSlots is the size of the open-addressing table of colours: a
// power of two well above 256, so that probes stay short.
const paletteSlots = 1024

// palette collects an image's distinct colours, non-premultiplied RGBA
// packed in uint32 with R in the low byte.
type palette struct {
	keys   [paletteSlots]uint32
	index  [paletteSlots]uint8
	used   [paletteSlots]bool
	colors [256]uint32
	n      int
	last   uint32 // the premultiplied colour of the previous pixel, and its index
	lastI  uint8
	hasLst bool
}

func (p *palette) reset() {
	if p.n > 0 || p.hasLst {
		p.used = [paletteSlots]bool{}
	}
	p.n, p.hasLst = 0, false
}

// indexRow writes the palette index of every pixel of the premultiplied
// RGBA row src into dst, adding colours (non-premultiplied) as they come,
// and the indices to sum; it returns the OR of the source pixels with any,
// and false when the image has more than 256 colours.
func (p *palette) indexRow(dst, src []byte, any uint32, sum *adler) (bool, uint32) {
	n := len(src) / 4
	for i := 0; i < n; {
		s := binary.LittleEndian.Uint32(src[4*i:])
		j := runEnd(src, i, s)
		var k uint8
		if p.hasLst && s == p.last {
			k = p.lastI
		} else {
			var ok bool
			if k, ok = p.lookup(unpremultiply(s)); !ok {
				return false, any | s
			}
			p.last, p.lastI, p.hasLst = s, k, true
		}
		if j-i < 8 {
			for x := i; x < j; x++ {
				dst[x] = k
			}
		} else {
			fill8(dst[i:j], k)
		}
		sum.repeat(uint32(k), 1, j-i)
		any |= s
		i = j
	}
	return true, any
}

// expand writes the colours of the indices idx into dst, 4 bytes a pixel,
// and adds them to sum.
func (p *palette) expand(dst, idx []byte, sum *adler) {
	for i := 0; i < len(idx); {
		k := idx[i]
		j := i + 1
		for j < len(idx) && idx[j] == k {
			j++
		}
		c := p.colors[k]
		fill32(dst[4*i:4*j], c)
		sum.repeat(c, 4, j-i)
		i = j
	}
}

// lookup returns the index of colour c, adding it when new; false when the
// palette is full.
func (p *palette) lookup(c uint32) (uint8, bool) {
	h := (c * 0x9E3779B1) >> (32 - 10) // Fibonacci hashing into 1024 slots
	for {
		if !p.used[h] {
			if p.n == 256 {
				return 0, false
			}
			p.used[h], p.keys[h], p.index[h] = true, c, uint8(p.n)
			p.colors[p.n] = c
			p.n++
			return p.index[h], true
		}
		if p.keys[h] == c {
			return p.index[h], true
		}
		h = (h + 1) & (paletteSlots - 1)
	}
}

// chunks returns the PLTE (RGB) and tRNS (alpha) chunks' data.
func (p *palette) chunks() (plte, trns []byte) {
	plte = make([]byte, 0, 3*p.n)
	trns = make([]byte, 0, p.n)
	for _, c := range p.colors[:p.n] {
		plte = append(plte, byte(c), byte(c>>8), byte(c>>16))
		trns = append(trns, byte(c>>24))
	}
	return plte, trns
}
