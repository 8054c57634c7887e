package overlays

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// emptyFeatures is a FeatureCollection of n features "{}": three problems
// each in three bytes.
func emptyFeatures(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("{}")
	}
	b.WriteString("]}")
	return b.Bytes()
}

// TestLoadManyProblems: a small file with millions of bad features yields
// at most MaxProblems problems (plus the one that stops checking) and a
// count of the rest, and checking stops at MaxFeatures.
func TestLoadManyProblems(t *testing.T) {
	tests := map[string]struct {
		features  int
		more      bool // a second file after the big one
		wantTotal int  // problems found, kept or counted
		tooLarge  bool
	}{
		"under the feature limit": {features: 50_000, wantTotal: 150_000},
		"three million":           {features: 3_000_000, wantTotal: 3*MaxFeatures + 1, tooLarge: true},
		"and another file":        {features: 3_000_000, more: true, wantTotal: 3*MaxFeatures + 1, tooLarge: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"big.geojson": {Data: emptyFeatures(tc.features)}}
			if tc.more {
				fsys["more.geojson"] = &fstest.MapFile{Data: emptyFeatures(1)}
			}
			_, err := Load(fsys)
			var ve *ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("Load = %v, want *ValidationErrors", err)
			}
			if n := len(ve.Problems); n < MaxProblems || n > MaxProblems+1 {
				t.Errorf("kept %d problems, want %d (+1 for a campaign too large)", n, MaxProblems)
			}
			if ve.Len() != tc.wantTotal {
				t.Errorf("counted %d problems, want %d", ve.Len(), tc.wantTotal)
			}
			if got := errors.Is(err, ErrTooLarge); got != tc.tooLarge {
				t.Errorf("errors.Is(err, ErrTooLarge) = %v, want %v", got, tc.tooLarge)
			}
			if lines := strings.Count(err.Error(), "\n") + 1; lines > MaxProblems+2 {
				t.Errorf("message has %d lines", lines)
			}
		})
	}
}

// TestLoadMemberOrderAndBOM: a valid file loads the same whether its
// features come before or after its type, with or without a UTF-8 BOM.
func TestLoadMemberOrderAndBOM(t *testing.T) {
	const feature = `{"type":"Feature","properties":{"kind":"place","name":"A"},"geometry":{"type":"Point","coordinates":[112.5,27.5]}}`
	tests := map[string]string{
		"type first":     `{"type":"FeatureCollection","features":[` + feature + `]}`,
		"features first": `{"features":[` + feature + `],"title":"T","type":"FeatureCollection"}`,
		"BOM":            "\xef\xbb\xbf" + `{"type":"FeatureCollection","features":[` + feature + `]}`,
		"BOM, CRLF":      "\xef\xbb\xbf{\r\n\"type\":\"FeatureCollection\",\r\n\"features\":[" + feature + "]}\r\n",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			c, err := Load(fstest.MapFS{"a.geojson": {Data: []byte(data)}})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if n := c.Features(); n != 1 || c.Layers[0].Features[0].Name != "A" {
				t.Errorf("%d features: %+v", n, c.Layers[0].Features)
			}
		})
	}
}

