package paint

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// TextLine is one line of a label, positioned by its baseline's left end.
type TextLine struct {
	Text  string
	Style fonts.Style
	Size  float64
	X, Y  float64
}

// Label is a placed label: its lines, ink colour, halo radius and the box
// it keeps clear (text, halo and a pixel of clearance).
type Label struct {
	Lines []TextLine
	Color color.NRGBA
	Halo  float64
	Box   orb.Bound
}

// drawLabel draws a label's lines with a halo. Each line is rasterized once
// into an alpha mask at its subpixel position; the halo is that mask
// dilated by the halo's radius (a max filter over a disc, soft at its rim),
// drawn first. Both are composited with image/draw's glyph fast path.
func drawLabel(dst *image.RGBA, fs *fonts.Set, faces map[faceKey]font.Face, l *Label) {
	for _, tl := range l.Lines {
		k := faceKey{tl.Style, tl.Size}
		face, ok := faces[k]
		if !ok {
			face = fs.Face(tl.Style, tl.Size)
			faces[k] = face
		}
		if face == nil {
			continue // a CJK line with no CJK font
		}
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(tl.X * 64)), Y: fixed.Int26_6(math.Round(tl.Y * 64))}
		b, _ := font.BoundString(face, tl.Text)
		r := int(math.Ceil(l.Halo)) + 1
		rect := image.Rect((dot.X+b.Min.X).Floor()-r, (dot.Y+b.Min.Y).Floor()-r, (dot.X+b.Max.X).Ceil()+r, (dot.Y+b.Max.Y).Ceil()+r)
		if !rect.Overlaps(dst.Rect) {
			continue
		}
		mask := image.NewAlpha(rect)
		(&font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: dot}).DrawString(tl.Text)
		over(dst, rect, Halo, dilate(mask, l.Halo), rect.Min)
		over(dst, rect, l.Color, mask, rect.Min)
	}
}

// dilate returns mask grown by radius pixels: each pixel takes the largest
// value within the disc around it, weighted down over the disc's last
// half pixel so that the halo's edge stays antialiased.
func dilate(mask *image.Alpha, radius float64) *image.Alpha {
	type offset struct {
		dx, dy int
		w      float64
	}
	var offs []offset
	n := int(math.Ceil(radius + 0.5))
	for dy := -n; dy <= n; dy++ {
		for dx := -n; dx <= n; dx++ {
			w := math.Min(math.Max(radius+0.5-math.Hypot(float64(dx), float64(dy)), 0), 1)
			if w > 0 {
				offs = append(offs, offset{dx, dy, w})
			}
		}
	}
	out := image.NewAlpha(mask.Rect)
	b := mask.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			best := 0.0
			for _, o := range offs {
				sx, sy := x+o.dx, y+o.dy
				if sx < b.Min.X || sy < b.Min.Y || sx >= b.Max.X || sy >= b.Max.Y {
					continue
				}
				if v := float64(mask.Pix[mask.PixOffset(sx, sy)]) * o.w; v > best {
					best = v
				}
			}
			out.Pix[out.PixOffset(x, y)] = uint8(best + 0.5)
		}
	}
	return out
}

// faceKey names a face of one draw call's cache.
type faceKey struct {
	style fonts.Style
	size  float64
}
