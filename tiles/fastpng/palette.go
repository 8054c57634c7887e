package fastpng

// A tile drawn in a few flat colours — most tiles — has at most 256
// distinct non-premultiplied colours even with antialiasing. Such a tile is
// written with a palette (colour type 3): one byte a pixel instead of four,
// which deflate compresses faster and smaller. It is still lossless: the
// palette holds the exact colours. A tile with more colours is written as
// RGBA.

// paletteSlots is the size of the open-addressing table of colours: a
// power of two well above 256, so that probes stay short.
const paletteSlots = 1024

// palette collects an image's distinct colours, as RGBA packed in uint32.
type palette struct {
	keys   [paletteSlots]uint32
	index  [paletteSlots]uint8
	used   [paletteSlots]bool
	colors [256]uint32
	n      int
	last   uint32 // the colour of the previous pixel, and its index
	lastI  uint8
	hasLst bool
}

func (p *palette) reset() {
	if p.n > 0 || p.hasLst {
		p.used = [paletteSlots]bool{}
	}
	p.n, p.hasLst = 0, false
}

// indexRow writes the palette index of every pixel of the non-premultiplied
// RGBA row into dst, adding colours as they come; it reports false when the
// image has more than 256 colours.
func (p *palette) indexRow(dst, row []byte) bool {
	for i, j := 0, 0; i < len(row); i, j = i+4, j+1 {
		c := uint32(row[i])<<24 | uint32(row[i+1])<<16 | uint32(row[i+2])<<8 | uint32(row[i+3])
		if p.hasLst && c == p.last { // runs of one colour are the common case
			dst[j] = p.lastI
			continue
		}
		k, ok := p.lookup(c)
		if !ok {
			return false
		}
		dst[j] = k
		p.last, p.lastI, p.hasLst = c, k, true
	}
	return true
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
		plte = append(plte, byte(c>>24), byte(c>>16), byte(c>>8))
		trns = append(trns, byte(c))
	}
	return plte, trns
}
