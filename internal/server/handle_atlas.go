package server

import (
	"context"
	"io"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/atlas"
)

// handleAtlas serves /atlas/{layers}.pdf: a campaign atlas of one sheet
// per date (or per phase of the events), with a cover and the sources.
func (s *Server) handleAtlas(w http.ResponseWriter, r *http.Request) {
	layers, req, err := api.ParseAtlasRequest(mux.Vars(r)["file"], r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, sel, ok := s.selection(w, r, layers)
	if !ok {
		return
	}
	// Lay the atlas out before taking a slot: phases of layers without
	// events are a bad request, not a failed render.
	a, err := atlas.New(d.renderer, sel, req)
	if err != nil {
		s.fail(w, r, api.PrintError(err))
		return
	}
	key := imageKey{gen: d.gen, layers: sel.String(), print: "atlas?" + a.Request.String()}
	s.serveImage(w, r, key, "application/pdf", s.headers.Tile, s.cfg.AnimationTimeout, "atlas", func(ctx context.Context, w io.Writer) error {
		return a.WritePDF(ctx, w)
	})
}
