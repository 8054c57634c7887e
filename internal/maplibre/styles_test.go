package maplibre_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/tiles/glyphs"
)

func TestStyleRoutesBadRequests(t *testing.T) {
	_, ts := serve(t)
	for _, tc := range []struct {
		path   string
		status int
		want   string // in the error message
	}{
		{"/styles/all.json?date=1944-13-01", http.StatusBadRequest, "date"},
		{"/styles/all.json?day=3", http.StatusBadRequest, "day"},
		{"/styles/all.xml", http.StatusBadRequest, "extension"},
		{"/styles/nope.json", http.StatusNotFound, "nope"},
		{"/styles/sprite@3x.png", http.StatusBadRequest, "extension"},
		{"/fonts/Go%20Regular/0-256.pbf", http.StatusBadRequest, "range"},
		{"/fonts/Go%20Regular/1-256.pbf", http.StatusBadRequest, "range"},
		{"/fonts/Go%20Regular/65536-65791.pbf", http.StatusBadRequest, "65280"},
		{"/fonts/Go%20Regular/0-255.png", http.StatusBadRequest, "extension"},
		{"/fonts/Go%20Regular/0-255.pbf?x=1", http.StatusBadRequest, "query"},
		{"/fonts/Arial/0-255.pbf", http.StatusNotFound, "Arial"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			checkError(t, ts, tc.path, tc.status, tc.want)
		})
	}
}

func TestStyle(t *testing.T) {
	_, ts := serve(t)
	res, body := get(t, ts, "/styles/all.json?date=1944-07-15")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q: %.300s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	if res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Cache-Control") == "" {
		t.Errorf("headers %v", res.Header)
	}
	var s struct {
		Version int
		State   map[string]struct{ Default int }
		Sources map[string]struct{ Type, URL string }
		Sprite  string
		Glyphs  string
		Layers  []struct{ ID string }
	}
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatal(err)
	}
	if s.Version != 8 || s.State["day"].Default != -9301 || len(s.Layers) < 10 {
		t.Errorf("version %d, day %d, %d layers", s.Version, s.State["day"].Default, len(s.Layers))
	}
	// Absolute URLs that this server answers.
	src := s.Sources["xiang"].URL
	for _, u := range []string{src, s.Sprite + ".json", s.Sprite + "@2x.png", strings.NewReplacer("{fontstack}", "Go%20Bold", "{range}", "0-255").Replace(s.Glyphs)} {
		if !strings.HasPrefix(u, ts.URL+"/") {
			t.Errorf("%s: not an absolute URL of the server", u)
			continue
		}
		if res, body := get(t, ts, strings.TrimPrefix(u, ts.URL)); res.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d: %.200s", u, res.StatusCode, body)
		}
	}
	// Revalidation.
	if res, _ := get(t, ts, "/styles/all.json?date=1944-07-15", "If-None-Match: "+res.Header.Get("Etag")); res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
	}
	// The summary map.
	res, body = get(t, ts, "/styles/hengyang.json")
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"xiang:summary":true`) || strings.Contains(string(body), "global-state") {
		t.Errorf("summary style: status %d: %.300s", res.StatusCode, body)
	}
}

func TestSpriteRoutes(t *testing.T) {
	_, ts := serve(t)
	size := map[string][2]int{}
	for _, ratio := range []string{"", "@2x"} {
		res, body := get(t, ts, "/styles/sprite"+ratio+".json")
		var icons map[string]struct{ X, Y, Width, Height, PixelRatio int }
		if res.StatusCode != http.StatusOK || json.Unmarshal(body, &icons) != nil || len(icons) < 5 {
			t.Fatalf("sprite%s.json: status %d: %.200s", ratio, res.StatusCode, body)
		}
		res, body = get(t, ts, "/styles/sprite"+ratio+".png")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("sprite%s.png: status %d, %q", ratio, res.StatusCode, res.Header.Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for name, ic := range icons {
			if ic.X+ic.Width > img.Bounds().Dx() || ic.Y+ic.Height > img.Bounds().Dy() {
				t.Errorf("sprite%s: %s outside the image", ratio, name)
			}
		}
		size[ratio] = [2]int{img.Bounds().Dx(), img.Bounds().Dy()}
	}
	if size["@2x"][0] < 2*size[""][0]-8 {
		t.Errorf("sprite sizes %v: want @2x about twice", size)
	}
}

func TestGlyphRoutes(t *testing.T) {
	_, ts := serve(t)
	for _, tc := range []struct {
		path, stack, rng string
		min              int
	}{
		{"/fonts/Go%20Regular/0-255.pbf", "Go Regular", "0-255", 150},
		{"/fonts/Go%20Bold,Go%20Regular/256-511.pbf", "Go Bold,Go Regular", "256-511", 50},
		{"/fonts/Go%20Regular/55296-55551.pbf", "Go Regular", "55296-55551", 0}, // surrogates: no glyphs, a valid stack
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, body := get(t, ts, tc.path)
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/x-protobuf" ||
				res.Header.Get("Access-Control-Allow-Origin") != "*" || res.Header.Get("Etag") == "" {
				t.Fatalf("status %d, headers %v: %.200s", res.StatusCode, res.Header, body)
			}
			if res, _ := get(t, ts, tc.path, "If-None-Match: "+res.Header.Get("Etag")); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
			}
			// Gzipped for clients that accept it, the same bytes inside.
			res, gz := get(t, ts, tc.path, "Accept-Encoding: gzip")
			if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Accept-Encoding gzip: headers %v", res.Header)
			} else if zr, err := gzip.NewReader(bytes.NewReader(gz)); err != nil {
				t.Error(err)
			} else if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, body) {
				t.Errorf("gzipped body: %v, %d bytes, want %d", err, len(plain), len(body))
			}
			stack, rng, gs, err := glyphs.Decode(body)
			if err != nil || stack != tc.stack || rng != tc.rng || len(gs) < tc.min {
				t.Errorf("stack %q range %q, %d glyphs, %v", stack, rng, len(gs), err)
			}
		})
	}
}
