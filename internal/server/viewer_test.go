package server

import (
	"bytes"
	"encoding/json"
	"html"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/tiles"
)

// pageConfig extracts the viewer's configuration from a page.
func pageConfig(t *testing.T, page []byte) web.Config {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script id="config" type="application/json">(.*?)</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no config in page:\n%s", page)
	}
	var cfg web.Config
	if err := json.Unmarshal(m[1], &cfg); err != nil {
		t.Fatalf("config %s: %v", m[1], err)
	}
	return cfg
}

// oembedLink extracts the oEmbed discovery link of a page.
func oembedLink(t *testing.T, page []byte) string {
	t.Helper()
	m := regexp.MustCompile(`<link rel="alternate" type="application/json\+oembed" href="([^"]*)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no oEmbed link in page")
	}
	return html.UnescapeString(string(m[1]))
}

// TestViewerPages checks the viewer and embed pages: their configuration,
// headers that let any site frame them, caching, and the oEmbed link.
func TestViewerPages(t *testing.T) {
	tests := []struct {
		name, path string
		cfg        Config
		embed      bool
		prefix     string // of the viewer's URLs
		base       string // base map URL; "" for the context layer
	}{
		{"viewer", "/?date=1944-06-20&layers=march", Config{}, false, "", web.DefaultBase.URL},
		{"embed without base map", "/embed?date=1944-06-20&autoplay=1", Config{BaseMap: BaseMapNone}, true, "", ""},
		{"behind a proxy with a prefix", "/", Config{PublicURL: "https://maps.example.org/xiang/", BaseMap: "https://tiles.example.org/{z}/{x}/{y}.png"}, false, "/xiang", "https://tiles.example.org/{z}/{x}/{y}.png"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := newServer(t, "", tc.cfg)
			res := get(t, ts, tc.path)
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("%d %q: %s", res.status, res.header.Get("Content-Type"), res.body)
			}
			h := res.header
			if h.Get("X-Frame-Options") != "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors *") {
				t.Errorf("framing headers: X-Frame-Options %q, CSP %q", h.Get("X-Frame-Options"), h.Get("Content-Security-Policy"))
			}
			if h.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(h.Get("ETag"), `"`) {
				t.Errorf("caching headers: %q, ETag %q", h.Get("Cache-Control"), h.Get("ETag"))
			}
			if again := get(t, ts, tc.path, "If-None-Match: "+h.Get("ETag")); again.status != http.StatusNotModified {
				t.Errorf("revalidation: %d, want 304", again.status)
			}
			if got := strings.Contains(string(res.body), `<body class="embed">`); got != tc.embed {
				t.Errorf("embed class %v, want %v", got, tc.embed)
			}
			cfg := pageConfig(t, res.body)
			ids := []string{}
			for _, l := range cfg.Layers {
				ids = append(ids, l.ID)
			}
			if strings.Join(ids, ",") != "context,march,siege" || cfg.Layers[1].Title != "March" {
				t.Errorf("layers %+v", cfg.Layers)
			}
			if cfg.Extent != [2]string{"1944-06-01", "1944-08-31"} || cfg.Date != "1944-06-10" { // the first event
				t.Errorf("extent %v, date %q", cfg.Extent, cfg.Date)
			}
			if cfg.Bounds != [4]float64{111.6, 26.7, 113.6, 27} { // the march, the garrison and the siege ring
				t.Errorf("bounds %v: want those of the historical features", cfg.Bounds)
			}
			if cfg.ContextLayer != "context" || cfg.ContextAttribution != "xiang test data" ||
				cfg.Attribution != "xiang test data; march; siege" {
				t.Errorf("context %q, attributions %q, %q", cfg.ContextLayer, cfg.ContextAttribution, cfg.Attribution)
			}
			if cfg.Base.URL != tc.base || cfg.MaxZoom != DefaultMaxZoom || cfg.Title != DefaultTitle {
				t.Errorf("base %+v, max zoom %d, title %q", cfg.Base, cfg.MaxZoom, cfg.Title)
			}
			if cfg.TilesPrefix != tc.prefix+"/tiles" || cfg.APIPrefix != tc.prefix+"/api" || cfg.EmbedPath != tc.prefix+"/embed" {
				t.Errorf("prefixes %q %q %q", cfg.TilesPrefix, cfg.APIPrefix, cfg.EmbedPath)
			}
			if !strings.Contains(string(res.body), `src="`+tc.prefix+`/assets/viewer.js"`) {
				t.Errorf("page does not load %s/assets/viewer.js", tc.prefix)
			}

			// The discovery link names this page; following it (on the
			// server's own address) describes an iframe of the embed page
			// with the same query.
			link, err := url.Parse(oembedLink(t, res.body))
			if err != nil {
				t.Fatal(err)
			}
			origin := ts.URL + tc.prefix
			if tc.cfg.PublicURL != "" {
				origin = strings.TrimSuffix(tc.cfg.PublicURL, "/")
			}
			page := origin + tc.path
			if tc.path == "/" {
				page = origin + "/"
			}
			if link.Query().Get("url") != page || link.Query().Get("format") != "json" || !strings.HasPrefix(link.String(), origin+"/oembed?") {
				t.Fatalf("oEmbed link %s: want %s/oembed?url=%s", link, origin, page)
			}
			oe := get(t, ts, "/oembed?"+link.RawQuery)
			var r web.OEmbedResponse
			if err := json.Unmarshal(oe.body, &r); oe.status != http.StatusOK || err != nil {
				t.Fatalf("oEmbed: %d %v: %s", oe.status, err, oe.body)
			}
			_, query, _ := strings.Cut(tc.path, "?")
			src := origin + "/embed"
			if query != "" {
				q, _ := url.ParseQuery(query)
				src += "?" + q.Encode()
			}
			if r.Type != "rich" || r.Width != 600 || r.Height != 400 || !strings.Contains(r.HTML, `src="`+html.EscapeString(src)+`"`) {
				t.Errorf("oEmbed %+v: want an iframe of %s", r, src)
			}
		})
	}
}

