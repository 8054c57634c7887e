package vector

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// placementZoomOffset maps a tile zoom to the raster zoom whose
// decluttering its unit symbols take: MapLibre draws a tile of zoom z
// from its zoom z to z+1 (512-pixel tiles), the raster's z+1 to z+2
// (mapstyle.ZoomOffset). At the raster's z+1, the bottom of that range,
// the tile shows exactly the raster's picture; further in, distances grow
// twice as fast as symbols, so symbols moved apart at z+1 stay apart.
const placementZoomOffset = 1

// Placement values: per-epoch pieces of a decluttered unit are "dated",
// the summary map's are "summary" (start_day and end_day 2147483647, so
// no dated map draws them); pieces valid for both carry none.
const (
	placementDated   = "dated"
	placementSummary = "summary"
)

// epoch is a run of days over which the visible unit, artillery and place
// features of a selection stay the same, and so does the raster's
// decluttering at every zoom.
type epoch struct{ from, to geo.Day }

// day returns the day an epoch's decluttering is decided on: any of its
// days, a bounded one when it has one.
func (e epoch) day() geo.Day {
	switch {
	case e.from != geo.MinDay:
		return e.from
	case e.to != geo.MaxDay:
		return e.to
	}
	return 0
}

// declutters reports whether the raster's decluttering reads f: units,
// artillery and places (whose key towns' names units avoid).
func declutters(f *overlays.Feature) bool {
	return tiles.Displaces(f) || f.Kind == overlays.KindPlace
}

// movable returns the points of a unit or artillery symbol the raster may
// move aside, nil for other features.
func movable(f *overlays.Feature) []orb.Point {
	if !tiles.Displaces(f) {
		return nil
	}
	switch g := f.World.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	}
	return nil
}

