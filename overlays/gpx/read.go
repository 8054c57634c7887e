package gpx

import (
	"errors"
	"path"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

// Read reads a GPX document into a layer whose id comes from file's name.
// Problems are returned all at once as a *convert.Problems, each at the
// line of the element at fault, with the layer of the features that could
// be read (nil when the document could not be read at all), so that they
// can be validated and their problems reported too.
func Read(file string, data []byte) (*convert.Layer, convert.Summary, error) {
	r := &reader{file: file, probs: &convert.Problems{}}
	r.l = &convert.Layer{ID: convert.LayerID(file), File: file}
	root, err := convert.ReadXML(data)
	if err != nil {
		var le *convert.LineError
		line := 0
		if errors.As(err, &le) {
			line = le.Line
		}
		r.probs.Add(file, line, err)
		return nil, r.sum, r.probs
	}
	if root.Name != "gpx" {
		r.probs.Addf(file, root.Line, "root element <%s>: want <gpx>", root.Name)
		return nil, r.sum, r.probs
	}
	// GPX 1.1 keeps the file's name in <metadata>; 1.0 at the top.
	r.l.Title = root.Child("metadata").ChildText("name")
	if r.l.Title == "" {
		r.l.Title = root.ChildText("name")
	}
	if r.l.Title == "" {
		r.l.Title = path.Base(file)
	}
	r.l.Description = root.Child("metadata").ChildText("desc")
	if r.l.Description == "" {
		r.l.Description = root.ChildText("desc")
	}
	for _, c := range root.Children {
		switch c.Name {
		case "wpt":
			r.waypoint(c)
		case "rte":
			r.line(c, c.All("rtept"), "rte")
		case "trk":
			var pts []*convert.Node
			for _, seg := range c.All("trkseg") {
				pts = append(pts, seg.All("trkpt")...)
			}
			r.line(c, pts, "trk")
		}
	}
	r.l.Cite(r.l.ID)
	return r.l, r.sum, r.probs.Err()
}

type reader struct {
	file  string
	l     *convert.Layer
	sum   convert.Summary
	probs *convert.Problems
}

// point reads the lat and lon attributes of a wpt, rtept or trkpt.
func (r *reader) point(n *convert.Node) (orb.Point, bool) {
	lat, err1 := strconv.ParseFloat(n.AttrValue("lat"), 64)
	lon, err2 := strconv.ParseFloat(n.AttrValue("lon"), 64)
	if err1 != nil || err2 != nil {
		r.probs.Addf(r.file, n.Line, "<%s lat=%q lon=%q>: want numbers", n.Name, n.AttrValue("lat"), n.AttrValue("lon"))
		return orb.Point{}, false
	}
	return orb.Point{lon, lat}, true
}

// time reads a point's <time>, "" when it has none.
func (r *reader) time(n *convert.Node) (string, bool) {
	t := n.Child("time")
	if t == nil || t.Text == "" {
		return "", true
	}
	d, sub, err := convert.ParseTime(t.Text)
	if err != nil {
		r.probs.Addf(r.file, t.Line, "<time>: %v", err)
		return "", false
	}
	if sub {
		r.sum.SubDay++
	}
	return d, true
}

// common reads the name and description of a wpt, rte or trk, and its
// <type> when that names a kind.
func common(n *convert.Node) geojson.Properties {
	props := geojson.Properties{}
	if s := n.ChildText("name"); s != "" {
		props["name"] = s
	}
	desc := n.ChildText("desc")
	if desc == "" {
		desc = n.ChildText("cmt")
	}
	if desc != "" {
		props["description"] = desc
	}
	if k := n.ChildText("type"); overlays.Kind(k).Known() {
		props["kind"] = k
	}
	return props
}

func (r *reader) waypoint(n *convert.Node) {
	p, ok := r.point(n)
	d, ok2 := r.time(n)
	if !ok || !ok2 {
		return
	}
	props := common(n)
	if d != "" {
		props["start"], props["end"] = d, d
	}
	if props["kind"] == nil {
		props["kind"] = string(overlays.KindPlace)
		if d != "" {
			props["kind"] = string(overlays.KindEvent)
		}
	}
	if props["kind"] == string(overlays.KindEvent) && props["description"] == nil {
		if name, ok := props["name"].(string); ok {
			props["description"] = name
		} else {
			props["description"] = "(no description)"
		}
	}
	r.l.Add(p, props, n.Line)
}

// line reads a track or route as a movement: coordTimes when every point
// has a time, none when no point has.
func (r *reader) line(n *convert.Node, pts []*convert.Node, what string) {
	if len(pts) < 2 {
		r.probs.Addf(r.file, n.Line, "<%s> has %d point(s), a movement needs at least 2", what, len(pts))
		return
	}
	before := r.probs.Len()
	ls := make(orb.LineString, 0, len(pts))
	times := make([]any, 0, len(pts))
	var last geo.Day
	var lastLine int
	for _, pt := range pts {
		p, ok := r.point(pt)
		d, ok2 := r.time(pt)
		if !ok || !ok2 {
			continue
		}
		ls = append(ls, p)
		if d == "" {
			continue
		}
		if day := convert.Day(d); len(times) > 0 && day < last {
			r.probs.Addf(r.file, pt.Line, "<time> %s is before the time of the point at line %d (%s): times must not decrease",
				d, lastLine, last)
		} else {
			last, lastLine = day, pt.Line
		}
		times = append(times, d)
	}
	if len(times) > 0 && len(times) != len(ls) && r.probs.Len() == before {
		r.probs.Addf(r.file, n.Line, "<%s>: %d of its %d points have a <time>: want all or none", what, len(times), len(ls))
	}
	if r.probs.Len() > before {
		return
	}
	props := common(n)
	if props["kind"] == nil {
		props["kind"] = string(overlays.KindMovement)
	}
	if len(times) > 0 && props["kind"] == string(overlays.KindMovement) {
		props["coordTimes"] = times
		// Like xiang's own movements, the route stays on the map, complete,
		// after its last time.
		props["start"] = times[0]
	}
	r.l.Add(ls, props, n.Line)
}
