package server

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// dataset is one loaded generation of the data with everything derived
// from it. It is immutable; Reload replaces it as a whole.
type dataset struct {
	gen      uint64
	campaign *overlays.Campaign
	renderer *tiles.Renderer
	version  string        // hash of the content: catalog and every feature
	loaded   time.Time     // when this generation was loaded
	catalog  *api.Entry    // /api/layers
	events   *api.Entry    // /api/events
	empty    [3]*api.Entry // the shared transparent tile, by scale (1 and 2)
	viewer   web.Config    // the viewer's configuration, less URL prefixes
}

// load calls the configured loader and prepares a new generation.
func (s *Server) load() (*dataset, error) {
	start := time.Now()
	c, err := s.cfg.Load()
	if err != nil {
		return nil, err
	}
	d := &dataset{
		gen:      s.gen.Add(1),
		campaign: c,
		renderer: tiles.New(c),
		loaded:   time.Now(),
	}
	var base web.Base
	if s.cfg.BaseMap != BaseMapNone {
		base = web.Base{URL: s.cfg.BaseMap, Attribution: s.cfg.BaseMapAttribution}
	}
	d.viewer = web.NewConfig(c, s.cfg.Title, s.cfg.MaxZoom, base)
	d.version, err = contentVersion(c)
	if err != nil {
		return nil, err
	}
	cat, err := json.Marshal(newCatalog(d))
	if err != nil {
		return nil, err
	}
	d.catalog = api.NewEntry(append(cat, '\n'), api.ContentTypeJSON, api.ETagOf(cat))
	ev, err := json.Marshal(eventList{Version: d.version, Events: events(c)})
	if err != nil {
		return nil, err
	}
	d.events = api.NewEntry(append(ev, '\n'), api.ContentTypeJSON, api.ETagOf(ev))
	for _, scale := range []int{1, 2} {
		png := d.renderer.EmptyPNG(geo.TileSize*scale, geo.TileSize*scale)
		d.empty[scale] = api.NewEntry(png, api.ContentTypePNG, api.ETagOf(png))
	}
	s.log.Debug("data loaded", "source", s.cfg.Source, "version", d.version,
		"layers", len(c.Layers), "features", c.Features(), "took", time.Since(start))
	return d, nil
}

// contentVersion hashes what the data says: every layer's metadata and
// every feature with its properties, in the form /api/layers/{id}.geojson
// exports.
func contentVersion(c *overlays.Campaign) (string, error) {
	h := sha256.New()
	for _, l := range c.Layers {
		meta, err := json.Marshal([]any{l.ID, l.Title, l.Description, l.Attribution, l.Sources})
		if err != nil {
			return "", err
		}
		h.Write(meta)
		fc, err := overlays.Export(overlays.Selection{l}, geo.NoDay).MarshalJSON()
		if err != nil {
			return "", fmt.Errorf("layer %s: %w", l.ID, err)
		}
		h.Write(fc)
	}
	return hex.EncodeToString(h.Sum(nil)[:6]), nil
}

// catalog is the body of /api/layers.
type catalog struct {
	Version  string      `json:"version"`
	Bounds   *[4]float64 `json:"bounds"`
	Time     *timeSpan   `json:"time"`
	Features int         `json:"features"`
	Layers   []layerInfo `json:"layers"`
}

// layerInfo describes one layer in the catalog.
type layerInfo struct {
	ID          string            `json:"id"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Attribution string            `json:"attribution"`
	Bounds      *[4]float64       `json:"bounds"` // west, south, east, north; null without features
	Time        *timeSpan         `json:"time"`   // null for an undated layer
	Features    int               `json:"features"`
	Sources     []overlays.Source `json:"sources"`
	TileJSON    string            `json:"tilejson"` // path of the layer's TileJSON
	GeoJSON     string            `json:"geojson"`  // path of the layer's GeoJSON
}

// timeSpan is a time extent in ISO 8601 calendar dates.
type timeSpan struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

func newTimeSpan(s geo.Span) *timeSpan {
	if s == (geo.Span{}) || s.Empty() {
		return nil
	}
	return &timeSpan{Start: s.From.String(), End: s.To.String()}
}

func bounds(b orb.Bound, n int) *[4]float64 {
	if n == 0 {
		return nil
	}
	return &[4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
}

func newCatalog(d *dataset) catalog {
	c := d.campaign
	cat := catalog{
		Version:  d.version,
		Bounds:   bounds(c.Bound, c.Features()),
		Time:     newTimeSpan(c.Extent),
		Features: c.Features(),
		Layers:   make([]layerInfo, len(c.Layers)),
	}
	for i, l := range c.Layers {
		cat.Layers[i] = layerInfo{
			ID: l.ID, Title: l.Title, Description: l.Description, Attribution: l.Attribution,
			Bounds:   bounds(l.Bound, len(l.Features)),
			Time:     newTimeSpan(l.Extent),
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

// eventList is the body of /api/events.
type eventList struct {
	Version string  `json:"version"`
	Events  []event `json:"events"`
}

// event is one kind=event feature, for timelines.
type event struct {
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

// events lists the campaign's events by date, then layer and file order.
func events(c *overlays.Campaign) []event {
	var fs []*overlays.Feature
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if f.Kind == overlays.KindEvent {
				fs = append(fs, f)
			}
		}
	}
	slices.SortStableFunc(fs, func(a, b *overlays.Feature) int { return cmp.Compare(a.Span.From, b.Span.From) })
	out := make([]event, 0, len(fs))
	for _, f := range fs {
		e := event{
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
