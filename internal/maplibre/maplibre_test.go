package maplibre_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/server"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// serve starts xiang's server over the embedded campaign.
func serve(t testing.TB) (*server.Server, *httptest.Server) {
	t.Helper()
	s, err := server.New(server.Config{
		Load:   hunan.Load,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func get(t testing.TB, ts *httptest.Server, path string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	// No transparent decompression: the test reads what was sent.
	req.Header.Set("Accept-Encoding", "identity")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// hengyang is the z9 tile of Hengyang: the siege, movements, places.
var hengyang = maptile.At(orb.Point{112.57, 26.89}, 9)

func tilePath(layers string, t maptile.Tile) string {
	return "/tiles/" + layers + "/" + itoa(uint32(t.Z)) + "/" + itoa(t.X) + "/" + itoa(t.Y) + ".mvt"
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

func TestBadRequests(t *testing.T) {
	_, ts := serve(t)
	for _, tc := range []struct {
		path   string
		status int
		want   string // in the error message
	}{
		{"/tiles/all/15/0/0.mvt", http.StatusNotFound, "zoom 14"},
		{"/tiles/all/25/0/0.mvt", http.StatusBadRequest, "z "},
		{"/tiles/all/x/0/0.mvt", http.StatusBadRequest, "z "},
		{"/tiles/all/9/512/0.mvt", http.StatusBadRequest, "x "},
		{"/tiles/all/9/0/-1.mvt", http.StatusBadRequest, "y "},
		{"/tiles/all/9/0/01.mvt", http.StatusBadRequest, "leading zeros"},
		{"/tiles/all/9/0/1@2x.mvt", http.StatusBadRequest, "y "},
		{"/tiles/no-such-layer/9/0/0.mvt", http.StatusNotFound, "no-such-layer"},
		{"/tiles/ALL/9/0/0.mvt", http.StatusBadRequest, "layers"},
		{"/tiles/all/9/0/0.mvt?date=1944-06-18", http.StatusBadRequest, "every date"},
		{"/tiles/all.json?format=mvt&date=1944-06-18", http.StatusBadRequest, "every date"},
		{"/tiles/all.json?format=mvt&format=mvt", http.StatusBadRequest, "format"},
		{"/tiles/nope.json?format=mvt", http.StatusNotFound, "nope"},
		{"/tiles/all.xml?format=mvt", http.StatusBadRequest, "extension"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			checkError(t, ts, tc.path, tc.status, tc.want)
		})
	}
}

func TestTile(t *testing.T) {
	_, ts := serve(t)
	path := tilePath("all", hengyang)
	res, plain := get(t, ts, path)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("status %d, Content-Type %q: %.200s", res.StatusCode, res.Header.Get("Content-Type"), plain)
	}
	etag := res.Header.Get("Etag")
	if etag == "" || strings.HasPrefix(etag, "W/") || res.Header.Get("Cache-Control") == "" ||
		res.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
		t.Errorf("headers %v", res.Header)
	}
	if res.Header.Get("Content-Encoding") != "" {
		t.Errorf("Content-Encoding %q without Accept-Encoding: gzip", res.Header.Get("Content-Encoding"))
	}
	ls, err := mvt.Unmarshal(plain)
	if err != nil || len(ls) == 0 {
		t.Fatalf("unmarshal: %d layers, %v", len(ls), err)
	}

	t.Run("gzip", func(t *testing.T) {
		res, body := get(t, ts, path, "Accept-Encoding: gzip, deflate")
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("gunzipped body differs from the plain one (%v)", err)
		}
		if res.Header.Get("Etag") == etag {
			t.Errorf("gzipped and plain bodies share the strong ETag %s", etag)
		}
		res, _ = get(t, ts, path, "Accept-Encoding: gzip;q=0")
		if res.Header.Get("Content-Encoding") != "" {
			t.Errorf("gzip;q=0: Content-Encoding %q", res.Header.Get("Content-Encoding"))
		}
	})
	t.Run("304", func(t *testing.T) {
		res, body := get(t, ts, path, "If-None-Match: "+etag)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("Etag") != etag {
			t.Errorf("status %d, ETag %q, %d bytes", res.StatusCode, res.Header.Get("Etag"), len(body))
		}
		res, _ = get(t, ts, path, `If-None-Match: "other"`)
		if res.StatusCode != http.StatusOK {
			t.Errorf("other ETag: status %d", res.StatusCode)
		}
	})
	t.Run("empty", func(t *testing.T) {
		// The tile at 0°N 0°E holds nothing of a campaign in Hunan.
		res, body := get(t, ts, tilePath("all", maptile.At(orb.Point{0, 0}, 9)), "Accept-Encoding: gzip")
		if res.StatusCode != http.StatusOK || len(body) != 0 || res.Header.Get("Content-Encoding") != "" {
			t.Errorf("status %d, %d bytes, Content-Encoding %q: want an empty 200", res.StatusCode, len(body), res.Header.Get("Content-Encoding"))
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		res, err := ts.Client().Head(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Header.Get("Etag") != etag || res.ContentLength != int64(len(plain)) {
			t.Errorf("HEAD: status %d, ETag %q, length %d", res.StatusCode, res.Header.Get("Etag"), res.ContentLength)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		_, body := get(t, ts, "/metrics")
		if !regexp.MustCompile(`route="tile_mvt"`).Match(body) {
			t.Errorf("/metrics counts no tile_mvt requests")
		}
	})
	t.Run("summary png still served", func(t *testing.T) {
		res, body := get(t, ts, "/tiles/all/9/"+itoa(hengyang.X)+"/"+itoa(hengyang.Y)+".png")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("png tile: status %d, %q: %.100s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	})
}

// TestReload checks that a reload of changed data invalidates what was
// compiled and encoded for the old data.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, hunan.FS()); err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{
		Load:   func() (*overlays.Campaign, error) { return overlays.LoadDir(dir) },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	path := tilePath("all", hengyang)
	res, before := get(t, ts, path)
	if res.StatusCode != http.StatusOK || !bytes.Contains(before, []byte("hengyang/")) {
		t.Fatalf("before: status %d, hengyang's features absent", res.StatusCode)
	}
	if err := os.Remove(filepath.Join(dir, "hengyang.geojson")); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	res, after := get(t, ts, path)
	if res.StatusCode != http.StatusOK || bytes.Contains(after, []byte("hengyang/")) {
		t.Errorf("after the reload: status %d, hengyang's features still served", res.StatusCode)
	}
	if res, _ := get(t, ts, tilePath("hengyang", hengyang)); res.StatusCode != http.StatusNotFound {
		t.Errorf("a removed layer: status %d, want 404", res.StatusCode)
	}
}

func TestTileJSON(t *testing.T) {
	_, ts := serve(t)
	res, body := get(t, ts, "/tiles/all.json?format=mvt")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	var tj struct {
		TileJSON     string   `json:"tilejson"`
		Tiles        []string `json:"tiles"`
		MinZoom      int      `json:"minzoom"`
		MaxZoom      int      `json:"maxzoom"`
		Bounds       []float64
		StartDay     *int64 `json:"start_day"`
		EndDay       *int64 `json:"end_day"`
		Time         struct{ Start, End string }
		VectorLayers []struct {
			ID     string
			Fields map[string]string
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(body, &tj); err != nil {
		t.Fatal(err)
	}
	if tj.TileJSON != "3.0.0" || tj.MinZoom != 0 || tj.MaxZoom != 14 || len(tj.Tiles) != 1 ||
		!strings.HasSuffix(tj.Tiles[0], "/tiles/all/{z}/{x}/{y}.mvt") || len(tj.Bounds) != 4 {
		t.Errorf("TileJSON %s", body)
	}
	if tj.StartDay == nil || tj.EndDay == nil || *tj.StartDay >= *tj.EndDay ||
		tj.Time.Start != geo.Day(*tj.StartDay).String() || tj.Time.End != geo.Day(*tj.EndDay).String() {
		t.Errorf("time extent: %s", body)
	}
	var ids []string
	for _, l := range tj.VectorLayers {
		ids = append(ids, l.ID)
		if l.Fields["start_day"] == "" || l.Fields["end_date"] == "" {
			t.Errorf("layer %s: fields %v", l.ID, l.Fields)
		}
	}
	if strings.Join(ids, ",") != "areas,lines,movements,heads,leaders,points,dates" {
		t.Errorf("vector_layers %v", ids)
	}
	// Without format=mvt the raster TileJSON still answers.
	res, body = get(t, ts, "/tiles/all.json")
	if res.StatusCode != http.StatusOK || strings.Contains(string(body), "vector_layers") {
		t.Errorf("raster TileJSON: status %d, %.200s", res.StatusCode, body)
	}
}

// checkError fails the test unless path answers status with a JSON error
// whose message contains want.
func checkError(t *testing.T, ts *httptest.Server, path string, status int, want string) {
	t.Helper()
	res, body := get(t, ts, path)
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", res.StatusCode, status, body)
	}
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e.Error, want) {
		t.Errorf("body %s: want a JSON error naming %q", body, want)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
}
