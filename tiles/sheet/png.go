package sheet

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
)

// WritePNG writes the whole sheet as one PNG at its resolution. The sheet
// is drawn and encoded band by band, top to bottom, so memory holds one
// band of pixels, not the sheet: an A4 sheet at 300 dpi is 3508×2480
// pixels. The output is deterministic.
func (s *Sheet) WritePNG(ctx context.Context, w io.Writer) error {
	W, H := s.Request.Pixels()
	img := &bandImage{s: s, ctx: ctx, w: W, h: H, rows: s.stripRows(W), at: -1}
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(w, img); err != nil {
		return err
	}
	return img.err
}

// stripRows is the height of a strip or band of the given width.
func (s *Sheet) stripRows(width int) int { return max(16, s.stripPixels/max(width, 1)) }

// band draws rows y0 to y0+h of the raster sheet: white paper, the part of
// the map those rows cross, and the furniture. Like a map strip, it is
// drawn with stripPad rows more on each side; the result's bounds are rows
// y0 to y0+h.
func (s *Sheet) band(ctx context.Context, y0, h int) (*image.RGBA, error) {
	W, H := s.Request.Pixels()
	top, bottom := min(stripPad, y0), min(stripPad, H-y0-h)
	y0, h = y0-top, h+top+bottom
	img := image.NewRGBA(image.Rect(0, 0, W, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	m := s.Layout.Map
	mx, my := int(math.Round(m.X*s.k)), int(math.Round(m.Y*s.k))
	from, to := max(y0, my), min(y0+h, my+s.Frame.Height)
	if from < to {
		strip, err := s.mapStrip(ctx, from-my, to-from)
		if err != nil {
			return nil, err
		}
		draw.Draw(img, image.Rect(mx, from-y0, mx+s.Frame.Width, to-y0), strip, strip.Bounds().Min, draw.Src)
	}
	s.furniture(newRasterCanvas(img, s.r.Fonts(), s.k, y0))
	return img.SubImage(image.Rect(0, top, W, h-bottom)).(*image.RGBA), nil
}

// bandImage is the raster sheet as an image.Image that png.Encoder reads
// row by row: it draws a band when the encoder reaches it and keeps only
// that band. A drawing error (a cancelled context) is kept in err and the
// rest of the image reads as white.
type bandImage struct {
	s          *Sheet
	ctx        context.Context
	w, h, rows int
	at         int // first row of the current band, -1 before the first
	cur        *image.RGBA
	err        error
}

// ColorModel is RGBA.
func (b *bandImage) ColorModel() color.Model { return color.RGBAModel }

// Bounds is the whole sheet.
func (b *bandImage) Bounds() image.Rectangle { return image.Rect(0, 0, b.w, b.h) }

// Opaque tells png.Encoder the sheet is opaque, so it writes RGB without
// reading every pixel first.
func (b *bandImage) Opaque() bool { return true }

// At returns a pixel, drawing the band of rows that holds it when needed.
func (b *bandImage) At(x, y int) color.Color {
	if b.err != nil || y < 0 || y >= b.h || x < 0 || x >= b.w {
		return white
	}
	if b.cur == nil || y < b.at || y >= b.at+b.rows {
		b.at = y - y%b.rows
		b.cur = nil // let the old band go before drawing the next
		if err := b.ctx.Err(); err != nil {
			b.err = err
			return white
		}
		img, err := b.s.band(b.ctx, b.at, min(b.rows, b.h-b.at))
		if err != nil {
			b.err = err
			return white
		}
		b.cur = img
	}
	return b.cur.RGBAAt(x, y-b.at+b.cur.Rect.Min.Y)
}
