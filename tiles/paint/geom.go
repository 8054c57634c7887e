package paint

import "github.com/paulmach/orb"

// Walk calls fn for every point sequence of g, tagged by its role:
// 'p' points, 'l' line, 'r' outer ring, 'i' inner ring.
func Walk(g orb.Geometry, fn func(tag byte, ps []orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn('p', []orb.Point{g})
	case orb.MultiPoint:
		fn('p', g)
	case orb.LineString:
		fn('l', g)
	case orb.MultiLineString:
		for _, ls := range g {
			fn('l', ls)
		}
	case orb.Ring:
		fn('r', g)
	case orb.Polygon:
		for i, r := range g {
			if i == 0 {
				fn('r', r)
			} else {
				fn('i', r)
			}
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			Walk(pg, fn)
		}
	}
}

// SignedArea returns twice the signed area of a ring (positive when
// clockwise on screen, with y pointing down).
func SignedArea(r []orb.Point) float64 {
	s := 0.0
	for i := 1; i < len(r); i++ {
		s += r[i-1][0]*r[i][1] - r[i][0]*r[i-1][1]
	}
	return s
}
