package kml

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

// MaxKMZEntry bounds the size of the KML document inside a KMZ, unpacked.
const MaxKMZEntry = overlays.MaxFileSize

// ReadKMZ reads a KMZ file: the zip's doc.kml, or else its first .kml file
// at the root.
func ReadKMZ(file string, data []byte) (*convert.Layer, convert.Summary, error) {
	probs := &convert.Problems{}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		probs.Addf(file, 0, "KMZ: not a zip archive: %v", err)
		return nil, convert.Summary{}, probs
	}
	var doc *zip.File
	for _, f := range zr.File {
		if path.Ext(f.Name) != ".kml" || strings.Contains(f.Name, "/") {
			continue
		}
		if doc == nil || f.Name == "doc.kml" {
			doc = f
		}
	}
	if doc == nil {
		probs.Addf(file, 0, "KMZ: no .kml document at the root of the archive")
		return nil, convert.Summary{}, probs
	}
	rc, err := doc.Open()
	if err != nil {
		probs.Addf(file, 0, "KMZ: %s: %v", doc.Name, err)
		return nil, convert.Summary{}, probs
	}
	defer rc.Close()
	kml, err := io.ReadAll(io.LimitReader(rc, MaxKMZEntry+1))
	if err != nil {
		probs.Addf(file, 0, "KMZ: %s: %v", doc.Name, err)
		return nil, convert.Summary{}, probs
	}
	if len(kml) > MaxKMZEntry {
		probs.Addf(file, 0, "KMZ: %s is larger than %d MiB unpacked", doc.Name, MaxKMZEntry>>20)
		return nil, convert.Summary{}, probs
	}
	return Read(file+"!"+doc.Name, kml)
}

// Read reads a KML document into a layer whose id comes from file's name.
// Problems are returned all at once as a *convert.Problems, each at the
// line of the element at fault, with the layer of the features that could
// be read (nil when the document could not be read at all), so that they
// can be validated and their problems reported too.
func Read(file string, data []byte) (*convert.Layer, convert.Summary, error) {
	r := &reader{file: file, probs: &convert.Problems{}, styles: map[string]style{}, maps: map[string]string{}}
	base, _, _ := strings.Cut(file, "!")
	r.l = &convert.Layer{ID: convert.LayerID(base), File: file}
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
	if root.Name != "kml" {
		r.probs.Addf(file, root.Line, "root element <%s>: want <kml>", root.Name)
		return nil, r.sum, r.probs
	}
	r.collectStyles(root)
	r.walk(root, "")
	if r.l.Title == "" {
		r.l.Title = path.Base(base)
	}
	r.l.Cite(r.l.ID)
	return r.l, r.sum, r.probs.Err()
}

type reader struct {
	file   string
	l      *convert.Layer
	sum    convert.Summary
	probs  *convert.Problems
	styles map[string]style  // Style by id
	maps   map[string]string // StyleMap id → its normal style URL
	titled bool
	// interpolated is set while reading a placemark whose track times
	// xiang's writer interpolated.
	interpolated bool
}

// style is what xiang reads from a KML Style: colours as aabbggrr.
type style struct {
	id                string
	line, poly, icon  string
	width             string
	hasLine, hasIcon  bool
	hasPoly, polyFill bool
}

func (r *reader) collectStyles(n *convert.Node) {
	for _, c := range n.Children {
		switch c.Name {
		case "Style":
			if id := c.AttrValue("id"); id != "" {
				r.styles[id] = readStyle(c)
			}
		case "StyleMap":
			id := c.AttrValue("id")
			for _, p := range c.All("Pair") {
				if p.ChildText("key") == "normal" {
					r.maps[id] = p.ChildText("styleUrl")
				}
			}
		default:
			r.collectStyles(c)
		}
	}
}

