package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/overlays"
)

func TestTiles(t *testing.T) {
	list := Tiles(Area, SampleSeed)
	perZoom := map[maptile.Zoom]int{}
	seen := map[maptile.Tile]bool{}
	for i, tl := range list {
		perZoom[tl.Z]++
		if seen[tl] {
			t.Errorf("tile %s listed twice", TilePath(tl))
		}
		seen[tl] = true
		if i > 0 && compareTiles(list[i-1], tl) >= 0 {
			t.Errorf("tiles %s, %s out of order", TilePath(list[i-1]), TilePath(tl))
		}
		if b := tl.Bound(); !b.Intersects(Area) {
			t.Errorf("tile %s (%v) is outside the area", TilePath(tl), b)
		}
	}
	want := map[maptile.Zoom]int{6: 4, 7: 6, 8: 20, 9: 56, 10: 208, 12: 200}
	for z, n := range want {
		if perZoom[z] != n {
			t.Errorf("zoom %d: %d tiles, want %d", z, perZoom[z], n)
		}
	}
	if len(list) != 494 {
		t.Errorf("%d tiles, want 494", len(list))
	}
	if again := Tiles(Area, SampleSeed); !equalTiles(again, list) {
		t.Error("the tile list is not deterministic")
	}
	if other := Tiles(Area, SampleSeed+1); equalTiles(other, list) {
		t.Error("the seed does not change the sample")
	}
}

func equalTiles(a, b []maptile.Tile) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTileListRoundTrip(t *testing.T) {
	list := Tiles(orb.Bound{Min: orb.Point{112, 27}, Max: orb.Point{112.5, 27.5}}, 1)
	var buf bytes.Buffer
	if err := WriteTiles(&buf, list); err != nil {
		t.Fatal(err)
	}
	got, err := ReadTiles(strings.NewReader("# comment\n\n" + buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !equalTiles(got, list) {
		t.Errorf("read %d tiles back, want the %d written", len(got), len(list))
	}
}

func TestReadTilesErrors(t *testing.T) {
	cases := map[string]struct {
		in, want string
	}{
		"not a tile":     {"6/51/26\nhello\n", "line 2"},
		"x out of range": {"2/4/0\n", `line 1 "2/4/0": no such tile`},
		"zoom too deep":  {"25/0/0\n", "no such tile"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ReadTiles(strings.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

func TestSynthetic(t *testing.T) {
	for _, d := range []int{1, 10} {
		fc := Synthetic(d)
		if n := len(fc.Features); n != Polygons+Routes+Markers {
			t.Errorf("density %d: %d features, want %d", d, n, Polygons+Routes+Markers)
		}
		want := Polygons*(100*d+1) + Routes*150*d + Markers
		if n := Vertices(fc); n != want {
			t.Errorf("density %d: %d vertices, want %d", d, n, want)
		}
		a, _ := fc.MarshalJSON()
		b, _ := Synthetic(d).MarshalJSON()
		if !bytes.Equal(a, b) {
			t.Errorf("density %d: not deterministic", d)
		}
		c, err := overlays.Load(fstest.MapFS{"synthetic.geojson": {Data: a}})
		if err != nil {
			t.Fatalf("density %d: %v", d, err)
		}
		// The styles the features carry are the ones the peer is given.
		for _, f := range c.Layers[0].Features {
			switch f.Kind {
			case overlays.KindArea:
				// xiang rounds the fill opacity to an alpha byte: 0.35 × 255 → 89.
				if alpha := math.Round(FillOpacity * 255); f.Style.Width != OutlineWidth || float64(f.Style.Fill.A) != alpha {
					t.Fatalf("area style %+v", f.Style)
				}
			case overlays.KindFront:
				if f.Style.Width != RouteWidth {
					t.Fatalf("route style %+v", f.Style)
				}
			}
		}
	}
	m := Mercator(Synthetic(1))
	if b := m.Features[0].Geometry.Bound(); b.Min[0] < 1e7 || b.Max[0] > 1.3e7 {
		t.Errorf("Mercator copy: bound %v is not in metres over Hunan", b)
	}
}

func TestSummarize(t *testing.T) {
	d := []time.Duration{4 * time.Millisecond, 1 * time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}
	s := Summarize(d, []bool{false, true, false, false}, 20*time.Millisecond, 100)
	if s.Tiles != 4 || s.TotalMs != 10 || s.MeanMs != 2.5 || s.P50Ms != 2 || s.P95Ms != 4 || s.MaxMs != 4 || s.Empty != 1 || s.DrawnMs != 3 {
		t.Errorf("got %+v", s)
	}
	if s.TilesPerS != 400 || s.WallPerS != 200 || s.EmptyRatio != 0.25 {
		t.Errorf("rates: got %+v", s)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("percentile of nothing: %v", got)
	}
}