// TestOEmbed checks the sizes oEmbed answers and the URLs it refuses.
func TestOEmbed(t *testing.T) {
	_, ts := newServer(t, "", Config{Title: "Test campaign"})
	page := func(p string) string { return url.QueryEscape(ts.URL + p) }
	tests := []struct {
		name, query string
		w, h        int
		title       string
	}{
		{"viewer", "url=" + page("/"), 600, 400, "Test campaign"},
		{"embed with a date", "url=" + page("/embed?date=1944-06-20") + "&format=json", 600, 400, "Test campaign, 20 June 1944"},
		{"narrow", "url=" + page("/?date=1944-07-16") + "&maxwidth=300", 300, 200, "Test campaign, 16 July 1944"},
		{"low", "url=" + page("/") + "&maxheight=300&maxwidth=1000", 450, 300, "Test campaign"},
	}
	for _, tc := range tests {
		res := get(t, ts, "/oembed?"+tc.query)
		var r web.OEmbedResponse
		if err := json.Unmarshal(res.body, &r); res.status != 200 || err != nil {
			t.Errorf("%s: %d %v: %s", tc.name, res.status, err, res.body)
			continue
		}
		if r.Width != tc.w || r.Height != tc.h || r.Title != tc.title || r.Version != "1.0" || r.ProviderURL != ts.URL+"/" {
			t.Errorf("%s: %+v, want %dx%d %q", tc.name, r, tc.w, tc.h, tc.title)
		}
	}
}

// TestLegend checks /api/legend and its swatches.
func TestLegend(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	var items []struct {
		ID, Group, Label, Color, Swatch, Swatch2x string
	}
	res := get(t, ts, "/api/legend?layers=march")
	if err := json.Unmarshal(res.body, &items); res.status != 200 || err != nil {
		t.Fatalf("%d %v: %s", res.status, err, res.body)
	}
	// The march layer has a Japanese movement in progress, a Chinese unit
	// and events; nothing else.
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if got := strings.Join(ids, ","); got != "unit-china,advance-japan,in-progress,event" {
		t.Errorf("legend of march: %s", got)
	}
	all := get(t, ts, "/api/legend")
	var every []json.RawMessage
	if err := json.Unmarshal(all.body, &every); err != nil || len(every) <= len(items) {
		t.Errorf("legend of all layers: %d entries (%v), want more than %d", len(every), err, len(items))
	}
	for _, it := range items {
		if it.Group == "" || it.Label == "" || !strings.HasPrefix(it.Color, "#") ||
			it.Swatch != ts.URL+"/api/legend/"+it.ID+".png" || it.Swatch2x != it.Swatch+"?scale=2" {
			t.Errorf("entry %+v", it)
		}
		for scale, u := range map[int]string{1: it.Swatch, 2: it.Swatch2x} {
			res := get(t, ts, strings.TrimPrefix(u, ts.URL))
			img, err := png.Decode(bytes.NewReader(res.body))
			if res.status != 200 || err != nil || res.header.Get("ETag") == "" {
				t.Errorf("%s: %d %v", u, res.status, err)
				continue
			}
			if b := img.Bounds(); b.Dx() != tiles.SwatchWidth*scale || b.Dy() != tiles.SwatchHeight*scale {
				t.Errorf("%s: %v", u, b)
			}
			painted := 0
			for y := range img.Bounds().Dy() {
				for x := range img.Bounds().Dx() {
					if _, _, _, a := img.At(x, y).RGBA(); a > 0 {
						painted++
					}
				}
			}
			if painted < 20*scale*scale {
				t.Errorf("%s: %d pixels painted", u, painted)
			}
			if again := get(t, ts, strings.TrimPrefix(u, ts.URL), "If-None-Match: "+res.header.Get("ETag")); again.status != 304 {
				t.Errorf("%s revalidated: %d", u, again.status)
			}
		}
	}
}

