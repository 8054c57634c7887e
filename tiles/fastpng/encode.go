// Package fastpng is the tile encoder: a lean, lossless PNG writer for
// premultiplied RGBA images, the hot path of rendering (measured in
// docs/performance.md). It writes 8-bit RGBA (colour type 6),
// un-premultiplying exactly as image/png does, or with an exact palette
// when an image has at most 256 colours. It filters every row with the same
// filter instead of trying all five per row: None by default, because
// deflate finds the repeats of hatching, dashes and flat fills in raw
// pixels better than in their differences (measured on the campaign's
// tiles in docs/performance.md). It compresses with klauspost/compress's
// deflate and reuses its buffers. Its output decodes to the same pixels as
// image/png's encoding of the same image.
//
// A fully transparent image is not encoded: Encode reports it empty, and
// Empty gives the one canonical transparent PNG of each size, so that every
// empty tile has the same bytes whichever path found it empty.
package fastpng

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// unpremul[a][v] is the non-premultiplied 8-bit value of premultiplied
// value v at alpha a, computed exactly as image/png does.
var unpremul = func() *[256][256]uint8 {
	var t [256][256]uint8
	for a := 1; a < 256; a++ {
		const m = 0x101 * 0xffff
		a16 := uint32(a) * 0x101
		for v := 0; v < 256; v++ { // v > a only in invalid input; uint8 wraps as in image/png
			t[a][v] = uint8((uint32(v) * m / a16) >> 8)
		}
	}
	return &t
}()

// Filter is a PNG row filter, applied to every row.
type Filter uint8

// The filters EncodeWith can apply (PNG filter types 0 to 4, Average left
// out).
const (
	FilterNone  Filter = 0
	FilterSub   Filter = 1
	FilterUp    Filter = 2
	FilterPaeth Filter = 4
)

// Options are the encoder's settings: the row filter of RGBA images and
// the deflate level (1 fastest … 9 smallest). Palette images are always
// written unfiltered.
type Options struct {
	Filter Filter
	Level  int
}

// Default are the settings Encode uses, chosen by measurement on the
// campaign's tiles (docs/performance.md): unfiltered rows at deflate level 4.
var Default = Options{Filter: FilterNone, Level: 4}

type pngState struct {
	raw []byte            // rows: filter byte + 4·width bytes each
	cur []byte            // two unfiltered rows, for filters other than None
	idx []byte            // rows of palette indices: filter byte + width bytes each
	pal palette           // the image's colours, while there are at most 256
	out sliceWriter       // compressed data
	fw  [10]*flate.Writer // by level, made when first needed; reset per image
}

type sliceWriter struct{ b []byte }

// Write appends p.
func (s *sliceWriter) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

var pngStates = sync.Pool{New: func() any { return &pngState{} }}

// Encode writes img as PNG with the Default options. It reports empty when
// every pixel is transparent, in which case it writes nothing: callers
// answer those with Empty.
func Encode(w io.Writer, img *image.RGBA) (empty bool, err error) {
	return EncodeWith(w, img, Default)
}