func readStyle(n *convert.Node) style {
	st := style{id: n.AttrValue("id")}
	if ls := n.Child("LineStyle"); ls != nil {
		st.line, st.width, st.hasLine = ls.ChildText("color"), ls.ChildText("width"), true
	}
	if ps := n.Child("PolyStyle"); ps != nil {
		st.poly, st.hasPoly, st.polyFill = ps.ChildText("color"), true, ps.ChildText("fill") != "0"
	}
	if is := n.Child("IconStyle"); is != nil {
		st.icon, st.hasIcon = is.ChildText("color"), true
	}
	return st
}

// skipped are the KML elements with no geometry xiang can draw.
var skipped = map[string]bool{"GroundOverlay": true, "ScreenOverlay": true, "PhotoOverlay": true,
	"NetworkLink": true, "Tour": true}

func (r *reader) walk(n *convert.Node, folder string) {
	for _, c := range n.Children {
		switch {
		case c.Name == "Document":
			if !r.titled {
				r.l.Title, r.l.Description, r.titled = c.ChildText("name"), c.ChildText("description"), true
			}
			r.walk(c, folder)
		case c.Name == "Folder":
			name := c.ChildText("name")
			if name == "" {
				name = folder
			}
			r.walk(c, name)
		case c.Name == "Placemark":
			r.placemark(c, folder)
		case skipped[c.Name]:
			prefix := ""
			if c.Name == "Tour" {
				prefix = "gx:"
			}
			r.sum.Skip(prefix + c.Name)
		}
	}
}

// part is one geometry of a placemark, with the dates of its vertices
// when it is a track.
type part struct {
	g     orb.Geometry
	times []any
}

