package overlays

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

// checkProperties checks dates, coordTimes, enumerations, sources and style
// overrides, and fills the feature's typed fields.
func checkProperties(ft *Feature, p *propReader) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	side := p.enum("side", sides)
	if side != "none" {
		ft.Side = Side(side)
	}
	p.enum("echelon", echelons)
	p.enum("branch", branches)
	p.enum("action", actions)
	p.enum("outcome", outcomes)
	p.enum("role", roles)
	for _, key := range []string{"unit", "designation", "commander", "description", "note", "source"} {
		p.str(key)
	}
	if r, ok := p.num("rank"); ok && (r != float64(int(r)) || r < 1 || r > 4) {
		bad("rank %g: want an integer from 1 to 4", r)
	}
	if v, ok := p.props["approximate"]; ok && v != nil {
		if _, isBool := v.(bool); !isBool {
			bad("approximate: got %s, want true or false", typeName(v))
		}
	}

	start, hasStart := spanOf(p, "start")
	end, hasEnd := spanOf(p, "end")
	ft.Span = geo.Span{From: start.From, To: end.To}
	if hasStart && hasEnd && start.From > end.To {
		bad("start %s is after end %s", p.str("start"), p.str("end"))
	}

	if (ft.Side != SideNone || hasStart || hasEnd) && p.str("source") == "" {
		bad("missing source (required on historical features: those with a side, start or end)")
	}
	if ft.Kind == KindEvent {
		if !hasStart && !p.has("start") {
			bad("event needs a start date")
		}
		if p.str("description") == "" {
			bad("event needs a description")
		}
	}

	if p.has("coordTimes") {
		errs = append(errs, checkCoordTimes(ft, p)...)
	}
	if ft.Kind == KindMovement {
		if ls, ok := ft.Geometry.(orb.LineString); ok && len(ls) >= 2 && validLonLatAll(ls) {
			r, err := geo.NewRoute(ls)
			if err != nil {
				bad("%v", err)
			}
			ft.Route = r
		}
	}

	st, styleErrs := parseStyle(ft, p)
	ft.Style = st
	errs = append(errs, styleErrs...)
	return append(errs, p.errs...)
}

func validLonLatAll(ls orb.LineString) bool {
	for _, pt := range ls {
		if !validLonLat(pt) {
			return false
		}
	}
	return true
}

var errCoordTimes = errors.New("coordTimes")

// checkCoordTimes checks a movement's per-vertex dates.
func checkCoordTimes(ft *Feature, p *propReader) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{errCoordTimes}, args...)...))
	}
	if ft.Kind != KindMovement {
		bad("only movements may have them, not %s", ft.Kind)
		return errs
	}
	raw, ok := p.props["coordTimes"].([]any)
	if !ok {
		bad("got %s, want an array of dates", typeName(p.props["coordTimes"]))
		return errs
	}
	ls, _ := ft.Geometry.(orb.LineString)
	if ls != nil && len(raw) != len(ls) {
		bad("%d dates for %d vertices", len(raw), len(ls))
	}
	times := make([]geo.Day, 0, len(raw))
	for i, v := range raw {
		s, ok := v.(string)
		if !ok {
			bad("[%d]: got %s, want a date string", i, typeName(v))
			return errs
		}
		sp, err := geo.ParseDate(s)
		if err != nil {
			bad("[%d]: %v", i, err)
			return errs
		}
		if i > 0 && sp.From < times[i-1] {
			bad("[%d] %s is before [%d] %s: dates must not decrease", i, s, i-1, times[i-1])
		}
		times = append(times, sp.From)
	}
	if len(times) > 0 {
		if first := times[0]; first < ft.Span.From {
			bad("[0] %s is before start %s", first, ft.Span.From)
		}
		if last := times[len(times)-1]; last > ft.Span.To {
			bad("[%d] %s is after end %s", len(times)-1, last, ft.Span.To)
		}
	}
	if len(errs) == 0 {
		ft.Times = times
	}
	return errs
}
