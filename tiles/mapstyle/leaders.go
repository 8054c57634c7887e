package mapstyle

import "github.com/xiang-maps/xiang/tiles/paint"

// The leader of a unit moved aside and the dot at its true position, in
// pixels (tiles' shape draws them at the picture's scale, not the
// zoom's): the line in the unit's stroke colour on a wider white halo,
// the dot on a larger white one.
const (
	leaderWidth     = 1.2
	leaderHalo      = 3.0
	leaderDot       = 1.8
	leaderDotHalo   = 2.6
	leadersLayer    = "leaders"
	leadersDotLayer = "leaders-dot"
)

// leaders adds the layers of the tiles' leaders layer: lines for the
// leaders, circles for the dots.
func leaders(b builder, add func(sourceLayer string, l Layer)) {
	halo, haloOpacity := colorOf(paint.Halo), round6(float64(paint.Halo.A)/255)
	dots := []any{"in", []any{"geometry-type"}, []any{"literal", []string{"Point", "MultiPoint"}}}
	lines := []any{"!", dots}
	add(leadersLayer, Layer{ID: "leaders-halo", Type: "line", Filter: b.when(lines),
		Paint: map[string]any{"line-color": halo, "line-opacity": haloOpacity, "line-width": leaderHalo}})
	add(leadersLayer, Layer{ID: leadersLayer, Type: "line", Filter: b.when(lines),
		Paint: map[string]any{"line-color": get("stroke"), "line-opacity": []any{"coalesce", get("stroke_opacity"), 1}, "line-width": leaderWidth}})
	add(leadersLayer, Layer{ID: "leaders-dot-halo", Type: "circle", Filter: b.when(dots),
		Paint: map[string]any{"circle-color": halo, "circle-opacity": haloOpacity, "circle-radius": leaderDotHalo, "circle-pitch-alignment": "map"}})
	add(leadersLayer, Layer{ID: leadersDotLayer, Type: "circle", Filter: b.when(dots),
		Paint: map[string]any{"circle-color": get("stroke"), "circle-opacity": []any{"coalesce", get("stroke_opacity"), 1}, "circle-radius": leaderDot, "circle-pitch-alignment": "map"}})
}
