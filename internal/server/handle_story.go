package server

import (
	"bytes"
	"cmp"
	"html"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/atlas"
)

// storyPath is the route of the demo story, storyScriptPath that of the
// script any article can use.
const (
	storyPath       = "/story"
	storyScriptPath = "/story.js"
)

// The demo story: the siege of Hengyang in eight sections. Its span runs
// from the Japanese order to take the city (22 June 1944, the day Chinese
// Wikipedia starts the battle) to its capitulation (8 August), the 47 days
// the hengyang layer's description gives.
const (
	storyLayerID  = "hengyang"
	storySections = 8
)

var storySpan = geo.Span{From: geo.Date(1944, 6, 22), To: geo.Date(1944, 8, 8)}

// Zooms of a story section's view: its events fitted into the map, no
// farther out than storyMinZoom nor closer than storyMaxZoom.
const (
	storyMinZoom, storyMaxZoom = 9, 12
)

// storyOf builds the demo story from the campaign's own events: the layer
// hengyang within the siege's span — or, in another campaign, the dated
// layer with the most events, over all its dates — cut into phases by
// atlas.Phases. Each section shows its phase's last day, centred on its
// events, and tells them in the words of the data with their sources. It
// returns false when no layer has events.
func storyOf(c *overlays.Campaign) (web.Story, bool) {
	layer, span := storyLayer(c)
	if layer == nil {
		return web.Story{}, false
	}
	sel := overlays.Selection{layer}
	phases := atlas.Phases(sel, storySections, span)
	if len(phases) == 0 {
		return web.Story{}, false
	}
	st := web.Story{
		Title:       cmp.Or(layer.Title, layer.ID),
		Description: "The campaign told in " + strconv.Itoa(len(phases)) + " dated sections, each driving the map.",
		Intro:       layer.Description,
		Layers:      "all",
		Attribution: overlays.Selection(c.Layers).Attribution(), // the map shows every layer
	}
	if layer.ID == storyLayerID {
		st.Title = "The siege of Hengyang, 22 June – 8 August 1944"
	}
	cited := map[string]bool{}
	for i, p := range phases {
		sec := web.StorySection{
			ID:      "section-" + strconv.Itoa(i+1),
			Date:    p.Day().String(),
			View:    storyView(p.Events),
			Heading: spanHeading(p.From, p.To),
		}
		for _, f := range p.Events {
			ev := web.StoryEvent{Name: f.Name, Text: f.Prop("description")}
			ev.Approximate, _ = f.Properties["approximate"].(bool)
			for _, id := range f.SourceIDs() {
				src := web.StorySource{ID: id, Title: id, Anchor: "source-" + anchor(id)}
				for _, s := range layer.Sources {
					if s.ID == id {
						src.Title, src.URL = cmp.Or(s.Title, id), s.URL
					}
				}
				ev.Cites = append(ev.Cites, src)
				if !cited[id] {
					cited[id] = true
					st.Sources = append(st.Sources, src)
				}
			}
			sec.Events = append(sec.Events, ev)
		}
		st.Sections = append(st.Sections, sec)
	}
	return st, true
}

// storyLayer is the layer hengyang with the siege's span, else the layer
// with the most events with every date.
func storyLayer(c *overlays.Campaign) (*overlays.Layer, geo.Span) {
	if l, ok := c.Layer(storyLayerID); ok && len(atlas.Phases(overlays.Selection{l}, 1, storySpan)) > 0 {
		return l, storySpan
	}
	var best *overlays.Layer
	most := 0
	for _, l := range c.Layers {
		n := 0
		for _, f := range l.Features {
			if f.Kind == overlays.KindEvent {
				n++
			}
		}
		if n > most {
			best, most = l, n
		}
	}
	return best, geo.All
}

// storyView is the lon,lat,zoom that shows the events: the centre of their
// points, at the zoom that fits them in a map of about 600×700 pixels.
func storyView(events []*overlays.Feature) string {
	var b orb.Bound
	for i, f := range events {
		g := f.Geometry.Bound()
		if i == 0 {
			b = g
		} else {
			b = b.Union(g)
		}
	}
	fr := geo.Fit(b, 600, 700, 1, 80, storyMaxZoom)
	z := math.Max(math.Floor(fr.Zoom), storyMinZoom)
	c := b.Center()
	f := func(x float64) string { return strconv.FormatFloat(math.Round(x*1e4)/1e4, 'f', -1, 64) }
	return f(c[0]) + "," + f(c[1]) + "," + strconv.Itoa(int(z))
}

// spanHeading writes a phase's days: "28 June 1944", "11–19 July 1944",
// "27 July – 2 August 1944".
func spanHeading(a, b geo.Day) string {
	ta, tb := a.Time(), b.Time()
	switch {
	case a == b:
		return a.Long()
	case ta.Year() == tb.Year() && ta.Month() == tb.Month():
		return strconv.Itoa(ta.Day()) + "–" + b.Long()
	case ta.Year() == tb.Year():
		return ta.Format("2 January") + " – " + b.Long()
	}
	return a.Long() + " – " + b.Long()
}

// anchor makes a source id safe in an HTML id and a URL fragment.
func anchor(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, id)
}

// handleStory serves /story: the demo article, the siege of Hengyang told
// in eight sections from the dataset's events, each driving the map
// through /story.js. It may be framed by any site, and /oembed describes
// it.
func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	d := s.data.Load()
	st, ok := storyOf(d.campaign)
	if !ok {
		s.writeError(w, http.StatusNotFound, "story: the campaign has no dated events to tell")
		return
	}
	base, prefix := s.baseURL(w, r), s.prefix()
	page := base + storyPath
	st.Script = prefix + storyScriptPath
	st.OEmbed = base + "/oembed?" + url.Values{"url": {page}, "format": {"json"}}.Encode()
	if s.cfg.BaseMap != BaseMapNone {
		st.Base = web.Base{URL: s.cfg.BaseMap, Attribution: s.cfg.BaseMapAttribution}
	}
	st.Attribution = html.EscapeString(st.Attribution)
	if c := contextLayer(d.campaign); c != nil {
		st.ContextLayer = c.ID
	}
	var buf bytes.Buffer
	if err := web.RenderStory(&buf, st); err != nil {
		s.fail(w, r, err)
		return
	}
	body := buf.Bytes()
	h := w.Header()
	h.Set("Content-Security-Policy", pageSecurity)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	api.ServeEntry(w, r, api.NewEntry(body, contentTypeHTML, api.ETagOf(body)), s.headers.Page)
}

// handleStoryScript serves /story.js: Leaflet, scrollama and the story
// script in one file, for any article on any site.
func (s *Server) handleStoryScript(w http.ResponseWriter, r *http.Request) {
	body, etag := web.StoryScript()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	api.ServeEntry(w, r, api.NewEntry(body, "text/javascript; charset=utf-8", etag), s.headers.Meta)
}
