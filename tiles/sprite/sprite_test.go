package sprite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/paint"
)

func campaign(t testing.TB) overlays.Selection {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	return overlays.Selection(c.Layers)
}

// decode reads a sheet's PNG and JSON back.
func decode(t *testing.T, sh *Sheet) (*image.NRGBA, map[string]Icon) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(sh.PNG))
	if err != nil {
		t.Fatal(err)
	}
	n := image.NewNRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			n.Set(x, y, img.At(x, y))
		}
	}
	var icons map[string]Icon
	if err := json.Unmarshal(sh.JSON, &icons); err != nil {
		t.Fatal(err)
	}
	return n, icons
}

// TestIconsHoldTheirSymbols draws every symbol alone and compares it with
// its box in the decoded PNG, pixel for pixel, at both pixel ratios.
func TestIconsHoldTheirSymbols(t *testing.T) {
	sel := campaign(t)
	for _, ratio := range []int{1, 2} {
		t.Run(fmt.Sprintf("@%dx", ratio), func(t *testing.T) {
			sh, err := Build(sel, ratio)
			if err != nil {
				t.Fatal(err)
			}
			img, icons := decode(t, sh)
			syms := Symbols(sel, ratio)
			if len(syms) < 5 {
				t.Fatalf("%d symbols in the campaign, want more", len(syms))
			}
			for _, s := range syms {
				ic, ok := icons[s.Name()]
				if !ok {
					t.Errorf("%s: not in the sprite", s.Name())
					continue
				}
				if ic.PixelRatio != ratio {
					t.Errorf("%s: pixelRatio %d, want %d", s.Name(), ic.PixelRatio, ratio)
				}
				w, h, at := SymbolBox(s)
				if ic.Width != w || ic.Height != h {
					t.Errorf("%s: %dx%d, want %dx%d", s.Name(), ic.Width, ic.Height, w, h)
					continue
				}
				alone := image.NewRGBA(image.Rect(0, 0, w, h))
				paint.Draw(alone, nil, []paint.Prim{{Op: paint.OpSymbol, Geom: at, Sym: s}})
				ink, diff := 0, 0
				for y := range h {
					for x := range w {
						want := image.NewNRGBA(image.Rect(0, 0, 1, 1))
						want.Set(0, 0, alone.At(x, y))
						got := img.NRGBAAt(ic.X+x, ic.Y+y)
						if got.A > 0 {
							ink++
						}
						if d := int(got.A) - int(want.Pix[3]); d > 1 || d < -1 {
							diff++
						}
					}
				}
				if ink == 0 || diff > 0 {
					t.Errorf("%s: %d inked pixels, %d differ from the symbol drawn alone", s.Name(), ink, diff)
				}
				// The ink stays inside the icon: the symbol's box, around
				// its point, fits.
				b := s.Box()
				if at[0]+b.Min[0] < 0 || at[1]+b.Min[1] < 0 || at[0]+b.Max[0] > float64(w) || at[1]+b.Max[1] > float64(h) {
					t.Errorf("%s: box %v around %v spills out of %dx%d", s.Name(), b, at, w, h)
				}
			}
		})
	}
}

// TestRatioTwice checks that every @2x icon is twice the size of its @1x
// icon, up to the rounding of each half to whole pixels.
func TestRatioTwice(t *testing.T) {
	sel := campaign(t)
	one, err := Build(sel, 1)
	if err != nil {
		t.Fatal(err)
	}
	two, err := Build(sel, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Icons) != len(two.Icons) {
		t.Fatalf("%d icons @1x, %d @2x", len(one.Icons), len(two.Icons))
	}
	for name, a := range one.Icons {
		b, ok := two.Icons[name]
		if !ok {
			t.Errorf("%s: missing @2x", name)
			continue
		}
		if dw, dh := b.Width-2*a.Width, b.Height-2*a.Height; dw < -2 || dw > 2 || dh < -2 || dh > 2 {
			t.Errorf("%s: %dx%d @1x, %dx%d @2x", name, a.Width, a.Height, b.Width, b.Height)
		}
	}
}

