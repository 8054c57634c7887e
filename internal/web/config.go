package web

import (
	"cmp"
	"html"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/view"
)

// contextLayerID is the id the design gives the layer of rivers, railways
// and towns.
const contextLayerID = "context"

// NewConfig is what the viewer script needs to know of a campaign, except
// the URL prefixes, which depend on the request: the viewer's title, the
// deepest zoom served, and the base map (a zero Base for none).
func NewConfig(c *overlays.Campaign, title string, maxZoom int, base Base) Config {
	cfg := Config{
		Title:   title,
		MaxZoom: maxZoom,
		Layers:  make([]Layer, len(c.Layers)),
		Base:    base,
	}
	all := overlays.Selection(c.Layers)
	for i, l := range c.Layers {
		cfg.Layers[i] = Layer{ID: l.ID, Title: cmp.Or(l.Title, l.ID)}
	}
	// Map clients show attribution as HTML; the layer files hold text.
	cfg.Attribution = html.EscapeString(all.Attribution())
	if context := ContextLayer(c); context != nil {
		cfg.ContextLayer = context.ID
		cfg.ContextAttribution = html.EscapeString(overlays.Selection{context}.Attribution())
	}
	// Without any dated feature the extent stays empty: the viewer then
	// shows the summary map without a slider.
	if ext := view.Extent(all); !ext.Empty() && ext.From != geo.MinDay && ext.To != geo.MaxDay {
		cfg.Extent = [2]string{ext.From.String(), ext.To.String()}
		cfg.Date = firstEvent(c, ext).String()
	}
	if b := view.Bound(all); c.Features() > 0 {
		cfg.Bounds = [4]float64{b.Min[0], max(b.Min[1], -overlays.MaxLat), b.Max[0], min(b.Max[1], overlays.MaxLat)}
	} else {
		cfg.Bounds = [4]float64{-180, -overlays.MaxLat, 180, overlays.MaxLat}
	}
	return cfg
}

// firstEvent is the day the viewer opens on: that of the first event in
// the extent, where the story starts, else the extent's first day.
func firstEvent(c *overlays.Campaign, ext geo.Span) geo.Day {
	first := ext.From
	found := false
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if d := f.Span.From; f.Kind == overlays.KindEvent && ext.Contains(d) && (!found || d < first) {
				first, found = d, true
			}
		}
	}
	return first
}

// ContextLayer is the layer the viewer draws as its base map when it has
// no other: the undated layer called "context", else the first undated
// layer with features, else nil.
func ContextLayer(c *overlays.Campaign) *overlays.Layer {
	if l, ok := c.Layer(contextLayerID); ok && l.Extent == (geo.Span{}) {
		return l
	}
	for _, l := range c.Layers {
		if l.Extent == (geo.Span{}) && len(l.Features) > 0 {
			return l
		}
	}
	return nil
}

// Describe is the page's description: the titles of the dated layers.
func Describe(c *overlays.Campaign) string {
	var titles []string
	for _, l := range c.Layers {
		if l.Extent != (geo.Span{}) {
			titles = append(titles, cmp.Or(l.Title, l.ID))
		}
	}
	if len(titles) == 0 {
		return "A campaign map with a time slider."
	}
	return "A campaign map with a time slider: " + strings.Join(titles, "; ") + "."
}
