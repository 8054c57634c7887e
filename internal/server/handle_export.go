package server

import (
	"context"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays/kml"
	"github.com/xiang-maps/xiang/overlays/table"
)

// Content types of the exports that keep time.
const (
	contentTypeKML = "application/vnd.google-earth.kml+xml"
	contentTypeKMZ = "application/vnd.google-earth.kmz"
	contentTypeCSV = "text/csv; charset=utf-8"
)

// handleLayerExport serves /api/layers/{layers}.kml, .kmz and .csv: every
// feature with its times (KML TimeSpan, movements as gx:Track; CSV rows of
// points and movement vertices). A ?date= is refused: these keep the
// whole campaign. The body depends only on the data and the layers, so it
// carries a strong ETag; it is drawn in an image slot and kept in the
// image cache.
func (s *Server) handleLayerExport(w http.ResponseWriter, r *http.Request) {
	file := mux.Vars(r)["file"]
	ext := file[strings.LastIndexByte(file, '.'):]
	lf, ok := s.layerFile(w, r, ext, "want .geojson, .kml, .kmz or .csv")
	if !ok {
		return
	}
	if lf.date != "" {
		s.fail(w, r, api.BadPart("date", lf.date, "a "+ext+" export keeps every feature with its times; ?date= is for .geojson"))
		return
	}
	typ := map[string]string{".kml": contentTypeKML, ".kmz": contentTypeKMZ, ".csv": contentTypeCSV}[ext]
	key := imageKey{gen: lf.d.gen, layers: lf.sel.String(), day: geo.NoDay, export: ext}
	s.serveImage(w, r, key, typ, s.headers.Meta, s.cfg.RenderTimeout, "export", func(_ context.Context, w io.Writer) error {
		switch ext {
		case ".kml":
			return kml.Write(w, lf.sel, kml.Options{})
		case ".kmz":
			return kml.WriteKMZ(w, lf.sel, kml.Options{})
		}
		_, err := table.Write(w, lf.sel)
		return err
	})
}
