package server

import (
	"context"
	"io"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// handlePrint serves /print/{layers}.pdf and .png: a printable sheet.
func (s *Server) handlePrint(w http.ResponseWriter, r *http.Request) {
	layers, req, err := api.ParsePrintRequest(mux.Vars(r)["file"], r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, sel, ok := s.selection(w, r, layers)
	if !ok {
		return
	}
	key := imageKey{gen: d.gen, layers: sel.String(), print: req.Normalize().String()}
	s.serveImage(w, r, key, req.Format.ContentType(), s.headers.Tile, s.cfg.AnimationTimeout, "print", func(ctx context.Context, w io.Writer) error {
		return api.PrintError(sheet.Write(ctx, w, d.renderer, sel, req))
	})
}
