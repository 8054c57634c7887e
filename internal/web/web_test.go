package web

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	var buf bytes.Buffer
	p := Page{Title: "Hunan </script>", Description: "d", OEmbed: "/oembed?url=x", Embed: true, Assets: "/x/assets",
		Config: Config{Title: "T", Extent: [2]string{"1944-05-01", "1945-08-23"}, Layers: []Layer{{"changsha", "Changsha"}}, TilesPrefix: "/tiles", ViewerPath: "/x/"}}
	if err := Render(&buf, p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`class="embed"`, `"extent":["1944-05-01","1945-08-23"]`, `application/json+oembed`, `src="/x/assets/leaflet/leaflet.js"`, `Hunan &lt;/script&gt;`, `id="open-full" class="embed-only" href="/x/"`} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Count(out, "</script>") != 3 {
		t.Errorf("title escaped badly: %d script ends", strings.Count(out, "</script>"))
	}
}

// TestRenderVector checks the vector page loads MapLibre and not Leaflet,
// and the raster page the reverse.
func TestRenderVector(t *testing.T) {
	for _, vector := range []bool{false, true} {
		t.Run(map[bool]string{false: "raster", true: "vector"}[vector], func(t *testing.T) {
			var buf bytes.Buffer
			p := Page{Title: "T", Vector: vector, Assets: "/assets", Config: Config{StylesPrefix: "/styles"}}
			if err := Render(&buf, p); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			has := map[string]bool{
				`src="/assets/maplibre/maplibre-gl.js"`:   vector,
				`href="/assets/maplibre/maplibre-gl.css"`: vector,
				`data-mode="vector"`:                      vector,
				`src="/assets/leaflet/leaflet.js"`:        !vector,
				`href="/assets/leaflet/leaflet.css"`:      !vector,
				`"stylesPrefix":"/styles"`:                true,
				`src="/assets/viewer.js"`:                 true,
			}
			for s, want := range has {
				if strings.Contains(out, s) != want {
					t.Errorf("page has %s: %v, want %v", s, !want, want)
				}
			}
		})
	}
}

func TestAssets(t *testing.T) {
	h := Assets()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/leaflet/leaflet.js", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Leaflet") || rec.Header().Get("ETag") == "" {
		t.Fatalf("leaflet.js: %d, etag %q", rec.Code, rec.Header().Get("ETag"))
	}
	etag := rec.Header().Get("ETag")
	req := httptest.NewRequest("GET", "/leaflet/leaflet.js", nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/maplibre/maplibre-gl.js", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "maplibregl") || rec.Header().Get("Cache-Control") != "public, max-age=86400" {
		t.Errorf("maplibre-gl.js: %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, p := range []string{"/nope.js", "/page.html", "/../web.go", "/leaflet/", "/leaflet/../viewer.js"} {
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("%s: %d %q %s, want a JSON 404", p, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

func TestOEmbed(t *testing.T) {
	const origin = "http://127.0.0.1:8080"
	tests := []struct {
		url        string
		maxW, maxH int
		w, h       int
		err        bool
	}{
		{origin + "/?date=1944-06-18&layers=all", 0, 0, 600, 400, false},
		{origin + "/embed?date=1944-06-18", 300, 0, 300, 200, false},
		{origin + "/", 0, 300, 450, 300, false},
		{origin + "/", 1000, 1000, 600, 400, false},
		{"http://evil.example/", 0, 0, 0, 0, true},
		{origin + "/api/layers", 0, 0, 0, 0, true},
		{"/relative", 0, 0, 0, 0, true},
		{origin + "/", 100, 0, 0, 0, true},
	}
	for _, tc := range tests {
		r, err := OEmbed(tc.url, origin, "/embed", "Hunan", tc.maxW, tc.maxH)
		if tc.err {
			if err == nil {
				t.Errorf("%s: no error", tc.url)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if r.Type != "rich" || r.Version != "1.0" || r.Width != tc.w || r.Height != tc.h || !strings.Contains(r.HTML, `src="`+origin+`/embed`) {
			t.Errorf("%s max %dx%d: %+v", tc.url, tc.maxW, tc.maxH, r)
		}
	}
	if _, err := OEmbed("http://evil.example/", origin, "/embed", "", 0, 0); !errors.Is(err, ErrNotEmbeddable) {
		t.Errorf("foreign URL: %v", err)
	}
	if _, err := OEmbed(origin+"/", origin, "/embed", "", 100, 0); !errors.Is(err, ErrTooSmall) {
		t.Errorf("maxwidth 100: %v, want ErrTooSmall", err)
	}
}

// TestOEmbedPrefix checks oEmbed for a server reached under a path prefix.
func TestOEmbedPrefix(t *testing.T) {
	const origin = "https://maps.example.org/xiang"
	for page, ok := range map[string]bool{
		origin:                                 true,
		origin + "/":                           true,
		origin + "/embed?date=1944-06-18":      true,
		"HTTPS://MAPS.example.org/xiang/embed": true,
		"https://maps.example.org/":            false,
		"https://maps.example.org/embed":       false,
		origin + "/embed/x":                    false,
		"https://user@maps.example.org/xiang/": false,
		"http://maps.example.org/xiang/":       false,
	} {
		r, err := OEmbed(page, origin, "/embed", "T", 0, 0)
		if ok != (err == nil) {
			t.Errorf("%s: %v, want embeddable %v", page, err, ok)
			continue
		}
		if ok && !strings.Contains(r.HTML, `src="`+origin+`/embed`) {
			t.Errorf("%s: %s", page, r.HTML)
		}
	}
}
