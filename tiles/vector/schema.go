package vector

import "maps"

// VectorLayer describes one MVT layer as TileJSON 3.0.0's vector_layers
// does: its id, what it holds, its zooms and its fields (name to
// description).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// common are the fields of every layer.
var common = map[string]string{
	"id":             "String: the feature's id in xiang, layer/index",
	"layer":          "String: the xiang layer id",
	"kind":           "String: place, unit, movement, front, area, fortification, artillery, airfield, river, lake, railway or event",
	"side":           "String: japan, china, usa or none",
	"start_day":      "Number: first day shown, in days since 1970-01-01 (-2147483647: open)",
	"end_day":        "Number: last day shown, in days since 1970-01-01 (2147483647: open)",
	"start_date":     "String: start_day as YYYY-MM-DD, absent when open",
	"end_date":       "String: end_day as YYYY-MM-DD, absent when open",
	"name":           "String: name",
	"name_zh":        "String: Chinese name",
	"stroke":         "String: line colour #rrggbb (for points, the marker colour)",
	"stroke_opacity": "Number: line opacity, 0 to 1",
	"stroke_width":   "Number: line width in pixels at zoom scale 1",
	"fill":           "String: fill colour #rrggbb, when filled",
	"fill_opacity":   "Number: fill opacity, 0 to 1, when filled",
	"approximate":    "Boolean: position or extent is approximate",
	"source":         "String: the feature's sources, ids joined by '; '",
}

// extra are the fields particular to each layer.
var extra = map[string]map[string]string{
	LayerAreas: {
		"role": "String: siege, encirclement, defence, occupied, battle or control",
	},
	LayerLines: {
		"role": "String: the line's role, when given",
	},
	LayerMovements: mover(map[string]string{
		"progress":    "Number: fraction of the route covered at the piece's end, 0 to 1 (the raster arrow widens with it)",
		"leg_end_day": "Number: for routes with coordTimes, the day the leg holding the piece is completed; before it the raster draws the piece lighter",
	}),
	LayerHeads: mover(map[string]string{
		"bearing":  "Number: direction of the head, degrees clockwise from north, at the tile's zoom: along the route over the head's length, as the raster aims it",
		"symbol":   "String: sprite icon, arrow-rrggbbaa of the movement's stroke",
		"final":    "Boolean: the head at the last position, from the arrival to the end",
		"progress": "Number: fraction of the route covered at the head, 0 to 1",
	}),
	LayerLeaders: {
		"placement": "String: dated (valid only on its days at this zoom) or summary (only on the summary map)",
	},
	LayerPoints: {
		"placement":   "String: for units and artillery moved aside or hidden at this zoom, dated (the placement of the run of days start_day to end_day) or summary (only on the summary map, start_day and end_day 2147483647); absent when valid for both",
		"unit":        "String: the unit",
		"echelon":     "String: army-group, army, corps, division, brigade, regiment, battalion or detachment",
		"designation": "String: short designation drawn beside a unit symbol",
		"branch":      "String: infantry, artillery, armour, cavalry, engineer, air or hq",
		"rank":        "Number: a place's rank, 1 (city) to 4 (village)",
		"key":         "Boolean: true for a key town, a place that names a layer of the tile set (overlays.Selection.KeyTowns), whose name the raster always sets",
		"symbol":      "String: sprite icon, paint.Symbol.Name()",
		"role":        "String: the point's role, when given",
	},
	LayerDates: {
		"unit":  "String: the unit that moves",
		"label": "String: the day as the raster writes it beside the route, \"2 Jan\"",
		"date":  "String: the day, YYYY-MM-DD (start_date)",
	},
}

// mover returns the fields of a moving unit's features (movements and
// their heads) with more.
func mover(more map[string]string) map[string]string {
	m := map[string]string{
		"unit":    "String: the unit that moves",
		"echelon": "String: the unit's echelon",
		"branch":  "String: the unit's arm of service",
		"action":  "String: advance, attack, retreat, relief or withdrawal",
		"outcome": "String: failed, when it failed",
		"hollow":  "Boolean: drawn hollow (retreat or withdrawal)",
	}
	maps.Copy(m, more)
	return m
}

var descriptions = map[string]string{
	LayerAreas:     "Areas, lakes, airfield and fortification polygons",
	LayerLines:     "Fronts, fortification lines, rivers, railways",
	LayerMovements: "Movement routes cut per day: the piece reached on start_day lasts to the movement's end",
	LayerHeads:     "Arrowheads of movements: one per position, from the day reached to the day before the next",
	LayerLeaders:   "Units and artillery moved aside as the raster moves them: a line from the true position to the moved symbol, and a point at the true position",
	LayerPoints:    "Places, units, artillery, airfield points, events (units and artillery at the raster's place for the tile's zoom)",
	LayerDates:     "Day labels of movements with coordTimes: one at each dated point, from that day to the movement's end",
}

// Schema returns the vector_layers of TileJSON for the MVT layers, in tile
// order, zoom 0 to MaxZoom.
func Schema() []VectorLayer {
	out := make([]VectorLayer, len(Layers))
	for i, name := range Layers {
		fields := maps.Clone(common)
		maps.Copy(fields, extra[name])
		out[i] = VectorLayer{ID: name, Description: descriptions[name], MaxZoom: MaxZoom, Fields: fields}
	}
	return out
}
