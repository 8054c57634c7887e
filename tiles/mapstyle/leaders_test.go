package mapstyle

import (
	"testing"

	"github.com/xiang-maps/xiang/tiles/paint"
)

// TestLeaders checks the layers of units moved aside: leaders and dots
// from the tiles' leaders layer, lines below points, dots filtered to
// points, in the stroke colour over the raster's halo and at its widths;
// the summary map leaves out every piece placed for a run of days.
func TestLeaders(t *testing.T) {
	for name, s := range styles(t) {
		t.Run(name, func(t *testing.T) {
			at := map[string]int{}
			for i, l := range s.Layers {
				at[l.ID] = i
			}
			for _, id := range []string{"leaders-halo", "leaders", "leaders-dot-halo", "leaders-dot"} {
				i, ok := at[id]
				if !ok {
					t.Fatalf("no layer %s", id)
				}
				l := s.Layers[i]
				if l.SourceLayer != "leaders" || i > at["points"] || i < at["heads"] {
					t.Errorf("%s: source layer %q at %d, want leaders between heads (%d) and points (%d)", id, l.SourceLayer, i, at["heads"], at["points"])
				}
				dot := l.Type == "circle"
				points := `["in",["geometry-type"],["literal",["Point","MultiPoint"]]]`
				if !uses(l.Filter, points) || dot == uses(l.Filter, `["!",`+points+`]`) {
					t.Errorf("%s (%s): filter %s", id, l.Type, mustJSON(l.Filter))
				}
			}
			want := map[string]struct {
				prop string
				v    float64
				halo bool
			}{
				"leaders-halo": {"line-width", 3, true}, "leaders": {"line-width", 1.2, false},
				"leaders-dot-halo": {"circle-radius", 2.6, true}, "leaders-dot": {"circle-radius", 1.8, false},
			}
			for id, w := range want {
				l := s.Layers[at[id]]
				if l.Paint[w.prop] != w.v {
					t.Errorf("%s: %s %v, want %v", id, w.prop, l.Paint[w.prop], w.v)
				}
				colour := l.Paint["line-color"]
				if colour == nil {
					colour = l.Paint["circle-color"]
				}
				if w.halo != (colour == colorOf(paint.Halo)) || !w.halo && !uses(colour, `["get","stroke"]`) {
					t.Errorf("%s: colour %v", id, colour)
				}
			}
			for _, id := range []string{"points", "labels-artillery", "leaders", "leaders-dot", "points-approximate-outer"} {
				excludes := uses(s.Layers[at[id]].Filter, `["!=",["get","placement"],"dated"]`)
				if excludes != (name == "summary") {
					t.Errorf("%s: filter %s; leaves out dated placements: %v", id, mustJSON(s.Layers[at[id]].Filter), excludes)
				}
			}
		})
	}
}
