package convert

import (
	"errors"
	"fmt"
	"testing"

	"github.com/xiang-maps/xiang/geo"
)

func TestParseTime(t *testing.T) {
	tests := map[string]struct {
		in, want string
		sub      bool
		bad      bool
	}{
		"year":               {in: "1944", want: "1944"},
		"month":              {in: "1944-06", want: "1944-06"},
		"day":                {in: "1944-06-18", want: "1944-06-18"},
		"utc":                {in: "1944-06-18T07:30:15Z", want: "1944-06-18", sub: true},
		"offset west":        {in: "1944-06-18T23:30:00-08:00", want: "1944-06-18", sub: true},
		"offset east":        {in: "1944-06-18T00:30+08:00", want: "1944-06-18", sub: true},
		"no zone":            {in: "1944-06-18T06:05:04.250", want: "1944-06-18", sub: true},
		"minutes":            {in: "1944-06-18T06:05", want: "1944-06-18", sub: true},
		"midnight is a day":  {in: "1944-06-18T00:00:00Z", want: "1944-06-18"},
		"space separator":    {in: "1944-06-18 12:00:00", want: "1944-06-18", sub: true},
		"padded":             {in: " 1944-06-18\n", want: "1944-06-18"},
		"impossible":         {in: "1943-02-29", bad: true},
		"month 13":           {in: "1944-13", bad: true},
		"time on month":      {in: "1944-06T10:00Z", bad: true},
		"bad clock":          {in: "1944-06-18T25:00:00Z", bad: true},
		"words":              {in: "June 1944", bad: true},
		"empty":              {in: "", bad: true},
		"trailing garbage":   {in: "1944-06-18Tnoon", bad: true},
		"us order not taken": {in: "06/18/1944", bad: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, sub, err := ParseTime(tc.in)
			if tc.bad {
				if err == nil || !errors.Is(err, geo.ErrDate) {
					t.Errorf("ParseTime(%q) = %q, %v; want an error wrapping geo.ErrDate", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want || sub != tc.sub {
				t.Errorf("ParseTime(%q) = %q, %v, %v; want %q, %v", tc.in, got, sub, err, tc.want, tc.sub)
			}
		})
	}
}

func ExampleParseTime() {
	for _, s := range []string{"1944", "1944-06", "1944-06-18T23:30:00-08:00"} {
		d, sub, _ := ParseTime(s)
		fmt.Println(d, sub)
	}
	// Output:
	// 1944 false
	// 1944-06 false
	// 1944-06-18 true
}

func TestLayerID(t *testing.T) {
	tests := map[string]string{
		"Hengyang 1944.kml":      "hengyang-1944",
		"dir/My_Track (2).gpx":   "my-track-2",
		"__.csv":                 "layer",
		"衡阳.kml":                 "layer",
		"already-fine.geojson":   "already-fine",
		"archive.kmz":            "archive",
		"x.y.z.csv":              "x-y-z",
		"Trailing space .kml":    "trailing-space",
		"UPPER-case--twice.gpx":  "upper-case-twice",
		"/abs/path/To File.csv":  "to-file",
		"no-extension":           "no-extension",
		"...hidden.kml":          "hidden",
		"a\x1b[31mred.kml":       "a-31mred",
		"../../escape/test.kml":  "test",
		"tab\tname.csv":          "tab-name",
		"digits123.gpx":          "digits123",
		"-leading-hyphen.kml":    "leading-hyphen",
		"trailing-hyphen-.kml":   "trailing-hyphen",
		"mixed 東京 text.kml":      "mixed-text",
		"dots.in.the.name.gpx":   "dots-in-the-name",
		"semi;colon,comma.csv":   "semi-colon-comma",
		"x.CSV":                  "x",
		"UPPER.KML":              "upper",
		"a b  c.kml":             "a-b-c",
		"  spaces around  .csv":  "spaces-around",
		"emoji😀here.kml":         "emoji-here",
		"end-in-digits-1944.kml": "end-in-digits-1944",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := LayerID(in); got != want {
				t.Errorf("LayerID(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func TestReadXML(t *testing.T) {
	tests := map[string]struct {
		doc  []byte
		name string // the text of <name>
		line int    // the line of the error, 0 for none
	}{
		"utf-8":        {doc: []byte("<gpx><name>Mühle</name></gpx>"), name: "Mühle"},
		"bom":          {doc: []byte("\xef\xbb\xbf<gpx><name>Mühle</name></gpx>"), name: "Mühle"},
		"iso-8859-1":   {doc: []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><gpx><name>M` + "\xfc" + `hle</name></gpx>`), name: "Mühle"},
		"windows-1252": {doc: []byte(`<?xml version='1.0' encoding='windows-1252'?><gpx><name>caf` + "\xe9 \x80" + `</name></gpx>`), name: "café €"},
		"utf-16le": {doc: append([]byte{0xff, 0xfe}, utf16le(`<?xml version="1.0" encoding="UTF-16"?><gpx><name>Grüße</name></gpx>`)...),
			name: "Grüße"},
		"unknown encoding": {doc: []byte(`<?xml version="1.0" encoding="x-nope"?><gpx/>`), line: 1},
		"unclosed":         {doc: []byte("<gpx>\n<name>a</name>\n"), line: 3},
		"two roots":        {doc: []byte("<gpx/>\n<gpx/>"), line: 2},
		"entities":         {doc: []byte("<!DOCTYPE gpx [<!ENTITY x \"hi\">]><gpx><name>&x;</name></gpx>"), line: 1},
		"empty":            {doc: nil, line: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			n, err := ReadXML(tc.doc)
			if tc.line > 0 {
				var le *LineError
				if !errors.As(err, &le) || le.Line != tc.line {
					t.Errorf("error %v, want one at line %d", err, tc.line)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := n.ChildText("name"); got != tc.name {
				t.Errorf("name %q, want %q", got, tc.name)
			}
		})
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"1944", "1944-06", "1944-06-18", "1944-06-18T07:30:15Z", "1944-06-18T23:30:00-08:00",
		"1944-06-18 06:05", "1944-02-30", "1944-06T10:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, _, err := ParseTime(s)
		if err != nil {
			return
		}
		// What ParseTime returns is a date xiang reads, and reads again the same.
		if _, err := geo.ParseDate(d); err != nil {
			t.Fatalf("ParseTime(%q) = %q, which geo.ParseDate refuses: %v", s, d, err)
		}
		if again, sub, err := ParseTime(d); err != nil || again != d || sub {
			t.Fatalf("ParseTime(%q) = %q; again %q, %v, %v", s, d, again, sub, err)
		}
	})
}

func FuzzReadXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><gpx><name>M` + "\xfc" + `hle</name></gpx>`))
	f.Add([]byte("<kml><Document><Placemark/></Document></kml>"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		n, err := ReadXML(doc)
		if err == nil && n == nil {
			t.Fatal("no root and no error")
		}
		var le *LineError
		if err != nil && !errors.As(err, &le) {
			t.Fatalf("error %v is not a *LineError", err)
		}
	})
}
