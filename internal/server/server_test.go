package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/cache"
	"github.com/xiang-maps/xiang/overlays"
)

// testCampaign is a small campaign made for these tests: a march east
// across Hengyang in June 1944, a siege ring for a week of July, context.
const testCampaign = "testdata/campaign"

// testLog sends a server's warnings and errors to the test log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// newServer returns a server for the campaign in dir (testCampaign when
// empty) with cfg's other settings, and an HTTP server running it.
func newServer(t testing.TB, dir string, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	if dir == "" {
		dir = testCampaign
	}
	if cfg.Load == nil {
		cfg.Load = func() (*overlays.Campaign, error) { return overlays.LoadDir(dir) }
	}
	if cfg.Source == "" {
		cfg.Source = dir
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// response is what a test reads of a response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get requests path (with any query) from ts with the given extra headers
// ("Name: value").
func get(t testing.TB, ts *httptest.Server, path string, headers ...string) response {
	t.Helper()
	return do(t, ts, http.MethodGet, path, nil, headers...)
}

func do(t testing.TB, ts *httptest.Server, method, path string, body io.Reader, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{res.StatusCode, res.Header, b}
}

// decodePNG decodes a tile body.
func decodePNG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding PNG of %d bytes: %v", len(b), err)
	}
	return img
}

