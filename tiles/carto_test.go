package tiles

import (
	"context"
	"image"
	"image/color"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// labelPrim finds the label whose first line reads text.
func labelPrim(p *Plan, text string) *paint.Label {
	for _, pr := range p.prims {
		if pr.Op == paint.OpText && pr.Label.Lines[0].Text == text {
			return pr.Label
		}
	}
	return nil
}

// inkIn counts the pixels in r close to c, and the nearly white opaque ones.
func inkIn(img *image.RGBA, r image.Rectangle, c color.NRGBA) (ink, white int) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			px := img.RGBAAt(x, y)
			switch {
			case near(px, c, 40):
				ink++
			case px.A > 0xc0 && px.R >= px.A-8 && px.G >= px.A-8 && px.B >= px.A-8: // white, premultiplied
				white++
			}
		}
	}
	return ink, white
}

func boxRect(b orb.Bound) image.Rectangle {
	return image.Rect(int(b.Min[0]), int(b.Min[1]), int(b.Max[0])+1, int(b.Max[1])+1)
}

func TestLabelHalo(t *testing.T) {
	r, sel := testRenderer(t)
	changsha := orb.Point{112.967, 28.2}
	f := geo.CenterFrame(changsha, 9, 1, 256, 256)
	p, _ := r.Plan(context.Background(), sel, day(t, "1944-07-01"), f)
	l := labelPrim(p, "Changsha")
	if l == nil {
		t.Fatal("no Changsha label at zoom 9")
	}
	img := p.Draw(r.fonts)
	testkit.Save(t, "label.png", img)
	ink, white := inkIn(img, boxRect(l.Box), paint.Ink)
	if ink < 20 || white < 20 {
		t.Errorf("label box %v: %d ink pixels, %d halo pixels; want both", l.Box, ink, white)
	}
	// Without labels (zoom 4, below the city's label zoom) the same box is empty.
	if labelPrim(mustPlan(t, r, sel, "1944-07-01", geo.CenterFrame(changsha, 4, 1, 256, 256)), "Changsha") != nil {
		t.Error("Changsha labelled at zoom 4")
	}
}

