package atlas

import (
	"cmp"
	"slices"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// Phase is a run of the campaign's events: the days from the first to the
// last of them, and the events themselves in order of their start.
type Phase struct {
	From, To geo.Day
	Events   []*overlays.Feature
}

// Day is the phase's date on a map: its last day, the situation at the end
// of the phase.
func (p Phase) Day() geo.Day { return p.To }

// Phases splits the events of the selected layers (features of kind
// event) that begin within span into at most n phases. The distinct days
// on which they begin are taken in order and cut into n runs of as equal
// a number of days as can be, the earlier runs one day longer when they
// cannot all be equal; each run with its events is a phase. With n or
// fewer such days every day is a phase of its own. No events, or n < 1,
// give no phases. The layers are not modified.
func Phases(sel overlays.Selection, n int, span geo.Span) []Phase {
	var events []*overlays.Feature
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Kind == overlays.KindEvent && f.Span.From != geo.MinDay && span.Contains(f.Span.From) {
				events = append(events, f)
			}
		}
	}
	if n < 1 || len(events) == 0 {
		return nil
	}
	slices.SortStableFunc(events, func(a, b *overlays.Feature) int { return cmp.Compare(a.Span.From, b.Span.From) })
	var days []geo.Day
	for _, f := range events {
		if len(days) == 0 || days[len(days)-1] != f.Span.From {
			days = append(days, f.Span.From)
		}
	}
	n = min(n, len(days))
	phases := make([]Phase, 0, n)
	at, e := 0, 0
	for i := range n {
		size := len(days) / n
		if i < len(days)%n {
			size++
		}
		p := Phase{From: days[at], To: days[at+size-1]}
		for e < len(events) && events[e].Span.From <= p.To {
			p.Events = append(p.Events, events[e])
			e++
		}
		phases = append(phases, p)
		at += size
	}
	return phases
}
