package server

import (
	"context"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/atlas"
)

// atlasParams are the query parameters of /atlas.
var atlasParams = []string{"dates", "phases", "bbox", "paper", "orientation", "dpi", "title"}

// parseAtlasRequest parses /atlas/{layers}.pdf?dates=|phases=&bbox=&paper=&
// orientation=&dpi=&title=.
func parseAtlasRequest(file, rawQuery string) (layers string, req atlas.Request, err error) {
	stem, ok := strings.CutSuffix(file, ".pdf")
	if !ok {
		ext := ""
		if i := strings.LastIndexByte(file, '.'); i >= 0 {
			ext = file[i:]
		}
		return "", req, api.BadPart("extension", ext, "want .pdf (the file is "+api.Quote(file)+")")
	}
	if layers, err = api.CheckLayers(stem); err != nil {
		return "", req, err
	}
	q, err := api.ParseQuery(rawQuery)
	if err != nil {
		return "", req, err
	}
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !contains(atlasParams, name) {
			return "", req, api.BadPart("query", name, "unknown parameter; want "+strings.Join(atlasParams, ", "))
		}
		if _, _, err := api.OneParam(q, name); err != nil {
			return "", req, err
		}
	}
	if req, err = atlas.ParseRequest(q); err != nil {
		return "", req, printError(err)
	}
	return layers, req, nil
}

// handleAtlas serves /atlas/{layers}.pdf: a campaign atlas of one sheet
// per date (or per phase of the events), with a cover and the sources.
func (s *Server) handleAtlas(w http.ResponseWriter, r *http.Request) {
	layers, req, err := parseAtlasRequest(mux.Vars(r)["file"], r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.data.Load()
	sel, err := api.SelectLayers(d.campaign, layers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Lay the atlas out before taking a slot: phases of layers without
	// events are a bad request, not a failed render.
	a, err := atlas.New(d.renderer, sel, req)
	if err != nil {
		s.fail(w, r, printError(err))
		return
	}
	key := imageKey{gen: d.gen, layers: sel.String(), print: "atlas?" + a.Request.String()}
	s.serveImage(w, r, key, "application/pdf", s.cfg.AnimationTimeout, "atlas", func(ctx context.Context, w io.Writer) error {
		return a.WritePDF(ctx, w)
	})
}
