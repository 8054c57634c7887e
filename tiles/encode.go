package tiles

import (
	"bytes"
	"image"
	"image/png"
	"io"
	"sync"

	"github.com/xiang-maps/xiang/geo"
)

// pngBuffers lets the PNG encoder reuse its buffers across tiles.
type pngBuffers struct{ pool sync.Pool }

// Get returns a pooled encoder buffer, or nil.
func (b *pngBuffers) Get() *png.EncoderBuffer {
	v, _ := b.pool.Get().(*png.EncoderBuffer)
	return v
}

// Put returns an encoder buffer to the pool.
func (b *pngBuffers) Put(e *png.EncoderBuffer) { b.pool.Put(e) }

var encoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

// EncodePNG writes img as PNG, with the fast settings used for tiles.
func EncodePNG(w io.Writer, img image.Image) error { return encoder.Encode(w, img) }

// transparent reports whether every pixel of img has alpha 0.
func transparent(img *image.RGBA) bool {
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, y):img.PixOffset(img.Rect.Max.X, y)]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0 {
				return false
			}
		}
	}
	return true
}

// emptyPNGs caches the encoded transparent image of each size.
type emptyPNGs struct{ m sync.Map }

func (e *emptyPNGs) get(w, h int) []byte {
	key := [2]int{w, h}
	if b, ok := e.m.Load(key); ok {
		return b.([]byte)
	}
	var buf bytes.Buffer
	// NRGBA zero pixels are transparent; BestCompression keeps the shared tile tiny.
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	if w != h || (w != geo.TileSize && w != 2*geo.TileSize) {
		return buf.Bytes() // only tile sizes are kept: the set stays small
	}
	b, _ := e.m.LoadOrStore(key, buf.Bytes())
	return b.([]byte)
}
