package vector

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// TestHeadBearingAtBend checks that a head just past a bend is aimed as
// the raster aims it, along the chord over the head's length: at a deep
// zoom the head is short and points along the new leg (north); at a low
// zoom it reaches back over the bend and points between east and north;
// and each tile carries its zoom's bearing.
func TestHeadBearingAtBend(t *testing.T) {
	// East 20 km, then north 20 km; the head 200 m past the bend.
	ls := orb.LineString{{112.0, 26.9}, {112.2, 26.9}, {112.2, 27.08}}
	r, err := geo.NewRoute(ls)
	if err != nil {
		t.Fatal(err)
	}
	w := newWorldLine(r)
	pos, seg := r.Locate(r.VertexDistance(1) + 200)
	bs := headBearings(w, geo.World(pos), seg, progress(r, r.VertexDistance(1)+200), Bearing(r, seg))
	for _, tc := range []struct {
		z        int
		min, max float64
	}{
		{14, 0, 0.5}, {13, 0, 0.5}, // the head (≤ 60 m) lies on the northward leg
		{10, 5, 85}, // ≈ 380 m: back over the bend
		{6, 80, 90}, // kilometres: almost all of it on the eastward leg
	} {
		t.Run(string(rune('0'+tc.z/10))+string(rune('0'+tc.z%10)), func(t *testing.T) {
			if b := bs[tc.z]; b < tc.min || b > tc.max {
				t.Errorf("zoom %d: bearing %.1f°, want %.0f–%.0f°", tc.z, b, tc.min, tc.max)
			}
		})
	}

	// The tiles: a movement along the route, complete; its final head in
	// a tile at zoom 6 and at zoom 14 carries that zoom's bearing.
	f := &overlays.Feature{Layer: &overlays.Layer{ID: "t"}, Kind: overlays.KindMovement, Span: geo.All,
		Geometry: orb.LineString{{112.0, 26.9}, {112.2, 26.9}, {112.2, 26.902}}, Route: nil,
		Style: overlays.DefaultStyle(overlays.KindMovement, overlays.SideJapan)}
	f.World = geo.ToWorld(f.Geometry)
	if f.Route, err = geo.NewRoute(f.Geometry.(orb.LineString)); err != nil {
		t.Fatal(err)
	}
	s := &Set{pieces: featurePieces(f, DefaultLimits.MaxDays)}
	s.bounds = make([]orb.Bound, len(s.pieces))
	for i, p := range s.pieces {
		s.bounds[i] = p.geom.Bound()
	}
	s.index = newGrid(s.bounds[0].Union(s.bounds[len(s.bounds)-1]), s.bounds)
	got := map[uint32]float64{}
	for _, z := range []maptile.Zoom{6, 14} {
		for _, l := range decodeTile(t, s, maptile.At(orb.Point{112.2, 26.902}, z)) {
			if l.Name == LayerHeads {
				got[uint32(z)] = l.Features[0].Properties["bearing"].(float64)
			}
		}
	}
	// 222 m north after 20 km east: at zoom 6 the head reaches back
	// over the bend (east-north-east), at 14 it points north.
	if got[6] < 45 || got[6] > 89 || got[14] > 0.5 {
		t.Errorf("bearings by zoom %v: want east-north-east at 6, north at 14", got)
	}
}
