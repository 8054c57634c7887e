package server

import (
	"net/http"
	"path"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles"
)

// legendItem is one entry of /api/legend: a tiles.LegendEntry with the
// URLs of its swatch image at scale 1 and 2.
type legendItem struct {
	tiles.LegendEntry
	Swatch   string `json:"swatch"`
	Swatch2x string `json:"swatch2x"`
}

// handleLegend serves /api/legend[?layers=]: the legend entries of the
// symbols the layers use (all layers by default), in legend order.
func (s *Server) handleLegend(w http.ResponseWriter, r *http.Request) {
	q, err := api.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	spec, ok, err := api.OneParam(q, "layers")
	if err == nil && ok {
		_, err = api.CheckLayers(spec)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		spec = "all"
	}
	_, sel, ok := s.selection(w, r, spec)
	if !ok {
		return
	}
	base := s.baseURL(w, r) + "/api/legend/"
	items := []legendItem{}
	for _, e := range tiles.Legend(sel) {
		items = append(items, legendItem{LegendEntry: e, Swatch: base + e.ID + ".png", Swatch2x: base + e.ID + ".png?scale=2"})
	}
	s.serveJSON(w, r, items, s.headers.Meta)
}

// handleSwatch serves /api/legend/{id}.png[?scale=1|2]: the symbol of a
// legend entry on a transparent tiles.SwatchWidth×tiles.SwatchHeight image
// (times scale).
func (s *Server) handleSwatch(w http.ResponseWriter, r *http.Request) {
	file := mux.Vars(r)["file"]
	id, ok := strings.CutSuffix(file, ".png")
	if !ok {
		e := api.BadPart("extension", path.Ext(file), "want .png for a legend swatch")
		e.Status = http.StatusNotFound
		s.fail(w, r, e)
		return
	}
	q, err := api.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scale := 1
	v, given, err := api.OneParam(q, "scale")
	if err == nil && given {
		switch v {
		case "1":
		case "2":
			scale = 2
		default:
			err = api.BadPart("scale", v, "want 1 or 2")
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sw, ok := s.swatches()[id]
	if !ok {
		e := api.BadPart("legend entry", id, "no such entry (see /api/legend)")
		e.Status = http.StatusNotFound
		s.fail(w, r, e)
		return
	}
	api.ServeEntry(w, r, sw[scale], s.headers.Tile)
}

// drawSwatches draws and encodes every legend swatch at scale 1 and 2. The
// swatches depend on nothing but the fonts, so they are drawn once.
func (s *Server) drawSwatches() map[string][3]*api.Entry {
	fonts := s.data.Load().renderer.Fonts()
	out := map[string][3]*api.Entry{}
	for _, e := range tiles.Legend(nil) {
		var sw [3]*api.Entry
		for _, scale := range []int{1, 2} {
			png, err := tiles.SwatchPNG(fonts, e.ID, float64(scale))
			if err != nil {
				// Every entry of tiles.Legend has a swatch: this is a bug.
				s.log.Error("legend swatch", "id", e.ID, "scale", scale, "err", err)
				continue
			}
			sw[scale] = api.NewEntry(png, api.ContentTypePNG, api.ETagOf(png))
		}
		if sw[1] != nil && sw[2] != nil {
			out[e.ID] = sw
		}
	}
	return out
}