// metric scrapes /metrics and returns the value of the sample whose name
// with labels (as printed, e.g. `xiang_cache_hits_total{cache="tile"}`) is
// series, or 0 when it is absent.
func metric(t testing.TB, ts *httptest.Server, series string) float64 {
	t.Helper()
	res := get(t, ts, "/metrics")
	if res.status != http.StatusOK {
		t.Fatalf("/metrics: status %d", res.status)
	}
	sc := bufio.NewScanner(bytes.NewReader(res.body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if ok && name == series {
			v, err := strconv.ParseFloat(value, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", series, err)
			}
			return v
		}
	}
	return 0
}

// renders is the number of tiles rendered so far.
func renders(t testing.TB, ts *httptest.Server) int {
	t.Helper()
	return int(metric(t, ts, "xiang_tile_render_duration_seconds_count"))
}

// errorMessage checks that a response is a JSON error and returns its
// message.
func errorMessage(t testing.TB, res response) string {
	t.Helper()
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error response Content-Type %q, want application/json", ct)
	}
	var e struct {
		Error *string `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || *e.Error == "" {
		t.Errorf("error body %q: want {\"error\": \"...\"} (%v)", res.body, err)
		return ""
	}
	return *e.Error
}

func TestNewNeedsLoad(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Error("New with no Load: no error")
	}
	load := func() (*overlays.Campaign, error) { return overlays.LoadDir(testCampaign) }
	if _, err := New(Config{Load: load, MaxZoom: 99}); err == nil {
		t.Error("New with max zoom 99: no error")
	}
	_, err := New(Config{Load: func() (*overlays.Campaign, error) { return overlays.LoadDir("testdata/nonexistent") }})
	if err == nil {
		t.Error("New with a missing directory: no error")
	}
}

// TestRoutes requests every route once and checks status, type, caching
// and CORS headers and the essentials of each body.
func TestRoutes(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := map[string]struct {
		path, contentType, cacheControl string
		check                           func(t *testing.T, body []byte)
	}{
		"dated tile": {"/tiles/all/1944-06-25/8/208/108.png", "image/png", "max-age=86400", func(t *testing.T, b []byte) {
			if got := decodePNG(t, b).Bounds().Dx(); got != 256 {
				t.Errorf("width %d, want 256", got)
			}
		}},
		"dated tile @2x": {"/tiles/all/1944-06-25/8/208/108@2x.png", "image/png", "max-age=86400", func(t *testing.T, b []byte) {
			if got := decodePNG(t, b).Bounds().Dx(); got != 512 {
				t.Errorf("width %d, want 512", got)
			}
		}},
		"summary tile": {"/tiles/march,context/8/208/108.png", "image/png", "max-age=86400", func(t *testing.T, b []byte) {
			decodePNG(t, b)
		}},
		"summary tile @2x with date": {"/tiles/march/8/208/108@2x.png?date=1944-06-25", "image/png", "max-age=86400", func(t *testing.T, b []byte) {
			decodePNG(t, b)
		}},
		"empty tile": {"/tiles/all/1944-06-25/3/0/0.png", "image/png", "max-age=86400", func(t *testing.T, b []byte) {
			img := decodePNG(t, b)
			if _, _, _, a := img.At(128, 128).RGBA(); a != 0 || img.Bounds().Dx() != 256 {
				t.Errorf("empty tile: alpha %d, %v", a, img.Bounds())
			}
		}},
		"tilejson": {"/tiles/march.json", "application/json", "max-age=300", func(t *testing.T, b []byte) {
			var tj tileJSON
			if err := json.Unmarshal(b, &tj); err != nil || tj.TileJSON != "3.0.0" {
				t.Errorf("%v: %s", err, b)
			}
		}},
		"layers": {"/api/layers", "application/json", "max-age=300", func(t *testing.T, b []byte) {
			var cat catalog
			if err := json.Unmarshal(b, &cat); err != nil {
				t.Fatal(err)
			}
			want := []layerInfo{
				{ID: "context", Title: "Context", Features: 4, Time: nil, Attribution: "xiang test data"},
				{ID: "march", Title: "March", Features: 4, Time: &timeSpan{"1944-06-01", "1944-08-31"}, Attribution: "xiang test data; march"},
				{ID: "siege", Title: "Siege", Features: 2, Time: &timeSpan{"1944-07-15", "1944-07-20"}, Attribution: "xiang test data; siege"},
			}
			if len(cat.Layers) != len(want) || cat.Features != 10 || cat.Version == "" || *cat.Time != (timeSpan{"1944-06-01", "1944-08-31"}) {
				t.Fatalf("catalog %s", b)
			}
			for i, w := range want {
				g := cat.Layers[i]
				if g.ID != w.ID || g.Title != w.Title || g.Features != w.Features || g.Attribution != w.Attribution ||
					(g.Time == nil) != (w.Time == nil) || (w.Time != nil && *g.Time != *w.Time) ||
					g.Bounds == nil || g.Description == "" || g.TileJSON != "/tiles/"+w.ID+".json" {
					t.Errorf("layer %d: %+v, want %+v", i, g, w)
				}
			}
			if b := cat.Layers[1].Bounds; *b != [4]float64{111.6, 26.7, 113.6, 26.95} {
				t.Errorf("march bounds %v", *b)
			}
		}},
		"layer geojson on a date": {"/api/layers/march.geojson?date=1944-06-15", "application/geo+json", "max-age=300", func(t *testing.T, b []byte) {
			var fc struct {
				Type     string `json:"type"`
				Date     string `json:"date"`
				Features []struct {
					Geometry struct {
						Type        string          `json:"type"`
						Coordinates json.RawMessage `json:"coordinates"`
					} `json:"geometry"`
					Properties map[string]any `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil {
				t.Fatal(err)
			}
			// On 15 June: the march (halfway to its middle vertex), the
			// garrison and the first event; not the fall on 8 August.
			if fc.Type != "FeatureCollection" || fc.Date != "1944-06-15" || len(fc.Features) != 3 {
				t.Fatalf("got %s", b)
			}
			m := fc.Features[0]
			if m.Properties["kind"] != "movement" || m.Properties["layer"] != "march" || m.Properties["progress"] != 0.25 {
				t.Errorf("movement properties %v", m.Properties)
			}
			var line [][]float64
			if err := json.Unmarshal(m.Geometry.Coordinates, &line); err != nil || len(line) != 2 {
				t.Fatalf("movement geometry %s: %v", m.Geometry.Coordinates, err)
			}
			if end := line[1]; end[0] < 112.05 || end[0] > 112.15 {
				t.Errorf("movement cut at %v, want about 112.1", end)
			}
		}},
		"all geojson without date": {"/api/layers/all.geojson", "application/geo+json", "max-age=300", func(t *testing.T, b []byte) {
			var fc struct{ Features []json.RawMessage }
			if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 10 {
				t.Errorf("%d features, %v", len(fc.Features), err)
			}
		}},
		"events": {"/api/events", "application/json", "max-age=300", func(t *testing.T, b []byte) {
			var el eventList
			if err := json.Unmarshal(b, &el); err != nil {
				t.Fatal(err)
			}
			want := []event{
				{ID: "march/2", Layer: "march", Name: "March begins", Date: "1944-06-10", Description: "The march sets off.", Lon: 111.6, Lat: 26.7, Side: "japan", Source: "T1"},
				{ID: "siege/1", Layer: "siege", Name: "Siege begins", Date: "1944-07-15", Description: "The ring closes.", Lon: 112.6, Lat: 26.9, Side: "japan", Source: "T2"},
				{ID: "march/3", Layer: "march", Name: "Hengyang falls", Date: "1944-08-08", Description: "The city falls.", Lon: 112.61888, Lat: 26.88946, Side: "japan", Source: "T1"},
			}
			if len(el.Events) != len(want) {
				t.Fatalf("events %s", b)
			}
			for i := range want {
				if el.Events[i] != want[i] {
					t.Errorf("event %d: %+v\nwant %+v", i, el.Events[i], want[i])
				}
			}
		}},
		"healthz": {"/healthz", "application/json", "no-store", func(t *testing.T, b []byte) {
			var h health
			if err := json.Unmarshal(b, &h); err != nil || h.Status != "ok" || h.Version == "" || h.Generation != 1 ||
				h.Layers != 3 || h.Features != 10 || h.Source != testCampaign {
				t.Errorf("%+v, %v", h, err)
			}
		}},
		"metrics": {"/metrics", "text/plain", "", func(t *testing.T, b []byte) {
			for _, name := range []string{"xiang_http_requests_total{code=\"200\",route=\"tile\"}", "xiang_tile_render_duration_seconds_bucket",
				"xiang_cache_hits_total{cache=\"tile\"}", "xiang_cache_misses_total{cache=\"tile\"}", "xiang_cache_bytes{cache=\"tile\"}",
				"go_goroutines", "xiang_data_info{version="} {
				if !bytes.Contains(b, []byte(name)) {
					t.Errorf("metrics lack %s", name)
				}
			}
		}},
	}
	// Map order is random; /metrics must see at least one tile request.
	get(t, ts, "/tiles/all/1944-06-25/8/208/108.png")
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodHead} {
				res := do(t, ts, method, tc.path, nil)
				if res.status != http.StatusOK {
					t.Fatalf("%s %s: status %d: %s", method, tc.path, res.status, res.body)
				}
				if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.contentType) {
					t.Errorf("%s: Content-Type %q, want %s", method, ct, tc.contentType)
				}
				if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, tc.cacheControl) {
					t.Errorf("%s: Cache-Control %q, want %s", method, cc, tc.cacheControl)
				}
				if got := res.header.Get("Access-Control-Allow-Origin"); got != "*" {
					t.Errorf("%s: Access-Control-Allow-Origin %q", method, got)
				}
				if method == http.MethodHead {
					if len(res.body) != 0 {
						t.Errorf("HEAD sent %d bytes", len(res.body))
					}
					continue
				}
				if cl := res.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(res.body)) {
					t.Errorf("Content-Length %s, body %d bytes", cl, len(res.body))
				}
				tc.check(t, res.body)
			}
		})
	}
}

