package kml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

// part is one geometry of a placemark, with the dates of its vertices
// when it is a track.
type part struct {
	g     orb.Geometry
	times []any
}

// merge joins the parts of a MultiGeometry into one Multi* geometry when
// they are all lines or all polygons (or all points, for a kind that
// allows MultiPoint); it returns nil when they must be split.
func merge(parts []part, kind string) orb.Geometry {
	var ml orb.MultiLineString
	var mp orb.MultiPolygon
	var pts orb.MultiPoint
	for _, p := range parts {
		switch g := p.g.(type) {
		case orb.LineString:
			if p.times != nil {
				return nil
			}
			ml = append(ml, g)
		case orb.Polygon:
			mp = append(mp, g)
		case orb.Point:
			pts = append(pts, g)
		}
	}
	switch n := len(parts); {
	case len(ml) == n && (kind == "" || kind != string(overlays.KindMovement)):
		return ml
	case len(mp) == n:
		return mp
	case len(pts) == n && kind != "" && containsType(kind, "MultiPoint"):
		return pts
	}
	return nil
}

func containsType(kind, typ string) bool {
	for _, t := range overlays.Kind(kind).GeometryTypes() {
		if t == typ {
			return true
		}
	}
	return false
}

// inferKind is the kind of a placemark that does not say its own.
func inferKind(g orb.Geometry, dated bool) string {
	switch g.(type) {
	case orb.Point:
		if dated {
			return string(overlays.KindEvent)
		}
		return string(overlays.KindPlace)
	case orb.LineString:
		return string(overlays.KindMovement)
	case orb.MultiLineString:
		return string(overlays.KindFront)
	}
	return string(overlays.KindArea)
}

// geometry reads the geometry element n, if it is one.
func (r *reader) geometry(n *convert.Node) []part {
	bad := func(line int, format string, args ...any) { r.probs.Addf(r.file, line, format, args...) }
	switch n.Name {
	case "Point":
		pts := r.coords(n.Child("coordinates"), n)
		if pts == nil {
			return nil
		}
		if len(pts) != 1 {
			bad(n.Line, "<Point> has %d coordinates, want 1", len(pts))
			return nil
		}
		return []part{{g: pts[0]}}
	case "LineString":
		pts := r.coords(n.Child("coordinates"), n)
		if pts == nil {
			return nil
		}
		return []part{{g: orb.LineString(pts)}}
	case "LinearRing":
		ring := r.ring(n)
		if ring == nil {
			return nil
		}
		return []part{{g: orb.Polygon{ring}}}
	case "Polygon":
		var pg orb.Polygon
		outer := n.Child("outerBoundaryIs").Child("LinearRing")
		if outer == nil {
			bad(n.Line, "<Polygon> without <outerBoundaryIs><LinearRing>")
			return nil
		}
		ring := r.ring(outer)
		if ring == nil {
			return nil
		}
		pg = append(pg, ring)
		for _, in := range n.All("innerBoundaryIs") {
			for _, lr := range in.All("LinearRing") {
				if ring := r.ring(lr); ring != nil {
					pg = append(pg, ring)
				}
			}
		}
		return []part{{g: pg}}
	case "MultiGeometry":
		var out []part
		for _, c := range n.Children {
			out = append(out, r.geometry(c)...)
		}
		return out
	case "Track":
		p, ok := r.track(n)
		if !ok {
			return nil
		}
		return []part{p}
	case "MultiTrack":
		// The tracks of a MultiTrack are one journey with gaps: one
		// movement, timed when every track is.
		var ls orb.LineString
		var times []any
		timed := true
		for _, t := range n.All("Track") {
			p, ok := r.track(t)
			if !ok {
				return nil
			}
			ls = append(ls, p.g.(orb.LineString)...)
			times = append(times, p.times...)
			timed = timed && p.times != nil
		}
		if ls == nil {
			bad(n.Line, "<gx:MultiTrack> has no <gx:Track>")
			return nil
		}
		if !timed {
			times = nil
		}
		return []part{{g: ls, times: times}}
	case "Model":
		r.sum.Skip("Model")
	}
	return nil
}

