package geo

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"
)

func TestRouteLocateHalfway(t *testing.T) {
	// Xinqiang River to Changsha, a long line with a bend.
	ls := orb.LineString{{113.16, 29.21}, {113.05, 28.75}, {112.97, 28.20}}
	r, err := NewRoute(ls)
	if err != nil {
		t.Fatal(err)
	}
	want := orbgeo.LengthHaversine(ls)
	if math.Abs(r.Length()-want) > 1e-6*want {
		t.Fatalf("Length = %f, want %f", r.Length(), want)
	}
	p, seg := r.Locate(r.Length() / 2)
	if seg != 0 && seg != 1 {
		t.Fatalf("segment %d", seg)
	}
	// The point must split the line in two halves of equal geodesic length.
	first := orbgeo.LengthHaversine(append(orb.LineString{}, append(ls[:seg+1:seg+1], p)...))
	if rel := math.Abs(first-want/2) / want; rel > 0.01 {
		t.Errorf("halfway point %v is at %.0f m of %.0f m (%.2f%% off)", p, first, want, rel*100)
	}
	cut := r.Cut(r.Length() / 2)
	if got := orbgeo.LengthHaversine(cut); math.Abs(got-want/2)/want > 0.01 {
		t.Errorf("cut line is %.0f m, want %.0f m", got, want/2)
	}
	if cut[len(cut)-1] != p {
		t.Errorf("cut ends at %v, want %v", cut[len(cut)-1], p)
	}
}

func TestRouteEnds(t *testing.T) {
	ls := orb.LineString{{112, 28}, {112.5, 28}, {113, 28.5}}
	r, _ := NewRoute(ls)
	tests := []struct {
		dist float64
		want orb.Point
		n    int
	}{
		{-5, ls[0], 2}, {0, ls[0], 2}, {r.VertexDistance(1), ls[1], 3}, {r.Length(), ls[2], 3}, {1e12, ls[2], 3},
	}
	for _, tc := range tests {
		p, _ := r.Locate(tc.dist)
		if orbgeo.DistanceHaversine(p, tc.want) > 0.01 {
			t.Errorf("Locate(%f) = %v, want %v", tc.dist, p, tc.want)
		}
		if c := r.Cut(tc.dist); len(c) != tc.n {
			t.Errorf("Cut(%f) has %d points, want %d: %v", tc.dist, len(c), tc.n, c)
		}
	}
	if _, err := NewRoute(orb.LineString{{1, 1}}); !errors.Is(err, ErrShortLine) {
		t.Errorf("one-point route: err = %v", err)
	}
}

func TestWorldMatchesMaptile(t *testing.T) {
	// A point's world coordinate times 2^z lies inside the tile orb's maptile.At gives.
	for _, p := range []orb.Point{{112.61888, 26.88946}, {112.967, 28.2}, {109.678, 27.4409}, {-179.9, 85}, {0, 0}} {
		w := World(p)
		for z := maptile.Zoom(0); z <= 18; z += 3 {
			tile := maptile.At(p, z)
			n := float64(uint32(1) << z)
			if x, y := uint32(w[0]*n), uint32(w[1]*n); x != tile.X || y != tile.Y {
				t.Errorf("%v z%d: world gives tile %d/%d, maptile.At %d/%d", p, z, x, y, tile.X, tile.Y)
			}
		}
		back := FromWorld(w)
		if math.Abs(back[0]-p[0]) > 1e-9 || math.Abs(back[1]-p[1]) > 1e-9 {
			t.Errorf("FromWorld(World(%v)) = %v", p, back)
		}
	}
	g := orb.LineString{{112, 28}, {113, 27}}
	w := ToWorld(g).(orb.LineString)
	if g[0] != (orb.Point{112, 28}) || w[0] != World(g[0]) {
		t.Errorf("ToWorld modified its input or projected wrongly: %v → %v", g, w)
	}
}

func TestVertices(t *testing.T) {
	sq := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	tests := []struct {
		g    orb.Geometry
		want int
	}{
		{orb.Point{1, 2}, 1},
		{orb.MultiPoint{{1, 2}, {3, 4}}, 2},
		{orb.LineString{{0, 0}, {1, 1}, {2, 2}}, 3},
		{orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 4}}}, 5},
		{orb.Polygon{sq, sq}, 8},
		{orb.MultiPolygon{{sq}, {sq, sq}}, 12},
		{orb.Collection{orb.Point{0, 0}, orb.LineString{{0, 0}, {1, 1}}}, 3},
		{nil, 0},
	}
	for _, tc := range tests {
		if got := Vertices(tc.g); got != tc.want {
			t.Errorf("Vertices(%v) = %d, want %d", tc.g, got, tc.want)
		}
	}
}
