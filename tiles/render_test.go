package tiles

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	xdraw "golang.org/x/image/draw"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/paint"
)

func testRenderer(t testing.TB) (*Renderer, overlays.Selection) {
	t.Helper()
	c, err := overlays.LoadDir("testdata/campaign")
	if err != nil {
		t.Fatal(err)
	}
	return New(c), overlays.Selection(c.Layers)
}

func day(t testing.TB, s string) geo.Day {
	t.Helper()
	d, err := geo.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func render(t testing.TB, r *Renderer, sel overlays.Selection, d geo.Day, f geo.Frame) *image.RGBA {
	t.Helper()
	p, err := r.Plan(context.Background(), sel, d, f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := r.Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	return out
}

// pixelAt returns the frame pixel of a lon/lat point.
func pixelAt(f geo.Frame, ll orb.Point) image.Point {
	p := f.Pixel(geo.World(ll))
	return image.Pt(int(math.Floor(p[0])), int(math.Floor(p[1])))
}

func near(c color.RGBA, want color.NRGBA, tol int) bool {
	if c.A < 0xf0 {
		return false
	}
	d := func(a, b uint8) int { return int(math.Abs(float64(a) - float64(b))) }
	return d(c.R, want.R) <= tol && d(c.G, want.G) <= tol && d(c.B, want.B) <= tol
}

func TestTileFrameMatchesMaptile(t *testing.T) {
	for _, tile := range []maptile.Tile{{X: 208, Y: 107, Z: 8}, {X: 3330, Y: 1720, Z: 12}, {X: 1, Y: 0, Z: 1}} {
		for _, scale := range []int{1, 2} {
			f := geo.TileFrame(tile, scale)
			b := tile.Bound() // lon/lat
			nw, se := geo.World(orb.Point{b.Min[0], b.Max[1]}), geo.World(orb.Point{b.Max[0], b.Min[1]})
			got := f.Bound(0)
			if math.Abs(got.Min[0]-nw[0]) > 1e-12 || math.Abs(got.Min[1]-nw[1]) > 1e-12 ||
				math.Abs(got.Max[0]-se[0]) > 1e-12 || math.Abs(got.Max[1]-se[1]) > 1e-12 {
				t.Errorf("%v@%dx: frame bound %v, maptile bound %v..%v", tile, scale, got, nw, se)
			}
			// A point in the tile (orb's maptile.At) lands inside the frame.
			in := orb.Point{b.Min[0] + 0.3*(b.Max[0]-b.Min[0]), b.Min[1] + 0.6*(b.Max[1]-b.Min[1])}
			if at := maptile.At(in, tile.Z); at != tile {
				t.Fatalf("test point %v is in %v", in, at)
			}
			if c := f.Pixel(geo.World(in)); c[0] < 0 || c[1] < 0 || c[0] >= float64(f.Width) || c[1] >= float64(f.Height) {
				t.Errorf("%v@%dx: point of the tile at pixel %v", tile, scale, c)
			}
		}
	}
}

func TestRenderPixels(t *testing.T) {
	r, sel := testRenderer(t)
	d := day(t, "1944-07-01")
	hengyang := orb.Point{112.61888, 26.88946}
	tile := maptile.At(hengyang, 9)
	f := geo.TileFrame(tile, 1)
	img := render(t, r, sel, d, f)
	testkit.Save(t, "hengyang-z9.png", img)
	p := pixelAt(f, hengyang)
	if c := img.RGBAAt(p.X, p.Y); !near(c, overlays.ColorChina, 8) {
		t.Errorf("unit pixel %v = %v, want Chinese blue %v", p, c, overlays.ColorChina)
	}
	// The siege ring's fill (Japanese red at 14 %) lies between the outer and inner rings.
	q := pixelAt(f, orb.Point{112.5, 26.78})
	if c := img.RGBAAt(q.X, q.Y); c.A < 0x18 || c.A > 0x60 || c.R < c.B {
		t.Errorf("siege ring fill pixel %v = %v, want translucent red", q, c)
	}
	// The hole of the ring is not filled (away from the unit marker).
	h := pixelAt(f, orb.Point{112.59, 26.92})
	if c := img.RGBAAt(h.X, h.Y); c.A != 0 {
		t.Errorf("pixel in the ring's hole %v = %v, want transparent", h, c)
	}
	// A tile far from every feature is empty, and drawn it is transparent.
	far := geo.TileFrame(maptile.At(orb.Point{100, 40}, 9), 1)
	p2, _ := r.Plan(context.Background(), sel, d, far)
	if !p2.Empty() {
		t.Errorf("far tile plan has %d shapes", p2.Len())
	}
	if img := render(t, r, sel, d, far); !fastpng.Transparent(img) {
		t.Error("far tile has painted pixels")
	}
}

func TestArrowheadAtPosition(t *testing.T) {
	r, sel := testRenderer(t)
	c := r.Campaign()
	march := c.Layers[0].Features[0]
	for _, ds := range []string{"1944-06-11", "1944-07-01", "1944-07-21"} {
		d := day(t, ds)
		pos, ok := march.Position(march.At(d))
		if !ok {
			t.Fatal("no position")
		}
		f := geo.CenterFrame(pos, 9, 1, 128, 128)
		img := render(t, r, sel, d, f)
		testkit.Save(t, "arrow-"+ds+".png", img)
		// The head's point is at pos; a few pixels back along the route lies its body.
		route := march.Route
		back, _ := route.Locate(march.At(d).Distance - 300) // 300 m behind the tip
		pp := f.Pixel(geo.World(pos))
		pb := f.Pixel(geo.World(back))
		dx, dy := pb[0]-pp[0], pb[1]-pp[1]
		n := math.Hypot(dx, dy)
		probe := image.Pt(int(pp[0]+dx/n*4), int(pp[1]+dy/n*4))
		if c := img.RGBAAt(probe.X, probe.Y); !near(c, overlays.ColorJapan, 8) {
			t.Errorf("%s: arrowhead pixel %v = %v, want Japanese red", ds, probe, c)
		}
		// Ahead of the tip, where the troops have not been, nothing is drawn.
		ahead := image.Pt(int(pp[0]-dx/n*12), int(pp[1]-dy/n*12))
		if c := img.RGBAAt(ahead.X, ahead.Y); c.A > 0x20 {
			t.Errorf("%s: pixel %v ahead of the troops = %v, want transparent", ds, ahead, c)
		}
	}
}

// TestSeamless stitches the four tiles of 2×2 blocks and compares them with
// one render of the same extent, on days when movements cross tile edges.
func TestSeamless(t *testing.T) {
	r, sel := testRenderer(t)
	tests := []struct {
		day   string
		z     maptile.Zoom
		at    orb.Point
		scale int
	}{
		{"1944-06-15", 8, orb.Point{112.3, 28.25}, 1},
		{"1944-07-01", 9, orb.Point{112.6, 27.0}, 1},
		{"1944-07-01", 9, orb.Point{112.6, 27.0}, 2},
		{"1944-07-10", 10, orb.Point{112.85, 27.65}, 1},
		{"1944-06-30", 7, orb.Point{112.5, 27.8}, 1},
		// Changsha's symbol and label sit on the block's inner corner.
		{"1944-07-01", 9, orb.Point{112.967, 28.2}, 1},
		{"1944-07-01", 10, orb.Point{112.967, 28.2}, 2},
		// A unit symbol and its designation on the inner corner of tiles at z10.
		{"1944-07-01", 10, orb.Point{112.8515625, 27.6835281}, 1},
		{"1944-07-01", 10, orb.Point{112.8515625, 27.6835281}, 2},
	}
	crossing := map[paint.Op]int{} // labels and symbols that straddle an inner tile edge, over all cases
	defer func() {
		if crossing[paint.OpText] == 0 || crossing[paint.OpSymbol] == 0 {
			t.Errorf("labels crossing a tile edge: %d, symbols: %d; the test must have both", crossing[paint.OpText], crossing[paint.OpSymbol])
		}
	}()
	for _, tc := range tests {
		name := fmt.Sprintf("%s-z%d-%v@%d", tc.day, tc.z, tc.at, tc.scale)
		t.Run(name, func(t *testing.T) {
			d := day(t, tc.day)
			// The block whose shared corner is nearest the point.
			fr := maptile.Fraction(tc.at, tc.z)
			x0, y0 := uint32(math.Round(fr[0]))-1, uint32(math.Round(fr[1]))-1
			size := geo.TileSize * tc.scale
			stitched := image.NewRGBA(image.Rect(0, 0, 2*size, 2*size))
			for dy := range uint32(2) {
				for dx := range uint32(2) {
					img := render(t, r, sel, d, geo.TileFrame(maptile.New(x0+dx, y0+dy, tc.z), tc.scale))
					draw.Draw(stitched, image.Rect(int(dx)*size, int(dy)*size, int(dx+1)*size, int(dy+1)*size), img, image.Point{}, draw.Src)
				}
			}
			whole := geo.TileFrame(maptile.New(x0, y0, tc.z), tc.scale)
			whole.Width, whole.Height = 2*size, 2*size
			one := render(t, r, sel, d, whole)
			mid := orb.Point{whole.X + float64(size), whole.Y + float64(size)}
			p, _ := r.Plan(context.Background(), sel, d, whole)
			for _, pr := range p.prims {
				var b orb.Bound
				switch {
				case pr.Op == paint.OpText:
					b = pr.Label.Box
				case pr.Op == paint.OpSymbol:
					sb, pt := pr.Sym.Box(), pr.Geom.(orb.Point)
					b = orb.Bound{Min: orb.Point{pt[0] + sb.Min[0], pt[1] + sb.Min[1]}, Max: orb.Point{pt[0] + sb.Max[0], pt[1] + sb.Max[1]}}
				default:
					continue
				}
				b = orb.Bound{Min: orb.Point{b.Min[0] + whole.X, b.Min[1] + whole.Y}, Max: orb.Point{b.Max[0] + whole.X, b.Max[1] + whole.Y}}
				if (b.Min[0] < mid[0] && b.Max[0] > mid[0]) || (b.Min[1] < mid[1] && b.Max[1] > mid[1]) {
					crossing[pr.Op]++
				}
			}
			if fastpng.Transparent(one) {
				t.Fatal("the block is empty: the test shows nothing")
			}
			df, _ := testkit.Compare(stitched, one)
			t.Logf("%v; %d drawing operations", df, p.Len())
			if df.Fraction > 0.001 {
				t.Errorf("stitched tiles differ from one render: %v", df)
				testkit.Save(t, "seam-stitched.png", stitched)
				testkit.Save(t, "seam-one.png", one)
			}
		})
	}
}

func TestScale2IsSharper(t *testing.T) {
	r, sel := testRenderer(t)
	d := day(t, "1944-07-01")
	tile := maptile.At(orb.Point{112.61888, 26.88946}, 10)
	one := render(t, r, sel, d, geo.TileFrame(tile, 1))
	two := render(t, r, sel, d, geo.TileFrame(tile, 2))
	if two.Bounds().Dx() != 512 {
		t.Fatalf("@2x tile is %v", two.Bounds())
	}
	// Coverage (the sum of alpha) scales by 4: the same map at twice the resolution...
	ink := func(img *image.RGBA) (n int) {
		for i := 3; i < len(img.Pix); i += 4 {
			n += int(img.Pix[i])
		}
		return n
	}
	if a, b := ink(one), ink(two); math.Abs(float64(b)/float64(a)-4) > 0.4 {
		t.Errorf("coverage 1x %d, 2x %d: ratio %.2f, want about 4", a, b, float64(b)/float64(a))
	}
	// ...and edges are sharper than the 1x tile upscaled (bilinear, as a browser
	// does): more energy in neighbouring-pixel differences.
	up := image.NewRGBA(two.Bounds())
	xdraw.BiLinear.Scale(up, up.Bounds(), one, one.Bounds(), xdraw.Src, nil)
	energy := func(img *image.RGBA) (e float64) {
		for y := range 512 {
			for x := range 511 {
				for k := range 4 {
					d := float64(img.Pix[img.PixOffset(x+1, y)+k]) - float64(img.Pix[img.PixOffset(x, y)+k])
					e += d * d
				}
			}
		}
		return e
	}
	if e2, eu := energy(two), energy(up); e2 < 1.3*eu {
		t.Errorf("@2x edge energy %.3g, upscaled 1x %.3g: not sharper", e2, eu)
	} else {
		t.Logf("@2x edge energy %.3g, upscaled 1x %.3g (%.2fx)", e2, eu, e2/eu)
	}
}

func TestEmptyAgreesWithDrawing(t *testing.T) {
	r, sel := testRenderer(t)
	d := day(t, "1944-07-01")
	var empty, drawn int
	for z := maptile.Zoom(6); z <= 9; z++ {
		min := maptile.At(orb.Point{110.5, 29.5}, z)
		max := maptile.At(orb.Point{114.5, 25.5}, z)
		for y := min.Y; y <= max.Y; y++ {
			for x := min.X; x <= max.X; x++ {
				f := geo.TileFrame(maptile.New(x, y, z), 1)
				p, _ := r.Plan(context.Background(), sel, d, f)
				if p.Empty() {
					empty++
				} else {
					drawn++
				}
				// Every empty plan would draw nothing: check by drawing
				// with the index bypassed.
				full := r.planAll(sel, d, f)
				if p.Empty() && !fastpng.Transparent(full.Draw(r.fonts)) {
					t.Errorf("tile %d/%d/%d: plan empty but drawing every feature shows pixels", z, x, y)
				}
				if p.Key() != full.Key() {
					t.Errorf("tile %d/%d/%d: the index missed a feature (%d shapes, %d without index)", z, x, y, p.Len(), full.Len())
				}
			}
		}
	}
	if empty == 0 || drawn == 0 {
		t.Errorf("empty %d, drawn %d: the area must have both", empty, drawn)
	}
}

// planAll is Plan without the spatial index: every item is a candidate.
func (r *Renderer) planAll(sel overlays.Selection, d geo.Day, f geo.Frame) *Plan {
	all := make([]int32, len(r.ix.items))
	for i := range all {
		all[i] = int32(i)
	}
	p, err := r.plan(context.Background(), sel, d, f, all, picture{})
	if err != nil {
		panic(err) // a background context does not end
	}
	return p
}

func TestKeyFollowsContent(t *testing.T) {
	r, sel := testRenderer(t)
	tile := maptile.At(orb.Point{112.61888, 26.88946}, 11) // the unit and the ring; no movement
	k := func(ds string) Key {
		p, _ := r.Plan(context.Background(), sel, day(t, ds), geo.TileFrame(tile, 1))
		return p.Key()
	}
	if k("1944-07-01") != k("1944-07-02") {
		t.Error("unchanged tile changed key from one day to the next")
	}
	if k("1944-07-01") == k("1944-08-09") {
		t.Error("tile after the siege ended has the same key")
	}
	// Along the long march, consecutive days differ while the troops pass.
	pos := orb.Point{112.6, 27.925}
	mt := maptile.At(pos, 8)
	p1, _ := r.Plan(context.Background(), sel, day(t, "1944-06-27"), geo.TileFrame(mt, 1))
	p2, _ := r.Plan(context.Background(), sel, day(t, "1944-06-28"), geo.TileFrame(mt, 1))
	if p1.Key() == p2.Key() {
		t.Error("tile with an advancing movement kept its key")
	}
}

func TestTileRejectsBadInput(t *testing.T) {
	r, sel := testRenderer(t)
	var buf bytes.Buffer
	if err := r.Tile(context.Background(), &buf, sel, geo.NoDay, maptile.New(4, 0, 2), 1); err == nil {
		t.Error("tile x=4 at z=2: no error")
	}
	for _, f := range []geo.Frame{{Zoom: 1, Scale: 1}, {Zoom: -1, Scale: 1, Width: 1, Height: 1}, {Zoom: 30, Scale: 1, Width: 1, Height: 1}, {Zoom: 1, Scale: 0, Width: 1, Height: 1}} {
		if _, err := r.Plan(context.Background(), sel, geo.NoDay, f); err == nil {
			t.Errorf("frame %+v: no error", f)
		}
	}
}

// TestPlanHonoursContext: planning, including the placement of a new
// date's labels, gives up when its context has ended.
func TestPlanHonoursContext(t *testing.T) {
	r, sel := synthetic(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []geo.Frame{
		geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 6), 1),  // every feature a candidate
		geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 11), 2), // a new zoom: labels placed first
	} {
		if _, err := r.Plan(ctx, sel, geo.NoDay, f); !errors.Is(err, context.Canceled) {
			t.Errorf("zoom %g: err = %v, want context.Canceled", f.Zoom, err)
		}
	}
}
