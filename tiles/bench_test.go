package tiles

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// synthetic builds a deterministic campaign over lon 109–114.5, lat
// 25.5–29.5: polygons, routes and markers, with `density` times the vertices
// of the base set (40 polygons, 120 routes, 200 markers, about 22 k vertices).
func synthetic(tb testing.TB, density int) (*Renderer, overlays.Selection) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1944, uint64(density)))
	lon := func() float64 { return 109 + rng.Float64()*5.5 }
	lat := func() float64 { return 25.5 + rng.Float64()*4 }
	var feats []string
	coords := func(ps []orb.Point) string {
		s := make([]string, len(ps))
		for i, p := range ps {
			s[i] = fmt.Sprintf("[%.5f,%.5f]", p[0], p[1])
		}
		return strings.Join(s, ",")
	}
	sides := []string{"japan", "china"}
	for i := range 40 {
		c := orb.Point{lon(), lat()}
		n := 100 * density
		ring := make([]orb.Point, n+1)
		r := 0.05 + rng.Float64()*0.25
		for k := range n {
			a := 2 * 3.141592653589793 * float64(k) / float64(n)
			rr := r * (0.8 + 0.4*rng.Float64())
			ring[k] = orb.Point{c[0] + rr*cos(a), c[1] + rr*sin(a)}
		}
		ring[n] = ring[0]
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"kind":"area","side":%q,"source":"synthetic"},"geometry":{"type":"Polygon","coordinates":[[%s]]}}`, sides[i%2], coords(ring)))
	}
	for i := range 120 {
		n := 150 * density
		p := orb.Point{lon(), lat()}
		line := make([]orb.Point, n)
		for k := range line {
			line[k] = p
			p = orb.Point{min(max(p[0]+(rng.Float64()-0.5)*0.02, 108), 116), min(max(p[1]+(rng.Float64()-0.5)*0.02, 24), 31)}
		}
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"kind":"front","side":%q,"source":"synthetic"},"geometry":{"type":"LineString","coordinates":[%s]}}`, sides[i%2], coords(line)))
	}
	for i := range 200 {
		feats = append(feats, fmt.Sprintf(`{"type":"Feature","properties":{"kind":"unit","side":%q,"source":"synthetic"},"geometry":{"type":"Point","coordinates":[%.5f,%.5f]}}`, sides[i%2], lon(), lat()))
	}
	fsys := fstest.MapFS{"synthetic.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[` + strings.Join(feats, ",") + `]}`)}}
	c, err := overlays.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return New(c), overlays.Selection(c.Layers)
}

func benchTile(b *testing.B, r *Renderer, sel overlays.Selection, d geo.Day, t maptile.Tile) {
	b.ReportAllocs()
	p, _ := r.Plan(context.Background(), sel, d, geo.TileFrame(t, 1))
	b.Logf("tile %d/%d/%d: %d features", t.Z, t.X, t.Y, p.Len())
	for b.Loop() {
		p, err := r.Plan(context.Background(), sel, d, geo.TileFrame(t, 1))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Encode(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTileEmpty(b *testing.B) {
	r, sel := testRenderer(b)
	benchTile(b, r, sel, day(b, "1944-07-01"), maptile.At(orb.Point{100, 40}, 10))
}

func BenchmarkTileSparse(b *testing.B) {
	r, sel := testRenderer(b)
	benchTile(b, r, sel, day(b, "1944-07-01"), maptile.At(orb.Point{112.61888, 26.88946}, 10))
}

func BenchmarkTileDense(b *testing.B) {
	r, sel := synthetic(b, 10)
	benchTile(b, r, sel, geo.NoDay, maptile.At(orb.Point{111.7, 27.5}, 8))
}

func BenchmarkTileDenseZ12(b *testing.B) {
	r, sel := synthetic(b, 10)
	benchTile(b, r, sel, geo.NoDay, maptile.At(orb.Point{111.7, 27.5}, 12))
}

// BenchmarkPlanNoIndex is the naive baseline for the index: every feature
// is a candidate.
func BenchmarkPlanNoIndex(b *testing.B) {
	r, sel := synthetic(b, 1)
	f := geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 12), 1)
	b.ReportAllocs()
	for b.Loop() {
		r.planAll(sel, geo.NoDay, f)
	}
}

func BenchmarkPlanIndexed(b *testing.B) {
	r, sel := synthetic(b, 1)
	f := geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 12), 1)
	b.ReportAllocs()
	for b.Loop() {
		r.Plan(context.Background(), sel, geo.NoDay, f)
	}
}

func cos(a float64) float64 { return math.Cos(a) }
func sin(a float64) float64 { return math.Sin(a) }
