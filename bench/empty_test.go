package bench

import (
	"context"
	"fmt"
	"image"
	"image/draw"
	"math"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// TestEmptyTiles checks, on every tile of the benchmark list over the
// synthetic campaign at density 1, that xiang's empty-tile detection agrees
// with rendering:
//
//   - whenever Plan reports a tile empty, a render of every feature, without
//     the spatial index and without clipping to the tile, draws nothing
//     there;
//   - Encode reports a tile empty exactly when that full render draws
//     nothing there.
//
// It logs the fraction of empty tiles, how many of them Plan found without
// drawing, and the largest pixel difference between the tiles and the full
// render.
func TestEmptyTiles(t *testing.T) {
	fc := Synthetic(1)
	r := tiles.New(load(t, fc, nil))
	sel := selectAll(t, r.Campaign())
	ref := newReference(t, fc)
	ref.check(t, 8)

	list := Tiles(Area, SampleSeed)
	var planEmpty, empty, loose int
	var worst diff
	for _, tl := range list {
		want := ref.draw(t, tl)
		inked := inkedPixels(want)
		p, err := r.Plan(context.Background(), sel, geo.NoDay, geo.TileFrame(tl, 1))
		if err != nil {
			t.Fatal(err)
		}
		if p.Empty() {
			planEmpty++
			if inked > 0 {
				t.Errorf("tile %s: Plan says empty, but the full render draws %d pixels there", TilePath(tl), inked)
			}
		}
		encEmpty, err := r.Encode(discard{}, p)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case encEmpty && inked > 0:
			t.Errorf("tile %s: Encode says empty, but the full render draws %d pixels there", TilePath(tl), inked)
		case !encEmpty && inked == 0:
			t.Errorf("tile %s: Encode draws pixels, but the full render draws nothing there", TilePath(tl))
		}
		if inked == 0 {
			empty++
			if !p.Empty() {
				loose++
			}
		} else if d := diffOf(p.Draw(r.Fonts()), want); d.max > worst.max {
			worst, worst.tile = d, tl
		}
	}
	n := float64(len(list))
	t.Logf("%d tiles: %d empty (%.1f %%), %d of them (%.1f %% of all tiles) found by Plan without drawing, %d drawn to find them empty",
		len(list), empty, 100*float64(empty)/n, planEmpty, 100*float64(planEmpty)/n, loose)
	t.Logf("tiles against the full render: largest channel difference %d/255, in tile %s at pixel %v; %d pixels of that tile off by more than %d/255",
		worst.max, TilePath(worst.tile), worst.at, worst.over, seamTolerance)
}

// reference renders tiles from a plan of the whole campaign, one per zoom,
// made over a frame that holds every feature: no index query decides what
// is drawn and nothing is clipped to the tile. Plan.DrawOn draws fills and
// strokes into the destination image's bounds, so the whole plan is drawn
// into a 256×256 image whose bounds are the tile's position in that frame.
// The markers have a plan of their own, drawn the same way on top: markers
// are drawn last in any case.
type reference struct {
	lines, marks *tiles.Renderer // areas and routes; markers
	plans        map[maptile.Zoom][2]*tiles.Plan
}

func newReference(t *testing.T, fc *geojson.FeatureCollection) *reference {
	isMark := func(f *geojson.Feature) bool { return f.Properties["kind"] == "place" }
	isLine := func(f *geojson.Feature) bool { return !isMark(f) }
	return &reference{
		lines: tiles.New(load(t, fc, isLine)),
		marks: tiles.New(load(t, fc, isMark)),
		plans: map[maptile.Zoom][2]*tiles.Plan{},
	}
}

// plansAt returns the whole-campaign plans at zoom z: one frame, on whole
// pixels, holding every feature with a margin wider than any overhang.
func (ref *reference) plansAt(t *testing.T, z maptile.Zoom) [2]*tiles.Plan {
	if p, ok := ref.plans[z]; ok {
		return p
	}
	const margin = 512
	ppw := geo.TileSize * math.Exp2(float64(z))
	b := ref.lines.Campaign().Bound.Union(ref.marks.Campaign().Bound)
	nw, se := geo.World(orb.Point{b.Min[0], b.Max[1]}), geo.World(orb.Point{b.Max[0], b.Min[1]})
	x0, y0 := math.Floor(nw[0]*ppw)-margin, math.Floor(nw[1]*ppw)-margin
	x1, y1 := math.Ceil(se[0]*ppw)+margin, math.Ceil(se[1]*ppw)+margin
	f := geo.Frame{Zoom: float64(z), Scale: 1, X: x0, Y: y0, Width: int(x1 - x0), Height: int(y1 - y0)}
	var p [2]*tiles.Plan
	for i, r := range []*tiles.Renderer{ref.lines, ref.marks} {
		var err error
		if p[i], err = r.Plan(context.Background(), selectAll(t, r.Campaign()), geo.NoDay, f); err != nil {
			t.Fatal(err)
		}
	}
	ref.plans[z] = p
	return p
}

// markMargin is how near a tile a marker must be to be drawn at all:
// several times a marker's radius and outline.
const markMargin = 16

// draw renders tile tl from the whole-campaign plans.
func (ref *reference) draw(t *testing.T, tl maptile.Tile) *image.RGBA {
	out, ox, oy := ref.drawLines(t, tl)
	if !ref.marksNear(tl) {
		return out // drawing 200 far-away symbols through gg would change nothing
	}
	// Markers are drawn by the same painter, into the same pixels, after
	// the lines, as Plan.Draw does.
	in := &image.RGBA{Pix: out.Pix, Stride: out.Stride, Rect: image.Rect(ox, oy, ox+out.Rect.Dx(), oy+out.Rect.Dy())}
	ref.plansAt(t, tl.Z)[1].DrawOn(in, ref.marks.Fonts())
	return out
}

