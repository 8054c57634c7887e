package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"html/template"
	"io"
	"sync"
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
