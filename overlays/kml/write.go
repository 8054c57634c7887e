package kml

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image/color"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// Options configures Write. The zero value works.
type Options struct {
	// Title names the Document; empty means the title of the only layer,
	// or "xiang campaign".
	Title string
}

// WriteKMZ writes the selection as a KMZ: a zip holding doc.kml.
func WriteKMZ(w io.Writer, sel overlays.Selection, opts Options) error {
	zw := zip.NewWriter(w)
	f, err := zw.CreateHeader(&zip.FileHeader{Name: "doc.kml", Method: zip.Deflate, Modified: time.Unix(0, 0).UTC()})
	if err != nil {
		return err
	}
	if err := Write(f, sel, opts); err != nil {
		return err
	}
	return zw.Close()
}

// Write writes the selection as a KML 2.2 document: a Folder per layer,
// a TimeSpan on every dated feature, movements as gx:Track, a style per
// side and every property in ExtendedData. The output depends only on the
// selection.
func Write(w io.Writer, sel overlays.Selection, opts Options) error {
	bw := bufio.NewWriter(w)
	title := opts.Title
	if title == "" {
		title = "xiang campaign"
		if len(sel) == 1 && sel[0].Title != "" {
			title = sel[0].Title
		}
	}
	bw.WriteString(xml.Header)
	bw.WriteString(`<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">` + "\n<Document>\n")
	element(bw, 1, "name", title)
	for _, s := range []overlays.Side{overlays.SideNone, overlays.SideJapan, overlays.SideChina, overlays.SideUSA} {
		writeSideStyle(bw, s)
	}
	for _, l := range sel {
		bw.WriteString(" <Folder id=\"layer-" + l.ID + "\">\n") // an XML id may not start with a digit, as a layer id may
		name := l.Title
		if name == "" {
			name = l.ID
		}
		element(bw, 2, "name", name)
		if l.Description != "" {
			element(bw, 2, "description", l.Description)
		}
		for _, f := range l.Features {
			if err := writePlacemark(bw, f); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
		}
		bw.WriteString(" </Folder>\n")
	}
	bw.WriteString("</Document>\n</kml>\n")
	return bw.Flush()
}

func sideName(s overlays.Side) string {
	if s == overlays.SideNone {
		return "none"
	}
	return string(s)
}

func writeSideStyle(w *bufio.Writer, s overlays.Side) {
	c := overlays.SideColor(s)
	fill := c
	fill.A = 0x33
	fmt.Fprintf(w, " <Style id=\"side-%s\"><IconStyle><color>%s</color></IconStyle><LabelStyle><scale>0.8</scale></LabelStyle>"+
		"<LineStyle><color>%s</color><width>3</width></LineStyle><PolyStyle><color>%s</color></PolyStyle></Style>\n",
		sideName(s), kmlHex(c), kmlHex(c), kmlHex(fill))
}

// kmlHex writes a colour as KML's aabbggrr.
func kmlHex(c color.NRGBA) string { return fmt.Sprintf("%02x%02x%02x%02x", c.A, c.B, c.G, c.R) }

