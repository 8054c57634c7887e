package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// seedArchives seeds archives of testCampaign into a new directory and
// returns it with the jobs.
func seedArchives(t *testing.T) (string, []seed.Job) {
	t.Helper()
	c, err := overlays.LoadDir(testCampaign)
	if err != nil {
		t.Fatal(err)
	}
	r := tiles.New(c)
	all, _ := c.Select("all")
	siege, _ := c.Select("siege")
	dir := t.TempDir()
	box := orb.Bound{Min: orb.Point{112.45, 26.8}, Max: orb.Point{112.75, 27.0}}
	jobs := []seed.Job{
		{Selection: all, Day: geo.Date(1944, 7, 15), Format: seed.PMTiles, Scale: 1},
		{Selection: all, Day: geo.Date(1944, 7, 16), Format: seed.MBTiles, Scale: 1},
		{Selection: siege, Day: geo.Date(1944, 7, 15), Format: seed.PMTiles, Scale: 2},
		{Selection: all, Day: geo.NoDay, Format: seed.PMTiles, Scale: 1},
	}
	for i := range jobs {
		j := &jobs[i]
		j.Renderer, j.Bounds, j.MinZoom, j.MaxZoom, j.Workers = r, box, 9, 11, 2
		j.Path = filepath.Join(dir, fmt.Sprintf("%d.%s", i, j.Format))
		if _, err := seed.Run(context.Background(), *j); err != nil {
			t.Fatal(err)
		}
	}
	return dir, jobs
}

func TestArchives(t *testing.T) {
	dir, jobs := seedArchives(t)
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, archived := newArchiveServer(t, dir, logger)
	_, rendered := newServer(t, "", Config{})

	// Every archived tile is the tile the rendering server answers, with
	// the same headers but the ETag.
	for _, j := range jobs {
		list, _ := seed.Cover(j.Bounds, j.MinZoom, j.MaxZoom)
		layers := j.Selection.String()
		if len(j.Selection) == 3 {
			layers = "all"
		}
		for _, tile := range list {
			path := fmt.Sprintf("/tiles/%s/%s/%d/%d/%d", layers, j.Day, tile.Z, tile.X, tile.Y)
			if j.Day == geo.NoDay {
				path = fmt.Sprintf("/tiles/%s/%d/%d/%d", layers, tile.Z, tile.X, tile.Y)
			}
			if j.Scale == 2 {
				path += "@2x"
			}
			path += ".png"
			a, r := get(t, archived, path), get(t, rendered, path)
			if a.status != http.StatusOK || !bytes.Equal(a.body, r.body) {
				t.Fatalf("%s: archive %d, %d bytes; rendered %d, %d bytes", path, a.status, len(a.body), r.status, len(r.body))
			}
			for _, h := range []string{"Content-Type", "Cache-Control", "Access-Control-Allow-Origin"} {
				if a.header.Get(h) != r.header.Get(h) {
					t.Errorf("%s: %s %q, rendered %q", path, h, a.header.Get(h), r.header.Get(h))
				}
			}
			etag := a.header.Get("Etag")
			if re := get(t, archived, path, "If-None-Match: "+etag); etag == "" || re.status != http.StatusNotModified {
				t.Errorf("%s: If-None-Match %s: %d", path, etag, re.status)
			}
		}
	}

	tests := map[string]struct {
		path   string
		status int
		has    string
	}{
		"unseeded date":       {"/tiles/all/1944-07-20/10/832/432.png", 404, "seeded dates of these layers: 1944-07-15, 1944-07-16, summary"},
		"unseeded layers":     {"/tiles/march/1944-07-15/10/832/432.png", 404, "seeded layer sets: all, siege"},
		"unseeded scale":      {"/tiles/siege/1944-07-15/10/832/432.png", 404, "not seeded"},
		"outside":             {"/tiles/all/1944-07-15/3/6/3.png", 404, "outside the archive"},
		"too deep":            {"/tiles/all/1944-07-15/11/9999/431.png", 400, "x"},
		"bad date":            {"/tiles/all/1944-02-30/10/832/432.png", 400, "day out of range"},
		"layers in any order": {"/tiles/siege,march,context/1944-07-15/10/832/432.png", 200, ""},
		"tilejson":            {"/tiles/all.json?date=1944-07-15", 200, `"tiles":["http://`},
		"tilejson @2x":        {"/tiles/siege.json?date=1944-07-15", 200, `@2x.png"]`},
		"tilejson unseeded":   {"/tiles/all.json?date=1944-08-01", 404, "not seeded"},
		"list":                {"/api/archives", 200, `"file":"1.mbtiles"`},
		"health":              {"/healthz", 200, `"archives":4`},
		"no viewer":           {"/api/layers", 404, "no such route"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, archived, tc.path)
			if res.status != tc.status || !strings.Contains(string(res.body), tc.has) {
				t.Errorf("%s: %d %s; want %d with %q", tc.path, res.status, res.body, tc.status, tc.has)
			}
			if res.status >= 400 {
				var e errorBody
				if err := json.Unmarshal(res.body, &e); err != nil || e.Error == "" {
					t.Errorf("error body %q is not JSON with an error", res.body)
				}
			}
			if res.header.Get("Access-Control-Allow-Origin") != "*" {
				t.Error("no CORS header")
			}
		})
	}

	// A reload sees a new archive.
	extra := jobs[0]
	extra.Day = geo.Date(1944, 7, 20)
	extra.Path = filepath.Join(dir, "extra.pmtiles")
	if _, err := seed.Run(context.Background(), extra); err != nil {
		t.Fatal(err)
	}
	if err := s.Reload(); err != nil {
		t.Fatal(err)
	}
	if res := get(t, archived, "/tiles/all/1944-07-20/10/832/432.png"); res.status != http.StatusOK {
		t.Errorf("after reload: %d %s", res.status, res.body)
	}
}

func newArchiveServer(t *testing.T, dir string, logger *slog.Logger) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{Archives: dir, Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

func TestArchivesErrors(t *testing.T) {
	empty := t.TempDir()
	for name, dir := range map[string]string{"empty": empty, "missing": filepath.Join(empty, "nope")} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(Config{Archives: dir}); err == nil {
				t.Error("no error")
			}
		})
	}
}