// EncodeWith is Encode with other options: for measuring them. A level
// outside 1–9 is an error.
func EncodeWith(w io.Writer, img *image.RGBA, o Options) (empty bool, err error) {
	if o.Level < 1 || o.Level > 9 {
		return false, fmt.Errorf("fastpng: deflate level %d: want 1 to 9", o.Level)
	}
	switch o.Filter {
	case FilterNone, FilterSub, FilterUp, FilterPaeth:
	default:
		return false, fmt.Errorf("fastpng: filter %d: want None, Sub, Up or Paeth", o.Filter)
	}
	st := pngStates.Get().(*pngState)
	defer pngStates.Put(st)
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	stride := 4 * width
	need := (stride + 1) * height
	if cap(st.raw) < need {
		st.raw = make([]byte, need)
	}
	raw := st.raw[:need]
	if cap(st.idx) < (width+1)*height {
		st.idx = make([]byte, (width+1)*height)
	}
	idx := st.idx[:(width+1)*height]
	st.pal.reset()
	// While the image has at most 256 colours only palette indices are
	// written; the first row with a 257th colour turns to RGBA, rebuilding
	// the rows before it from their indices.
	paletted := true
	var any uint32
	// Adler-32 of the unfiltered data, summed by runs as rows are written.
	sumIdx, sumRaw := newAdler(), newAdler()
	for y := 0; y < height; y++ {
		src := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		src = src[:stride:stride]
		if paletted {
			row := idx[y*(width+1) : (y+1)*(width+1)]
			row[0] = 0 // filter None: indices have no order to predict
			sumIdx.repeat(0, 1, 1)
			var ok bool
			if ok, any = st.pal.indexRow(row[1:], src, any, &sumIdx); ok {
				continue
			}
			paletted = false
			for yy := 0; yy < y; yy++ {
				raw[yy*(stride+1)] = 0
				sumRaw.repeat(0, 1, 1)
				st.pal.expand(raw[yy*(stride+1)+1:(yy+1)*(stride+1)], idx[yy*(width+1)+1:(yy+1)*(width+1)], &sumRaw)
			}
		}
		raw[y*(stride+1)] = 0 // filter None; filterRows sets others
		sumRaw.repeat(0, 1, 1)
		any |= unpremultiplyRow(raw[y*(stride+1)+1:(y+1)*(stride+1)], src, &sumRaw)
	}
	if any>>24 == 0 {
		return true, nil
	}
	if !paletted && o.Filter != FilterNone {
		filterRows(st, raw, stride, o.Filter)
		sumRaw = newAdler()
		sumRaw.write(raw)
	}
	data, sum := raw, sumRaw
	if paletted {
		data, sum = idx, sumIdx
	}
	// A zlib stream (RFC 1950): header, deflate data, Adler-32.
	st.out.b = append(st.out.b[:0], 0x78, 0x9c)
	fw := st.fw[o.Level]
	if fw == nil {
		fw, _ = flate.NewWriter(&st.out, o.Level) // level checked above
		st.fw[o.Level] = fw
	} else {
		fw.Reset(&st.out)
	}
	if _, err := fw.Write(data); err != nil {
		return false, err
	}
	if err := fw.Close(); err != nil {
		return false, err
	}
	st.out.b = binary.BigEndian.AppendUint32(st.out.b, sum.sum())
	var hdr [13]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(width))
	binary.BigEndian.PutUint32(hdr[4:], uint32(height))
	hdr[8], hdr[9] = 8, 6 // 8-bit RGBA; compression, filter and interlace methods 0
	if paletted {
		hdr[9] = 3 // 8-bit palette indices
	}
	if _, err := w.Write(pngSignature); err != nil {
		return false, err
	}
	if err := writeChunk(w, "IHDR", hdr[:]); err != nil {
		return false, err
	}
	if paletted {
		plte, trns := st.pal.chunks()
		if err := writeChunk(w, "PLTE", plte); err != nil {
			return false, err
		}
		if err := writeChunk(w, "tRNS", trns); err != nil {
			return false, err
		}
	}
	if err := writeChunk(w, "IDAT", st.out.b); err != nil {
		return false, err
	}
	return false, writeChunk(w, "IEND", nil)
}

// unpremultiplyRow writes the non-premultiplied pixels of the premultiplied
// row src into dst, exactly as image/png computes them, adds them to sum,
// and returns the OR of the source pixels (alpha in the top byte). A run
// of one colour is converted and summed once.
func unpremultiplyRow(dst, src []byte, sum *adler) (any uint32) {
	n := len(src) / 4
	for i := 0; i < n; {
		s := binary.LittleEndian.Uint32(src[4*i:])
		j := runEnd(src, i, s)
		po := unpremultiply(s)
		any |= s
		if j == i+1 { // a lone pixel (an antialiased edge): no run to fill
			binary.LittleEndian.PutUint32(dst[4*i:], po)
			sum.pixel(po)
			i = j
			continue
		}
		if po == s { // opaque or all zero: the bytes are the same
			copy(dst[4*i:4*j], src[4*i:4*j])
		} else {
			fill32(dst[4*i:4*j], po)
		}
		sum.repeat(po, 4, j-i)
		i = j
	}
	return any
}

