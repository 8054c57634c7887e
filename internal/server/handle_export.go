package server

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

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
// carries a strong ETag; it is drawn in an image slot, not cached.
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
	done, err := s.admit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	ctx, cancel := s.withTimeout(r.Context())
	defer cancel()
	var buf bytes.Buffer
	var typ string
	err = s.imageSlots.Work(ctx, func() error {
		switch ext {
		case ".kml":
			typ = contentTypeKML
			return kml.Write(&buf, lf.sel, kml.Options{})
		case ".kmz":
			typ = contentTypeKMZ
			return kml.WriteKMZ(&buf, lf.sel, kml.Options{})
		default:
			typ = contentTypeCSV
			_, err := table.Write(&buf, lf.sel)
			return err
		}
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body := buf.Bytes()
	api.ServeEntry(w, r, api.NewEntry(body, typ, api.ETagOf(body)), s.headers.Meta)
}
