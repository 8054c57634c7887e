package tiles

import (
	"image"
	"image/png"
	"io"
	"sync"
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

// EncodePNG writes any image as PNG with image/png at BestSpeed, reusing its
// buffers: static images, legend swatches. Tiles go through fastpng.
func EncodePNG(w io.Writer, img image.Image) error { return encoder.Encode(w, img) }