// TestTileCaching: the second request for a tile is a cache hit with the
// same bytes and ETag, a date whose content is the same shares the entry,
// and the cache is bounded.
func TestTileCaching(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	const path = "/tiles/all/1944-06-25/8/208/108.png"
	a := get(t, ts, path)
	b := get(t, ts, path)
	if a.status != 200 || b.status != 200 || !bytes.Equal(a.body, b.body) || a.header.Get("Etag") != b.header.Get("Etag") {
		t.Fatalf("two requests differ: %d %d, ETags %s %s", a.status, b.status, a.header.Get("Etag"), b.header.Get("Etag"))
	}
	if n := renders(t, ts); n != 1 {
		t.Errorf("%d renders for one tile requested twice", n)
	}
	if et := a.header.Get("Etag"); len(et) != 34 || et[0] != '"' {
		t.Errorf("ETag %s: want a quoted 32-digit key", et)
	}
	// 1 and 2 June: the garrison has been there since 1 June and the march
	// has not begun; same content, one render.
	c := get(t, ts, "/tiles/all/1944-06-01/8/208/108.png")
	d := get(t, ts, "/tiles/all/1944-06-02/8/208/108.png")
	if c.header.Get("Etag") != d.header.Get("Etag") || !bytes.Equal(c.body, d.body) {
		t.Errorf("unchanged days: ETags %s and %s", c.header.Get("Etag"), d.header.Get("Etag"))
	}
	if n := renders(t, ts); n != 2 {
		t.Errorf("%d renders, want 2", n)
	}
	if hits := metric(t, ts, `xiang_cache_hits_total{cache="tile"}`); hits < 2 {
		t.Errorf("tile cache hits %v, want at least 2", hits)
	}
}

