package gpx

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/convert"
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

func TestRead(t *testing.T) {
	type want struct {
		name, kind, start, end, times string
		points                        int
	}
	tests := map[string]struct {
		title string
		sub   int
		wants []want
	}{
		"garmin.gpx": {title: "Hengyang battlefield walk", sub: 6, wants: []want{
			{"Memorial", "event", "2019-04-06", "2019-04-06", "", 1},
			{"Zhangjiashan", "place", "", "", "", 1},
			{"ACTIVE LOG", "movement", "2019-04-06", "", "[2019-04-06 2019-04-06 2019-04-06 2019-04-07 2019-04-07]", 5},
		}},
		"latin1.gpx": {title: "Route de la Mühle, étape 1", sub: 3, wants: []want{
			{"Café du Pont", "place", "", "", "", 1},
			{"Itinéraire prévu", "movement", "", "", "", 2},
			{"Marche à pied", "movement", "2006-05-12", "", "[2006-05-12 2006-05-13 2006-05-14]", 3},
		}},
	}
	for file, tc := range tests {
		t.Run(file, func(t *testing.T) {
			l, sum := read(t, file)
			if l.Title != tc.title || sum.SubDay != tc.sub {
				t.Errorf("title %q, %d sub-day times; want %q, %d", l.Title, sum.SubDay, tc.title, tc.sub)
			}
			if len(l.Features) != len(tc.wants) {
				t.Fatalf("%d features, want %d", len(l.Features), len(tc.wants))
			}
			for i, w := range tc.wants {
				p := l.Features[i].Properties
				str := func(k string) string { s, _ := p[k].(string); return s }
				times := ""
				if p["coordTimes"] != nil {
					times = fmt.Sprint(p["coordTimes"])
				}
				n := 1
				if ls, ok := l.Features[i].Geometry.(orb.LineString); ok {
					n = len(ls)
				}
				got := want{str("name"), str("kind"), str("start"), str("end"), times, n}
				if got != w {
					t.Errorf("feature %d: %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/broken.gpx")
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := Read("broken.gpx", data)
	var ps *convert.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v", err)
	}
	want := []string{
		`broken.gpx:3: <wpt lat="26.9" lon="">: want numbers`,
		"broken.gpx:6: <time> 2006-05-12 is before the time of the point at line 5",
		"broken.gpx:8: <trk>: 1 of its 2 points have a <time>: want all or none",
		`broken.gpx:12: <time>: time "2006-13-01T00:00:00Z": date "2006-13-01": invalid date: month out of range`,
	}
	if len(ps.List) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ps.List), len(want), err)
	}
	for i, w := range want {
		if got := ps.List[i].Error(); !strings.HasPrefix(got, w) {
			t.Errorf("problem %d: %q, want %q", i, got, w)
		}
	}
	if l == nil || len(l.Features) != 0 {
		t.Errorf("the layer of what could be read: %v", l)
	}
	for name, doc := range map[string]string{
		"not gpx":     "<kml/>",
		"one point":   "<gpx><trk><trkseg><trkpt lat='1' lon='2'/></trkseg></trk></gpx>",
		"unknown enc": `<?xml version="1.0" encoding="x-klingon"?><gpx/>`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := Read("x.gpx", []byte(doc)); !errors.As(err, &ps) {
				t.Errorf("error %v, want problems", err)
			}
		})
	}
}

// TestOGR checks the test files are GPX as GDAL reads it: the same
// waypoints and track points.
func TestOGR(t *testing.T) {
	ogrinfo := testkit.Tool(t, "ogrinfo", "gdal-bin")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, file := range []string{"garmin.gpx", "latin1.gpx"} {
		t.Run(file, func(t *testing.T) {
			out, err := exec.CommandContext(ctx, ogrinfo, "-ro", "-so", "-al", filepath.Join("testdata", file)).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "Layer name: track_points") {
				t.Errorf("GDAL does not read %s as GPX:\n%s", file, out)
			}
		})
	}
}

func ExampleRead() {
	doc := `<?xml version="1.0" encoding="ISO-8859-1"?>
<gpx version="1.0"><trk><name>Marche ` + "\xe0" + ` pied</name><trkseg>
<trkpt lat="26.70" lon="112.30"><time>1944-06-20T08:00:00Z</time></trkpt>
<trkpt lat="26.80" lon="112.45"><time>1944-06-22T17:30:00Z</time></trkpt>
</trkseg></trk></gpx>`
	l, sum, _ := Read("march.gpx", []byte(doc))
	f := l.Features[0]
	fmt.Println(f.Properties["name"], f.Properties["kind"], f.Properties["coordTimes"], sum)
	// Output: Marche à pied movement [1944-06-20 1944-06-22] 2 time(s) finer than a day kept to the day (xiang's model is days)
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"garmin.gpx", "latin1.gpx", "broken.gpx"} {
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
		l, _, err := Read("fuzz.gpx", data)
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
			if f.Line <= 0 || (ct != nil && (!isLine || len(ct) != len(ls))) {
				t.Fatalf("feature %d: line %d, %d times for %v", i, f.Line, len(ct), f.Geometry)
			}
		}
	})
}

// FuzzPoints fuzzes the points of a track and a waypoint inside an
// otherwise well-formed document: coordinates and times.
func FuzzPoints(f *testing.F) {
	f.Add("26.7", "112.3", "2006-05-12T08:00:00Z", "2006-05-13T08:00:00.5+02:00", "1944-06")
	f.Add("91", "x", "", "2006-05-13", "1944-02-30")
	f.Fuzz(func(t *testing.T, lat, lon, t1, t2, wt string) {
		if len(lat)+len(lon)+len(t1)+len(t2)+len(wt) > 1<<10 {
			return
		}
		esc := func(s string) string {
			var b strings.Builder
			xml.EscapeText(&b, []byte(s))
			return b.String()
		}
		pt := func(tm string) string {
			s := `<trkpt lat="` + esc(lat) + `" lon="` + esc(lon) + `">`
			if tm != "" {
				s += `<time>` + esc(tm) + `</time>`
			}
			return s + `</trkpt>`
		}
		doc := `<gpx version="1.1"><wpt lat="` + esc(lat) + `" lon="` + esc(lon) + `"><time>` + esc(wt) + `</time></wpt>` +
			`<trk><trkseg>` + pt(t1) + pt(t2) + `</trkseg></trk></gpx>`
		l, _, err := Read("fuzz.gpx", []byte(doc))
		var ps *convert.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error %v is not a *convert.Problems", err)
		}
		if l == nil {
			t.Fatalf("a well-formed document gave no layer: %v", err)
		}
		for _, f := range l.Features {
			for _, k := range []string{"start", "end"} {
				if s, ok := f.Properties[k].(string); ok && convert.Day(s) == convert.Day("x") {
					t.Fatalf("%s %q is not a date", k, s)
				}
			}
		}
	})
}
