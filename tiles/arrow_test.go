package tiles

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// TestArrowStaysNearRoute: every vertex of the lines an arrow strokes in a
// tile — dashed or dotted edges, the hollow head's outline, the bar — lies
// within the arrow's reach of its route.
// The edges of hollow and approximate arrows were once cut from a ring the
// fill's clipping had already used as scratch space, and drew dotted
// chords across tiles hundreds of pixels from the route.
func TestArrowStaysNearRoute(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	r := New(c)
	for _, ds := range []string{"", "1944-06-18", "1944-07-15"} {
		d := geo.NoDay
		if ds != "" {
			d = day(t, ds)
		}
		for _, z := range []maptile.Zoom{9, 11, 12} {
			t.Run(fmt.Sprintf("%s/z%d", ds, z), func(t *testing.T) {
				checked := 0
				for _, it := range r.ix.items {
					if it.f.Kind != overlays.KindMovement {
						continue
					}
					st := it.f.At(d)
					if !st.Visible {
						continue
					}
					// The tiles over the route's bound, grown by a tile.
					b, n := it.bound, float64(uint32(1)<<z)
					x0, y0 := uint32(b.Min[0]*n)-1, uint32(b.Min[1]*n)-1
					x1, y1 := uint32(b.Max[0]*n)+1, uint32(b.Max[1]*n)+1
					for x := x0; x <= x1; x++ {
						for y := y0; y <= y1; y++ {
							fc := newFrameCtx(geo.TileFrame(maptile.New(x, y, z), 1))
							route := orb.LineString(fc.pxLine(it.f.World.(orb.LineString)))
							w1 := 6.5 * fc.sz
							hw := math.Max(2.2*w1, 9*fc.sz)
							reach := math.Max(1.2*hw, 10*fc.sz) + hw + 3 + w1 + 1
							for _, pr := range r.arrow(it, st, fc) {
								if pr.Op != paint.OpStroke {
									// Clipped fills may keep zero-area spurs along the
									// clip box, far from anything they paint.
									continue
								}
								checked++
								for _, p := range vertices(pr.Geom) {
									if dist := planar.DistanceFrom(route, p); dist > reach {
										t.Fatalf("%s, tile %d/%d/%d: a vertex of a %v drawn %.0f px from the route (reach %.0f)", it.f.Name, z, x, y, pr.Op, dist, reach)
									}
								}
							}
						}
					}
				}
				if checked == 0 {
					t.Fatal("no arrow drew anything")
				}
			})
		}
	}
}

// vertices returns the points of a geometry.
func vertices(g orb.Geometry) []orb.Point {
	var out []orb.Point
	switch g := g.(type) {
	case orb.Point:
		out = append(out, g)
	case orb.LineString:
		out = append(out, g...)
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, l...)
		}
	case orb.Ring:
		out = append(out, g...)
	case orb.Polygon:
		for _, r := range g {
			out = append(out, r...)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				out = append(out, r...)
			}
		}
	}
	return out
}
