package overlays

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/geo"
)

func loadGood(t testing.TB) *Campaign {
	t.Helper()
	c, err := LoadDir("testdata/good")
	if err != nil {
		t.Fatalf("LoadDir(testdata/good): %v", err)
	}
	return c
}

func TestLoadGood(t *testing.T) {
	c := loadGood(t)
	if len(c.Layers) != 2 || c.Layers[0].ID != "context" || c.Layers[1].ID != "march" {
		t.Fatalf("layers = %v", Selection(c.Layers))
	}
	m := c.Layers[1]
	if m.Title != "March" || len(m.Sources) != 1 || m.Sources[0].ID != "T1" || len(m.Features) != 6 {
		t.Errorf("march layer = %+v", m)
	}
	if got, want := c.Extent.String(), "1944-06-01/1944-08-08"; got != want {
		t.Errorf("extent = %s, want %s", got, want)
	}
	place := m.Features[4]
	if place.NameZh != "衡阳" || place.Properties["custom"] == nil {
		t.Errorf("place lost properties: %+v", place.Properties)
	}
	if ring := m.Features[3]; ring.Style.Fill.R != 0xff || ring.Style.Fill.A != 128 {
		t.Errorf("fill override not applied: %+v", ring.Style.Fill)
	}
	if w := place.World; w == nil || w != geo.ToWorld(place.Geometry) {
		t.Errorf("world geometry %v", w)
	}
}

// TestLoadBroken checks that every problem in testdata/broken is reported at
// once, each with its file and feature.
func TestLoadBroken(t *testing.T) {
	_, err := LoadDir("testdata/broken")
	var ve *ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("LoadDir(testdata/broken) = %v, want ValidationErrors", err)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Error("errors do not wrap ErrInvalid")
	}
	want := []struct {
		file    string
		feature int
		has     string
	}{
		{"G Bad Name.geojson", -1, "must match [a-z0-9-]+"},
		{"a-syntax.geojson", -1, "line 4, column 4: malformed JSON"},
		{"b-kinds.geojson", 0, `feature 0 ("No kind"): missing kind`},
		{"b-kinds.geojson", 1, `unknown kind "tank"`},
		{"b-kinds.geojson", 2, "kind movement cannot have geometry Point"},
		{"b-kinds.geojson", 3, "missing geometry"},
		{"b-kinds.geojson", 4, `geometry type "Circle"`},
		{"c-dates.geojson", 0, `start: date "1944-02-30": invalid date: day out of range`},
		{"c-dates.geojson", 1, "start 1944-08 is after end 1944-07-31"},
		{"c-dates.geojson", 2, `end: date "June 1944"`},
		{"c-dates.geojson", 3, "missing source"},
		{"c-dates.geojson", 4, "event needs a start date"},
		{"c-dates.geojson", 4, "event needs a description"},
		{"d-times.geojson", 0, "coordTimes: 2 dates for 3 vertices"},
		{"d-times.geojson", 1, "coordTimes: [1] 1944-06-02 is before [0] 1944-06-05"},
		{"d-times.geojson", 2, "coordTimes: [0] 1944-06-01 is before start 1944-06-03"},
		{"d-times.geojson", 3, "coordTimes: only movements"},
		{"e-geometry.geojson", 0, "coordinate 0 [200, 28] outside lon [-180, 180]"},
		{"e-geometry.geojson", 1, "coordinate 0 [112, 89] outside"},
		{"e-geometry.geojson", 2, "ring 0 is not closed"},
		{"e-geometry.geojson", 3, "LineString has 1 point(s)"},
		{"e-geometry.geojson", 4, `stroke: colour "blue"`},
		{"e-geometry.geojson", 4, "stroke-opacity 3: want 0 to 1"},
		{"f-notcollection.geojson", -1, `type "Feature": want "FeatureCollection"`},
	}
	for _, w := range want {
		found := false
		for _, e := range ve.Problems {
			if strings.HasSuffix(e.File, w.file) && e.Feature == w.feature && strings.Contains(e.Error(), w.has) {
				found = true
				if !strings.HasPrefix(e.Error(), "testdata/broken/"+w.file+": ") {
					t.Errorf("message does not start with the file: %s", e)
				}
			}
		}
		if !found {
			t.Errorf("no problem reported for %s feature %d containing %q", w.file, w.feature, w.has)
		}
	}
	if ve.Len() != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", ve.Len(), len(want), err)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := LoadDir("testdata/nonexistent"); err == nil {
		t.Error("missing directory: no error")
	}
	if _, err := LoadDir("testdata/good/march.geojson"); err == nil {
		t.Error("file as directory: no error")
	}
	if _, err := LoadDir("."); err == nil || !strings.Contains(err.Error(), "no .geojson") {
		t.Errorf("directory without layers: %v", err)
	}
}

func TestSelect(t *testing.T) {
	c := loadGood(t)
	tests := []struct {
		spec, want string
		unknown    bool
	}{
		{"all", "context,march", false},
		{"march", "march", false},
		{"march,context", "context,march", false},
		{"", "", false},
		{"march,", "", false},
		{"march,march", "", false},
		{"all,march", "", false},
		{"nope", "", true},
		{"March", "", true},
		{strings.Repeat("a,", 600), "", false},
	}
	for _, tc := range tests {
		sel, err := c.Select(tc.spec)
		if tc.want == "" {
			if err == nil {
				t.Errorf("Select(%.20q) = %v, want an error", tc.spec, sel)
			} else if errors.Is(err, ErrUnknownLayer) != tc.unknown {
				t.Errorf("Select(%.20q): %v; ErrUnknownLayer = %v, want %v", tc.spec, err, !tc.unknown, tc.unknown)
			}
			continue
		}
		if err != nil || sel.String() != tc.want {
			t.Errorf("Select(%q) = %v, %v; want %s", tc.spec, sel, err, tc.want)
		}
	}
}

func ExampleLoadDir() {
	c, err := LoadDir("testdata/good")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(c.Layers), "layers,", c.Features(), "features,", c.Extent)
	// Output: 2 layers, 7 features, 1944-06-01/1944-08-08
}
