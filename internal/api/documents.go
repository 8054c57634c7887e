package api

import (
	"cmp"
	"html"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// TileJSON is a TileJSON 3.0.0 document
// (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0) describing
// the raster tiles of a layer list, on one date or the summary map.
type TileJSON struct {
	TileJSON    string     `json:"tilejson"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Attribution string     `json:"attribution"`
	Scheme      string     `json:"scheme"`
	Tiles       []string   `json:"tiles"`
	MinZoom     int        `json:"minzoom"`
	MaxZoom     int        `json:"maxzoom"`
	Bounds      [4]float64 `json:"bounds"`
	Center      [3]float64 `json:"center"`
	// xiang's own members: the date drawn ("" for the summary map), the
	// time extent of the layers and the version of the data.
	Date        string    `json:"date,omitempty"`
	Time        *TimeSpan `json:"time,omitempty"`
	DataVersion string    `json:"data_version"`
}

// NewTileJSON describes the selected layers with one tile URL template.
func NewTileJSON(sel overlays.Selection, maxZoom int, tmpl string) TileJSON {
	tj := TileJSON{
		TileJSON: "3.0.0",
		Scheme:   "xyz",
		Tiles:    []string{tmpl},
		MinZoom:  0,
		MaxZoom:  maxZoom,
	}
	var ids, descs []string
	var b orb.Bound
	extent := geo.Span{From: geo.MaxDay, To: geo.MinDay} // empty
	n := 0
	for _, l := range sel {
		ids = append(ids, l.ID)
		if l.Description != "" {
			descs = append(descs, l.Description)
		}
		if len(l.Features) > 0 {
			if n == 0 {
				b = l.Bound
			} else {
				b = b.Union(l.Bound)
			}
			n++
		}
		if l.Extent != (geo.Span{}) { // the zero span marks an undated layer
			extent = extent.Union(l.Extent)
		}
	}
	tj.Name = strings.Join(ids, ", ")
	if len(sel) == 1 {
		tj.Name = cmp.Or(sel[0].Title, sel[0].ID)
	}
	tj.Description = strings.Join(descs, " ")
	// Map clients show attribution as HTML; the layer files hold text.
	tj.Attribution = html.EscapeString(sel.Attribution())
	if n == 0 {
		b = orb.Bound{Min: orb.Point{-180, -overlays.MaxLat}, Max: orb.Point{180, overlays.MaxLat}}
	}
	b.Min[1] = max(b.Min[1], -overlays.MaxLat)
	b.Max[1] = min(b.Max[1], overlays.MaxLat)
	tj.Bounds = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	c := b.Center()
	tj.Center = [3]float64{c[0], c[1], float64(fitZoom(b, maxZoom))}
	tj.Time = NewTimeSpan(extent)
	return tj
}

// fitZoom returns the deepest zoom, up to maxZoom, at which bound b fits
// in a 512 px square: a sensible initial view.
func fitZoom(b orb.Bound, maxZoom int) int {
	lo, hi := geo.World(orb.Point{b.Min[0], b.Max[1]}), geo.World(orb.Point{b.Max[0], b.Min[1]})
	span := max(hi[0]-lo[0], hi[1]-lo[1]) // fraction of the world
	if span <= 0 {
		return min(12, maxZoom)
	}
	z := int(math.Floor(math.Log2(512 / (geo.TileSize * span))))
	return min(max(z, 0), maxZoom)
}

// Catalog is the body of /api/layers.
type Catalog struct {
	Version  string      `json:"version"`
	Bounds   *[4]float64 `json:"bounds"`
	Time     *TimeSpan   `json:"time"`
	Features int         `json:"features"`
	Layers   []LayerInfo `json:"layers"`
}

// LayerInfo describes one layer in the catalog.
type LayerInfo struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Attribution string            `json:"attribution"`
	Bounds      *[4]float64       `json:"bounds"` // west, south, east, north; null without features
	Time        *TimeSpan         `json:"time"`   // null for an undated layer
	Features    int               `json:"features"`
	Sources     []overlays.Source `json:"sources"`
	TileJSON    string            `json:"tilejson"` // path of the layer's TileJSON
	GeoJSON     string            `json:"geojson"`  // path of the layer's GeoJSON
}

// TimeSpan is a time extent in ISO 8601 calendar dates.
type TimeSpan struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// NewTimeSpan is s in ISO 8601 dates, nil when empty or unbounded.
func NewTimeSpan(s geo.Span) *TimeSpan {
	if s == (geo.Span{}) || s.Empty() {
		return nil
	}
	return &TimeSpan{Start: s.From.String(), End: s.To.String()}
}

func bounds(b orb.Bound, n int) *[4]float64 {
	if n == 0 {
		return nil
	}
	return &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

// NewCatalog describes a campaign, of a version, for /api/layers.
func NewCatalog(c *overlays.Campaign, version string) Catalog {
	cat := Catalog{
		Version:  version,
		Bounds:   bounds(c.Bound, c.Features()),
		Time:     NewTimeSpan(c.Extent),
		Features: c.Features(),
		Layers:   make([]LayerInfo, len(c.Layers)),
	}
	for i, l := range c.Layers {
		cat.Layers[i] = LayerInfo{
			ID: l.ID, Title: l.Title, Description: l.Description, Attribution: l.Attribution,
			Bounds:   bounds(l.Bound, len(l.Features)),
			Time:     NewTimeSpan(l.Extent),
			Features: len(l.Features),
			Sources:  l.Sources,
			TileJSON: "/tiles/" + l.ID + ".json",
			GeoJSON:  "/api/layers/" + l.ID + ".geojson",
		}
		if cat.Layers[i].Sources == nil {
			cat.Layers[i].Sources = []overlays.Source{}
		}
	}
	return cat
}

// EventList is the body of /api/events.
type EventList struct {
	Version string  `json:"version"`
	Events  []Event `json:"events"`
}

// Event is one kind=Event feature, for timelines.
type Event struct {
	ID          string  `json:"id"` // layer/index, as in validation messages
	Layer       string  `json:"layer"`
	Name        string  `json:"name"`
	NameZh      string  `json:"name_zh,omitempty"`
	Date        string  `json:"date"`          // first day
	End         string  `json:"end,omitempty"` // last day, when not the first
	Description string  `json:"description"`
	Lon         float64 `json:"lon"`
	Lat         float64 `json:"lat"`
	Side        string  `json:"side"` // japan, china, usa or none
	Source      string  `json:"source"`
}

// Events lists the campaign's Events by date, then layer and file order.
func Events(c *overlays.Campaign) []Event {
	var fs []*overlays.Feature
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if f.Kind == overlays.KindEvent {
				fs = append(fs, f)
			}
		}
	}
	slices.SortStableFunc(fs, func(a, b *overlays.Feature) int { return cmp.Compare(a.Span.From, b.Span.From) })
	out := make([]Event, 0, len(fs))
	for _, f := range fs {
		e := Event{
			ID: f.ID(), Layer: f.Layer.ID, Name: f.Name, NameZh: f.NameZh,
			Date:        dayString(f.Span.From),
			Description: f.Prop("description"),
			Side:        string(f.Side),
			Source:      f.Prop("source"),
		}
		if f.Span.To != f.Span.From && f.Span.To != geo.MaxDay {
			e.End = f.Span.To.String()
		}
		if e.Side == "" {
			e.Side = "none"
		}
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			pt = f.Geometry.Bound().Center()
		}
		e.Lon, e.Lat = pt[0], pt[1]
		out = append(out, e)
	}
	return out
}

// dayString formats a span end, "" when open.
func dayString(d geo.Day) string {
	if d == geo.MinDay || d == geo.MaxDay || d == geo.NoDay {
		return ""
	}
	return d.String()
}
