package table

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

func readFile(t *testing.T, name string, opts Options) (*convert.Layer, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := Read(name, data, opts)
	return l, err
}

// summary describes a feature in one line for comparisons.
func summary(f convert.Feature) string {
	p := f.Properties
	s := fmt.Sprintf("%v %v %v..%v", p["kind"], p["name"], p["start"], p["end"])
	if ls, ok := f.Geometry.(orb.LineString); ok {
		s += fmt.Sprintf(" %d points %v", len(ls), p["coordTimes"])
	}
	return s
}

func TestRead(t *testing.T) {
	tests := map[string]struct {
		file  string
		dates Order
		want  []string
	}{
		"us dates, BOM, CRLF, quotes": {file: "us.csv", want: []string{
			"place Changsha, the city <nil>..<nil>",
			"event Fall of Changsha 1944-06-18..<nil>",
			"movement 3rd Division 1944-06-01..1944-06-30 3 points [1944-06-01 1944-06-10 1944-06-17]",
			"event Hengyang airfield raid 1944-08-17..1944-08-17",
		}},
		"semicolons, decimal commas, day first": {file: "eu.csv", want: []string{
			"event Yuelu 1944-06-10..1944-06-18",
			"place Xiangtan <nil>..<nil>",
		}},
		"a unit's positions": {file: "positions.csv", want: []string{
			"unit 10th Army 1944-06-22..1944-06-27",
			"unit 10th Army 1944-06-28..1944-08-07",
			"unit 10th Army 1944-08-08..<nil>",
			"unit 68th Division 1944-06-28..<nil>",
		}},
		"undecided, told mdy": {file: "ambiguous.csv", dates: OrderMDY, want: []string{
			"event A 1944-06-07..1944-06-07",
			"event B 1944-05-04..1944-05-04",
		}},
		"undecided, told dmy": {file: "ambiguous.csv", dates: OrderDMY, want: []string{
			"event A 1944-07-06..1944-07-06",
			"event B 1944-04-05..1944-04-05",
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			l, err := readFile(t, tc.file, Options{Dates: tc.dates})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range l.Features {
				got = append(got, summary(f))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	l, _ := readFile(t, "us.csv", Options{})
	if d := l.Features[1].Properties["description"]; d != `The 34th Division enters the city; "4th Army" withdraws` {
		t.Errorf("quoted field: %q", d)
	}
}

func TestReadErrors(t *testing.T) {
	tests := map[string]struct {
		file, doc string
		dates     Order
		want      []string
	}{
		"broken": {file: "broken.csv", want: []string{
			"broken.csv:2: no coordinates (lat and lon are empty)",
			`broken.csv:3: column "date": date "02/30/1944": invalid date: day out of range`,
		}},
		"ambiguous": {file: "ambiguous.csv", want: []string{
			`ambiguous.csv:1: column "date": ambiguous day/month order: no value such as 17/08 or 08/17 decides whether 06/07/1944 is day or month first; say which with -dates mdy or -dates dmy`,
		}},
		"both orders": {doc: "name,lat,lon,date\nA,1,2,13/01/1944\nB,1,2,01/13/1944\n", want: []string{
			`x.csv:1: column "date": 13/01/1944 is day first but 01/13/1944 is month first: say which with -dates`,
		}},
		"told wrong": {doc: "name,lat,lon,date\nA,1,2,13/01/1944\n", dates: OrderMDY, want: []string{
			`x.csv:2: column "date": date "13/01/1944": invalid date: month out of range`,
		}},
		"two-digit year": {doc: "name,lat,lon,date\nA,1,2,6/18/44\n", want: []string{
			`x.csv:2: column "date": date "6/18/44": invalid date: want YYYY-MM-DD, YYYY/MM/DD, or day and month before a four-digit year (08/17/1944)`,
		}},
		"no lat": {doc: "name,lon\nA,2\n", want: []string{
			"x.csv:1: no lat column (want a header such as lat/latitude and lon/lng/longitude)",
		}},
		"two name columns": {doc: "name,title,lat,lon\n", want: []string{`x.csv:1: columns "name" and "title" both give name`}},
		"bad number":       {doc: "lat,lon\nnorth,112\n", want: []string{`x.csv:2: coordinates lat "north", lon "112": want decimal degrees`}},
		"bare quote":       {doc: "lat,lon\n\"1,2\n", want: []string{"x.csv:2: malformed CSV"}},
		"half dated track": {doc: "id,lat,lon,date\nm,1,2,1944-06-01\nm,1,3,\n", want: []string{
			`x.csv:2: id "m": 1 of its 2 rows have a start: want all or none`,
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var err error
			if tc.file != "" {
				_, err = readFile(t, tc.file, Options{Dates: tc.dates})
			} else {
				_, _, err = Read("x.csv", []byte(tc.doc), Options{Dates: tc.dates})
			}
			var ps *convert.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error %v, want problems", err)
			}
			if len(ps.List) != len(tc.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(ps.List), len(tc.want), err)
			}
			for i, w := range tc.want {
				if got := ps.List[i].Error(); !strings.HasPrefix(got, w) {
					t.Errorf("problem %d:\n got %q\nwant %q", i, got, w)
				}
			}
			if tc.file == "ambiguous.csv" && !errors.Is(err, ErrAmbiguousDates) {
				t.Error("ambiguity does not wrap ErrAmbiguousDates")
			}
		})
	}
}

// TestRoundTrip writes the points and movements of the embedded campaign
// as CSV and reads them back: the same kinds, names, places (exactly),
// dates and coordTimes.
func TestRoundTrip(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	skipped, err := Write(&buf, overlays.Selection(c.Layers))
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := Read("hunan.csv", buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, cl := range c.Layers {
		for _, f := range cl.Features {
			switch f.Geometry.(type) {
			case orb.Point:
			case orb.LineString:
				if f.Kind != overlays.KindMovement {
					continue
				}
			default:
				continue
			}
			g := convert.Feature{Geometry: f.Geometry, Properties: f.Properties}
			want = append(want, summary(g))
		}
	}
	if len(l.Features) != len(want) || len(want)+skipped != c.Features() {
		t.Fatalf("%d features read back, want %d (%d skipped of %d)", len(l.Features), len(want), skipped, c.Features())
	}
	for i, f := range l.Features {
		if got := summary(f); got != want[i] {
			t.Errorf("feature %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
	t.Logf("%d points and movements round-tripped; %d other features have no row", len(want), skipped)
}

func ExampleParseOrder() {
	for _, s := range []string{"mdy", "", "myd"} {
		o, err := ParseOrder(s)
		fmt.Printf("%q %v\n", o, err)
	}
	// Output:
	// "mdy" <nil>
	// "" <nil>
	// "" date order "myd": want mdy, dmy or ymd
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"us.csv", "eu.csv", "ambiguous.csv", "broken.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Add([]byte("id,lat,lon,time\nm,1,2,1944-06-02\nm,1,3,1944-06-01\n"), "mdy")
	f.Fuzz(func(t *testing.T, data []byte, order string) {
		if len(data) > 1<<16 {
			return
		}
		o, err := ParseOrder(order)
		if err != nil {
			return
		}
		l, _, err := Read("fuzz.csv", data, Options{Dates: o})
		var ps *convert.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error %v is not a *convert.Problems", err)
		}
		if l == nil {
			return
		}
		for i, f := range l.Features {
			// Every date written is one xiang reads; coordTimes never decrease.
			for _, k := range []string{"start", "end"} {
				if s, ok := f.Properties[k].(string); ok && convert.Day(s) == convert.Day("x") {
					t.Fatalf("feature %d: %s %q", i, k, s)
				}
			}
			ct, _ := f.Properties["coordTimes"].([]any)
			for j := 1; j < len(ct); j++ {
				if convert.Day(ct[j].(string)) < convert.Day(ct[j-1].(string)) {
					t.Fatalf("feature %d: coordTimes %v decrease", i, ct)
				}
			}
		}
	})
}
