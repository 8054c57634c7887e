package server

import (
	"encoding/json"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/overlays"
)

// handleLayers serves /api/layers: the catalog, prepared at load.
func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request) {
	serveEntry(w, r, s.data.Load().catalog, s.headers.meta)
}

// handleEvents serves /api/events: the event features of every layer by
// date, prepared at load.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	serveEntry(w, r, s.data.Load().events, s.headers.meta)
}

// handleLayerGeoJSON serves /api/layers/{layers}.geojson[?date=]: the
// features visible on the date (every feature without one), movements cut
// where they have got to.
func (s *Server) handleLayerGeoJSON(w http.ResponseWriter, r *http.Request) {
	file := mux.Vars(r)["file"]
	spec, ok := strings.CutSuffix(file, ".geojson")
	if !ok {
		e := badPart("extension", path.Ext(file), "want .geojson")
		e.Status = http.StatusNotFound
		s.fail(w, r, e)
		return
	}
	spec, err := checkLayers(spec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day, _, err := optionalDay(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.data.Load()
	sel, err := selectLayers(d.campaign, spec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// An export of a big layer is real work: bound it like a render.
	ctx, cancel := s.withTimeout(r.Context())
	defer cancel()
	var body []byte
	err = s.work(ctx, func() (err error) {
		body, err = overlays.Export(sel, day).MarshalJSON()
		return err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	serveEntry(w, r, newEntry(append(body, '\n'), contentTypeGeoJSON, etagOf(body)), s.headers.meta)
}

// health is the body of /healthz.
type health struct {
	Status     string `json:"status"`
	Version    string `json:"version"`
	Generation uint64 `json:"generation"`
	Loaded     string `json:"loaded"`
	Source     string `json:"source"`
	Layers     int    `json:"layers"`
	Features   int    `json:"features"`
}

// handleHealth serves /healthz: the server is alive, and which data it
// serves.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	d := s.data.Load()
	body, err := json.Marshal(health{
		Status: "ok", Version: d.version, Generation: d.gen,
		Loaded: d.loaded.UTC().Format(time.RFC3339), Source: s.cfg.Source,
		Layers: len(d.campaign.Layers), Features: d.campaign.Features(),
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	serveEntry(w, r, newEntry(append(body, '\n'), contentTypeJSON, etagOf(body)), s.headers.noStore)
}
