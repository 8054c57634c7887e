package tiles

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"

	"github.com/fogleman/gg"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// MaxImageSide bounds the width and height of a static image in pixels,
// including its scale.
const MaxImageSide = 2048

// Paper is the default background of static images: a light warm grey that
// the context layer's water and the side colours read well on.
var Paper = color.NRGBA{0xf4, 0xf1, 0xe8, 0xff}

// ImageOptions is what a static image adds to the map. The zero value draws
// the map alone on a transparent background.
type ImageOptions struct {
	Background  color.NRGBA // drawn first when its alpha is not 0
	Caption     string      // e.g. the date, top left
	Attribution string      // bottom right
}

// Image draws a frame of the selected layers on day d with the options'
// background and text.
func (r *Renderer) Image(ctx context.Context, sel overlays.Selection, d geo.Day, f geo.Frame, opt ImageOptions) (*image.RGBA, error) {
	if f.Width > MaxImageSide || f.Height > MaxImageSide {
		return nil, fmt.Errorf("image %dx%d: larger than %d pixels a side", f.Width, f.Height, MaxImageSide)
	}
	p, err := r.Plan(ctx, sel, d, f)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	dc := gg.NewContextForRGBA(img)
	if opt.Background.A > 0 {
		dc.SetColor(opt.Background)
		dc.Clear()
	}
	p.DrawOn(img, r.fonts)
	r.furniture(dc, f, opt)
	return img, nil
}

// furniture draws the caption and the attribution on boxes of their own.
func (r *Renderer) furniture(dc *gg.Context, f geo.Frame, opt ImageOptions) {
	s := f.Scale
	box := func(text string, size float64, style fonts.Style, right bool) {
		if text == "" {
			return
		}
		face := r.fonts.Face(style, size*s)
		dc.SetFontFace(face)
		w := r.fonts.Width(style, size*s, text)
		h := size * s * 1.2
		pad := 4 * s
		x, y := 6*s, 6*s
		if right {
			x, y = float64(f.Width)-w-2*pad-2*s, float64(f.Height)-h-2*pad-2*s
		}
		dc.DrawRectangle(x, y, w+2*pad, h+pad)
		dc.SetColor(color.NRGBA{0xff, 0xff, 0xff, 0xd0})
		dc.Fill()
		dc.SetColor(paint.Ink)
		dc.DrawString(text, x+pad, y+pad/2+size*s*0.95)
	}
	box(opt.Caption, 15, fonts.Bold, false)
	box(opt.Attribution, 9, fonts.Regular, true)
}

// Static draws an image like Image and writes it as PNG.
func (r *Renderer) Static(ctx context.Context, w io.Writer, sel overlays.Selection, d geo.Day, f geo.Frame, opt ImageOptions) error {
	img, err := r.Image(ctx, sel, d, f, opt)
	if err != nil {
		return err
	}
	return EncodePNG(w, img)
}