// runEnd returns the end of the run of pixels equal to s that starts at
// pixel i of the row src (4 bytes a pixel), comparing two pixels at a time.
func runEnd(src []byte, i int, s uint32) int {
	n := len(src) / 4
	j := i + 1
	two := uint64(s) | uint64(s)<<32
	for j+2 <= n && binary.LittleEndian.Uint64(src[4*j:]) == two {
		j += 2
	}
	if j < n && binary.LittleEndian.Uint32(src[4*j:]) == s {
		j++
	}
	return j
}

// fill32 fills dst with copies of the 4 bytes of v, lowest byte first.
func fill32(dst []byte, v uint32) {
	if len(dst) < 4 {
		return
	}
	binary.LittleEndian.PutUint32(dst, v)
	for k := 4; k < len(dst); k *= 2 {
		copy(dst[k:], dst[:k])
	}
}

// fill8 fills dst with b.
func fill8(dst []byte, b byte) {
	if len(dst) == 0 {
		return
	}
	dst[0] = b
	for k := 1; k < len(dst); k *= 2 {
		copy(dst[k:], dst[:k])
	}
}

// unpremultiply converts one premultiplied pixel (R in the low byte, A in
// the high one) as image/png does.
func unpremultiply(s uint32) uint32 {
	switch a := s >> 24; a {
	case 0:
		return 0
	case 0xff:
		return s
	default:
		t := &unpremul[a]
		return uint32(t[uint8(s)]) | uint32(t[uint8(s>>8)])<<8 | uint32(t[uint8(s>>16)])<<16 | a<<24
	}
}

// filterRows filters every unfiltered RGBA row of raw (a filter byte and
// stride bytes each) in place with f.
func filterRows(st *pngState, raw []byte, stride int, f Filter) {
	if cap(st.cur) < 2*stride {
		st.cur = make([]byte, 2*stride)
	}
	cur, prv := st.cur[:stride], st.cur[stride:2*stride]
	clear(prv)
	for y := 0; y < len(raw)/(stride+1); y++ {
		dst := raw[y*(stride+1) : (y+1)*(stride+1)]
		copy(cur, dst[1:])
		filterRow(dst, cur, prv, f)
		cur, prv = prv, cur
	}
}

// filterRow writes the filter byte and the filtered row cur (4 bytes a
// pixel) into dst; prv is the row above (zeros for the first row).
func filterRow(dst, cur, prv []byte, f Filter) {
	dst[0] = byte(f)
	dst = dst[1:]
	switch f {
	case FilterNone:
		copy(dst, cur)
	case FilterSub: // each byte minus the byte 4 to its left
		copy(dst[:4], cur[:4])
		for i := 4; i < len(cur); i++ {
			dst[i] = cur[i] - cur[i-4]
		}
	case FilterUp:
		for i := range cur {
			dst[i] = cur[i] - prv[i]
		}
	case FilterPaeth:
		for i := range cur {
			var a, c int
			if i >= 4 {
				a, c = int(cur[i-4]), int(prv[i-4])
			}
			b := int(prv[i])
			pa, pb, pc := abs(b-c), abs(a-c), abs(a+b-2*c)
			switch {
			case pa <= pb && pa <= pc:
				dst[i] = cur[i] - byte(a)
			case pb <= pc:
				dst[i] = cur[i] - byte(b)
			default:
				dst[i] = cur[i] - byte(c)
			}
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func writeChunk(w io.Writer, typ string, data []byte) error {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	for _, p := range [][]byte{head[:], data, tail[:]} {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}
