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