// TestAssetsRoute checks that the viewer's assets are served under
// /assets.
func TestAssetsRoute(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	for path, ct := range map[string]string{
		"/assets/viewer.js":          "text/javascript; charset=utf-8",
		"/assets/viewer.css":         "text/css; charset=utf-8",
		"/assets/leaflet/leaflet.js": "text/javascript; charset=utf-8",
	} {
		res := get(t, ts, path)
		if res.status != 200 || res.header.Get("Content-Type") != ct || res.header.Get("ETag") == "" {
			t.Errorf("%s: %d %q", path, res.status, res.header.Get("Content-Type"))
		}
	}
}

// TestViewerView: the viewer pages answer 400 for a view outside the
// world, which the script would hand to Leaflet to throw on.
func TestViewerView(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := map[string]struct {
		path   string
		status int
	}{
		"valid":         {"/?view=112.9,27.9,7", http.StatusOK},
		"none":          {"/?date=1944-06-20", http.StatusOK},
		"empty":         {"/?view=", http.StatusOK},
		"huge lon":      {"/?view=1e308,0,5", http.StatusBadRequest},
		"lat off map":   {"/embed?view=112,89,5", http.StatusBadRequest},
		"zoom too deep": {"/?view=112,27,30", http.StatusBadRequest},
		"not numbers":   {"/?view=a,b,c", http.StatusBadRequest},
		"twice":         {"/?view=112,27,5&view=113,27,5", http.StatusBadRequest},
		"infinite":      {"/?view=Infinity,0,5", http.StatusBadRequest},
		"negative zoom": {"/embed?view=112,27,-1", http.StatusBadRequest},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, ts, tc.path)
			if res.status != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.path, res.status, res.body, tc.status)
			}
			if tc.status == http.StatusBadRequest && !strings.Contains(errorMessage(t, res), "view") {
				t.Errorf("%s: message %q does not name the view", tc.path, errorMessage(t, res))
			}
		})
	}
}

// TestVaryHost: responses with absolute URLs built from Host say so with
// Vary: Host, so that a shared cache keeps one copy per host; with
// PublicURL they do not depend on Host.
func TestVaryHost(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	_, pub := newServer(t, "", Config{PublicURL: "https://tiles.example.org"})
	paths := map[string]string{
		"tilejson": "/tiles/march.json",
		"legend":   "/api/legend",
		"oembed":   "/oembed?url=" + url.QueryEscape("BASE/?date=1944-06-20"),
		"viewer":   "/?date=1944-06-20",
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				ts   *httptest.Server
				base string // of the pages oEmbed describes
				vary bool
			}{{ts, ts.URL, true}, {pub, "https://tiles.example.org", false}} {
				res := get(t, tc.ts, strings.Replace(path, "BASE", url.QueryEscape(tc.base), 1))
				if res.status != http.StatusOK {
					t.Fatalf("%s: %d %s", path, res.status, res.body)
				}
				vary := slices.Contains(res.header.Values("Vary"), "Host")
				if vary != tc.vary {
					t.Errorf("%s (public URL %v): Vary %q, want Host: %v", path, !tc.vary, res.header.Values("Vary"), tc.vary)
				}
			}
		})
	}
}
