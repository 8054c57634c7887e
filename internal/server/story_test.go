package server

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles/view"
)

var storySection = regexp.MustCompile(`<section id="section-\d+" data-date="(\d{4}-\d\d-\d\d)" data-view="([^"]+)">`)

// TestStory reads /story as a client would: eight sections of the siege of
// Hengyang, each with a date in the siege and a view a map can show,
// telling the hengyang layer's events in its own words with the sources it
// cites, and the script that drives the map.
func TestStory(t *testing.T) {
	s, ts := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone})
	res := get(t, ts, "/story")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") {
		t.Fatalf("/story: %d %s", res.status, res.header.Get("Content-Type"))
	}
	if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") {
		t.Errorf("Content-Security-Policy %q does not let other sites frame the story", csp)
	}
	page := string(res.body)
	secs := storySection.FindAllStringSubmatch(page, -1)
	if len(secs) != web.StorySections {
		t.Fatalf("%d sections, want %d", len(secs), web.StorySections)
	}
	prev := ""
	for i, m := range secs {
		if m[1] <= prev || m[1] < "1944-06-22" || m[1] > "1944-08-08" {
			t.Errorf("section %d: date %s; want dates in order within the siege, 22 June – 8 August 1944", i+1, m[1])
		}
		prev = m[1]
		v, err := view.ParseCenter(m[2])
		if err != nil || v.Zoom < web.StoryMinZoom || v.Zoom > web.StoryMaxZoom || v.Point[0] < 112.4 || v.Point[0] > 112.8 || v.Point[1] < 26.7 || v.Point[1] > 27.0 {
			t.Errorf("section %d: view %s (%v); want Hengyang at zoom %d to %d", i+1, m[2], err, web.StoryMinZoom, web.StoryMaxZoom)
		}
	}
	// Every event of the layer in the siege is told as the data states it,
	// with its sources listed and linked.
	c := s.data.Load().campaign
	l, _ := c.Layer("hengyang")
	told := 0
	for _, f := range l.Features {
		if f.Kind != overlays.KindEvent || !web.StorySpan.Contains(f.Span.From) {
			continue
		}
		told++
		for _, want := range []string{html.EscapeString(f.Name), html.EscapeString(f.Prop("description"))} {
			if !strings.Contains(page, want) {
				t.Errorf("event %q: the page lacks %q", f.Name, want)
			}
		}
		for _, id := range f.SourceIDs() {
			if !strings.Contains(page, `<a href="#source-`+web.Anchor(id)+`">`+id+`</a>`) || !strings.Contains(page, `<li id="source-`+web.Anchor(id)+`">`) {
				t.Errorf("event %q: source %s is not cited and listed", f.Name, id)
			}
		}
	}
	if told < web.StorySections {
		t.Errorf("%d events told", told)
	}
	if !strings.Contains(page, `<link rel="alternate" type="application/json+oembed" href="`+ts.URL+`/oembed?format=json&amp;url=`+url.QueryEscape(ts.URL+"/story")+`"`) {
		t.Error("the page has no oEmbed discovery link to itself")
	}
	if !strings.Contains(page, `<script src="/story.js" data-base="none"`) {
		t.Error("the page does not load /story.js with the context layer as its base")
	}

	js := get(t, ts, "/story.js")
	if js.status != 200 || !strings.HasPrefix(js.header.Get("Content-Type"), "text/javascript") || js.header.Get("Etag") == "" ||
		js.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("/story.js: %d %v", js.status, js.header)
	}
	for _, part := range []string{"assets/leaflet/leaflet.js", "assets/scrollama/scrollama.min.js", "assets/story.js", "section[data-date][data-view]"} {
		if !strings.Contains(string(js.body), part) {
			t.Errorf("/story.js lacks %s", part)
		}
	}
	if again := get(t, ts, "/story.js", "If-None-Match: "+js.header.Get("Etag")); again.status != 304 {
		t.Errorf("/story.js revalidation: %d", again.status)
	}
}

// TestStoryOEmbed checks /oembed describes the story page as an iframe of
// itself, and still refuses pages that are not this server's.
func TestStoryOEmbed(t *testing.T) {
	_, ts := newServer(t, "", Config{Load: hunan.Load, Source: "embedded"})
	tests := map[string]struct {
		page   string
		query  string
		status int
		width  int
	}{
		"story":         {ts.URL + "/story", "", 200, 800},
		"story limited": {ts.URL + "/story", "&maxwidth=400", 200, 400},
		"viewer":        {ts.URL + "/", "", 200, 600},
		"elsewhere":     {"https://example.org/story", "", 404, 0},
		"too small":     {ts.URL + "/story", "&maxwidth=100", 400, 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, ts, "/oembed?url="+url.QueryEscape(tc.page)+tc.query)
			if res.status != tc.status {
				t.Fatalf("%d %s, want %d", res.status, res.body, tc.status)
			}
			if tc.status != 200 {
				errorMessage(t, res)
				return
			}
			var o struct {
				Type, HTML, Title string
				Width, Height     int
			}
			if err := json.Unmarshal(res.body, &o); err != nil {
				t.Fatal(err)
			}
			src := ts.URL + "/embed"
			if strings.HasSuffix(tc.page, "/story") {
				src = ts.URL + "/story"
			}
			if o.Type != "rich" || o.Width != tc.width || !strings.Contains(o.HTML, `<iframe src="`+src+`"`) {
				t.Errorf("oEmbed %+v; want a %d px iframe of %s", o, tc.width, src)
			}
		})
	}
}
