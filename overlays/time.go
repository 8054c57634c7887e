package overlays

import (
	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

// State is what a feature looks like on one day. It is comparable, so it can
// be part of a cache key: two days with equal states draw the same feature.
type State struct {
	// Visible: the day lies in the feature's start..end.
	Visible bool
	// Distance is how far along its route a movement has got, in metres; it
	// equals Route.Length() once the movement is complete. Zero for other kinds.
	Distance float64
	// Moving: a movement is under way (past its first time, before its last).
	Moving bool
}

// At returns the feature's state on day d. At geo.NoDay — the summary map —
// every feature is visible and every movement complete.
func (f *Feature) At(d geo.Day) State {
	if d == geo.NoDay {
		return State{Visible: true, Distance: f.routeLength()}
	}
	if !f.Span.Contains(d) {
		return State{}
	}
	if f.Route == nil {
		return State{Visible: true}
	}
	dist, moving := f.travelled(d)
	return State{Visible: true, Distance: dist, Moving: moving}
}

func (f *Feature) routeLength() float64 {
	if f.Route == nil {
		return 0
	}
	return f.Route.Length()
}

// travelled returns the distance a movement has covered on day d, by its
// coordTimes when it has them (linear in time between dated vertices), else
// uniformly over start..end; moving is true strictly between the first and
// last time.
func (f *Feature) travelled(d geo.Day) (dist float64, moving bool) {
	r := f.Route
	if len(f.Times) == 0 {
		from, to := f.Span.From, f.Span.To
		if from == geo.MinDay || to == geo.MaxDay || from >= to || d >= to {
			return r.Length(), false
		}
		if d <= from {
			return 0, false
		}
		return r.Length() * float64(d-from) / float64(to-from), true
	}
	t := f.Times
	last := len(t) - 1
	if d < t[0] {
		return 0, false
	}
	if d >= t[last] {
		return r.Length(), false
	}
	// j is the last vertex reached by day d: t[j] <= d < t[j+1].
	j := 0
	for j+1 <= last && t[j+1] <= d {
		j++
	}
	frac := float64(d-t[j]) / float64(t[j+1]-t[j])
	a, b := r.VertexDistance(j), r.VertexDistance(j+1)
	return a + frac*(b-a), d > t[0]
}

// Progress returns the fraction (0 to 1) of its route a movement has
// covered in state s, or 1 for other kinds.
func (f *Feature) Progress(s State) float64 {
	if f.Route == nil || f.Route.Length() == 0 {
		return 1
	}
	return s.Distance / f.Route.Length()
}

// GeometryAt returns the lon/lat geometry drawn in state s: a movement's
// line cut at its position (a new slice), or the feature's own geometry.
// It returns nil when the feature is not visible.
func (f *Feature) GeometryAt(s State) orb.Geometry {
	if !s.Visible {
		return nil
	}
	if f.Route != nil {
		return f.Route.Cut(s.Distance)
	}
	return f.Geometry
}

// Position returns where the troops of a movement are in state s.
func (f *Feature) Position(s State) (orb.Point, bool) {
	if f.Route == nil || !s.Visible {
		return orb.Point{}, false
	}
	p, _ := f.Route.Locate(s.Distance)
	return p, true
}
