package tiles

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/gif"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// hunanRenderer returns a renderer of the embedded campaign, all layers.
func hunanRenderer(t testing.TB) (*Renderer, overlays.Selection) {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(c), overlays.Selection(c.Layers)
}

// tenDates span the campaign: Changsha, Yuelu, Hengyang, West Hunan.
var tenDates = []string{"1944-06-01", "1944-06-10", "1944-06-16", "1944-06-18", "1944-06-28",
	"1944-07-15", "1944-08-08", "1945-04-20", "1945-05-01", "1945-05-20"}

// unitBoxes returns the boxes of the unit and artillery symbols a plan
// draws, in frame pixels.
func unitBoxes(p *Plan) []orb.Bound {
	var out []orb.Bound
	for _, pr := range p.prims {
		if pr.Op == paint.OpSymbol && (pr.Sym.Kind == overlays.KindUnit || pr.Sym.Kind == overlays.KindArtillery) {
			out = append(out, pr.Bound())
		}
	}
	return out
}

func overlapping(boxes []orb.Bound) (int, int, bool) {
	for i := range boxes {
		for j := i + 1; j < len(boxes); j++ {
			a, b := boxes[i], boxes[j]
			// Touching edges are not an overlap.
			if a.Min[0] < b.Max[0] && b.Min[0] < a.Max[0] && a.Min[1] < b.Max[1] && b.Min[1] < a.Max[1] {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// TestUnitsNeverOverlap: in every tile of the Hunan pyramid z8–z12 that
// draws units, at ten dates, no two unit symbols overlap. Checked on the
// placement (the symbols' boxes in each tile's plan), not on pixels.
func TestUnitsNeverOverlap(t *testing.T) {
	r, sel := hunanRenderer(t)
	hunanBox := orb.Bound{Min: orb.Point{108.8, 24.6}, Max: orb.Point{114.3, 30.1}}
	tiles, moved := 0, 0
	for _, ds := range tenDates {
		d := day(t, ds)
		for z := maptile.Zoom(8); z <= 12; z++ {
			// The tiles that hold a unit on that day, found from the
			// layout's symbols (a tile without units cannot overlap).
			lay, err := r.layout(context.Background(), sel, d, float64(z), 1, picture{})
			if err != nil {
				t.Fatal(err)
			}
			moved += len(lay.moved)
			seen := map[maptile.Tile]bool{}
			for _, it := range r.ix.items {
				if !Displaces(it.f) || !it.f.At(d).Visible || lay.hidden[it.seq] {
					continue
				}
				pt, ok := it.f.Geometry.(orb.Point)
				if !ok || !hunanBox.Contains(pt) {
					continue
				}
				c := maptile.At(pt, z)
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						seen[maptile.New(uint32(int(c.X)+dx), uint32(int(c.Y)+dy), z)] = true
					}
				}
			}
			for tl := range seen {
				p, err := r.Plan(context.Background(), sel, d, geo.TileFrame(tl, 1))
				if err != nil {
					t.Fatal(err)
				}
				tiles++
				if i, j, ok := overlapping(unitBoxes(p)); ok {
					b := unitBoxes(p)
					t.Errorf("%s tile %v: unit symbols %v and %v overlap", ds, tl, b[i], b[j])
				}
			}
		}
	}
	t.Logf("%d tiles with units checked; %d units moved aside over all layouts", tiles, moved)
	if moved == 0 {
		t.Error("no unit was moved aside: the campaign has units that share a place, the test must see some")
	}
}

// TestMovedUnitsAgreeAcrossTiles: a unit moved aside is drawn at the same
// world position in every tile it reaches.
func TestMovedUnitsAgreeAcrossTiles(t *testing.T) {
	r, sel := hunanRenderer(t)
	d := day(t, "1944-07-15")
	block := geo.Frame{Zoom: 11, Scale: 1, X: 1662 * 256, Y: 863 * 256, Width: 4 * 256, Height: 4 * 256}
	whole, err := r.Plan(context.Background(), sel, d, block)
	if err != nil {
		t.Fatal(err)
	}
	want := map[orb.Point]bool{}
	for _, b := range unitBoxes(whole) {
		want[orb.Point{b.Min[0] + block.X, b.Min[1] + block.Y}] = true
	}
	for y := range 4 {
		for x := range 4 {
			tl := maptile.New(uint32(1662+x), uint32(863+y), 11)
			p, err := r.Plan(context.Background(), sel, d, geo.TileFrame(tl, 1))
			if err != nil {
				t.Fatal(err)
			}
			f := geo.TileFrame(tl, 1)
			for _, b := range unitBoxes(p) {
				w := orb.Point{b.Min[0] + f.X, b.Min[1] + f.Y}
				if !want[w] {
					t.Errorf("tile %v draws a unit at world pixel %v, which the one-piece render does not", tl, w)
				}
			}
		}
	}
}

// townPictures are @2x static images centred on the four towns that name
// the layers, at their battle dates.
var townPictures = []struct {
	name string
	at   orb.Point
	day  string
	zoom float64
}{
	{"Changsha", orb.Point{112.97, 28.2}, "1944-06-16", 11},
	{"Yuelu Mountain", orb.Point{112.93, 28.19}, "1944-06-16", 12},
	{"Hengyang", orb.Point{112.61, 26.9}, "1944-07-15", 11},
	{"Zhijiang", orb.Point{109.68, 27.44}, "1945-05-01", 10},
}

// TestKeyTownsLabelled: the towns that name a layer are labelled in @2x
// static images centred on them at their battle dates, and no label of
// those images touches an edge or the caption or attribution.
func TestKeyTownsLabelled(t *testing.T) {
	r, sel := hunanRenderer(t)
	for _, tc := range townPictures {
		t.Run(tc.name, func(t *testing.T) {
			f := geo.CenterFrame(tc.at, tc.zoom, 2, 1280, 960)
			opt := ImageOptions{Background: Paper, Caption: day(t, tc.day).Long(), Attribution: sel.Attribution()}
			img, p, fu, err := r.image(context.Background(), sel, day(t, tc.day), f, opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			testkit.Save(t, "town-"+tc.name+".png", img)
			found := false
			for _, pr := range p.prims {
				if pr.Op != paint.OpText {
					continue
				}
				b := pr.Label.Box
				if b.Min[0] <= 0 || b.Min[1] <= 0 || b.Max[0] >= float64(f.Width) || b.Max[1] >= float64(f.Height) {
					t.Errorf("label %q at %v touches the image's edge", pr.Label.Lines[0].Text, b)
				}
				for _, a := range fu.avoid() {
					if a.Intersects(b) {
						t.Errorf("label %q at %v is under the furniture at %v", pr.Label.Lines[0].Text, b, a)
					}
				}
				if pr.Label.Lines[0].Text == tc.name {
					found = true
				}
			}
			if !found {
				t.Errorf("%s is not labelled", tc.name)
			}
		})
	}
}

// TestGIFFurniture: every frame of an animation has a title and date, a
// scale bar and a legend of what it shows — placed inside the frame, and
// drawn (the bar's ink, the swatches' colours in their boxes).
func TestGIFFurniture(t *testing.T) {
	r, sel := hunanRenderer(t)
	f := geo.CenterFrame(orb.Point{112.61, 26.9}, 11, 1, 480, 360)
	var days []geo.Day
	for _, ds := range []string{"1944-06-25", "1944-07-05", "1944-07-15", "1944-08-08"} {
		days = append(days, day(t, ds))
	}
	var buf bytes.Buffer
	opt := AnimationOptions{ImageOptions: ImageOptions{Attribution: sel.Attribution()}}
	if err := r.Animate(context.Background(), &buf, sel, days, f, opt); err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != len(days) {
		t.Fatalf("%d frames, want %d", len(g.Image), len(days))
	}
	for i, d := range days {
		t.Run(d.String(), func(t *testing.T) {
			fo := ImageOptions{Background: Paper, Caption: d.Long(), Attribution: sel.Attribution(), Furniture: true}
			_, p, fu, err := r.image(context.Background(), sel, d, f, fo, nil)
			if err != nil {
				t.Fatal(err)
			}
			if fu.opt.Title == "" || fu.caption == (orb.Bound{}) {
				t.Error("no title box")
			}
			entries := p.Legend()
			if len(entries) == 0 || fu.legBox == (orb.Bound{}) || fu.scaleBar == (orb.Bound{}) {
				t.Fatalf("legend %d entries, box %v; scale bar %v", len(entries), fu.legBox, fu.scaleBar)
			}
			frame := image.NewRGBA(g.Image[i].Bounds())
			draw.Draw(frame, frame.Rect, g.Image[i], image.Point{}, draw.Src)
			testkit.Save(t, fmt.Sprintf("gif-frame-%d.png", i), frame)
			inside := orb.Bound{Max: orb.Point{float64(f.Width), float64(f.Height)}}
			for name, b := range map[string]orb.Bound{"legend": fu.legBox, "scale bar": fu.scaleBar, "title": fu.caption} {
				if !inside.Contains(b.Min) || !inside.Contains(b.Max) {
					t.Errorf("%s box %v is not inside the frame", name, b)
				}
			}
			// The scale bar's line is dark ink on the white panel.
			if n := countPixels(frame, fu.scaleBar, func(r, g, b uint8) bool { return r < 0x50 && g < 0x50 && b < 0x50 }); n < int(fu.barPixels) {
				t.Errorf("scale bar: %d dark pixels, want at least its length %.0f", n, fu.barPixels)
			}
			// The legend shows the side colours of its swatches.
			if n := countPixels(frame, fu.legBox, func(r, g, b uint8) bool { return int(r)-int(b) > 80 || int(b)-int(r) > 80 }); n < 20*len(entries)/2 {
				t.Errorf("legend: %d coloured pixels for %d entries", n, len(entries))
			}
		})
	}
}

func countPixels(img *image.RGBA, b orb.Bound, ok func(r, g, b uint8) bool) int {
	n := 0
	for y := int(b.Min[1]); y < int(b.Max[1]); y++ {
		for x := int(b.Min[0]); x < int(b.Max[0]); x++ {
			c := img.RGBAAt(x, y)
			if ok(c.R, c.G, c.B) {
				n++
			}
		}
	}
	return n
}

// TestDeclutterMatchesLayout: for several days and zooms (the summary
// too), Renderer.Declutter returns exactly what the raster's layout of
// that day and zoom decided: the units hidden, the symbols moved (to the
// same world pixel) and dropped. The layout is the one the tiles are
// planned with (cached by Renderer.layout).
func TestDeclutterMatchesLayout(t *testing.T) {
	r, sel := hunanRenderer(t)
	ctx := context.Background()
	moved, hidden := 0, 0
	for _, ds := range []string{"", "1944-06-18", "1944-07-15", "1945-05-01"} {
		d := geo.NoDay
		if ds != "" {
			d = day(t, ds)
		}
		for _, z := range []float64{6, 8, 9, 10, 11, 12, 13} {
			t.Run(fmt.Sprintf("%s/z%v", ds, z), func(t *testing.T) {
				lay, err := r.layout(ctx, sel, d, z, 1, picture{})
				if err != nil {
					t.Fatal(err)
				}
				p, err := r.Declutter(ctx, sel, d, z)
				if err != nil {
					t.Fatal(err)
				}
				ppw := geo.Frame{Zoom: z, Scale: 1}.PixelsPerWorld()
				want := map[*overlays.Feature]bool{}
				for _, it := range r.ix.items {
					if lay.hidden[it.seq] {
						want[it.f] = true
					}
				}
				if len(p.Hidden) != len(want) {
					t.Errorf("%d hidden, the layout hides %d", len(p.Hidden), len(want))
				}
				for f := range want {
					if !p.Hidden[f] {
						t.Errorf("%s: hidden by the layout, not by Declutter", f)
					}
				}
				if len(p.Moved) != len(lay.moved) || len(p.Dropped) != len(lay.dropped) {
					t.Errorf("%d moved, %d dropped; the layout %d, %d", len(p.Moved), len(p.Dropped), len(lay.moved), len(lay.dropped))
				}
				for _, it := range r.ix.items {
					for i := range symbolPoints(it.f.World) {
						m, ok := lay.moved[symKey{it.seq, i}]
						got, gotOK := p.Moved[SymbolRef{it.f, i}]
						if ok != gotOK || math.Abs(got[0]*ppw-m[0]) > 1e-6 || math.Abs(got[1]*ppw-m[1]) > 1e-6 {
							t.Errorf("%s point %d: moved %v (%v), the layout %v (%v)", it.f, i, orb.Point{got[0] * ppw, got[1] * ppw}, gotOK, m, ok)
						}
						if lay.dropped[symKey{it.seq, i}] != p.Dropped[SymbolRef{it.f, i}] {
							t.Errorf("%s point %d: dropped differs", it.f, i)
						}
					}
				}
				moved += len(p.Moved)
				hidden += len(p.Hidden)
			})
		}
	}
	// The comparison means something only if units are moved and hidden.
	if moved < 20 || hidden < 10 {
		t.Errorf("only %d symbols moved and %d units hidden over the cases", moved, hidden)
	}
}

// TestDeclutterRejectsForeignLayers: a layer of another campaign is an
// error naming it.
func TestDeclutterRejectsForeignLayers(t *testing.T) {
	r, _ := hunanRenderer(t)
	_, sel := hunanRenderer(t)
	_, err := r.Declutter(context.Background(), sel[:1], geo.NoDay, 10)
	if err == nil || !strings.Contains(err.Error(), sel[0].ID) {
		t.Errorf("err = %v, want one naming layer %q", err, sel[0].ID)
	}
}

// BenchmarkDeclutter decides the placement of the whole campaign at
// Hengyang's siege, zoom 11 (what tiles/vector does per epoch and zoom).
func BenchmarkDeclutter(b *testing.B) {
	r, sel := hunanRenderer(b)
	d := day(b, "1944-07-15")
	ctx := context.Background()
	for _, z := range []float64{7, 11} {
		b.Run(fmt.Sprintf("z%v", z), func(b *testing.B) {
			for range b.N {
				if _, err := r.Declutter(ctx, sel, d, z); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
