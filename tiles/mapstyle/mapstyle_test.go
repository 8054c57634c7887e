package mapstyle

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/paint"
)

func campaign(t testing.TB) overlays.Selection {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	return overlays.Selection(c.Layers)
}

const base = "http://example.test/x"

func styles(t *testing.T) map[string]*Style {
	sel := campaign(t)
	return map[string]*Style{
		"siege":   New(sel, Options{Base: base, Day: geo.Date(1944, 7, 15)}),
		"summary": New(sel, Options{Base: base, Summary: true}),
	}
}

// TestValidate runs MapLibre's own validator, gl-style-validate from
// @maplibre/maplibre-gl-style-spec (`make deps` installs it with npm ci in
// testdata/validator), on a dated style and the summary style.
func TestValidate(t *testing.T) {
	testkit.Tool(t, "node", "nodejs")
	bin, _ := filepath.Abs("testdata/validator/node_modules/.bin/gl-style-validate")
	_, err := os.Stat(bin)
	testkit.Require(t, err == nil, "gl-style-validate (npm ci in tiles/mapstyle/testdata/validator)")
	dir := t.TempDir()
	for name, s := range styles(t) {
		t.Run(name, func(t *testing.T) {
			b, err := s.JSON()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name+".json")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(bin, path).CombinedOutput()
			if err != nil || len(strings.TrimSpace(string(out))) > 0 {
				t.Errorf("gl-style-validate: %v\n%s", err, out)
			}
		})
	}
	// The validator does fail: a style with a bad layer type.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version":8,"sources":{},"layers":[{"id":"a","type":"blob"}]}`), 0o644)
	if out, err := exec.Command(bin, bad).CombinedOutput(); err == nil {
		t.Errorf("gl-style-validate passed a bad style: %s", out)
	}
}

// uses reports whether a JSON value mentions s anywhere.
func uses(v any, s string) bool {
	b, _ := json.Marshal(v)
	return strings.Contains(string(b), s)
}

func TestFilters(t *testing.T) {
	for name, s := range styles(t) {
		t.Run(name, func(t *testing.T) {
			if len(s.Layers) < 10 {
				t.Fatalf("%d layers", len(s.Layers))
			}
			for _, l := range s.Layers {
				if l.Source == "" {
					continue
				}
				dated := uses(l.Filter, `["global-state","day"]`)
				if name == "summary" && dated {
					t.Errorf("%s: summary filter reads the day: %s", l.ID, mustJSON(l.Filter))
				}
				if name != "summary" && !dated {
					t.Errorf("%s: filter does not read the day: %s", l.ID, mustJSON(l.Filter))
				}
			}
			want := int(geo.Date(1944, 7, 15))
			if name == "summary" {
				want = int(geo.MaxDay)
			}
			if got := s.State[StateDay].Default; got != want {
				t.Errorf("state day %v, want %d", got, want)
			}
		})
	}
	s := styles(t)["summary"]
	for _, l := range s.Layers {
		if l.ID == "heads" && !uses(l.Filter, `["get","final"]`) {
			t.Errorf("summary heads: %s, want only the final heads", mustJSON(l.Filter))
		}
	}
}

func TestURLsAndColours(t *testing.T) {
	s := styles(t)["siege"]
	if got := s.Sources[Source].URL; got != base+"/tiles/"+campaign(t).String()+".json?format=mvt" {
		t.Errorf("source URL %s", got)
	}
	if s.Sprite != base+"/styles/sprite" || s.Glyphs != base+"/fonts/{fontstack}/{range}.pbf" {
		t.Errorf("sprite %s glyphs %s", s.Sprite, s.Glyphs)
	}
	// Colours come from the tiles: no layer but the background and the
	// hollow core names a colour of a side.
	for _, l := range s.Layers {
		if uses(l.Paint, "#c8102e") || uses(l.Paint, "#1f4e9c") {
			t.Errorf("%s: a side colour written into the style", l.ID)
		}
	}
	ids := map[string]bool{}
	for _, l := range s.Layers {
		if ids[l.ID] {
			t.Errorf("two layers %s", l.ID)
		}
		ids[l.ID] = true
	}
	for _, id := range []string{"areas-fill", "lines-front", "movements", "movements-light", "movements-hollow", "heads", "heads-failed-bar", "points", "labels-place-1", "labels-key-1"} {
		if !ids[id] {
			t.Errorf("no layer %s", id)
		}
	}
}

