package convert

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/overlays"
)

// Layer is one layer read from another format, before validation.
type Layer struct {
	// ID is the layer id, from the input's file name (LayerID).
	ID string
	// File is the input's name, for messages.
	File        string
	Title       string
	Description string
	Attribution string
	Sources     []overlays.Source
	Features    []Feature
}

// Feature is one feature of a Layer and where it came from.
type Feature struct {
	Geometry   orb.Geometry
	Properties geojson.Properties
	// Line is the 1-based line of the input the feature starts at (0 when
	// unknown).
	Line int
}

// Add appends a feature read at line.
func (l *Layer) Add(g orb.Geometry, props geojson.Properties, line int) {
	l.Features = append(l.Features, Feature{Geometry: g, Properties: props, Line: line})
}

// Cite gives every historical feature (one with a side, start or end)
// that has no source the source id, and adds a source with that id naming
// the input file to the layer, when some feature uses it: imported data
// cites the file it came from until its author says better.
func (l *Layer) Cite(id string) {
	used := false
	for _, f := range l.Features {
		p := f.Properties
		if p["source"] != nil && p["source"] != "" {
			continue
		}
		if p["side"] != nil || p["start"] != nil || p["end"] != nil {
			p["source"] = id
			used = true
		}
	}
	if !used {
		return
	}
	for _, s := range l.Sources {
		if s.ID == id {
			return
		}
	}
	l.Sources = append(l.Sources, overlays.Source{ID: id, Title: filepath.Base(l.File) + " (imported)"})
}

// MarshalJSON returns the layer as a layer file: a GeoJSON
// FeatureCollection with its members first and one feature a line.
func (l *Layer) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\"type\": \"FeatureCollection\"")
	member := func(key string, v any) error {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.WriteString(",\n \"" + key + "\": ")
		b.Write(raw)
		return nil
	}
	for _, m := range []struct {
		key, v string
	}{{"title", l.Title}, {"description", l.Description}, {"attribution", l.Attribution}} {
		if m.v != "" {
			if err := member(m.key, m.v); err != nil {
				return nil, err
			}
		}
	}
	if len(l.Sources) > 0 {
		if err := member("sources", l.Sources); err != nil {
			return nil, err
		}
	}
	b.WriteString(",\n \"features\": [")
	for i, f := range l.Features {
		gf := geojson.NewFeature(f.Geometry)
		gf.Properties = f.Properties
		raw, err := json.Marshal(gf)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(raw)
	}
	b.WriteString("\n ]}\n")
	return b.Bytes(), nil
}

// LayerID derives a layer id ([a-z0-9-]+) from a file name: the base name
// without its extension, lower-cased, every run of other characters a
// hyphen. A name with nothing left gives "layer".
func LayerID(file string) string {
	base := filepath.Base(file)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(base) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "layer"
	}
	return b.String()
}