func mustPlan(t *testing.T, r *Renderer, sel overlays.Selection, ds string, f geo.Frame) *Plan {
	t.Helper()
	p, err := r.Plan(context.Background(), sel, day(t, ds), f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCJKLabel(t *testing.T) {
	path, ok := fonts.Default().HasCJK()
	testkit.Require(t, ok, "a CJK font (Debian package fonts-noto-cjk)")
	t.Logf("CJK font: %s", path)
	r, sel := testRenderer(t)
	changsha := orb.Point{112.967, 28.2}
	f := geo.CenterFrame(changsha, 9, 1, 256, 256)
	p := mustPlan(t, r, sel, "1944-07-01", f)
	l := labelPrim(p, "Changsha")
	if l == nil || len(l.Lines) != 2 || l.Lines[1].Text != "长沙" {
		t.Fatalf("Changsha label lines: %+v", l)
	}
	img := p.Draw(r.fonts)
	testkit.Save(t, "cjk.png", img)
	zh := l.Lines[1]
	w := r.fonts.Width(fonts.CJK, zh.Size, zh.Text)
	area := image.Rect(int(zh.X), int(zh.Y-zh.Size), int(zh.X+w)+1, int(zh.Y)+2)
	ink, _ := inkIn(img, area, paint.Ink)
	if ink < 15 {
		t.Errorf("Chinese line %v has %d ink pixels", area, ink)
	}
	// The same plan with the Chinese line taken out leaves that area without ink.
	bare := &Plan{Frame: p.Frame}
	for _, pr := range p.prims {
		if pr.Label == l {
			one := *l
			one.Lines = l.Lines[:1]
			pr.Label = &one
		}
		bare.prims = append(bare.prims, pr)
	}
	if ink2, _ := inkIn(bare.Draw(r.fonts), area, paint.Ink); ink2 >= ink/3 {
		t.Errorf("without the Chinese line its area still has %d ink pixels (with: %d)", ink2, ink)
	}
	// With no CJK font installed, labels fall back to one Latin line.
	plain := New(r.campaign)
	plain.fonts = fonts.Load(nil)
	if l2 := labelPrim(mustPlan(t, plain, sel, "1944-07-01", f), "Changsha"); l2 == nil || len(l2.Lines) != 1 {
		t.Fatalf("without a CJK font: label %+v", l2)
	}
}

func TestUnitSymbolColours(t *testing.T) {
	r, sel := testRenderer(t)
	for _, tc := range []struct {
		at   orb.Point
		want color.NRGBA
	}{{orb.Point{112.61888, 26.88946}, overlays.ColorChina}, {orb.Point{112.0, 27.5}, overlays.ColorJapan}} {
		f := geo.CenterFrame(tc.at, 10, 1, 128, 128)
		img := render(t, r, sel, day(t, "1944-07-01"), f)
		c := pixelAt(f, tc.at)
		// The infantry cross meets at the centre; the frame's corners are side-coloured too.
		if px := img.RGBAAt(c.X, c.Y); !near(px, tc.want, 30) {
			t.Errorf("%v: centre pixel %v, want %v", tc.at, px, tc.want)
		}
		// Inside the frame, off the cross, is the light tint of the side colour.
		w := paint.NewSymbol(overlays.KindUnit, tc.want, paint.ZoomScale(10), 1).Size
		in := img.RGBAAt(c.X, c.Y-int(w/4))
		if in.A < 0xf0 || in.R < 0xc0 || in.G < 0xc0 || in.B < 0xc0 {
			t.Errorf("%v: frame interior %v, want a light tint", tc.at, in)
		}
	}
}

func TestRetreatAndFailedDiffer(t *testing.T) {
	// The same route drawn as an advance, a retreat and a failed attack.
	r, _ := testRenderer(t)
	base := r.campaign.Layers[0].Features[1] // "Counter", a Chinese attack
	draw := func(action, outcome string) *image.RGBA {
		f := *base
		f.Properties = map[string]any{"action": action, "outcome": outcome}
		it := newItem(&f)
		fr := geo.CenterFrame(orb.Point{112.3, 27.3}, 8, 1, 256, 256) // around the head
		st := f.At(day(t, "1944-07-20"))
		p := &Plan{Frame: fr, prims: r.shape(it, st, newFrameCtx(fr), &layout{})}
		return p.Draw(r.fonts)
	}
	adv, ret, fail := draw("attack", ""), draw("retreat", ""), draw("attack", "failed")
	testkit.Save(t, "advance.png", adv)
	testkit.Save(t, "retreat.png", ret)
	testkit.Save(t, "failed.png", fail)
	blue := func(img *image.RGBA) (n int) {
		ink, _ := inkIn(img, img.Bounds(), overlays.ColorChina)
		return ink
	}
	a, rr, f := blue(adv), blue(ret), blue(fail)
	if a == 0 || rr >= a*2/3 {
		t.Errorf("retreat is not hollow: %d side-coloured pixels against %d for the advance", rr, a)
	}
	if f <= a {
		t.Errorf("failed attack has no bar: %d side-coloured pixels against %d", f, a)
	}
}

func TestLegend(t *testing.T) {
	r, sel := testRenderer(t)
	all := Legend(nil)
	used := Legend(sel)
	if len(used) == 0 || len(used) >= len(all) {
		t.Fatalf("legend for the test campaign has %d of %d entries", len(used), len(all))
	}
	ids := map[string]bool{}
	for _, e := range used {
		ids[e.ID] = true
	}
	for _, want := range []string{"unit-china", "unit-japan", "advance-japan", "siege", "place", "river"} {
		if !ids[want] {
			t.Errorf("legend lacks %s", want)
		}
	}
	if ids["airfield"] || ids["lake"] {
		t.Error("legend lists symbols the campaign does not use")
	}
	for _, e := range all {
		img, err := Swatch(r.fonts, e.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if fastpng.Transparent(img) || img.Bounds().Dx() != 2*SwatchWidth {
			t.Errorf("swatch %s is empty or mis-sized (%v)", e.ID, img.Bounds())
		}
	}
	if _, err := Swatch(r.fonts, "nope", 1); err == nil {
		t.Error("unknown swatch: no error")
	}
}
