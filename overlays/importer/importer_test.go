package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/overlays/kml"
	"github.com/xiang-maps/xiang/overlays/table"
)

// goodInputs are the test files of every format that import cleanly.
var goodInputs = []string{
	"../kml/testdata/timestamps.kml", "../kml/testdata/tracks.kml",
	"../gpx/testdata/garmin.gpx", "../gpx/testdata/latin1.gpx",
	"../table/testdata/us.csv", "../table/testdata/eu.csv",
	"../testdata/good/march.geojson",
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	kmz := filepath.Join(dir, "marches-kmz.kmz")
	writeKMZ(t, kmz, "../kml/testdata/tracks.kml")
	imp, err := Read(append(goodInputs, kmz), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range imp.Campaign.Layers {
		ids = append(ids, l.ID)
	}
	if got := strings.Join(ids, ","); got != "eu,garmin,latin1,march,marches-kmz,timestamps,tracks,us" {
		t.Errorf("layers %s", got)
	}
	if len(imp.Files) != len(ids) {
		t.Errorf("%d files for %d layers", len(imp.Files), len(ids))
	}
	if s := imp.Summary.String(); !strings.Contains(s, "1 gx:Tour") || !strings.Contains(s, "kept to the day") {
		t.Errorf("summary %q", s)
	}
	// What Write writes is what xiang validate reads.
	out := filepath.Join(dir, "campaign")
	if err := imp.Write(out); err != nil {
		t.Fatal(err)
	}
	for _, f := range imp.Files {
		if st, err := os.Stat(filepath.Join(out, f.Name)); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("%s: %v, %v; want a file readable by all", f.Name, st, err)
		}
	}
	c, err := overlays.LoadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if c.Features() != imp.Campaign.Features() {
		t.Errorf("%d features written, %d read", c.Features(), imp.Campaign.Features())
	}
}

func writeKMZ(t *testing.T, name, kmlFile string) {
	t.Helper()
	data, err := os.ReadFile(kmlFile)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("doc.kml")
	w.Write(data)
	zw.Close()
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadErrors imports a broken file of every format at once: every
// problem is reported, in file and line order, as FILE:LINE: what, the
// problems validation finds mapped back to their input's line too.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}`), 0o644)
	inputs := []string{"../kml/testdata/broken.kml", "../gpx/testdata/broken.gpx", "../table/testdata/broken.csv",
		"../table/testdata/ambiguous.csv", bad}
	_, err := Read(inputs, Options{})
	var ps *convert.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v, want *convert.Problems", err)
	}
	want := []string{
		"../kml/testdata/broken.kml:6: <gx:Track> has 7 <when> and 6 <gx:coord>",
		"../kml/testdata/broken.kml:15: <when>",
		`../kml/testdata/broken.kml:18: "Latitude out of range": coordinate 0 [112, 95] outside`,
		"../kml/testdata/broken.kml:25: <when> 1944-06-01 is before",
		`../gpx/testdata/broken.gpx: layer "broken" is also read from ../kml/testdata/broken.kml`,
		"../gpx/testdata/broken.gpx:3:",
		"../gpx/testdata/broken.gpx:6:",
		"../gpx/testdata/broken.gpx:8:",
		"../gpx/testdata/broken.gpx:12:",
		`../table/testdata/broken.csv: layer "broken" is also read from ../kml/testdata/broken.kml`,
		"../table/testdata/broken.csv:2: no coordinates",
		`../table/testdata/broken.csv:3: column "date": date "02/30/1944"`,
		"../table/testdata/ambiguous.csv:1: column \"date\": ambiguous day/month order",
		bad + ": feature 0: missing kind",
		bad + ": feature 0: missing geometry",
	}
	var got []string
	for _, p := range ps.List {
		got = append(got, p.Error())
	}
	if len(got) != len(want) {
		t.Fatalf("%d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i, got[i], want[i])
		}
	}
	if _, err := Read([]string{"nope.kml"}, Options{}); err == nil {
		t.Error("a missing file read")
	}
	if _, err := Read([]string{dir + "/x.shp"}, Options{}); err == nil {
		t.Error("a .shp read")
	}
}

