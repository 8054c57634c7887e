package kml

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

func read(t *testing.T, name string) (*convert.Layer, convert.Summary) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	l, sum, err := Read(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return l, sum
}

// byName indexes features by name; a split placemark keeps the first.
func byName(l *convert.Layer) map[string]convert.Feature {
	out := map[string]convert.Feature{}
	for _, f := range l.Features {
		name, _ := f.Properties["name"].(string)
		if _, ok := out[name]; !ok {
			out[name] = f
		}
	}
	return out
}

func TestReadTimes(t *testing.T) {
	l, sum := read(t, "timestamps.kml")
	if l.Title != "Xiang River crossings" || l.ID != "timestamps" {
		t.Errorf("title %q, id %q", l.Title, l.ID)
	}
	fs := byName(l)
	tests := map[string]struct {
		kind, start, end, side, geom string
	}{
		"Changsha":          {"place", "", "", "", "Point"},
		"Xiangtan":          {"place", "", "", "", "Point"},
		"The year":          {"event", "1944", "1944", "", "Point"},
		"A month":           {"event", "1944-06", "1944-06", "japan", "Point"},
		"A day":             {"event", "1944-06-18", "1944-06-18", "", "Point"},
		"UTC date-time":     {"event", "1944-06-16", "1944-06-16", "", "Point"},
		"Offset date-time":  {"event", "1944-06-15", "1944-06-15", "", "Point"},
		"Local date-time":   {"event", "1944-06-14", "1944-06-14", "", "Point"},
		"Siege of Changsha": {"area", "1944-06-10", "1944-06-18", "", "Polygon"},
		"From June":         {"movement", "1944-06", "", "", "LineString"},
		"Until August":      {"movement", "", "1944-08-08", "", "LineString"},
		"Two fronts":        {"front", "1944-06-12", "1944-06-20", "", "MultiLineString"},
		"Mixed":             {"event", "1944-06-17", "1944-06-17", "", "Point"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, ok := fs[name]
			if !ok {
				t.Fatal("missing")
			}
			p := f.Properties
			str := func(k string) string { s, _ := p[k].(string); return s }
			if str("kind") != tc.kind || str("start") != tc.start || str("end") != tc.end || str("side") != tc.side ||
				f.Geometry.GeoJSONType() != tc.geom {
				t.Errorf("got kind %q start %q end %q side %q %s; want %+v", str("kind"), str("start"), str("end"),
					str("side"), f.Geometry.GeoJSONType(), tc)
			}
			if f.Line == 0 {
				t.Error("no line")
			}
		})
	}
	if n := len(l.Features); n != 14 {
		t.Errorf("%d features, want 14 (the mixed MultiGeometry split in two)", n)
	}
	if got := fs["Xiangtan"].Properties; got["name_zh"] != "湘潭" || got["rank"] != 2.0 || got["folder"] != "Towns" {
		t.Errorf("Xiangtan: ExtendedData and folder not read: %v", got)
	}
	if got := fs["Xiangtan"].Geometry.(orb.Point); got != (orb.Point{112.94, 27.83}) {
		t.Errorf("Xiangtan at %v: spaces after commas, altitude dropped", got)
	}
	if got := fs["From June"].Properties; got["stroke"] != "#0000ff" || got["stroke-width"] != 5.0 {
		t.Errorf("StyleMap line style not kept: %v", got)
	}
	if got := fs["Siege of Changsha"].Properties; got["fill"] != "#00aa00" || got["fill-opacity"] != 0.25 {
		t.Errorf("poly style not kept: %v", got)
	}
	want := map[string]int{"GroundOverlay": 1, "ScreenOverlay": 1, "NetworkLink": 1, "gx:Tour": 1, "Placemark without geometry": 1}
	if fmt.Sprint(sum.Skipped) != fmt.Sprint(want) || sum.SubDay != 4 {
		t.Errorf("summary %v, %d sub-day; want %v, 4", sum.Skipped, sum.SubDay, want)
	}
}