func (r *reader) placemark(n *convert.Node, folder string) {
	bad := func(line int, format string, args ...any) { r.probs.Addf(r.file, line, format, args...) }
	before := r.probs.Len()
	props := geojson.Properties{}
	ext := extendedData(n.Child("ExtendedData"))
	if name := n.ChildText("name"); name != "" {
		props["name"] = name
	}
	if d := n.ChildText("description"); d != "" {
		props["description"] = d
	}
	if folder != "" {
		props["folder"] = folder
	}
	if ext["kind"] == "" {
		// A placemark whose ExtendedData says its kind was written for
		// xiang (by xiang's own writer, say): its properties say how it
		// looks, and its styles only repeat them.
		r.applyStyle(n, props)
	}
	timing := ext["timing"]
	delete(ext, "timing")
	// The times of a track xiang interpolated are dropped, not rounded.
	r.interpolated = timing == "interpolated"
	for k, v := range ext {
		if v == "" || k == "coordTimes" || k == "layer" || k == "progress" {
			continue
		}
		props[k] = convert.Typed(k, v)
	}
	dated := false
	date := func(el *convert.Node) string {
		d, sub, err := convert.ParseTime(el.Text)
		if err != nil {
			bad(el.Line, "<%s>: %v", el.Name, err)
			return ""
		}
		if sub {
			r.sum.SubDay++
		}
		return d
	}
	if ts := n.Child("TimeStamp"); ts != nil {
		if w := ts.Child("when"); w != nil {
			if d := date(w); d != "" {
				props["start"], props["end"], dated = d, d, true
			}
		}
	}
	if sp := n.Child("TimeSpan"); sp != nil {
		delete(props, "start")
		delete(props, "end")
		if b := sp.Child("begin"); b != nil && b.Text != "" {
			if d := date(b); d != "" {
				props["start"], dated = d, true
			}
		}
		if e := sp.Child("end"); e != nil && e.Text != "" {
			if d := date(e); d != "" {
				props["end"], dated = d, true
			}
		}
	}
	dated = dated || props["start"] != nil || props["end"] != nil

	var parts []part
	for _, c := range n.Children {
		parts = append(parts, r.geometry(c)...)
	}
	if r.probs.Len() > before {
		return
	}
	if len(parts) == 0 {
		r.sum.Skip("Placemark without geometry")
		return
	}
	kind, _ := props["kind"].(string)
	add := func(p part, props geojson.Properties) {
		k := kind
		if k == "" {
			k = inferKind(p.g, dated)
		}
		props["kind"] = k
		if k == string(overlays.KindEvent) && props["description"] == nil {
			if name, ok := props["name"].(string); ok {
				props["description"] = name
			} else {
				props["description"] = "(no description)"
			}
		}
		if p.times != nil && k == string(overlays.KindMovement) && timing != "interpolated" {
			props["coordTimes"] = p.times
			if props["start"] == nil {
				props["start"] = p.times[0]
			}
		}
		r.l.Add(p.g, props, n.Line)
	}
	if len(parts) == 1 {
		add(parts[0], props)
		return
	}
	if g := merge(parts, kind); g != nil {
		add(part{g: g}, props)
		return
	}
	for _, p := range parts {
		add(p, cloneProps(props))
	}
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

func cloneProps(p geojson.Properties) geojson.Properties {
	out := geojson.Properties{}
	for k, v := range p {
		out[k] = v
	}
	return out
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

// extendedData reads Data (name, value) and SchemaData (SimpleData) pairs.
func extendedData(n *convert.Node) map[string]string {
	out := map[string]string{}
	if n == nil {
		return out
	}
	for _, d := range n.All("Data") {
		if name := d.AttrValue("name"); name != "" {
			out[name] = d.ChildText("value")
		}
	}
	for _, sd := range n.All("SchemaData") {
		for _, d := range sd.All("SimpleData") {
			if name := d.AttrValue("name"); name != "" {
				out[name] = d.Text
			}
		}
	}
	return out
}

// applyStyle gives props a side when the placemark's style is one of
// xiang's side styles, or else the style's colours as simplestyle
// properties.
func (r *reader) applyStyle(n *convert.Node, props geojson.Properties) {
	st, ok := r.resolve(n)
	if !ok {
		return
	}
	if side, found := strings.CutPrefix(st.id, "side-"); found {
		if side != "none" {
			props["side"] = side
		}
		return
	}
	for _, s := range []overlays.Side{overlays.SideJapan, overlays.SideChina, overlays.SideUSA} {
		c := overlays.SideColor(s)
		if rgb, _, ok := kmlColor(st.line); ok && rgb == hexRGB(c) {
			props["side"] = string(s)
			return
		}
		if rgb, _, ok := kmlColor(st.icon); ok && rgb == hexRGB(c) {
			props["side"] = string(s)
			return
		}
	}
	if rgb, a, ok := kmlColor(st.line); ok {
		props["stroke"], props["stroke-opacity"] = rgb, a
	}
	if w, err := strconv.ParseFloat(st.width, 64); err == nil && w >= 0 && w <= 50 {
		props["stroke-width"] = w
	}
	if rgb, a, ok := kmlColor(st.poly); ok && st.polyFill {
		props["fill"], props["fill-opacity"] = rgb, a
	}
	if rgb, _, ok := kmlColor(st.icon); ok {
		props["marker-color"] = rgb
	}
}

// resolve finds a placemark's style: its inline Style, or the Style its
// styleUrl names, through a StyleMap's normal pair.
func (r *reader) resolve(n *convert.Node) (style, bool) {
	if s := n.Child("Style"); s != nil {
		return readStyle(s), true
	}
	url := n.ChildText("styleUrl")
	for range 4 { // a StyleMap may name another StyleMap
		id, ok := strings.CutPrefix(url, "#")
		if !ok {
			return style{}, false
		}
		if st, ok := r.styles[id]; ok {
			return st, true
		}
		if next, ok := r.maps[id]; ok {
			url = next
			continue
		}
		break
	}
	return style{}, false
}

// kmlColor converts a KML colour, aabbggrr, to "#rrggbb" and an opacity
// rounded to two decimals.
func kmlColor(s string) (rgb string, opacity float64, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 8 {
		return "", 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return "", 0, false
	}
	a, b, g, rr := v>>24, (v>>16)&0xff, (v>>8)&0xff, v&0xff
	return fmt.Sprintf("#%02x%02x%02x", rr, g, b), float64(int(float64(a)/255*100+0.5)) / 100, true
}