// TestConditional: a client sending back the ETag gets a 304 with no body,
// on a hit, after the cache dropped the tile (without rendering it again),
// for the shared empty tile and for JSON documents.
func TestConditional(t *testing.T) {
	_, ts := newServer(t, "", Config{CacheBytes: -1})
	for _, path := range []string{
		"/tiles/all/1944-06-25/8/208/108.png",
		"/tiles/all/1944-06-25/8/208/108@2x.png",
		"/tiles/all/1944-06-25/2/0/0.png",
		"/tiles/all.json?date=1944-06-25",
		"/api/layers",
		"/api/events",
		"/api/layers/march.geojson?date=1944-06-25",
	} {
		t.Run(path, func(t *testing.T) {
			first := get(t, ts, path)
			etag := first.header.Get("Etag")
			if first.status != http.StatusOK || etag == "" || strings.HasPrefix(etag, "W/") {
				t.Fatalf("first: %d, ETag %q", first.status, etag)
			}
			before := renders(t, ts)
			for _, inm := range []string{etag, `"other", ` + etag, "W/" + etag, "*"} {
				res := get(t, ts, path, "If-None-Match: "+inm)
				if res.status != http.StatusNotModified || len(res.body) != 0 {
					t.Errorf("If-None-Match %s: %d with %d bytes, want 304", inm, res.status, len(res.body))
				}
				if res.header.Get("Etag") != etag || res.header.Get("Cache-Control") == "" {
					t.Errorf("304 headers: ETag %q, Cache-Control %q", res.header.Get("Etag"), res.header.Get("Cache-Control"))
				}
			}
			if after := renders(t, ts); after != before {
				t.Errorf("revalidation rendered %d tiles", after-before)
			}
			res := get(t, ts, path, `If-None-Match: "something-else"`)
			if res.status != http.StatusOK || !bytes.Equal(res.body, first.body) {
				t.Errorf("other ETag: %d, %d bytes", res.status, len(res.body))
			}
		})
	}
}

func TestCORS(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	for _, path := range []string{"/tiles/all.json", "/tiles/all/3/6/3.png", "/api/layers", "/api/events",
		"/api/layers/all.geojson", "/healthz", "/nope", "/tiles/all/99/0/0.png"} {
		res := get(t, ts, path, "Origin: https://maps.example.org")
		if got := res.header.Get("Access-Control-Allow-Origin"); got != "*" {
			t.Errorf("GET %s (%d): Access-Control-Allow-Origin %q", path, res.status, got)
		}
		if got := res.header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "ETag") {
			t.Errorf("GET %s: Access-Control-Expose-Headers %q", path, got)
		}
		pre := do(t, ts, http.MethodOptions, path, nil, "Origin: https://maps.example.org",
			"Access-Control-Request-Method: GET", "Access-Control-Request-Headers: if-none-match")
		if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(pre.header.Get("Access-Control-Allow-Methods"), "GET") ||
			!strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("preflight %s: %d %v", path, pre.status, pre.header)
		}
	}
}