func TestReadTracks(t *testing.T) {
	l, _ := read(t, "tracks.kml")
	fs := byName(l)
	div := fs["68th Division"]
	if got := fmt.Sprint(div.Properties["coordTimes"]); got != "[1944-06-20 1944-06-21 1944-06-23 1944-06-25]" {
		t.Errorf("gx:Track times %s", got)
	}
	if div.Properties["start"] != "1944-06-20" || div.Properties["end"] != nil || div.Properties["kind"] != "movement" {
		t.Errorf("gx:Track span: %v", div.Properties)
	}
	relief := fs["Relief column"]
	if ls := relief.Geometry.(orb.LineString); len(ls) != 4 {
		t.Errorf("gx:MultiTrack: %d points, want the 4 of its two tracks", len(ls))
	}
	if got := fmt.Sprint(relief.Properties["coordTimes"]); got != "[1944-07-01 1944-07-03 1944-07-05 1944-07-08]" {
		t.Errorf("gx:MultiTrack times %s", got)
	}
	if relief.Properties["side"] != "china" || relief.Properties["action"] != "relief" {
		t.Errorf("ExtendedData: %v", relief.Properties)
	}
}

func TestReadErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/broken.kml")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Read("broken.kml", data)
	var ps *convert.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v, want *convert.Problems", err)
	}
	want := []string{
		"broken.kml:6: <gx:Track> has 7 <when> and 6 <gx:coord>",
		`broken.kml:15: <when>: date "1943-02-29": invalid date: day out of range`,
		"broken.kml:25: <when> 1944-06-01 is before",
	}
	if len(ps.List) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ps.List), len(want), err)
	}
	for i, w := range want {
		if got := ps.List[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("problem %d: %q, want it to start %q", i, got, w)
		}
		if !errors.Is(ps.List[i], convert.ErrInput) {
			t.Errorf("problem %d does not wrap ErrInput", i)
		}
	}
	for name, doc := range map[string]string{
		"not kml":    "<gpx/>",
		"malformed":  "<kml>\n<Document>\n</kml>",
		"no coords":  "<kml><Placemark><Point/></Placemark></kml>",
		"bad number": "<kml><Placemark><Point><coordinates>east,27</coordinates></Point></Placemark></kml>",
		"one coord":  "<kml><Placemark><gx:Track xmlns:gx='g'><when>1944</when><gx:coord>1 2</gx:coord></gx:Track></Placemark></kml>",
		"no outer":   "<kml><Placemark><Polygon/></Placemark></kml>",
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Read("x.kml", []byte(doc)); !errors.As(err, &ps) || ps.List[0].Line == 0 {
				t.Errorf("error %v, want a problem at a line", err)
			}
		})
	}
}