// marksNear reports whether a marker lies within markMargin pixels of
// tile tl.
func (ref *reference) marksNear(tl maptile.Tile) bool {
	f := geo.TileFrame(tl, 1)
	b := f.Bound(markMargin)
	for _, ft := range ref.marks.Campaign().Layers[0].Features {
		if p, ok := ft.World.(orb.Point); !ok || b.Contains(p) {
			return true
		}
	}
	return false
}

// drawLines renders the areas and routes of tile tl, and returns the
// tile's offset in the whole-campaign frame.
func (ref *reference) drawLines(t *testing.T, tl maptile.Tile) (img *image.RGBA, ox, oy int) {
	p := ref.plansAt(t, tl.Z)[0]
	f := geo.TileFrame(tl, 1)
	ox, oy = int(f.X-p.Frame.X), int(f.Y-p.Frame.Y)
	pix := make([]byte, 4*f.Width*f.Height)
	in := &image.RGBA{Pix: pix, Stride: 4 * f.Width, Rect: image.Rect(ox, oy, ox+f.Width, oy+f.Height)}
	p.DrawOn(in, ref.lines.Fonts())
	return &image.RGBA{Pix: pix, Stride: 4 * f.Width, Rect: image.Rect(0, 0, f.Width, f.Height)}, ox, oy
}

// check verifies the reference against the documented way to draw a plan,
// Draw on an image of the whole frame, on every tile of zoom z: if DrawOn
// stopped honouring the image's bounds, the reference would be wrong. The
// painter rasterizes in blocks, which may shift antialiased edges by up to
// seamTolerance.
func (ref *reference) check(t *testing.T, z maptile.Zoom) {
	p := ref.plansAt(t, z)
	whole := p[0].Draw(ref.lines.Fonts())
	draw.Draw(whole, whole.Rect, p[1].Draw(ref.marks.Fonts()), image.Point{}, draw.Over)
	n := 0
	for _, tl := range Tiles(Area, SampleSeed) {
		if tl.Z != z {
			continue
		}
		f := geo.TileFrame(tl, 1)
		crop := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
		at := image.Point{X: int(f.X - p[0].Frame.X), Y: int(f.Y - p[0].Frame.Y)}
		draw.Draw(crop, crop.Rect, whole, at, draw.Src)
		if d := delta(ref.draw(t, tl), crop); d > seamTolerance {
			t.Fatalf("reference render of tile %s differs from the whole-frame render by %d/255: the test's reference is broken", TilePath(tl), d)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("no tiles at zoom %d to check the reference on", z)
	}
}

// load loads the features of fc that keep accepts (all when keep is nil)
// as a campaign of one layer.
func load(t *testing.T, fc *geojson.FeatureCollection, keep func(*geojson.Feature) bool) *overlays.Campaign {
	t.Helper()
	sub := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		if keep == nil || keep(f) {
			sub.Append(f)
		}
	}
	b, err := sub.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	c, err := overlays.Load(fstest.MapFS{"synthetic.geojson": {Data: b}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func selectAll(t *testing.T, c *overlays.Campaign) overlays.Selection {
	t.Helper()
	sel, err := c.Select("all")
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

// inkedPixels counts the pixels of img that are not fully transparent.
func inkedPixels(img *image.RGBA) int {
	n := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, y):img.PixOffset(img.Rect.Max.X, y)]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0 {
				n++
			}
		}
	}
	return n
}

// diff describes how two images of one tile differ.
type diff struct {
	tile maptile.Tile
	max  int         // largest channel difference
	at   image.Point // where it is
	over int         // pixels with a channel off by more than seamTolerance
}

func diffOf(a, b *image.RGBA) diff {
	var d diff
	for y := 0; y < a.Rect.Dy(); y++ {
		for x := 0; x < a.Rect.Dx(); x++ {
			i, j := a.PixOffset(a.Rect.Min.X+x, a.Rect.Min.Y+y), b.PixOffset(b.Rect.Min.X+x, b.Rect.Min.Y+y)
			m := 0
			for k := range 4 {
				m = max(m, abs(int(a.Pix[i+k])-int(b.Pix[j+k])))
			}
			if m > seamTolerance {
				d.over++
			}
			if m > d.max {
				d.max, d.at = m, image.Point{X: x, Y: y}
			}
		}
	}
	return d
}

// delta returns the largest difference of any channel of two images of the
// same size.
func delta(a, b *image.RGBA) int {
	if a.Rect.Size() != b.Rect.Size() {
		panic(fmt.Sprintf("sizes %v and %v", a.Rect.Size(), b.Rect.Size()))
	}
	d := 0
	for y := 0; y < a.Rect.Dy(); y++ {
		ra := a.Pix[a.PixOffset(a.Rect.Min.X, a.Rect.Min.Y+y):][:4*a.Rect.Dx()]
		rb := b.Pix[b.PixOffset(b.Rect.Min.X, b.Rect.Min.Y+y):][:4*b.Rect.Dx()]
		for i := range ra {
			d = max(d, abs(int(ra[i])-int(rb[i])))
		}
	}
	return d
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// seamTolerance is the largest channel difference the painter's blocks may
// make between drawing a shape in one frame or in another (tiles/raster.go).
const seamTolerance = 3

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
