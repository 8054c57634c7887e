package kml

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"github.com/paulmach/orb/geojson"

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

func cloneProps(p geojson.Properties) geojson.Properties {
	out := geojson.Properties{}
	for k, v := range p {
		out[k] = v
	}
	return out
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