// epochs splits time at the days on which a feature the decluttering
// reads appears or disappears.
func epochs(sel overlays.Selection) []epoch {
	var cuts []geo.Day
	for _, l := range sel {
		for _, f := range l.Features {
			if !declutters(f) || f.Span.From > f.Span.To {
				continue
			}
			if f.Span.From != geo.MinDay {
				cuts = append(cuts, f.Span.From)
			}
			if f.Span.To != geo.MaxDay {
				cuts = append(cuts, f.Span.To+1)
			}
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	from := geo.MinDay
	var out []epoch
	for _, c := range cuts {
		if c > from {
			out = append(out, epoch{from, c - 1})
		}
		from = c
	}
	return append(out, epoch{from, geo.MaxDay})
}

// spot is where a unit's symbols are drawn at one zoom: hidden, or at
// (world coordinates) each of its points, moved aside or not, or dropped.
type spot struct {
	hidden  bool
	at      []orb.Point
	moved   []bool
	dropped []bool
}

func (s spot) equal(o spot) bool {
	return s.hidden == o.hidden && slices.Equal(s.at, o.at) && slices.Equal(s.moved, o.moved) && slices.Equal(s.dropped, o.dropped)
}

// plain reports whether the symbols stand at their true positions.
func (s spot) plain() bool {
	return !s.hidden && !slices.Contains(s.moved, true) && !slices.Contains(s.dropped, true)
}

// spotOf returns where p puts the symbols of f (at points pts).
func spotOf(p *tiles.Placement, f *overlays.Feature, pts []orb.Point) spot {
	if p.Hidden[f] {
		return spot{hidden: true}
	}
	s := spot{at: slices.Clone(pts), moved: make([]bool, len(pts)), dropped: make([]bool, len(pts))}
	for i := range pts {
		k := tiles.SymbolRef{Feature: f, Point: i}
		if m, ok := p.Moved[k]; ok {
			s.at[i], s.moved[i] = m, true
		}
		s.dropped[i] = p.Dropped[k]
	}
	return s
}

// run is a spot over consecutive days.
type run struct {
	from, to geo.Day
	spot     spot
}

// placedUnits decides, with the raster's decluttering (r.Declutter), where
// the unit and artillery symbols of sel are drawn at each tile zoom: per
// epoch, merged into runs of days with the same spot, and on the summary
// map. It returns the pieces of the features whose symbols are moved or
// hidden at some zoom (the others keep their single piece), each valid at
// one tile zoom only.
func placedUnits(ctx context.Context, sel overlays.Selection, r *tiles.Renderer) (map[*overlays.Feature][]piece, error) {
	var units []*overlays.Feature
	pts := map[*overlays.Feature][]orb.Point{} // each unit's true positions
	for _, l := range sel {
		for _, f := range l.Features {
			if at := movable(f); at != nil {
				units = append(units, f)
				pts[f] = at
			}
		}
	}
	if len(units) == 0 {
		return nil, nil
	}
	eps := epochs(sel)
	// The units shown in each epoch: the same at every zoom.
	seen := make([][]*overlays.Feature, len(eps))
	for i, e := range eps {
		for _, f := range units {
			if f.At(e.day()).Visible {
				seen[i] = append(seen[i], f)
			}
		}
	}
	runs := make(map[*overlays.Feature][][]run, len(units))
	summary := make(map[*overlays.Feature][]spot, len(units))
	for _, f := range units {
		runs[f], summary[f] = make([][]run, MaxZoom+1), make([]spot, MaxZoom+1)
	}
	for z := 0; z <= MaxZoom; z++ {
		zoom := float64(z + placementZoomOffset)
		p, err := r.Declutter(ctx, sel, geo.NoDay, zoom)
		if err != nil {
			return nil, fmt.Errorf("vector: placing units at zoom %d: %w", z, err)
		}
		for _, f := range units {
			summary[f][z] = spotOf(p, f, pts[f])
		}
		for i, e := range eps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if len(seen[i]) == 0 {
				continue
			}
			d := e.day()
			p, err := r.Declutter(ctx, sel, d, zoom)
			if err != nil {
				return nil, fmt.Errorf("vector: placing units on %s at zoom %d: %w", d, z, err)
			}
			for _, f := range seen[i] {
				s := spotOf(p, f, pts[f])
				rs := runs[f][z]
				if n := len(rs); n > 0 && rs[n-1].to == e.from-1 && rs[n-1].spot.equal(s) {
					rs[n-1].to = e.to
					continue
				}
				runs[f][z] = append(rs, run{max(e.from, f.Span.From), min(e.to, f.Span.To), s})
			}
		}
	}
	out := map[*overlays.Feature][]piece{}
	for _, f := range units {
		if ps := unitPieces(f, pts[f], runs[f], summary[f]); ps != nil {
			out[f] = ps
		}
	}
	return out, nil
}

// unitPieces returns the pieces of unit f, whose symbols truly stand at
// truePts, from its runs and summary spots per tile zoom, or nil when its symbols stand at their true positions
// at every zoom and on every day. At a zoom where they do, the zoom's
// piece is f's own; elsewhere each run is a "dated" piece at its spot
// (none when hidden) with a leader and a dot per moved symbol, and the
// summary map's spot a "summary" one.
func unitPieces(f *overlays.Feature, truePts []orb.Point, runs [][]run, summary []spot) []piece {
	whole := func(z int) bool {
		rs := runs[z]
		return summary[z].plain() && len(rs) == 1 && rs[0].from == f.Span.From && rs[0].to == f.Span.To && rs[0].spot.plain()
	}
	if !slices.ContainsFunc(runs, func(rs []run) bool { return len(rs) > 0 }) {
		return nil // never visible
	}
	all := true
	for z := range runs {
		all = all && whole(z)
	}
	if all {
		return nil
	}
	own := featurePieces(f, 0)[0]
	type propsKey struct {
		from, to  geo.Day
		placement string
		leader    bool
	}
	shared := map[propsKey]geojson.Properties{} // across zooms
	props := func(from, to geo.Day, placement string, leader bool) geojson.Properties {
		k := propsKey{from, to, placement, leader}
		if p, ok := shared[k]; ok {
			return p
		}
		var p geojson.Properties
		if leader {
			p = routeProps(own.props, leaderKeys)
			// The raster draws leaders and dots in the stroke colour,
			// symbols in the marker's.
			p["stroke"], p["stroke_opacity"] = hexColor(f.Style.Stroke), opacity(f.Style.Stroke)
		} else {
			p = maps.Clone(own.props)
			delete(p, "start_date")
			delete(p, "end_date")
			if placement == placementDated {
				setDays(p, from, to)
			}
		}
		p["start_day"], p["end_day"] = int64(from), int64(to)
		p["placement"] = placement
		shared[k] = p
		return p
	}
	var out []piece
	add := func(z int, from, to geo.Day, s spot, placement string) {
		if s.hidden {
			return
		}
		var at orb.MultiPoint
		var leads orb.MultiLineString
		var dots orb.MultiPoint
		for i, p := range s.at {
			if s.dropped[i] {
				continue
			}
			at = append(at, p)
			if s.moved[i] {
				w := truePts[i]
				leads = append(leads, orb.LineString{w, p})
				dots = append(dots, w)
			}
		}
		zoom := int8(z) + 1
		if len(at) > 0 {
			out = append(out, piece{layer: points, geom: single(at), props: props(from, to, placement, false), zoom: zoom})
		}
		if len(leads) > 0 {
			lp := props(from, to, placement, true)
			var lg orb.Geometry = leads
			if len(leads) == 1 {
				lg = leads[0]
			}
			out = append(out, piece{layer: leaders, geom: lg, props: lp, zoom: zoom},
				piece{layer: leaders, geom: single(dots), props: lp, zoom: zoom})
		}
	}
	for z, rs := range runs {
		if whole(z) {
			p := own
			p.zoom = int8(z) + 1
			out = append(out, p)
			continue
		}
		for _, r := range rs {
			add(z, r.from, r.to, r.spot, placementDated)
		}
		// The summary map's: on no day of a dated map.
		add(z, geo.MaxDay, geo.MaxDay, summary[z], placementSummary)
	}
	return out
}

// leaderKeys are the properties leaders and dots keep of their unit's:
// what the style reads, and the id that joins them to the symbol.
var leaderKeys = []string{"id", "layer", "kind", "side", "stroke", "stroke_opacity"}

// single returns a multi-point of one point as that point.
func single(m orb.MultiPoint) orb.Geometry {
	if len(m) == 1 {
		return m[0]
	}
	return m
}
