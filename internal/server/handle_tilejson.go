package server

import (
	"net/http"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
)

// handleTileJSON serves /tiles/{layers}.json[?date=YYYY-MM-DD].
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) {
	lf, ok := s.layerFile(w, r, ".json", "want .json for TileJSON; tiles are /tiles/{layers}/{z}/{x}/{y}.png")
	if !ok {
		return
	}
	d, spec, sel, day, date := lf.d, lf.spec, lf.sel, lf.day, lf.date
	tmpl := s.baseURL(w, r) + "/tiles/" + spec
	if day != geo.NoDay {
		tmpl += "/" + date
	}
	tmpl += "/{z}/{x}/{y}.png"
	tj := api.NewTileJSON(sel, s.cfg.MaxZoom, tmpl)
	tj.Date = date
	tj.DataVersion = d.version
	s.serveJSON(w, r, tj, s.headers.Meta)
}

// baseURL is where clients reach the server: Config.PublicURL, or the
// scheme and Host of the request, and then it adds Host to the response's
// Vary.
func (s *Server) baseURL(w http.ResponseWriter, r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	// The response depends on Host: a shared cache must not give one
	// host's URLs to a client of another.
	w.Header().Add("Vary", "Host")
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