// TestNames checks that every point feature's symbol name and every
// movement's arrowhead name, as the vector tiles give them, is an icon.
func TestNames(t *testing.T) {
	sel := campaign(t)
	sh, err := Build(sel, 1)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[overlays.Kind]int{}
	for _, l := range sel {
		for _, f := range l.Features {
			var name string
			switch f.Kind {
			case overlays.KindPlace, overlays.KindUnit, overlays.KindArtillery, overlays.KindAirfield, overlays.KindEvent:
				// Any zoom scale and ratio gives the same name.
				name = paint.FeatureSymbol(f, 0.55, 1).Name()
			case overlays.KindMovement:
				name = ArrowName(f.Style.Stroke)
				if f.Failed() {
					if _, ok := sh.Icons[BarName(f.Style.Stroke)]; !ok {
						t.Errorf("%s: no bar %s", f, BarName(f.Style.Stroke))
					}
				}
				if f.Hollow() {
					if _, ok := sh.Icons[HollowArrowName(f.Style.Stroke)]; !ok {
						t.Errorf("%s: no hollow arrowhead %s", f, HollowArrowName(f.Style.Stroke))
					}
				}
			default:
				continue
			}
			kinds[f.Kind]++
			if _, ok := sh.Icons[name]; !ok {
				t.Errorf("%s: no icon %s", f, name)
			}
		}
	}
	for _, k := range []overlays.Kind{overlays.KindPlace, overlays.KindUnit, overlays.KindMovement} {
		if kinds[k] == 0 {
			t.Errorf("no %s features checked", k)
		}
	}
}

// TestArrowPointsNorth checks that an arrowhead's ink is widest at its
// bottom and meets the top centre: it points up, its tip at the anchor.
func TestArrowPointsNorth(t *testing.T) {
	c := overlays.ColorJapan
	ic := arrowIcon(c, false, 1)
	img := image.NewRGBA(image.Rect(0, 0, ic.w, ic.h))
	ic.draw(img, orb.Point{ic.ax, ic.ay})
	width := func(y int) int {
		n := 0
		for x := range ic.w {
			if img.RGBAAt(x, y).A > 128 {
				n++
			}
		}
		return n
	}
	top, bottom := width(3), width(ic.h-3)
	if !(top < bottom) || bottom < ic.w/2 {
		t.Errorf("ink %d px wide near the top, %d near the bottom of %dx%d: not pointing north", top, bottom, ic.w, ic.h)
	}
	if got := img.RGBAAt(ic.w/2, ic.h*2/3); got != (color.RGBA{c.R, c.G, c.B, c.A}) {
		t.Errorf("head colour %v, want the Japanese red", got)
	}
}

// TestBarAcrossTip checks the bar of a failed attack: ink in a band wider
// than tall, centred across the icon, ending above its bottom (the tip).
func TestBarAcrossTip(t *testing.T) {
	c := overlays.ColorChina
	for _, ratio := range []int{1, 2} {
		ic := barIcon(c, ratio)
		img := image.NewRGBA(image.Rect(0, 0, ic.w, ic.h))
		ic.draw(img, orb.Point{ic.ax, ic.ay})
		minX, maxX, minY, maxY := ic.w, -1, ic.h, -1
		for y := range ic.h {
			for x := range ic.w {
				if img.RGBAAt(x, y).A > 128 {
					minX, maxX, minY, maxY = min(minX, x), max(maxX, x), min(minY, y), max(maxY, y)
				}
			}
		}
		if maxX < 0 {
			t.Fatalf("@%dx: no ink", ratio)
		}
		w, h := maxX-minX+1, maxY-minY+1
		if w < 4*h || w < ic.w*3/4 || maxY >= ic.h-ratio || absInt((minX+maxX+1)-ic.w) > ratio {
			t.Errorf("@%dx: ink %d..%d × %d..%d in %d×%d: not a centred bar above the tip", ratio, minX, maxX, minY, maxY, ic.w, ic.h)
		}
		if got := img.RGBAAt((minX+maxX)/2, (minY+maxY)/2); got != (color.RGBA{c.R, c.G, c.B, c.A}) {
			t.Errorf("@%dx: bar colour %v, want the Chinese blue", ratio, got)
		}
	}
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func TestEmptySelection(t *testing.T) {
	sh, err := Build(nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if string(sh.JSON) != "{}" {
		t.Errorf("JSON %s, want {}", sh.JSON)
	}
	if _, err := png.Decode(bytes.NewReader(sh.PNG)); err != nil {
		t.Errorf("PNG: %v", err)
	}
	if _, err := Build(nil, 3); err == nil {
		t.Error("ratio 3 accepted")
	}
}

func BenchmarkBuild(b *testing.B) {
	sel := campaign(b)
	for b.Loop() {
		if _, err := Build(sel, 2); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleArrowName() {
	fmt.Println(ArrowName(overlays.ColorJapan))
	fmt.Println(HollowArrowName(overlays.ColorChina))
	// Output:
	// arrow-c8102eff
	// arrow-hollow-1f4e9cff
}
