package geo

import (
	"errors"
	"sort"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
)

// ErrShortLine is returned for a route with fewer than two points.
var ErrShortLine = errors.New("line needs at least two points")

// Route is a lon/lat line string with the cumulative geodesic (haversine)
// length at each vertex, for finding where along the line a distance falls.
// A Route is read-only after NewRoute and safe for concurrent use.
type Route struct {
	line orb.LineString
	cum  []float64 // cum[i]: metres from line[0] to line[i]
}

// NewRoute measures ls. It keeps ls, which the caller must not modify later.
func NewRoute(ls orb.LineString) (*Route, error) {
	if len(ls) < 2 {
		return nil, ErrShortLine
	}
	cum := make([]float64, len(ls))
	for i := 1; i < len(ls); i++ {
		cum[i] = cum[i-1] + orbgeo.DistanceHaversine(ls[i-1], ls[i])
	}
	return &Route{line: ls, cum: cum}, nil
}

// Line returns the route's line string; callers must not modify it.
func (r *Route) Line() orb.LineString { return r.line }

// Length returns the route's geodesic length in metres.
func (r *Route) Length() float64 { return r.cum[len(r.cum)-1] }

// VertexDistance returns the distance in metres from the start to vertex i.
func (r *Route) VertexDistance(i int) float64 { return r.cum[i] }

// Locate returns the point at distance metres from the start along the
// great circle of its segment, and the index of the segment's first
// vertex. Distances are clamped to [0, Length].
func (r *Route) Locate(distance float64) (orb.Point, int) {
	if distance <= 0 {
		return r.line[0], 0
	}
	n := len(r.line)
	if distance >= r.Length() {
		return r.line[n-1], n - 2
	}
	// The segment [i, i+1] holds distance: cum[i] <= distance < cum[i+1].
	i := min(sort.SearchFloat64s(r.cum, distance), n-1)
	if r.cum[i] > distance || i == n-1 {
		i--
	}
	from, to := r.line[i], r.line[i+1]
	into := distance - r.cum[i]
	if into <= 0 {
		return from, i
	}
	return orbgeo.PointAtBearingAndDistance(from, orbgeo.Bearing(from, to), into), i
}

// Cut returns a new line string from the start of the route to the point at
// distance metres: the vertices passed so far, then that point. The result
// has at least two points (both the start when distance ≤ 0).
func (r *Route) Cut(distance float64) orb.LineString {
	p, i := r.Locate(distance)
	out := make(orb.LineString, 0, i+2)
	out = append(out, r.line[:i+1]...)
	return append(out, p)
}
