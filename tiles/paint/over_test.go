package paint

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/image/font"

	"github.com/xiang-maps/xiang/tiles/fonts"
)

// TestOver: over gives draw.DrawMask's pixels exactly, for translucent
// and opaque colours, masks of runs and noise, and rectangles partly
// outside the image or the mask.
func TestOver(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 12))
	randomRGBA := func(w, h int) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := 0; i < len(img.Pix); i += 4 {
			if rnd.IntN(3) == 0 {
				continue // transparent
			}
			a := uint8(rnd.IntN(256))
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(rnd.IntN(int(a)+1)), uint8(rnd.IntN(int(a)+1)), uint8(rnd.IntN(int(a)+1)), a
		}
		return img
	}
	mask := func(r image.Rectangle, noise bool) *image.Alpha {
		a := image.NewAlpha(r)
		v := uint8(0)
		for i := range a.Pix {
			if noise || i%23 == 0 {
				v = []uint8{0, 0, 0xff, uint8(rnd.IntN(256))}[rnd.IntN(4)]
			}
			a.Pix[i] = v
		}
		return a
	}
	for _, tc := range []struct {
		name  string
		c     color.NRGBA
		r     image.Rectangle
		mr    image.Rectangle
		mp    image.Point
		noise bool
	}{
		{"translucent runs", color.NRGBA{200, 30, 40, 90}, image.Rect(0, 0, 64, 64), image.Rect(0, 0, 66, 64), image.Point{2, 0}, false},
		{"opaque noise", color.NRGBA{10, 20, 250, 255}, image.Rect(3, 5, 60, 40), image.Rect(0, 0, 80, 80), image.Point{1, 2}, true},
		{"outside the image", color.NRGBA{255, 255, 255, 230}, image.Rect(-10, 50, 30, 80), image.Rect(-10, 50, 30, 80), image.Point{-10, 50}, false},
		{"mask smaller than r", color.NRGBA{0, 0, 0, 128}, image.Rect(0, 0, 64, 64), image.Rect(5, 5, 20, 30), image.Point{0, 0}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := randomRGBA(64, 64)
			got := image.NewRGBA(want.Rect)
			copy(got.Pix, want.Pix)
			mk := mask(tc.mr, tc.noise)
			draw.DrawMask(want, tc.r, image.NewUniform(tc.c), image.Point{}, mk, tc.mp, draw.Over)
			over(got, tc.r, tc.c, mk, tc.mp)
			if !bytes.Equal(got.Pix, want.Pix) {
				for i := range got.Pix {
					if got.Pix[i] != want.Pix[i] {
						t.Fatalf("byte %d (pixel %d,%d): %d, draw.DrawMask %d", i, i/4%64, i/4/64, got.Pix[i], want.Pix[i])
					}
				}
			}
		})
	}
}

// TestLabelMasksShift: a label drawn a whole number of pixels further is
// the same picture shifted, whether its masks were just made or taken from
// the cache (the second and third draws are).
func TestLabelMasksShift(t *testing.T) {
	fs := fonts.Default()
	draw1 := func(x, y float64) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, 96, 48))
		l := &Label{Lines: []TextLine{{Text: "Hengyang", Style: fonts.Regular, Size: 12, X: x, Y: y}}, Color: color.NRGBA{0x20, 0x20, 0x20, 0xff}, Halo: 1.5}
		drawLabel(img, fs, map[faceKey]font.Face{}, l)
		return img
	}
	a := draw1(10.3, 20.7)
	for _, d := range []image.Point{{0, 0}, {7, 5}} {
		b := draw1(10.3+float64(d.X), 20.7+float64(d.Y))
		inked := 0
		for y := 0; y+d.Y < 48; y++ {
			for x := 0; x+d.X < 96; x++ {
				pa, pb := a.RGBAAt(x, y), b.RGBAAt(x+d.X, y+d.Y)
				if pa != pb {
					t.Fatalf("shift %v: pixel %d,%d is %v, unshifted %v", d, x+d.X, y+d.Y, pb, pa)
				}
				if pa.A != 0 {
					inked++
				}
			}
		}
		if inked < 50 {
			t.Fatalf("shift %v: only %d inked pixels: the label was not drawn", d, inked)
		}
	}
}

// dilateGather is dilate as it was written first: every pixel gathers the
// largest weighted value over the disc around it.
func dilateGather(mask *image.Alpha, radius float64) *image.Alpha {
	type offset struct {
		dx, dy int
		w      float64
	}
	var offs []offset
	n := int(math.Ceil(radius + 0.5))
	for dy := -n; dy <= n; dy++ {
		for dx := -n; dx <= n; dx++ {
			if w := math.Min(math.Max(radius+0.5-math.Hypot(float64(dx), float64(dy)), 0), 1); w > 0 {
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

// TestDilate: spreading from inked pixels gives the gathered maxima
// exactly, at several radii, on masks away from the origin.
func TestDilate(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 9))
	for _, radius := range []float64{0.5, 1, 1.5, 2.25, 3} {
		m := image.NewAlpha(image.Rect(-7, 13, 40, 31))
		for i := range m.Pix {
			if rnd.IntN(4) == 0 {
				m.Pix[i] = uint8(rnd.IntN(256))
			}
		}
		if got, want := dilate(m, radius), dilateGather(m, radius); got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("radius %v: spread and gathered halos differ", radius)
		}
	}
}
