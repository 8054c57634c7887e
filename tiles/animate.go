package tiles

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// MaxFrames bounds the number of frames of an animation.
const MaxFrames = 240

// MaxAnimationPixels bounds width × height × frames of an animation.
const MaxAnimationPixels = 120_000_000

// AnimationOptions configure Animate.
type AnimationOptions struct {
	ImageOptions
	// Delay is how long each frame shows (default 500 ms, at least 20 ms).
	Delay time.Duration
	// Progress, when set, is called after each frame with the number of
	// frames drawn and the total.
	Progress func(done, total int)
	// Plain leaves out the furniture every frame otherwise has: the title
	// (by default the selection's, for the frame's day), a scale bar and a
	// legend of what the frame shows. The date caption and attribution
	// stay.
	Plain bool
}

// Animate writes an animated GIF of the frame on each of days, the date as
// each frame's caption, with a title, scale bar and legend unless Plain. A
// frame whose map is unchanged from the frame before (the same plan key)
// reuses its drawing. All frames share one palette, built from the
// campaign's colours over the background, so colours do not shift from
// frame to frame; pixels map to their nearest palette colour without
// dithering, so unchanged areas stay identical between frames.
func (r *Renderer) Animate(ctx context.Context, w io.Writer, sel overlays.Selection, days []geo.Day, f geo.Frame, opt AnimationOptions) error {
	if len(days) == 0 {
		return errors.New("animation has no frames")
	}
	if len(days) > MaxFrames || len(days)*f.Width*f.Height > MaxAnimationPixels {
		return fmt.Errorf("%d frames of %dx%d: %w (at most %d frames and %d pixels in all)",
			len(days), f.Width, f.Height, geo.ErrTooManyFrames, MaxFrames, MaxAnimationPixels)
	}
	delay := opt.Delay
	if delay == 0 {
		delay = 500 * time.Millisecond
	}
	bg := opt.Background
	if bg.A == 0 {
		bg = Paper // GIF has one-bit transparency: animations get a background
	}
	opt.Background = bg
	pal := newPalette(bg)
	anim := &gif.GIF{LoopCount: 0}
	var mc mapCache
	for _, d := range days {
		if err := ctx.Err(); err != nil {
			return err
		}
		fo := opt.ImageOptions
		if fo.Caption == "" {
			fo.Caption = d.Long()
		}
		fo.Furniture = !opt.Plain
		img, _, _, err := r.image(ctx, sel, d, f, fo, &mc)
		if err != nil {
			return err
		}
		anim.Image = append(anim.Image, pal.quantize(img))
		anim.Delay = append(anim.Delay, max(int(delay/(10*time.Millisecond)), 2))
		if opt.Progress != nil {
			opt.Progress(len(anim.Image), len(days))
		}
	}
	return gif.EncodeAll(w, anim)
}

// palette is a fixed GIF palette with a cache of nearest-colour lookups.
type palette struct {
	colors color.Palette
	cache  map[uint32]uint8
}

// newPalette builds the palette: each of the campaign's base colours, and
// white, blended over the background at 16 levels of opacity.
func newPalette(bg color.NRGBA) *palette {
	base := []color.NRGBA{
		overlays.ColorJapan, overlays.ColorChina, overlays.ColorUSA, overlays.ColorNeutral,
		overlays.ColorWater, overlays.ColorRail, paint.Ink, {0xff, 0xff, 0xff, 0xff},
		{0xa9, 0xcb, 0xe8, 0xff}, paint.Tint(overlays.ColorJapan, 0.22), paint.Tint(overlays.ColorChina, 0.22),
		paint.Tint(overlays.ColorUSA, 0.22), {0x00, 0x00, 0x00, 0xff},
	}
	p := &palette{cache: map[uint32]uint8{}}
	seen := map[color.RGBA]bool{}
	add := func(c color.RGBA) {
		if !seen[c] && len(p.colors) < 256 {
			seen[c] = true
			p.colors = append(p.colors, c)
		}
	}
	add(color.RGBA{bg.R, bg.G, bg.B, 0xff})
	for _, c := range base {
		for k := 15; k >= 1; k-- {
			a := float64(k) / 15
			mix := func(v, b uint8) uint8 { return uint8(float64(v)*a + float64(b)*(1-a) + 0.5) }
			add(color.RGBA{mix(c.R, bg.R), mix(c.G, bg.G), mix(c.B, bg.B), 0xff})
		}
	}
	return p
}

func (p *palette) quantize(img *image.RGBA) *image.Paletted {
	out := image.NewPaletted(img.Bounds(), p.colors)
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			i := img.PixOffset(x, y)
			s := img.Pix[i : i+4 : i+4]
			k := uint32(s[0])<<16 | uint32(s[1])<<8 | uint32(s[2])
			idx, ok := p.cache[k]
			if !ok {
				idx = uint8(p.colors.Index(color.RGBA{s[0], s[1], s[2], 0xff}))
				p.cache[k] = idx
			}
			out.Pix[out.PixOffset(x, y)] = idx
		}
	}
	return out
}