// TestRoundTrip exports the embedded campaign as KML, imports it and
// exports it again: the same features, and on every day of the campaign
// each feature is visible on the same days and each movement has got
// exactly as far (tolerance: 1 mm of route) — the dates, the coordTimes
// and the interpolation of movements without them all survive.
func TestRoundTrip(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	export := func(sel overlays.Selection, name string) []byte {
		var buf bytes.Buffer
		if err := kml.Write(&buf, sel, kml.Options{Title: "Hunan"}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	first := export(overlays.Selection(c.Layers), "hunan.kml")
	imp, err := Read([]string{filepath.Join(dir, "hunan.kml")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s := imp.Summary.String(); s != "" {
		t.Errorf("summary of xiang's own KML: %s", s)
	}
	back := imp.Campaign
	second := export(overlays.Selection(back.Layers), "again.kml")
	var orig, got []*overlays.Feature
	for _, l := range c.Layers {
		orig = append(orig, l.Features...)
	}
	got = back.Layers[0].Features
	if len(got) != len(orig) || back.Extent != c.Extent {
		t.Fatalf("%d features over %v, want %d over %v", len(got), back.Extent, len(orig), c.Extent)
	}
	movements, moving := 0, 0
	for i, f := range orig {
		g := got[i]
		if g.Kind != f.Kind || g.Name != f.Name || g.NameZh != f.NameZh || g.Side != f.Side || g.Span != f.Span {
			t.Errorf("%s came back as %s %s %q %v", f, g.Kind, g.Side, g.Name, g.Span)
			continue
		}
		if f.Route != nil {
			movements++
		}
		for d := c.Extent.From - 1; d <= c.Extent.To+1; d++ {
			a, b := f.At(d), g.At(d)
			if a.Visible != b.Visible || a.Moving != b.Moving || abs(a.Distance-b.Distance) > 1e-3 {
				t.Errorf("%s on %s: %+v, came back %+v", f, d, a, b)
				break
			}
			if a.Moving {
				moving++
			}
		}
	}
	t.Logf("%d features, %d movements, %d feature-days under way, all the same after the round trip", len(orig), movements, moving)
	count := func(doc []byte, re string) int { return len(regexp.MustCompile(re).FindAll(doc, -1)) }
	for _, re := range []string{`<Placemark>`, `<TimeSpan>`, `<begin>`, `<end>`, `<gx:Track>`, `<when>`, `<Data name="timing">`} {
		if a, b := count(first, re), count(second, re); a != b {
			t.Errorf("%s: %d in the first export, %d in the second", re, a, b)
		}
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// TestCSVRoundTrip does the same through CSV for the points and
// movements, the features a table holds.
func TestCSVRoundTrip(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var buf bytes.Buffer
	if _, err := table.Write(&buf, overlays.Selection(c.Layers)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "hunan.csv")
	os.WriteFile(file, buf.Bytes(), 0o644)
	imp, err := Read([]string{file}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	got := imp.Campaign.Layers[0].Features
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if f.Geometry.GeoJSONType() != "Point" && f.Route == nil {
				continue
			}
			g := got[i]
			i++
			for d := c.Extent.From; d <= c.Extent.To; d += 3 {
				a, b := f.At(d), g.At(d)
				if a.Visible != b.Visible || abs(a.Distance-b.Distance) > 1e-3 {
					t.Fatalf("%s on %s: %+v, came back as %s %+v", f, d, a, g, b)
				}
			}
		}
	}
	if i != len(got) {
		t.Errorf("%d features came back, want %d", len(got), i)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	mixed := filepath.Join(dir, "mixed")
	os.Mkdir(mixed, 0o755)
	for _, in := range []string{"../kml/testdata/tracks.kml", "../table/testdata/us.csv", "../testdata/good/march.geojson"} {
		data, _ := os.ReadFile(in)
		os.WriteFile(filepath.Join(mixed, filepath.Base(in)), data, 0o644)
	}
	tests := map[string]struct {
		path   string
		layers int
	}{
		"one kml":         {"../kml/testdata/tracks.kml", 1},
		"one gpx":         {"../gpx/testdata/latin1.gpx", 1},
		"mixed directory": {mixed, 3},
		"layer directory": {"../testdata/good", 2},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(tc.path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Layers) != tc.layers {
				t.Errorf("%d layers, want %d", len(c.Layers), tc.layers)
			}
		})
	}
	var ve *overlays.ValidationErrors
	if _, err := Load("../testdata/broken", Options{}); !errors.As(err, &ve) {
		t.Errorf("a broken layer directory: %v, want overlays' own errors", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("a missing path loaded")
	}
}