// TestMovementCartography checks that the movement layers read what
// the raster's arrows depend on: the body's width and the head's size the
// progress, the lighter leg the day against leg_end_day, the bar the
// outcome; the day labels the route's dated points; and that the summary
// has no lighter leg and no day labels.
func TestMovementCartography(t *testing.T) {
	for name, s := range styles(t) {
		byID := map[string]Layer{}
		for _, l := range s.Layers {
			byID[l.ID] = l
		}
		for _, tc := range []struct {
			id, part, want string
		}{
			{"movements", "paint", `["get","progress"]`},
			{"movements-hollow", "paint", `["get","progress"]`},
			{"heads", "layout", `["get","progress"]`},
			{"heads-failed-bar", "filter", `["get","outcome"],"failed"]`},
			{"heads-failed-bar", "layout", `"bar-"`},
			{"movements-light", "filter", `["get","leg_end_day"]`},
			{"movements-light", "paint", `"to-rgba"`},
			{"labels-date", "layout", `["get","label"]`},
			{"labels-date", "paint", `["get","stroke"]`},
			{"labels-date", "filter", `["global-state","day"]`},
		} {
			t.Run(name+"/"+tc.id+"/"+tc.part, func(t *testing.T) {
				l, ok := byID[tc.id]
				if name == "summary" && (tc.id == "movements-light" || tc.id == "labels-date") {
					if ok {
						t.Errorf("the summary map draws %s", tc.id)
					}
					return
				}
				if !ok {
					t.Fatalf("no layer %s", tc.id)
				}
				v := map[string]any{"paint": l.Paint, "layout": l.Layout, "filter": l.Filter}[tc.part]
				if !uses(v, tc.want) {
					t.Errorf("%s %s: %s, want it to use %s", tc.id, tc.part, mustJSON(v), tc.want)
				}
			})
		}
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func ExampleNew() {
	c, _ := hunan.Load()
	s := New(overlays.Selection(c.Layers), Options{Base: "https://maps.example", Day: geo.Date(1944, 7, 15)})
	fmt.Println(s.Metadata["xiang:date"], s.State[StateDay].Default)
	fmt.Println(s.Glyphs)
	fmt.Println(mustJSON(s.Layers[len(s.Layers)-1].Layout["text-font"]))
	// Output:
	// 1944-07-15 -9301
	// https://maps.example/fonts/{fontstack}/{range}.pbf
	// ["Go Bold"]
}

// TestZoomedMatchesZoomScale checks that the style's zoom interpolation
// draws what the raster draws at the same scale: at every MapLibre zoom z,
// zoomed(1) is paint.ZoomScale at the raster's zoom z+ZoomOffset.
func TestZoomedMatchesZoomScale(t *testing.T) {
	e := zoomed(1.0)
	if len(e) != 7 || e[0] != "interpolate" {
		t.Fatalf("zoomed(1) = %v, want a two-stop interpolate", e)
	}
	num := func(v any) float64 {
		switch v := v.(type) {
		case int:
			return float64(v)
		case float64:
			return v
		}
		t.Fatalf("zoomed(1): %v (%T) is not a number", v, v)
		return 0
	}
	z0, v0, z1, v1 := num(e[3]), num(e[4]), num(e[5]), num(e[6])
	at := func(z float64) float64 {
		switch {
		case z <= z0:
			return v0
		case z >= z1:
			return v1
		}
		return v0 + (v1-v0)*(z-z0)/(z1-z0)
	}
	for _, z := range []float64{2, 4, 5, 7, 8.5, 9, 10, 10.5, 10.6, 11, 12, 15} {
		t.Run(fmt.Sprint(z), func(t *testing.T) {
			got, want := at(z), paint.ZoomScale(z+ZoomOffset)
			if math.Abs(got-want) > 1e-5 {
				t.Errorf("MapLibre zoom %v: style scales by %.5f, the raster at zoom %v by %.5f", z, got, z+ZoomOffset, want)
			}
		})
	}
}

// TestLabelOrder checks the label layers follow the raster's rules:
// cities and key towns placed first (the top layers) and always set, then
// the symbols with the units' names, then other labels (places without the
// key towns); no event labels; every label trying the raster's places in
// the raster's order.
func TestLabelOrder(t *testing.T) {
	for name, s := range styles(t) {
		t.Run(name, func(t *testing.T) {
			pos := map[string]int{}
			for i, l := range s.Layers {
				pos[l.ID] = i
				if l.Type != "symbol" || l.Layout["text-field"] == nil {
					continue
				}
				if got := mustJSON(l.Layout["text-variable-anchor"]); got != mustJSON(rasterAnchors) {
					t.Errorf("%s: anchors %s, want the raster's %s", l.ID, got, mustJSON(rasterAnchors))
				}
				key := strings.HasPrefix(l.ID, "labels-key-")
				if forced := l.Layout["text-allow-overlap"] == true; forced != (key || l.ID == "labels-place-1") {
					t.Errorf("%s: text-allow-overlap %v, want it for key towns and cities only", l.ID, forced)
				}
				if strings.HasPrefix(l.ID, "labels-place-") && !uses(l.Filter, `["!=",["get","key"],true]`) {
					t.Errorf("%s sets key towns too: %s", l.ID, mustJSON(l.Filter))
				}
				if key && !uses(l.Filter, `["==",["get","key"],true]`) {
					t.Errorf("%s: filter %s does not select key towns", l.ID, mustJSON(l.Filter))
				}
				if uses(l.Filter, `"event"`) {
					t.Errorf("%s labels events, which the raster leaves to the viewer", l.ID)
				}
			}
			for r := 1; r <= 4; r++ {
				k, ok := pos[fmt.Sprintf("labels-key-%d", r)]
				if !ok || k < pos["labels-place-1"] {
					t.Errorf("labels-key-%d at %d, want above labels-place-1 (%d): placed first", r, k, pos["labels-place-1"])
				}
			}
			// Cities and key towns are placed first, then the symbols with
			// the units' names, then every other label, which keeps clear
			// of them.
			p := s.Layers[pos["points"]]
			for _, l := range s.Layers {
				if l.Type != "symbol" || l.ID == "points" {
					continue
				}
				first := l.ID == "labels-place-1" || strings.HasPrefix(l.ID, "labels-key-")
				if above := pos[l.ID] > pos["points"]; above != first {
					t.Errorf("%s at %d, points at %d: want only cities and key towns above the symbols", l.ID, pos[l.ID], pos["points"])
				}
			}
			if !uses(p.Layout["text-field"], `["get","designation"]`) || p.Layout["text-optional"] != true {
				t.Errorf("points: text-field %s, text-optional %v: want the units' names, optional", mustJSON(p.Layout["text-field"]), p.Layout["text-optional"])
			}
		})
	}
}
