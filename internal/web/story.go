package web

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/atlas"
)

var storyTemplate = template.Must(template.ParseFS(files, "assets/story.html"))

// Story is a story page: an article whose sections each show the map on a
// date and at a view, driven by /story.js as the reader scrolls.
type Story struct {
	Title, Description string
	// Intro is the paragraph under the title.
	Intro string
	// Layers is the layer list the map shows ("all", "hengyang", …).
	Layers   string
	Sections []StorySection
	// Sources are the works the sections cite, listed at the end.
	Sources []StorySource
	// Attribution credits the campaign's layers (text).
	Attribution string
	// Base is the base map; an empty URL draws ContextLayer instead.
	Base         Base
	ContextLayer string
	// Script is the URL of /story.js; OEmbed that of the page's oEmbed
	// description.
	Script, OEmbed string
}

// StorySection is one step of a story: the date and the view (lon,lat,zoom)
// the map shows while it is read, a heading and the events it tells.
type StorySection struct {
	ID, Date, View, Heading string
	Events                  []StoryEvent
}

// StoryEvent is one event as the data states it: its name, its description
// and the sources it cites; Approximate marks a place the data estimates.
type StoryEvent struct {
	Name, Text  string
	Cites       []StorySource
	Approximate bool
}

// StorySource is a cited work: its id in its layer, title and URL, and
// the anchor of its entry in the list of sources.
type StorySource struct {
	ID, Title, URL, Anchor string
}

// RenderStory writes the story page. With no Base.URL the script draws the
// context layer as the base map (data-base="none").
func RenderStory(w io.Writer, s Story) error {
	if s.Base.URL == "" {
		s.Base.URL = "none"
	}
	return storyTemplate.Execute(w, s)
}

// storyScript is /story.js: Leaflet, scrollama and assets/story.js, in
// that order, each ending its own statement, with a strong ETag.
var storyScript = sync.OnceValues(func() ([]byte, string) {
	var b bytes.Buffer
	for _, name := range []string{"assets/leaflet/leaflet.js", "assets/scrollama/scrollama.min.js", "assets/story.js"} {
		data, err := files.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time
		}
		b.WriteString("/* " + name + " */\n")
		b.Write(data)
		b.WriteString("\n;\n")
	}
	sum := sha256.Sum256(b.Bytes())
	return b.Bytes(), `"` + hex.EncodeToString(sum[:12]) + `"`
})

// StoryScript returns the body of /story.js — Leaflet and scrollama from
// npm (vendored in assets/) followed by the story script, which turns an
// article's <section data-date data-view> blocks into a sticky map — and
// its strong ETag. The bytes are shared: do not modify them.
func StoryScript() (body []byte, etag string) { return storyScript() }

// The demo story: the siege of Hengyang in eight sections. Its span runs
// from the Japanese order to take the city (22 June 1944, the day Chinese
// Wikipedia starts the battle) to its capitulation (8 August), the 47 days
// the hengyang layer's description gives.
const (
	storyLayerID  = "hengyang"
	StorySections = 8
)

var StorySpan = geo.Span{From: geo.Date(1944, 6, 22), To: geo.Date(1944, 8, 8)}

// Zooms of a story section's view: its events fitted into the map, no
// farther out than StoryMinZoom nor closer than StoryMaxZoom.
const (
	StoryMinZoom, StoryMaxZoom = 9, 12
)

// StoryOf builds the demo story from the campaign's own events: the layer
// hengyang within the siege's span — or, in another campaign, the dated
// layer with the most events, over all its dates — cut into phases by
// atlas.Phases. Each section shows its phase's last day, centred on its
// events, and tells them in the words of the data with their sources. It
// returns false when no layer has events.
func StoryOf(c *overlays.Campaign) (Story, bool) {
	layer, span := storyLayer(c)
	if layer == nil {
		return Story{}, false
	}
	sel := overlays.Selection{layer}
	phases := atlas.Phases(sel, StorySections, span)
	if len(phases) == 0 {
		return Story{}, false
	}
	st := Story{
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
		sec := StorySection{
			ID:      "section-" + strconv.Itoa(i+1),
			Date:    p.Day().String(),
			View:    storyView(p.Events),
			Heading: spanHeading(p.From, p.To),
		}
		for _, f := range p.Events {
			ev := StoryEvent{Name: f.Name, Text: f.Prop("description")}
			ev.Approximate = f.Approximate()
			for _, id := range f.SourceIDs() {
				src := StorySource{ID: id, Title: id, Anchor: "source-" + Anchor(id)}
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
	if l, ok := c.Layer(storyLayerID); ok && len(atlas.Phases(overlays.Selection{l}, 1, StorySpan)) > 0 {
		return l, StorySpan
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
	fr := geo.Fit(b, 600, 700, 1, 80, StoryMaxZoom)
	z := math.Max(math.Floor(fr.Zoom), StoryMinZoom)
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

// Anchor makes a source id safe in an HTML id and a URL fragment.
func Anchor(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, id)
}
