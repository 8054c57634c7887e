// Package mapstyle writes the MapLibre style (v8) that draws xiang's
// cartography from its vector tiles for one day, or the summary map
// (docs/vector.md): areas, lines, movements, arrowheads, point symbols
// from the sprite (tiles/sprite) and labels in both scripts set in the
// glyphs of tiles/glyphs. Colours come from the tiles' own properties, so
// they equal the raster's.
package mapstyle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/glyphs"
	"github.com/xiang-maps/xiang/tiles/paint"
	"github.com/xiang-maps/xiang/tiles/sprite"
)

// Source is the name of the style's vector source.
const Source = "xiang"

// StateDay is the global state property that holds the day drawn.
const StateDay = "day"

// Background is the colour of the style's background layer (id
// "background"): paper, for a map without a base map under it.
const Background = "#f4f1ea"

// Style is a MapLibre style document.
type Style struct {
	Version  int                `json:"version"`
	Name     string             `json:"name"`
	Metadata map[string]any     `json:"metadata"`
	Center   [2]float64         `json:"center"`
	Zoom     float64            `json:"zoom"`
	State    map[string]State   `json:"state"`
	Sources  map[string]VSource `json:"sources"`
	Sprite   string             `json:"sprite"`
	Glyphs   string             `json:"glyphs"`
	Layers   []Layer            `json:"layers"`
}

// State declares a global state property and its default.
type State struct {
	Default any `json:"default"`
}

// VSource is a vector source given by its TileJSON URL.
type VSource struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	Attribution string `json:"attribution,omitempty"`
}

// Layer is a style layer.
type Layer struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	Source      string         `json:"source,omitempty"`
	SourceLayer string         `json:"source-layer,omitempty"`
	MinZoom     float64        `json:"minzoom,omitempty"`
	Filter      any            `json:"filter,omitempty"`
	Layout      map[string]any `json:"layout,omitempty"`
	Paint       map[string]any `json:"paint,omitempty"`
}

// Options say what a style draws and where its resources are.
type Options struct {
	// Base is the absolute URL the server is reached at, without a
	// trailing slash: "https://maps.example/xiang".
	Base string
	// Day is the day drawn; Summary draws the summary map instead.
	Day     geo.Day
	Summary bool
}

// New returns the style of a selection.
func New(sel overlays.Selection, o Options) *Style {
	spec := sel.String()
	day := o.Day
	if o.Summary {
		day = geo.MaxDay
	}
	s := &Style{
		Version:  8,
		Name:     "xiang " + spec,
		Metadata: map[string]any{"xiang:layers": spec},
		State:    map[string]State{StateDay: {Default: int(day)}},
		Sources: map[string]VSource{Source: {
			Type:        "vector",
			URL:         o.Base + "/tiles/" + spec + ".json?format=mvt",
			Attribution: sel.Attribution(),
		}},
		Sprite: o.Base + "/styles/sprite",
		Glyphs: o.Base + "/fonts/{fontstack}/{range}.pbf",
	}
	if o.Summary {
		s.Metadata["xiang:summary"] = true
	} else {
		s.Metadata["xiang:date"] = day.String()
	}
	s.Center, s.Zoom = view(sel)
	b := builder{summary: o.Summary}
	s.Layers = b.layers()
	return s
}

// JSON encodes the style as JSON, without escaping <, > and & (the
// filters' comparisons stay readable, and the jsonlint parser of
// MapLibre's validator does not decode such escapes).
func (s *Style) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encoding the style: %w", err)
	}
	return buf.Bytes(), nil
}