func TestTileJSON(t *testing.T) {
	_, ts := newServer(t, "", Config{MaxZoom: 16})
	tests := map[string]struct {
		path, tiles, name, date, attribution string
		bounds                               [4]float64
	}{
		"dated": {
			path: "/tiles/march,siege.json?date=1944-06-25", tiles: "/tiles/march,siege/1944-06-25/{z}/{x}/{y}.png",
			name: "march, siege", date: "1944-06-25", attribution: "xiang test data; march; siege",
			bounds: [4]float64{111.6, 26.7, 113.6, 27},
		},
		"summary": {
			path: "/tiles/context.json", tiles: "/tiles/context/{z}/{x}/{y}.png",
			name: "Context", attribution: "xiang test data",
			bounds: [4]float64{112.2, 26, 112.9, 27.6},
		},
		"all": {
			path: "/tiles/all.json?date=1944-07-16", tiles: "/tiles/all/1944-07-16/{z}/{x}/{y}.png",
			name: "context, march, siege", date: "1944-07-16", attribution: "xiang test data; march; siege",
			bounds: [4]float64{111.6, 26, 113.6, 27.6},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, ts, tc.path)
			if res.status != http.StatusOK {
				t.Fatalf("%d: %s", res.status, res.body)
			}
			var tj map[string]any
			if err := json.Unmarshal(res.body, &tj); err != nil {
				t.Fatal(err)
			}
			if tj["tilejson"] != "3.0.0" || tj["scheme"] != "xyz" || tj["minzoom"] != 0.0 || tj["maxzoom"] != 16.0 ||
				tj["name"] != tc.name || tj["attribution"] != tc.attribution || tj["date"] != cmpOrNil(tc.date) {
				t.Errorf("fields: %s", res.body)
			}
			tl, _ := tj["tiles"].([]any)
			if len(tl) != 1 || tl[0] != ts.URL+tc.tiles {
				t.Errorf("tiles %v, want [%s]", tj["tiles"], ts.URL+tc.tiles)
			}
			b, _ := tj["bounds"].([]any)
			c, _ := tj["center"].([]any)
			if len(b) != 4 || len(c) != 3 {
				t.Fatalf("bounds %v, center %v", b, c)
			}
			for i := range 4 {
				if d := b[i].(float64) - tc.bounds[i]; d > 1e-9 || d < -1e-9 {
					t.Errorf("bounds %v, want %v", b, tc.bounds)
					break
				}
			}
			lon, lat, z := c[0].(float64), c[1].(float64), c[2].(float64)
			if lon != (tc.bounds[0]+tc.bounds[2])/2 || lat != (tc.bounds[1]+tc.bounds[3])/2 || z < 5 || z > 9 || z != float64(int(z)) {
				t.Errorf("center %v for bounds %v", c, tc.bounds)
			}
			// The template works: its tile for the centre is served.
			tile := strings.NewReplacer("{z}", "8", "{x}", "208", "{y}", "108").Replace(tl[0].(string))
			if r := get(t, ts, strings.TrimPrefix(tile, ts.URL)); r.status != http.StatusOK {
				t.Errorf("template tile %s: %d", tile, r.status)
			}
		})
	}
	// PublicURL replaces the request's host.
	_, ts2 := newServer(t, "", Config{PublicURL: "https://tiles.example.org/xiang/"})
	var tj tileJSON
	if err := json.Unmarshal(get(t, ts2, "/tiles/march.json").body, &tj); err != nil ||
		tj.Tiles[0] != "https://tiles.example.org/xiang/tiles/march/{z}/{x}/{y}.png" {
		t.Errorf("with PublicURL: %v %v", tj.Tiles, err)
	}
}

func cmpOrNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// TestReload: new valid data is served after Reload with a new version;
// invalid data is rejected, its problems logged, and the old data kept.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, testCampaign, dir)
	var logs syncBuffer
	s, ts := newServer(t, dir, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	v1 := get(t, ts, "/healthz")
	tile1 := get(t, ts, "/tiles/march/1944-07-16/8/208/108.png")
	if get(t, ts, "/tiles/extra/8/208/108.png").status != http.StatusNotFound {
		t.Fatal("layer extra exists before it is written")
	}

	// A valid new layer: served after the reload, and the version changes.
	extra := `{"type": "FeatureCollection", "title": "Extra", "features": [
	  {"type": "Feature", "properties": {"kind": "place", "name": "Qidong"}, "geometry": {"type": "Point", "coordinates": [112.1, 26.78]}}]}`
	writeFile(t, filepath.Join(dir, "extra.geojson"), extra)
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	var h1, h2 health
	json.Unmarshal(v1.body, &h1)
	json.Unmarshal(get(t, ts, "/healthz").body, &h2)
	if h2.Version == h1.Version || h2.Generation != 2 || h2.Layers != 4 {
		t.Errorf("after reload: %+v (before %+v)", h2, h1)
	}
	if res := get(t, ts, "/tiles/extra/8/208/108.png"); res.status != http.StatusOK {
		t.Errorf("new layer: %d %s", res.status, res.body)
	}
	// Unchanged content keeps its ETag across the reload.
	if tile2 := get(t, ts, "/tiles/march/1944-07-16/8/208/108.png"); tile2.header.Get("Etag") != tile1.header.Get("Etag") {
		t.Errorf("unchanged tile changed ETag across reload: %s → %s", tile1.header.Get("Etag"), tile2.header.Get("Etag"))
	}

	// Invalid data: rejected, logged, old data still served.
	writeFile(t, filepath.Join(dir, "broken.geojson"), `{"type": "FeatureCollection", "features": [
	  {"type": "Feature", "properties": {"kind": "volcano"}, "geometry": {"type": "Point", "coordinates": [112, 26]}}]}`)
	err := s.Reload()
	var ve *overlays.ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("reload of invalid data: %v, want ValidationErrors", err)
	}
	var h3 health
	json.Unmarshal(get(t, ts, "/healthz").body, &h3)
	if h3.Version != h2.Version || h3.Generation != 2 {
		t.Errorf("after rejected reload: %+v, want %+v", h3, h2)
	}
	if res := get(t, ts, "/tiles/extra/8/208/108.png"); res.status != http.StatusOK {
		t.Errorf("old data no longer served: %d", res.status)
	}
	if !strings.Contains(logs.String(), "broken.geojson") || !strings.Contains(logs.String(), "volcano") {
		t.Errorf("validation problems not logged:\n%s", logs.String())
	}
	if n := metric(t, ts, `xiang_data_reloads_total{result="error"}`); n != 1 {
		t.Errorf("reload errors metric %v", n)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes by a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(from, "*.geojson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no layers in %s: %v", from, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(to, filepath.Base(f)), string(b))
	}
}

func writeFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCoalescing: concurrent requests for one missing tile render it once,
// even with caching disabled. The render is held until all the requests
// have joined it, so they are concurrent by construction.
func TestCoalescing(t *testing.T) {
	s, ts := newServer(t, "", Config{CacheBytes: -1})
	const n = 8
	gate := make(chan struct{})
	s.onRender = func() { <-gate }
	var wg sync.WaitGroup
	bodies := make([][]byte, n)
	for i := range n {
		wg.Go(func() {
			// Distinct dates before the march: one content.
			res := get(t, ts, fmt.Sprintf("/tiles/all/1944-06-0%d/8/208/108.png", 1+i))
			if res.status != http.StatusOK {
				t.Errorf("request %d: %d %s", i, res.status, res.body)
			}
			bodies[i] = res.body
		})
	}
	for st := s.tiles.Stats(); st.Loads+st.Shared < n; st = s.tiles.Stats() {
		runtime.Gosched()
	}
	close(gate)
	wg.Wait()
	if got := renders(t, ts); got != 1 {
		t.Errorf("%d renders for %d concurrent requests of one content, want 1", got, n)
	}
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Errorf("request %d got different bytes", i)
		}
	}
	if st := s.tiles.Stats(); st.Loads != 1 || st.Shared != n-1 {
		t.Errorf("cache stats %+v: want 1 load shared by %d", st, n-1)
	}
}

// TestRenderTimeout: a request that cannot get a render slot in time gets
// a 503 JSON error with Retry-After; the server recovers when slots free.
func TestRenderTimeout(t *testing.T) {
	s, ts := newServer(t, "", Config{MaxRenders: 1, RenderTimeout: 50 * time.Millisecond})
	s.slots <- struct{}{}
	res := get(t, ts, "/tiles/all/1944-06-25/8/208/108.png")
	<-s.slots
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Errorf("busy server: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	if msg := errorMessage(t, res); !strings.Contains(msg, "render") {
		t.Errorf("message %q", msg)
	}
	if res := get(t, ts, "/tiles/all/1944-06-25/8/208/108.png"); res.status != http.StatusOK {
		t.Errorf("after the slot is free: %d", res.status)
	}
}