// hexRGB writes a colour as simplestyle's #rrggbb.
func hexRGB(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// styleKeys are the simplestyle properties; a feature with any of them
// gets an inline style drawn from its resolved Style.
var styleKeys = []string{"stroke", "stroke-width", "stroke-opacity", "fill", "fill-opacity", "marker-color", "marker-size"}

func writePlacemark(w *bufio.Writer, f *overlays.Feature) error {
	w.WriteString("  <Placemark>\n")
	name := f.Name
	if f.NameZh != "" {
		if name != "" {
			name += " "
		}
		name += f.NameZh
	}
	if name != "" {
		element(w, 3, "name", name)
	}
	if d := f.Prop("description"); d != "" {
		element(w, 3, "description", d)
	}
	start, end := f.Prop("start"), f.Prop("end")
	if start != "" || end != "" {
		w.WriteString("   <TimeSpan>")
		if start != "" {
			w.WriteString("<begin>" + escape(start) + "</begin>")
		}
		if end != "" {
			w.WriteString("<end>" + escape(end) + "</end>")
		}
		w.WriteString("</TimeSpan>\n")
	}
	element(w, 3, "styleUrl", "#side-"+sideName(f.Side))
	if slices.ContainsFunc(styleKeys, func(k string) bool { return f.Properties[k] != nil }) {
		st := f.Style
		fmt.Fprintf(w, "   <Style><IconStyle><color>%s</color></IconStyle><LineStyle><color>%s</color><width>%g</width></LineStyle><PolyStyle><color>%s</color></PolyStyle></Style>\n",
			kmlHex(st.Marker), kmlHex(st.Stroke), st.Width, kmlHex(st.Fill))
	}
	track, interpolated := trackTimes(f)
	if err := writeExtendedData(w, f, interpolated); err != nil {
		return err
	}
	if track != nil {
		ls := f.Geometry.(orb.LineString)
		w.WriteString("   <gx:Track>\n")
		for _, t := range track {
			w.WriteString("    <when>" + t + "</when>\n")
		}
		for _, p := range ls {
			w.WriteString("    <gx:coord>" + num(p[0]) + " " + num(p[1]) + " 0</gx:coord>\n")
		}
		w.WriteString("   </gx:Track>\n")
	} else {
		w.WriteString("   ")
		writeGeometry(w, f.Geometry)
		w.WriteString("\n")
	}
	w.WriteString("  </Placemark>\n")
	return nil
}

// trackTimes returns the time of each vertex of a movement: its
// coordTimes at midnight UTC, or, without them, times interpolated by
// length between the starts of its first and last days, to the second
// (interpolated is then true). It returns nil for other features and for
// a movement with an open start or end and no coordTimes.
func trackTimes(f *overlays.Feature) (times []string, interpolated bool) {
	if f.Route == nil {
		return nil, false
	}
	ls, _ := f.Geometry.(orb.LineString)
	if len(f.Times) == len(ls) && len(ls) > 0 {
		out := make([]string, len(f.Times))
		for i, d := range f.Times {
			out[i] = d.Time().Format(time.RFC3339)
		}
		return out, false
	}
	from, to := f.Span.From, f.Span.To
	if from == geo.MinDay || to == geo.MaxDay {
		return nil, false
	}
	length := f.Route.Length()
	t0, t1 := from.Time(), to.Time()
	span := t1.Sub(t0)
	out := make([]string, len(ls))
	for i := range ls {
		frac := 1.0
		if length > 0 {
			frac = f.Route.VertexDistance(i) / length
		}
		t := t0.Add(time.Duration(frac * float64(span))).Round(time.Second)
		out[i] = t.Format(time.RFC3339)
	}
	return out, true
}

// writeExtendedData writes every property but the times (which TimeSpan
// and gx:Track carry) as Data, in key order; arrays and objects as JSON.
func writeExtendedData(w *bufio.Writer, f *overlays.Feature, interpolated bool) error {
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		switch k {
		case "start", "end", "coordTimes":
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) == 0 && !interpolated {
		return nil
	}
	w.WriteString("   <ExtendedData>\n")
	data := func(k, v string) {
		w.WriteString("    <Data name=\"" + escape(k) + "\"><value>" + escape(v) + "</value></Data>\n")
	}
	for _, k := range keys {
		var s string
		switch v := f.Properties[k].(type) {
		case nil:
			continue
		case string:
			s = v
		case float64:
			s = strconv.FormatFloat(v, 'g', -1, 64)
		case bool:
			s = strconv.FormatBool(v)
		default:
			raw, err := json.Marshal(v)
			if err != nil {
				return fmt.Errorf("property %q: %w", k, err)
			}
			s = string(raw)
		}
		data(k, s)
	}
	if interpolated {
		// Reading the file back drops the track's times: they were
		// derived from start and end, not given.
		data("timing", "interpolated")
	}
	w.WriteString("   </ExtendedData>\n")
	return nil
}

func writeGeometry(w *bufio.Writer, g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		w.WriteString("<Point><coordinates>" + num(g[0]) + "," + num(g[1]) + "</coordinates></Point>")
	case orb.MultiPoint:
		w.WriteString("<MultiGeometry>")
		for _, p := range g {
			writeGeometry(w, p)
		}
		w.WriteString("</MultiGeometry>")
	case orb.LineString:
		w.WriteString("<LineString><tessellate>1</tessellate><coordinates>")
		writeCoords(w, g)
		w.WriteString("</coordinates></LineString>")
	case orb.MultiLineString:
		w.WriteString("<MultiGeometry>")
		for _, ls := range g {
			writeGeometry(w, ls)
		}
		w.WriteString("</MultiGeometry>")
	case orb.Polygon:
		w.WriteString("<Polygon><tessellate>1</tessellate>")
		for i, r := range g {
			tag := "innerBoundaryIs"
			if i == 0 {
				tag = "outerBoundaryIs"
			}
			w.WriteString("<" + tag + "><LinearRing><coordinates>")
			writeCoords(w, r)
			w.WriteString("</coordinates></LinearRing></" + tag + ">")
		}
		w.WriteString("</Polygon>")
	case orb.MultiPolygon:
		w.WriteString("<MultiGeometry>")
		for _, pg := range g {
			writeGeometry(w, pg)
		}
		w.WriteString("</MultiGeometry>")
	}
}

func writeCoords[T ~[]orb.Point](w *bufio.Writer, pts T) {
	for i, p := range pts {
		if i > 0 {
			w.WriteByte(' ')
		}
		w.WriteString(num(p[0]) + "," + num(p[1]))
	}
}

// num formats a coordinate with the fewest digits that read back exactly.
func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func element(w *bufio.Writer, indent int, name, text string) {
	for range indent {
		w.WriteByte(' ')
	}
	w.WriteString("<" + name + ">" + escape(text) + "</" + name + ">\n")
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