// view returns the centre of the selection's features and the zoom at
// which they fit in 512 pixels.
func view(sel overlays.Selection) ([2]float64, float64) {
	var b orb.Bound
	n := 0
	for _, l := range sel {
		if len(l.Features) == 0 {
			continue
		}
		if n == 0 {
			b = l.Bound
		} else {
			b = b.Union(l.Bound)
		}
		n++
	}
	if n == 0 {
		return [2]float64{0, 0}, 1
	}
	c := b.Center()
	lo, hi := geo.World(orb.Point{b.Min[0], b.Max[1]}), geo.World(orb.Point{b.Max[0], b.Min[1]})
	span := max(hi[0]-lo[0], hi[1]-lo[1])
	z := 12.0
	if span > 0 {
		z = math.Min(12, math.Max(0, math.Floor(math.Log2(512/(512*span)))))
	}
	return [2]float64{round6(c[0]), round6(c[1])}, z
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// builder makes the layers.
type builder struct{ summary bool }

// get reads a feature property.
func get(p string) []any { return []any{"get", p} }

// ZoomOffset is the difference between the raster's zoom (256-pixel
// tiles, where paint.ZoomScale and the label zooms are defined) and
// MapLibre's (512-pixel tiles) at the same scale: MapLibre's zoom z draws
// what the raster draws at z+1.
const ZoomOffset = 1

// zoomLo and zoomHi are the MapLibre zooms where paint.ZoomScale stops
// changing: the raster's 5, and the raster zoom where it reaches
// sprite.MaxZoomScale (11⅔: it grows by 0.09 a zoom from 0.55). Between
// them ZoomScale is linear, so a two-stop linear interpolation is exact;
// a stop at the raster's 12 instead would draw symbols and lines up to
// 2.4 % too thin in between (at the raster's 11).
const zoomLo = 5 - ZoomOffset

var zoomHi = fullScaleZoom() - ZoomOffset

// fullScaleZoom returns the raster zoom where paint.ZoomScale reaches
// sprite.MaxZoomScale, from its slope above zoom 5.
func fullScaleZoom() float64 {
	lo := paint.ZoomScale(5)
	slope := paint.ZoomScale(6) - lo
	return round6(5 + (sprite.MaxZoomScale-lo)/slope)
}

// zoomed interpolates a value linearly with the zoom like
// paint.ZoomScale: v×0.55 at the raster's zoom 5 and below, v×1.15 at 12
// and above.
func zoomed(v any) []any {
	return []any{"interpolate", []any{"linear"}, []any{"zoom"},
		zoomLo, times(v, paint.ZoomScale(zoomLo+ZoomOffset)), zoomHi, times(v, paint.ZoomScale(zoomHi+ZoomOffset))}
}

func times(v any, k float64) any {
	if f, ok := v.(float64); ok {
		return round6(f * k)
	}
	return []any{"*", v, k}
}

// when returns the filter of a layer: the kind test and, unless the
// style is the summary map, the day test on the global state. The summary
// map leaves out the units placed for runs of days (placement "dated"),
// which have its own placement.
func (b builder) when(test ...any) []any {
	f := []any{"all"}
	f = append(f, test...)
	if b.summary {
		f = append(f, []any{"!=", get("placement"), "dated"})
	} else {
		day := []any{"global-state", StateDay}
		f = append(f, []any{"<=", get("start_day"), day}, []any{"<=", day, get("end_day")})
	}
	return f
}

// not negates a test for b.when.
func (b builder) not(test []any) []any { return []any{"!", test} }

// bodyWidth is the width of the raster's arrow body at zoom scale 1 where
// the route is covered to fraction p: 2.2 px at its start to 6.5 at its
// end (tiles' arrow).
func bodyWidth(p any) []any { return []any{"+", bodyStart, []any{"*", bodyEnd - bodyStart, p}} }

// headScale is the size of the raster's arrowhead where the route is
// covered to fraction p, relative to the sprite's (drawn at the full
// width): 2.2 times the body's width, at least 9 px.
func headScale(p any) []any {
	return []any{"/", []any{"max", bodyWidth(p), 9 / 2.2}, bodyEnd}
}

// edgeGap is the line-gap-width of a casing of width w drawn along the
// edges of a movement's body: centred on them.
func edgeGap(w float64) []any {
	return []any{"interpolate", []any{"linear"}, []any{"zoom"},
		zoomLo, []any{"max", 0, []any{"-", times(bodyWidth(get("progress")), paint.ZoomScale(zoomLo+ZoomOffset)), w}},
		zoomHi, []any{"max", 0, []any{"-", times(bodyWidth(get("progress")), paint.ZoomScale(zoomHi+ZoomOffset)), w}}}
}

// halfOnPaper mixes colour c half and half with the paper (Background),
// as c at half opacity shows on it.
func halfOnPaper(c any) []any {
	rgba := []any{"to-rgba", []any{"to-color", c}}
	paper := [3]float64{0xf4, 0xf1, 0xea}
	ch := func(i int) []any { return []any{"/", []any{"+", []any{"at", i, rgba}, paper[i]}, 2} }
	return []any{"rgb", ch(0), ch(1), ch(2)}
}

func kindIs(kinds ...string) []any {
	if len(kinds) == 1 {
		return []any{"==", get("kind"), kinds[0]}
	}
	return []any{"in", get("kind"), []any{"literal", kinds}}
}

func is(prop string) []any { return []any{"==", get(prop), true} }

// Line widths of the kinds tiles draws with ticks, at zoom scale 1.
const (
	bodyStart       = 2.2 // tiles' tapered arrow body, at the route's start
	bodyEnd         = 6.5 // and at its end
	fortTick        = 4.5
	fortSpacing     = 7.0
	railTick        = 3.5
	railSpacing     = 11.0
	tickWidth       = 1.5
	encircleWidth   = 2.4
	encircleTick    = 5.0
	encircleSpacing = 9.0
	hollowLine      = 1.3 // the dashed outline of a hollow route: width,
	hollowDash      = 5.0 // dash
	hollowGap       = 3.0 // and gap (tiles' arrow)
)

func (b builder) layers() []Layer {
	opacity := func(p string) []any { return []any{"coalesce", get(p), 1} }
	src := func(l Layer, sourceLayer string) Layer {
		l.Source, l.SourceLayer = Source, sourceLayer
		return l
	}
	ls := []Layer{{ID: "background", Type: "background", Paint: map[string]any{"background-color": Background}}}
	add := func(sourceLayer string, l Layer) { ls = append(ls, src(l, sourceLayer)) }

	// Areas: fill, outline (dashed for battles), fortified perimeters
	// with teeth outward.
	add("areas", Layer{ID: "areas-fill", Type: "fill", Filter: b.when(),
		Paint: map[string]any{"fill-color": get("fill"), "fill-opacity": opacity("fill_opacity")}})
	add("areas", Layer{ID: "areas-outline", Type: "line", Filter: b.when([]any{"!", []any{"in", get("role"), []any{"literal", []string{"battle", "siege", "encirclement"}}}}),
		Layout: map[string]any{"line-join": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": get("stroke_width")}})
	add("areas", Layer{ID: "areas-battle", Type: "line", Filter: b.when([]any{"==", get("role"), "battle"}),
		Paint: map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": get("stroke_width"),
			"line-dasharray": []any{4, 2.5}}})
	// Siege rings and encirclements: a heavy outline with teeth inwards
	// (MVT outer rings run clockwise on screen and holes anticlockwise,
	// so the area is always right of the line: a positive offset).
	encircles := []any{"in", get("role"), []any{"literal", []string{"siege", "encirclement"}}}
	add("areas", Layer{ID: "areas-encircle", Type: "line", Filter: b.when(encircles),
		Layout: map[string]any{"line-join": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": encircleWidth}})
	add("areas", Layer{ID: "areas-encircle-ticks", Type: "line", Filter: b.when(encircles),
		Paint: map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": zoomed(encircleTick),
			"line-offset": zoomed(encircleTick / 2), "line-dasharray": []any{encircleWidth / encircleTick, encircleSpacing / encircleTick}}})
	add("areas", Layer{ID: "areas-fortification-ticks", Type: "line", Filter: b.when(kindIs("fortification")),
		Paint: map[string]any{"line-color": get("stroke"), "line-width": zoomed(fortTick),
			"line-offset": zoomed(-fortTick / 2), "line-dasharray": []any{tickWidth / fortTick, fortSpacing / fortTick}}})

	// Lines: rivers, railways with ties, fortifications with teeth, fronts.
	add("lines", Layer{ID: "lines-river", Type: "line", Filter: b.when(kindIs("river")),
		Layout: map[string]any{"line-join": "round", "line-cap": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": get("stroke_width")}})
	add("lines", Layer{ID: "lines-railway", Type: "line", Filter: b.when(kindIs("railway")),
		Paint: map[string]any{"line-color": get("stroke"), "line-width": get("stroke_width")}})
	add("lines", Layer{ID: "lines-railway-ties", Type: "line", Filter: b.when(kindIs("railway")),
		Paint: map[string]any{"line-color": get("stroke"), "line-width": zoomed(2 * railTick),
			"line-dasharray": []any{tickWidth / (2 * railTick), railSpacing / (2 * railTick)}}})
	add("lines", Layer{ID: "lines-fortification", Type: "line", Filter: b.when(kindIs("fortification")),
		Layout: map[string]any{"line-join": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": get("stroke_width")}})
	add("lines", Layer{ID: "lines-fortification-ticks", Type: "line", Filter: b.when(kindIs("fortification")),
		Paint: map[string]any{"line-color": get("stroke"), "line-width": zoomed(fortTick),
			"line-offset": zoomed(-fortTick / 2), "line-dasharray": []any{tickWidth / fortTick, fortSpacing / fortTick}}})
	add("lines", Layer{ID: "lines-front", Type: "line", Filter: b.when(kindIs("front")),
		Layout: map[string]any{"line-join": "round", "line-cap": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": get("stroke_width")}})

	// Movements: the route in the side's colour, tapered as the raster's
	// arrow body (its width grows with progress, in the tiles' width
	// classes); the leg in progress lighter; retreats hollow (a white
	// body with a dashed outline); estimated routes with a dotted edge.
	width := zoomed(bodyWidth(get("progress")))
	light := []any{"<", []any{"global-state", StateDay}, []any{"coalesce", get("leg_end_day"), int(geo.MinDay)}}
	solid := b.when(b.not(is("hollow")), b.not(light))
	if b.summary {
		solid = b.when(b.not(is("hollow"))) // every route complete
	}
	add("movements", Layer{ID: "movements", Type: "line", Filter: solid,
		Layout: map[string]any{"line-join": "round", "line-cap": "round"},
		Paint:  map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"), "line-width": width}})
	if !b.summary {
		// The raster draws the leg in progress at half opacity; an opaque
		// mix of the colour and the paper draws the same on paper without
		// darker dots where the pieces' caps overlap.
		add("movements", Layer{ID: "movements-light", Type: "line", Filter: b.when(b.not(is("hollow")), light),
			Layout: map[string]any{"line-join": "round", "line-cap": "round"},
			Paint:  map[string]any{"line-color": halfOnPaper(get("stroke")), "line-opacity": opacity("stroke_opacity"), "line-width": width}})
	}
	// Estimated routes: a dotted white edge along the body, as the
	// raster draws them (a casing around a gap of the body's width).
	add("movements", Layer{ID: "movements-approximate", Type: "line", Filter: b.when(is("approximate"), b.not(is("hollow"))),
		Layout: map[string]any{"line-join": "round"},
		Paint: map[string]any{"line-color": colorOf(paint.Halo), "line-opacity": round6(float64(paint.Halo.A) / 255),
			"line-width": approxEdge, "line-gap-width": edgeGap(approxEdge),
			"line-dasharray": []any{approxDot / approxEdge, approxGap / approxEdge}}})
	// Retreats and withdrawals: a white body and a dashed outline in the
	// colour.
	add("movements", Layer{ID: "movements-hollow", Type: "line", Filter: b.when(is("hollow")),
		Layout: map[string]any{"line-join": "round", "line-cap": "round"},
		Paint: map[string]any{"line-color": colorOf(sprite.HollowFill), "line-opacity": round6(float64(sprite.HollowFill.A) / 255),
			"line-width": width}})
	add("movements", Layer{ID: "movements-hollow-outline", Type: "line", Filter: b.when(is("hollow")),
		Layout: map[string]any{"line-join": "round"},
		Paint: map[string]any{"line-color": get("stroke"), "line-opacity": opacity("stroke_opacity"),
			"line-width": hollowLine, "line-gap-width": edgeGap(hollowLine),
			"line-dasharray": []any{hollowDash / hollowLine, hollowGap / hollowLine}}})

	// Arrowheads: the sprite's arrow of the movement's colour, rotated to
	// its bearing, its tip (the icon's top) at the troops' position,
	// sized as the raster's head (which grows with progress); a failed
	// attack ends in a bar across the tip.
	heads := b.when()
	if b.summary {
		heads = []any{"all", is("final")}
	}
	iconSize := []any{"interpolate", []any{"linear"}, []any{"zoom"},
		zoomLo, round6(paint.ZoomScale(zoomLo+ZoomOffset) / sprite.MaxZoomScale), zoomHi, round6(paint.ZoomScale(zoomHi+ZoomOffset) / sprite.MaxZoomScale)}
	headSize := []any{"interpolate", []any{"linear"}, []any{"zoom"},
		zoomLo, []any{"*", round6(paint.ZoomScale(zoomLo+ZoomOffset) / sprite.MaxZoomScale), headScale(get("progress"))},
		zoomHi, []any{"*", round6(paint.ZoomScale(zoomHi+ZoomOffset) / sprite.MaxZoomScale), headScale(get("progress"))}}
	add("heads", Layer{ID: "heads", Type: "symbol", Filter: heads,
		Layout: map[string]any{
			"icon-image": []any{"case", is("hollow"),
				[]any{"concat", "arrow-hollow-", []any{"slice", get("symbol"), len("arrow-")}}, get("symbol")},
			"icon-rotate": get("bearing"), "icon-rotation-alignment": "map", "icon-anchor": "top",
			"icon-size": headSize, "icon-allow-overlap": true, "icon-ignore-placement": true,
		}})
	add("heads", Layer{ID: "heads-failed-bar", Type: "symbol", Filter: append(slices.Clone(heads), []any{"==", get("outcome"), "failed"}),
		Layout: map[string]any{
			"icon-image":  []any{"concat", "bar-", []any{"slice", get("symbol"), len("arrow-")}},
			"icon-rotate": get("bearing"), "icon-rotation-alignment": "map", "icon-anchor": "bottom",
			"icon-size": headSize, "icon-allow-overlap": true, "icon-ignore-placement": true,
		}})

	// Units moved aside: a leader from the true position to the symbol,
	// on a white halo, and a dot at the true position (tiles' shape).
	leaders(b, add)

	// Estimated positions: a soft halo of the feature's colour under the
	// symbol, as the raster draws them (two discs, 1.6 and 1.3 times the
	// reach of the symbol).
	reach := []any{"match", get("kind"), "unit", unitReach, "artillery", 8.2, "airfield", 9.2, "event", 7.5, 3.4}
	for _, d := range []struct {
		id   string
		k, a float64
	}{{"points-approximate-outer", approxHalo, 0.10}, {"points-approximate-inner", (1 + approxHalo) / 2, 0.14}} {
		add("points", Layer{ID: d.id, Type: "circle", Filter: b.when(is("approximate")),
			Paint: map[string]any{"circle-color": get("stroke"), "circle-opacity": d.a, "circle-radius": zoomed([]any{"*", d.k, reach}),
				"circle-pitch-alignment": "map"}})
	}

	// Day labels beside dated routes, the raster's last priority: below
	// every other label layer, so that MapLibre places them last. The
	// summary map has none, as the raster's.
	if !b.summary {
		add("dates", Layer{ID: "labels-date", Type: "symbol", MinZoom: dateMinZoom - ZoomOffset, Filter: b.when(),
			Layout: map[string]any{
				"text-field": get("label"), "text-font": []any{glyphs.Regular}, "text-size": dateSize,
				"text-variable-anchor": rasterAnchors, "text-radial-offset": dateOffset,
			},
			Paint: map[string]any{"text-color": get("stroke"), "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	}

	// Labels: the name, and the Chinese name under it from zoom 8, in the
	// Go fonts (tiles/glyphs falls back to the CJK font per code point).
	// Events have none: the raster leaves them to the viewer's list.
	label := func(id string, l labelLayer, test []any, force bool) {
		first, has := get("name"), []any{"has", "name"}
		text := []any{"step", []any{"zoom"}, first, l.zhZoom - ZoomOffset,
			[]any{"concat", first, []any{"case", []any{"has", "name_zh"}, []any{"concat", "\n", get("name_zh")}, ""}}}
		color := any(get("stroke"))
		if l.kind == "place" {
			color = colorOf(paint.Ink)
		}
		layout := map[string]any{
			"text-field": text, "text-font": []any{l.font}, "text-size": l.size,
			"text-variable-anchor": rasterAnchors, "text-radial-offset": l.offset,
			"text-justify": "auto", "text-max-width": 12, "text-line-height": 1.15,
		}
		if force {
			layout["text-allow-overlap"] = true
		}
		add("points", Layer{ID: id, Type: "symbol", MinZoom: l.minZoom - ZoomOffset, Filter: b.when(append([]any{kindIs(l.kind), has}, test...)...),
			Layout: layout,
			Paint:  map[string]any{"text-color": color, "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	}
	notKey := []any{"!=", get("key"), true}
	for _, l := range labels {
		test := l.test
		if l.kind == "place" {
			test = append(slices.Clone(test), notKey)
		}
		label(l.id, l, test, false)
	}
	// Point symbols, drawn by tiles/paint into the sprite; crowded units
	// and guns where the raster draws them (the tiles hold them per zoom
	// and run of days). Artillery above units, events above both. The
	// layer is above the labels, so MapLibre places its symbols first: always
	// drawn, they are obstacles the other labels keep clear of, as the
	// raster's are. A unit's name is set with its symbol, in the same layer,
	// since MapLibre keeps a label clear of its own symbol only there.
	ul := unitLabel
	unitText := []any{"coalesce", get("designation"), get("name"), ""}
	unitZh := []any{"concat", unitText, []any{"case", []any{"has", "name_zh"}, []any{"concat", "\n", get("name_zh")}, ""}}
	isUnit := kindIs("unit")
	add("points", Layer{ID: "points", Type: "symbol", Filter: b.when(),
		Layout: map[string]any{
			"icon-image": get("symbol"), "icon-size": iconSize,
			"icon-allow-overlap": true, "symbol-sort-key": []any{"match", get("kind"), "place", 0, "artillery", 2, "event", 3, 1},
			"text-field": []any{"step", []any{"zoom"}, "", ul.minZoom - ZoomOffset, []any{"case", isUnit, unitText, ""},
				ul.zhZoom - ZoomOffset, []any{"case", isUnit, unitZh, ""}},
			"text-font": []any{ul.font}, "text-size": ul.size, "text-optional": true,
			"text-variable-anchor": rasterAnchors, "text-radial-offset": ul.offset,
			"text-justify": "auto", "text-max-width": 12, "text-line-height": 1.15,
		},
		Paint: map[string]any{"text-color": get("stroke"), "text-halo-color": "#ffffff", "text-halo-width": 1.5}})
	// Cities and key towns (property key), on top: placed first, before the
	// symbols, and always set, as the raster sets them before units move;
	// each in the style of its rank.
	label(cityLabel.id, cityLabel, append(slices.Clone(cityLabel.test), notKey), true)
	for _, l := range append(slices.Clone(labels), cityLabel) {
		if l.kind == "place" {
			label(strings.Replace(l.id, "labels-place-", "labels-key-", 1), l, append(slices.Clone(l.test), is("key")), true)
		}
	}
	return ls
}

// labelLayer is a label layer: per kind (and town rank) the minimum
// zoom, size and font of tiles' labels.
type labelLayer struct {
	id, kind        string
	test            []any
	minZoom, zhZoom float64
	size, offset    float64
	font            string
}

// unitLabel is the style of units' names, set in the layer of the point
// symbols.
var unitLabel = labelLayer{"points", "unit", nil, 7, 10, 10.5, 1.4, glyphs.Bold}

// labels are the label layers of places below cities, airfields and
// artillery. MapLibre places the labels of upper layers first, so they are
// in the reverse order of tiles' priorities. Above them come the point
// symbols with the units' names (unitLabel), then the cities (cityLabel)
// and the key towns, placed first.
var labels = []labelLayer{
	{"labels-place-4", "place", []any{[]any{"!", []any{"in", get("rank"), []any{"literal", []int{1, 2, 3}}}}}, 10, 10, 10, 0.7, glyphs.Regular},
	{"labels-artillery", "artillery", nil, 10, 10, 9.5, 1.2, glyphs.Regular},
	{"labels-place-3", "place", []any{[]any{"==", get("rank"), 3}}, 8, 8, 11, 0.7, glyphs.Regular},
	{"labels-airfield", "airfield", nil, 9, 9, 10, 1.2, glyphs.Regular},
	{"labels-place-2", "place", []any{[]any{"==", get("rank"), 2}}, 7, 8, 12, 0.7, glyphs.Regular},
}

// cityLabel is the label layer of cities (rank 1), set first with the key
// towns.
var cityLabel = labelLayer{"labels-place-1", "place", []any{[]any{"==", get("rank"), 1}}, 5, 8, 13, 0.7, glyphs.Bold}

// rasterAnchors are the places a label may take around its point, in the
// order the raster tries them (tiles' placer): right of the point, left,
// above, below, then the four corners. MapLibre names a place by the
// side of the text at the point: "left" sets the text right of it.
var rasterAnchors = []any{"left", "right", "bottom", "top", "bottom-left", "bottom-right", "top-left", "top-right"}

// The raster's day labels (tiles' dateLabel): from its zoom 8, 9 px, set
// beside the dated point at 4 zoom-scaled pixels (0.5 em at full scale).
const (
	dateMinZoom = 8
	dateSize    = 9
	dateOffset  = 0.5
)

// colorOf writes a colour as #rrggbb.
func colorOf(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// approxHalo is how far the halo of an estimated position reaches, in
// reaches of its symbol (tiles' approxHalo); unitReach is the reach of a
// division's frame with its echelon marks at zoom scale 1
// (paint.Symbol.Reach); the other kinds' are written where used.
const (
	approxHalo = 1.6
	// The dotted edge of an estimated route (tiles' approxDot, approxGap
	// and the edge's width).
	approxDot  = 1.5
	approxGap  = 2.5
	approxEdge = 1.4
	unitReach  = 17.0
)