// TestRecoverPanics: a panicking handler answers 500 JSON, is logged and
// counted, and the server goes on serving.
func TestRecoverPanics(t *testing.T) {
	var logs syncBuffer
	s, _ := newServer(t, "", Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h := s.logRequests(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	ts := httptest.NewServer(h)
	defer ts.Close()
	res := get(t, ts, "/anything")
	if res.status != http.StatusInternalServerError || errorMessage(t, res) != "internal error" {
		t.Errorf("panic: %d %s", res.status, res.body)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "goroutine") {
		t.Errorf("panic not logged with its stack:\n%s", logs.String())
	}
	ts2 := httptest.NewServer(s)
	defer ts2.Close()
	if got := metric(t, ts2, "xiang_panics_total"); got != 1 {
		t.Errorf("panics counter %v", got)
	}
}

// TestFail checks how each kind of error is answered.
func TestFail(t *testing.T) {
	s, _ := newServer(t, "", Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := map[string]struct {
		err    error
		ctx    context.Context
		status int    // recorded status
		body   string // part of the body; "" for none
	}{
		"bad part":        {badPart("z", "q", "want a number"), nil, 400, `z \"q\": want a number`},
		"unknown layer":   {fmt.Errorf("layer %q: %w", "x", overlays.ErrUnknownLayer), nil, 404, "unknown layer"},
		"timeout":         {context.DeadlineExceeded, nil, 503, "try again"},
		"client gone":     {context.Canceled, cancelled, statusClientClosed, ""},
		"render panicked": {&cache.PanicError{Value: "boom"}, nil, 500, "internal error"},
		"bug":             {errors.New("boom"), nil, 500, "internal error"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			if tc.ctx != nil {
				r = r.WithContext(tc.ctx)
			}
			rec := httptest.NewRecorder()
			rw := &recorder{ResponseWriter: rec}
			s.fail(rw, r, tc.err)
			if rw.status != tc.status {
				t.Errorf("status %d, want %d", rw.status, tc.status)
			}
			if got := rec.Body.String(); (tc.body == "") != (got == "") || !strings.Contains(got, tc.body) {
				t.Errorf("body %q, want %q", got, tc.body)
			}
		})
	}
}

// TestReloadBounded: a reload of a small file with millions of bad
// features logs one bounded line; a load that never returns makes Reload
// fail after Config.LoadTimeout while the old data keeps serving.
func TestReloadBounded(t *testing.T) {
	t.Run("many problems", func(t *testing.T) {
		dir := t.TempDir()
		copyDir(t, testCampaign, dir)
		var logs syncBuffer
		s, _ := newServer(t, dir, Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		writeFile(t, filepath.Join(dir, "big.geojson"),
			`{"type":"FeatureCollection","features":[{}`+strings.Repeat(",{}", 3_000_000-1)+"]}")
		if err := s.Reload(); !errors.Is(err, overlays.ErrInvalid) {
			t.Fatalf("Reload = %.200v, want invalid data", err)
		}
		out := logs.String()
		if n := strings.Count(out, "\n"); n != 1 || len(out) > 2048 {
			t.Errorf("logged %d lines, %d bytes, want one bounded line:\n%.2000s", n, len(out), out)
		}
		if !strings.Contains(out, "problems=") || !strings.Contains(out, "big.geojson") {
			t.Errorf("log does not say how many problems and the first:\n%s", out)
		}
	})
	t.Run("hung load", func(t *testing.T) {
		hang := make(chan struct{})
		defer close(hang)
		var calls atomic.Int32
		load := func() (*overlays.Campaign, error) {
			if calls.Add(1) > 1 {
				<-hang
			}
			return overlays.LoadDir(testCampaign)
		}
		s, ts := newServer(t, "", Config{Load: load})
		// Shortened after the first load, which may be slow on a busy machine.
		s.cfg.LoadTimeout = 50 * time.Millisecond
		for i := range 2 { // the second finds the first still running
			done := make(chan error, 1)
			go func() { done <- s.Reload() }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrLoadTimeout) {
					t.Errorf("reload %d: %v, want ErrLoadTimeout", i, err)
				}
			case <-time.After(20 * time.Second): // the finding is a hang
				t.Fatalf("reload %d hung", i)
			}
		}
		if res := get(t, ts, "/healthz"); res.status != http.StatusOK {
			t.Errorf("healthz %d during a hung reload", res.status)
		}
	})
}