// TestLoadBadDocuments: what is wrong with a file as a whole is said once,
// positioned when the JSON is malformed.
func TestLoadBadDocuments(t *testing.T) {
	tests := map[string]struct{ data, want string }{
		"array":          {`[]`, "value: got JSON array, want an object"},
		"truncated":      {`{"type":"FeatureCollection","features":[{}`, "malformed JSON"},
		"trailing":       {`{"type":"FeatureCollection","features":[]} {}`, "line 1, column 44: malformed JSON"},
		"bad feature":    {`{"type":"FeatureCollection","features":[{"a":}]}`, "line 1, column 46: malformed JSON"},
		"features obj":   {`{"type":"FeatureCollection","features":{}}`, `member "features": value: got JSON object, want an array`},
		"no features":    {`{"type":"FeatureCollection"}`, `missing "features" array`},
		"twice":          {`{"type":"FeatureCollection","features":[],"features":[]}`, `member "features" appears twice`},
		"not collection": {`{"features":[{}],"type":"Feature"}`, `type "Feature": want "FeatureCollection"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"a.geojson": {Data: []byte(tc.data)}})
			var ve *ValidationErrors
			if !errors.As(err, &ve) {
				t.Fatalf("Load = %v, want *ValidationErrors", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

// TestLoadPositions: a position has two or three numbers, the same in
// every position of a geometry; orb alone draws [] and [112.9] at
// latitude 0.
func TestLoadPositions(t *testing.T) {
	tests := map[string]struct {
		geometry string
		want     string // "" for valid
	}{
		"2D point":         {`{"type":"Point","coordinates":[112.9,27.1]}`, ""},
		"3D point":         {`{"type":"Point","coordinates":[112.9,27.1,50]}`, ""},
		"empty point":      {`{"type":"Point","coordinates":[]}`, "coordinate 0 has 0 number(s)"},
		"one number":       {`{"type":"Point","coordinates":[112.9]}`, "coordinate 0 has 1 number(s)"},
		"four numbers":     {`{"type":"Point","coordinates":[112.9,27,1,2]}`, "coordinate 0 has 4 number(s)"},
		"no coordinates":   {`{"type":"Point"}`, "missing coordinates"},
		"string":           {`{"type":"Point","coordinates":["112",27]}`, "coordinate 0"},
		"mixed line":       {`{"type":"LineString","coordinates":[[112,27],[113,28,5]]}`, "coordinate 1 has 3 numbers, earlier ones 2: mixed dimensions"},
		"short in line":    {`{"type":"LineString","coordinates":[[112,27],[113]]}`, "coordinate 1 has 1 number(s)"},
		"empty in polygon": {`{"type":"Polygon","coordinates":[[[112,27],[113,27],[],[112,27]]]}`, "coordinate 2 has 0 number(s)"},
		"multipolygon":     {`{"type":"MultiPolygon","coordinates":[[[[112,27],[113,27],[113,28],[112,27]]]]}`, ""},
		"multipolygon bad": {`{"type":"MultiPolygon","coordinates":[[[[112,27],[113,27],[113,28],[112]]]]}`, "coordinate 3 has 1 number(s)"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			kind := "place"
			if !strings.Contains(tc.geometry, `"Point"`) {
				kind = "area"
				if strings.Contains(tc.geometry, "LineString") {
					kind = "front"
				}
			}
			raw := `{"type":"Feature","properties":{"kind":"` + kind + `"},"geometry":` + tc.geometry + `}`
			_, errs := decodeFeature([]byte(raw))
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			got := strings.Join(msgs, "; ")
			if tc.want == "" && got != "" {
				t.Errorf("rejected: %s", got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestLoadNotRegular: a FIFO named *.geojson is reported, not opened
// (opening it would block until a writer came).
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.geojson"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := LoadDir(dir); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "fifo.geojson: not a regular file") {
			t.Errorf("LoadDir = %v, want a problem with fifo.geojson", err)
		}
	case <-time.After(20 * time.Second): // the finding is a hang: fail on a generous deadline
		// Unblock the reader so the test binary can exit.
		if f, err := os.OpenFile(filepath.Join(dir, "fifo.geojson"), os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("LoadDir blocked on a FIFO")
	}
}

// TestValidationErrorName: file names that could drive a terminal are
// quoted.
func TestValidationErrorName(t *testing.T) {
	tests := map[string]struct{ file, want string }{
		"plain":   {"data/a.geojson", "data/a.geojson: feature 1: bad"},
		"escape":  {"data/\x1b[31mred.geojson", `"data/\x1b[31mred.geojson": feature 1: bad`},
		"newline": {"a\nb.geojson", `"a\nb.geojson": feature 1: bad`},
		"invalid": {"a\xffb.geojson", `"a\xffb.geojson": feature 1: bad`},
		"unicode": {"données/湖南.geojson", "données/湖南.geojson: feature 1: bad"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			e := &ValidationError{File: tc.file, Feature: 1, Err: errors.New("bad")}
			if got := e.Error(); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzLoad: any layer file either loads or fails with a *ValidationErrors
// that keeps at most MaxProblems problems (and the one that stops
// checking); a UTF-8 BOM changes nothing; a loaded feature has a known
// kind and a geometry whose every position is on the map.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/good", "testdata/broken"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"FeatureCollection","features":[{},{},{}]}`))
	f.Add([]byte(`{"features":[{"type":"Feature","properties":{"kind":"place"},"geometry":{"type":"Point","coordinates":[112.9]}}],"type":"FeatureCollection"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		load := func(b []byte) (*Campaign, error) {
			return Load(fstest.MapFS{"layer.geojson": {Data: b}})
		}
		c, err := load(data)
		c2, err2 := load(append([]byte("\xef\xbb\xbf"), data...))
		if !bytes.HasPrefix(data, bom) && ((err == nil) != (err2 == nil) || (err == nil && c.Features() != c2.Features())) {
			t.Fatalf("a BOM changed the outcome: %v / %v", err, err2)
		}
		if err != nil {
			var ve *ValidationErrors
			if !errors.As(err, &ve) || ve.Len() == 0 || len(ve.Problems) > MaxProblems+1 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, p := range ve.Problems {
				if p.Error() == "" || !errors.Is(p, ErrInvalid) {
					t.Fatalf("problem %#v", p)
				}
			}
			return
		}
		for _, ft := range c.Layers[0].Features {
			if !ft.Kind.Known() || ft.Geometry == nil {
				t.Fatalf("loaded feature %d with kind %q, geometry %v", ft.Index, ft.Kind, ft.Geometry)
			}
			if b := ft.Geometry.Bound(); !validLonLat(b.Min) || !validLonLat(b.Max) {
				t.Fatalf("loaded feature %d off the map: %v", ft.Index, b)
			}
		}
	})
}
