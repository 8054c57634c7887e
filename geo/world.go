package geo

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// World projects a lon/lat point to Web Mercator world coordinates: x from 0
// at 180°W to 1 at 180°E, y from 0 at 85.05°N to 1 at 85.05°S. At zoom z a
// world coordinate times 2^z is a tile coordinate, and times 256·2^z a
// pixel coordinate.
func World(p orb.Point) orb.Point { return maptile.Fraction(p, 0) }

// ToWorld returns a copy of g projected with World; g is not modified.
func ToWorld(g orb.Geometry) orb.Geometry {
	if g == nil {
		return nil
	}
	return project.Geometry(orb.Clone(g), World)
}

// FromWorld returns the lon/lat point of a world coordinate; it inverts World.
func FromWorld(p orb.Point) orb.Point {
	// A world coordinate is a Web Mercator coordinate, shifted and scaled.
	const half = 20037508.342789244 // π·6378137 m, half the Mercator square
	m := orb.Point{(p[0] - 0.5) * 2 * half, (0.5 - p[1]) * 2 * half}
	return project.Mercator.ToWGS84(m)
}

// Vertices returns the number of points in g, counting every vertex of
// every line and ring (a ring's closing point included).
func Vertices(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.Ring:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, ls := range g {
			n += len(ls)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += Vertices(p)
		}
		return n
	case orb.Collection:
		n := 0
		for _, c := range g {
			n += Vertices(c)
		}
		return n
	}
	return 0
}