// track reads a gx:Track: a when per gx:coord. Its times are nil when it
// has no when at all.
func (r *reader) track(n *convert.Node) (part, bool) {
	whens, coords := n.All("when"), n.All("coord")
	if len(whens) != len(coords) && len(whens) > 0 {
		r.probs.Addf(r.file, n.Line, "<gx:Track> has %d <when> and %d <gx:coord>: want one when per coord", len(whens), len(coords))
		return part{}, false
	}
	if len(coords) < 2 {
		r.probs.Addf(r.file, n.Line, "<gx:Track> has %d <gx:coord>, needs at least 2", len(coords))
		return part{}, false
	}
	ls := make(orb.LineString, 0, len(coords))
	ok := true
	for _, c := range coords {
		f := strings.Fields(c.Text)
		if len(f) < 2 || len(f) > 3 {
			r.probs.Addf(r.file, c.Line, "<gx:coord> %q: want \"lon lat [alt]\"", c.Text)
			ok = false
			continue
		}
		p, err := point(f[0], f[1])
		if err != nil {
			r.probs.Addf(r.file, c.Line, "<gx:coord> %q: %v", c.Text, err)
			ok = false
			continue
		}
		ls = append(ls, p)
	}
	var times []any
	var last geo.Day
	var lastText string
	for i, w := range whens {
		d, sub, err := convert.ParseTime(w.Text)
		if err != nil {
			r.probs.Addf(r.file, w.Line, "<when>: %v", err)
			ok = false
			continue
		}
		if sub && !r.interpolated {
			r.sum.SubDay++
		}
		day := convert.Day(d)
		if i > 0 && day < last {
			r.probs.Addf(r.file, w.Line, "<when> %s is before the <when> before it (%s): times must not decrease", w.Text, lastText)
			ok = false
		}
		last, lastText = day, w.Text
		times = append(times, d)
	}
	return part{g: ls, times: times}, ok
}

// coords reads a <coordinates> element: tuples "lon,lat[,alt]" separated
// by white space (spaces after the commas, which some tools write, are
// allowed). It returns nil after reporting a problem.
func (r *reader) coords(c *convert.Node, parent *convert.Node) []orb.Point {
	if c == nil {
		r.probs.Addf(r.file, parent.Line, "<%s> without <coordinates>", parent.Name)
		return nil
	}
	text := spaceAfterComma.Replace(c.Text)
	fields := strings.Fields(text)
	if len(fields) == 0 {
		r.probs.Addf(r.file, c.Line, "<coordinates> is empty")
		return nil
	}
	pts := make([]orb.Point, 0, len(fields))
	for i, f := range fields {
		xy := strings.Split(f, ",")
		if len(xy) < 2 || len(xy) > 3 {
			r.probs.Addf(r.file, c.Line, "<coordinates>: tuple %d %q: want lon,lat[,alt]", i, f)
			return nil
		}
		p, err := point(xy[0], xy[1])
		if err != nil {
			r.probs.Addf(r.file, c.Line, "<coordinates>: tuple %d %q: %v", i, f, err)
			return nil
		}
		pts = append(pts, p)
	}
	return pts
}

var spaceAfterComma = strings.NewReplacer(", ", ",", ",\t", ",", " ,", ",")

// ring reads a LinearRing, closing it when its last point is not its
// first (KML requires it closed; not every tool does).
func (r *reader) ring(n *convert.Node) orb.Ring {
	pts := r.coords(n.Child("coordinates"), n)
	if pts == nil {
		return nil
	}
	ring := orb.Ring(pts)
	if len(ring) > 0 && !ring.Closed() {
		ring = append(ring, ring[0])
	}
	return ring
}

// point parses a longitude and a latitude.
func point(lon, lat string) (orb.Point, error) {
	x, err1 := strconv.ParseFloat(lon, 64)
	y, err2 := strconv.ParseFloat(lat, 64)
	if err1 != nil || err2 != nil {
		return orb.Point{}, fmt.Errorf("want numbers")
	}
	return orb.Point{x, y}, nil
}
