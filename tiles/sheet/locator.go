package sheet

import (
	_ "embed"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/xiang-maps/xiang/geo"
)

// chinaJSON is the outline of China and Taiwan from Natural Earth's
// 1:50m admin-0 countries (public domain, naturalearthdata.com), for the
// locator map. It is read-only.
//
//go:embed china.geojson
var chinaJSON []byte

// LocatorCredit is the attribution the locator map's outline needs.
const LocatorCredit = "Locator: Natural Earth (public domain)"

// locator is the small map that shows where the sheet's map lies in
// China: the outline, and the map's extent as a rectangle, in page points.
type locator struct {
	box    Rect
	rings  [][]orb.Point
	extent Rect
}

// newLocator projects the outline of China and the map's lon/lat extent
// into box, fitting both with a margin.
func newLocator(box Rect, extent orb.Bound) (locator, error) {
	fc, err := geojson.UnmarshalFeatureCollection(chinaJSON)
	if err != nil {
		return locator{}, fmt.Errorf("locator outline: %w", err)
	}
	var world []orb.Polygon
	var wb orb.Bound
	for i, f := range fc.Features {
		var polys []orb.Polygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		}
		for _, p := range polys {
			wp := geo.ToWorld(orb.Polygon{p[0]}).(orb.Polygon)
			if i == 0 && len(world) == 0 {
				wb = wp.Bound()
			} else {
				wb = wb.Union(wp.Bound())
			}
			world = append(world, wp)
		}
	}
	e := orb.Bound{Min: geo.World(orb.Point{extent.Min[0], extent.Max[1]}), Max: geo.World(orb.Point{extent.Max[0], extent.Min[1]})}
	wb = wb.Union(e)
	pad := 0.04 * math.Max(wb.Max[0]-wb.Min[0], wb.Max[1]-wb.Min[1])
	wb = wb.Pad(pad)
	scale := math.Min(box.W/(wb.Max[0]-wb.Min[0]), box.H/(wb.Max[1]-wb.Min[1]))
	ox := box.X + (box.W-(wb.Max[0]-wb.Min[0])*scale)/2
	oy := box.Y + (box.H-(wb.Max[1]-wb.Min[1])*scale)/2
	page := func(w orb.Point) orb.Point {
		return orb.Point{ox + (w[0]-wb.Min[0])*scale, oy + (w[1]-wb.Min[1])*scale}
	}

	l := locator{box: box}
	simp := simplify.DouglasPeucker(0.35 / scale) // a third of a point on paper
	for _, wp := range world {
		r := simp.Ring(wp[0])
		b := r.Bound()
		if (b.Max[0]-b.Min[0])*scale < 0.8 && (b.Max[1]-b.Min[1])*scale < 0.8 {
			continue // specks too small to print
		}
		ring := make([]orb.Point, len(r))
		for i, p := range r {
			ring[i] = page(p)
		}
		l.rings = append(l.rings, ring)
	}
	a, b := page(e.Min), page(e.Max)
	l.extent = Rect{a[0], a[1], b[0] - a[0], b[1] - a[1]}
	return l, nil
}