// TestReadVariants reads the shapes of KML older tools and other
// producers write.
func TestReadVariants(t *testing.T) {
	tests := map[string]struct {
		doc  string
		want string // kind name start..end of the first feature
	}{
		"KML 2.1 namespace, CDATA description": {
			doc: `<kml xmlns="http://earth.google.com/kml/2.1"><Document><Placemark><name>Fort</name>` +
				`<description><![CDATA[<b>Held</b> until July]]></description><TimeSpan><begin>1944-06-23</begin></TimeSpan>` +
				`<Point><coordinates>112.6,26.9</coordinates></Point></Placemark></Document></kml>`,
			want: "event Fort 1944-06-23..<nil> <b>Held</b> until July"},
		"kml: prefixed elements": {
			doc: `<kml:kml xmlns:kml="http://www.opengis.net/kml/2.2"><kml:Placemark><kml:name>Ford</kml:name>` +
				`<kml:Point><kml:coordinates>112.6,26.9,0</kml:coordinates></kml:Point></kml:Placemark></kml:kml>`,
			want: "place Ford <nil>..<nil> <nil>"},
		"placemark at the root, ISO-8859-1": {
			doc: `<?xml version="1.0" encoding="ISO-8859-1"?><kml><Placemark><name>Pr` + "\xe9" + `</name>` +
				`<TimeStamp><when>1944-06</when></TimeStamp><LineString><coordinates>1,2 3,4</coordinates></LineString></Placemark></kml>`,
			want: "movement Pré 1944-06..1944-06 <nil>"},
		"GDAL's SchemaData": {
			doc: `<kml><Document><Schema name="t" id="t"><SimpleField name="kind" type="string"/></Schema><Folder><name>t</name>` +
				`<Placemark><ExtendedData><SchemaData schemaUrl="#t"><SimpleData name="kind">artillery</SimpleData>` +
				`<SimpleData name="start">1944-07-01</SimpleData><SimpleData name="source">S1</SimpleData></SchemaData></ExtendedData>` +
				`<MultiGeometry><Point><coordinates>1,2</coordinates></Point><Point><coordinates>1.1,2</coordinates></Point></MultiGeometry>` +
				`</Placemark></Folder></Document></kml>`,
			want: "artillery <nil> 1944-07-01..<nil> <nil>"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l, _, err := Read("v.kml", []byte(tc.doc))
			if err != nil {
				t.Fatal(err)
			}
			p := l.Features[0].Properties
			if got := fmt.Sprintf("%v %v %v..%v %v", p["kind"], p["name"], p["start"], p["end"], p["description"]); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestReadKMZ(t *testing.T) {
	data, err := os.ReadFile("testdata/tracks.kml")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"files/icon.png", "doc.kml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	zw.Close()
	l, _, err := ReadKMZ("Marches.kmz", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "marches" || len(l.Features) != 2 {
		t.Errorf("KMZ: layer %q with %d features", l.ID, len(l.Features))
	}
	if _, _, err := ReadKMZ("x.kmz", []byte("PK not a zip")); err == nil {
		t.Error("a broken KMZ read")
	}
}

// exportHunan writes the embedded campaign as KML.
func exportHunan(t testing.TB) (*overlays.Campaign, []byte) {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, overlays.Selection(c.Layers), Options{}); err != nil {
		t.Fatal(err)
	}
	return c, buf.Bytes()
}

// TestRoundTrip writes the embedded campaign as KML, reads it back and
// checks that every feature keeps its kind, geometry (exactly: coordinates
// are written with the digits that read back the same float), dates,
// coordTimes (as days) and properties.
func TestRoundTrip(t *testing.T) {
	c, data := exportHunan(t)
	l, sum, err := Read("hunan.kml", data)
	if err != nil {
		t.Fatal(err)
	}
	if sum.SubDay != 0 || len(sum.Skipped) != 0 {
		t.Errorf("summary of xiang's own KML: %v", sum)
	}
	var orig []*overlays.Feature
	for _, cl := range c.Layers {
		orig = append(orig, cl.Features...)
	}
	if len(l.Features) != len(orig) {
		t.Fatalf("%d features read back, want %d", len(l.Features), len(orig))
	}
	for i, f := range orig {
		got := l.Features[i]
		for k, v := range f.Properties {
			if k == "coordTimes" {
				continue
			}
			if fmt.Sprint(got.Properties[k]) != fmt.Sprint(v) {
				t.Errorf("%s: %s = %v, want %v", f, k, got.Properties[k], v)
			}
		}
		for k := range got.Properties {
			if _, ok := f.Properties[k]; !ok && k != "folder" && k != "coordTimes" {
				t.Errorf("%s: gained %s = %v", f, k, got.Properties[k])
			}
		}
		if !orb.Equal(got.Geometry, f.Geometry) {
			t.Errorf("%s: geometry %v, want %v", f, got.Geometry, f.Geometry)
		}
		times, _ := got.Properties["coordTimes"].([]any)
		if len(times) != len(f.Times) {
			t.Errorf("%s: %d coordTimes, want %d", f, len(times), len(f.Times))
			continue
		}
		for j, d := range f.Times {
			if convert.Day(times[j].(string)) != d {
				t.Errorf("%s: coordTimes[%d] %v, want %s", f, j, times[j], d)
			}
		}
	}
}

// TestWriteTracks checks the gx:Track of a movement without coordTimes:
// its times are interpolated by length from start to end, to the second.
func TestWriteTracks(t *testing.T) {
	_, data := exportHunan(t)
	whens := regexp.MustCompile(`<when>([^<]+)</when>`).FindAllStringSubmatch(string(data), -1)
	if len(whens) == 0 {
		t.Fatal("no gx:Track written")
	}
	for _, w := range whens {
		if _, err := time.Parse(time.RFC3339, w[1]); err != nil {
			t.Errorf("when %q: %v", w[1], err)
		}
	}
	if n := strings.Count(string(data), "<Data name=\"timing\"><value>interpolated</value></Data>"); n == 0 {
		t.Error("no interpolated track marked")
	}
}

// TestOGR reads the exported KML with GDAL's LIBKML driver: one layer per
// folder with its feature count, and the TimeSpans as begin and end.
func TestOGR(t *testing.T) {
	ogrinfo := testkit.Tool(t, "ogrinfo", "gdal-bin")
	c, data := exportHunan(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "hunan.kml")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, l := range c.Layers {
		t.Run(l.ID, func(t *testing.T) {
			cmd := exec.CommandContext(ctx, ogrinfo, "-ro", "-al", "-q", "--config", "OGR_SKIP", "KML", file, l.Title)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			text := string(out)
			if n := strings.Count(text, "OGRFeature("); n != len(l.Features) {
				t.Errorf("LIBKML read %d features, want %d", n, len(l.Features))
			}
			begins, ends := 0, 0
			for _, f := range l.Features {
				if f.Prop("start") != "" {
					begins++
				}
				if f.Prop("end") != "" {
					ends++
				}
			}
			gotBegin := len(regexp.MustCompile(`(?m)^\s+begin \(DateTime\) = \d{4}/`).FindAllString(text, -1))
			gotEnd := len(regexp.MustCompile(`(?m)^\s+end \(DateTime\) = \d{4}/`).FindAllString(text, -1))
			if gotBegin != begins || gotEnd != ends {
				t.Errorf("LIBKML read %d begin and %d end times, want %d and %d", gotBegin, gotEnd, begins, ends)
			}
			t.Logf("%s: %d features, %d begin, %d end", l.ID, len(l.Features), gotBegin, gotEnd)
		})
	}
}

func ExampleWrite() {
	c, _ := hunan.Load()
	l, _ := c.Layer("yuelu")
	var buf bytes.Buffer
	Write(&buf, overlays.Selection{l}, Options{})
	doc := buf.String()
	fmt.Println(strings.Count(doc, "<Placemark>") == len(l.Features), strings.Contains(doc, "<TimeSpan><begin>1944-06-"))
	// Output: true true
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"timestamps.kml", "tracks.kml", "broken.kml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		l, _, err := Read("fuzz.kml", data)
		var ps *convert.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error %v is not a *convert.Problems", err)
		}
		if l == nil {
			return
		}
		// What was read has a line and a kind, and marshals as a layer file.
		for i, f := range l.Features {
			if f.Line <= 0 || f.Properties["kind"] == nil || f.Geometry == nil {
				t.Fatalf("feature %d: line %d, properties %v", i, f.Line, f.Properties)
			}
		}
		if _, err := l.MarshalJSON(); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzPlacemark fuzzes the inside of one placemark of an otherwise
// well-formed document, where byte mutations of whole files rarely reach:
// times, tracks, coordinates, geometries, styles and ExtendedData.
func FuzzPlacemark(f *testing.F) {
	for _, body := range []string{
		`<name>a</name><TimeStamp><when>1944-06-18T07:30:15Z</when></TimeStamp><Point><coordinates>112,27</coordinates></Point>`,
		`<TimeSpan><begin>1944-06</begin><end>1944</end></TimeSpan><styleUrl>#s</styleUrl><LineString><coordinates>1,2 3,4</coordinates></LineString>`,
		`<gx:Track><when>1944-06-01</when><when>1944-06-02T10:00Z</when><gx:coord>1 2 0</gx:coord><gx:coord>1.1 2 0</gx:coord></gx:Track>`,
		`<gx:MultiTrack><gx:Track><when>1944</when><gx:coord>1 2</gx:coord></gx:Track></gx:MultiTrack>`,
		`<ExtendedData><Data name="kind"><value>artillery</value></Data><Data name="rank"><value>x</value></Data></ExtendedData><MultiGeometry><Point><coordinates>1,2</coordinates></Point><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 1,0 1,1</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>`,
	} {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1<<12 {
			return
		}
		doc := `<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Style id="s"><LineStyle><color>ff0000ff</color>` +
			`</LineStyle></Style><Placemark>` + body + `</Placemark></Document></kml>`
		l, _, err := Read("fuzz.kml", []byte(doc))
		var ps *convert.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error %v is not a *convert.Problems", err)
		}
		if l == nil {
			return
		}
		for i, f := range l.Features {
			ct, _ := f.Properties["coordTimes"].([]any)
			ls, isLine := f.Geometry.(orb.LineString)
			if f.Line <= 0 || f.Properties["kind"] == nil || (ct != nil && (!isLine || len(ct) != len(ls))) {
				t.Fatalf("feature %d: line %d, %d times for %v, %v", i, f.Line, len(ct), f.Geometry, f.Properties)
			}
			for j := 1; j < len(ct); j++ {
				if convert.Day(ct[j].(string)) < convert.Day(ct[j-1].(string)) {
					t.Fatalf("feature %d: coordTimes %v decrease", i, ct)
				}
			}
		}
	})
}
