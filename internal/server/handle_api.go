package server

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays"
)

// handleLayers serves /api/layers: the catalog, prepared at load.
func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request) {
	api.ServeEntry(w, r, s.data.Load().catalog, s.headers.Meta)
}

// handleEvents serves /api/events: the event features of every layer by
// date, prepared at load.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	api.ServeEntry(w, r, s.data.Load().events, s.headers.Meta)
}

// handleLayerGeoJSON serves /api/layers/{layers}.geojson[?date=]: the
// features visible on the date (every feature without one), movements cut
// where they have got to.
func (s *Server) handleLayerGeoJSON(w http.ResponseWriter, r *http.Request) {
	lf, ok := s.layerFile(w, r, ".geojson", "want .geojson")
	if !ok {
		return
	}
	// Exports are cached with the images (bounded in bytes), keyed on the
	// data's generation, the layers and the day; an export of a big layer
	// is real work, bounded like a render.
	key := imageKey{gen: lf.d.gen, layers: lf.sel.String(), day: lf.day, export: ".geojson"}
	s.serveImage(w, r, key, api.ContentTypeGeoJSON, s.headers.Meta, s.cfg.RenderTimeout, "geojson", func(_ context.Context, w io.Writer) error {
		body, err := overlays.Export(lf.sel, lf.day).MarshalJSON()
		if err != nil {
			return err
		}
		_, err = w.Write(append(body, '\n'))
		return err
	})
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
	s.serveJSON(w, r, health{
		Status: "ok", Version: d.version, Generation: d.gen,
		Loaded: d.loaded.UTC().Format(time.RFC3339), Source: s.cfg.Source,
		Layers: len(d.campaign.Layers), Features: d.campaign.Features(),
	}, s.headers.NoStore)
}

// layerFile is a parsed /…/{layers}{ext}[?date=] request.
type layerFile struct {
	d    *dataset
	spec string // the layer list as written
	sel  overlays.Selection
	day  geo.Day // geo.NoDay without ?date=
	date string  // ?date= as given
}

// layerFile parses the {file} of a layers route — a layer list, then ext —
// and its ?date=, in the data being served. A bad request is answered here
// (want is the message for a wrong extension), and ok is false.
func (s *Server) layerFile(w http.ResponseWriter, r *http.Request, ext, want string) (lf layerFile, ok bool) {
	var err error
	if lf.spec, lf.day, lf.date, err = api.ParseLayerFile(mux.Vars(r)["file"], ext, want, r.URL.RawQuery); err != nil {
		s.fail(w, r, err)
		return lf, false
	}
	lf.d = s.data.Load()
	if lf.sel, err = api.SelectLayers(lf.d.campaign, lf.spec); err != nil {
		s.fail(w, r, err)
		return lf, false
	}
	return lf, true
}
