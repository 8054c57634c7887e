package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// printParams are the query parameters of /print; the format comes from
// the extension.
var printParams = []string{"date", "bbox", "paper", "orientation", "dpi", "title", "subtitle"}

// parsePrintRequest parses /print/{layers}.pdf|png?date=&bbox=&paper=&
// orientation=&dpi=&title=&subtitle=.
func parsePrintRequest(file, rawQuery string) (layers string, req sheet.Request, err error) {
	stem, ext := file, ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		stem, ext = file[:i], file[i:]
	}
	var format sheet.Format
	switch ext {
	case ".pdf":
		format = sheet.PDF
	case ".png":
		format = sheet.PNG
	default:
		return "", req, api.BadPart("extension", ext, "want .pdf or .png (the file is "+api.Quote(file)+")")
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
		if !contains(printParams, name) {
			return "", req, api.BadPart("query", name, "unknown parameter; want "+strings.Join(printParams, ", "))
		}
		if _, _, err := api.OneParam(q, name); err != nil {
			return "", req, err
		}
	}
	if req, err = sheet.ParseRequest(q); err != nil {
		return "", req, printError(err)
	}
	req.Format = format
	if err := req.Check(); err != nil {
		return "", req, printError(err)
	}
	return layers, req, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// printError turns a sheet.RequestError into a 400 naming its parameter
// (413 for a sheet over the pixel cap).
func printError(err error) error {
	var re *sheet.RequestError
	if !errors.As(err, &re) {
		return err
	}
	status := http.StatusBadRequest
	if errors.Is(err, sheet.ErrTooLarge) {
		status = http.StatusRequestEntityTooLarge
	}
	return &api.Error{Status: status, Part: re.Param, Msg: err.Error(), Err: err}
}

// handlePrint serves /print/{layers}.pdf and .png: a printable sheet.
func (s *Server) handlePrint(w http.ResponseWriter, r *http.Request) {
	layers, req, err := parsePrintRequest(mux.Vars(r)["file"], r.URL.RawQuery)
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
	key := imageKey{gen: d.gen, layers: sel.String(), print: req.Normalize().String()}
	s.serveImage(w, r, key, req.Format.ContentType(), s.cfg.AnimationTimeout, "print", func(ctx context.Context, w io.Writer) error {
		return printError(sheet.Write(ctx, w, d.renderer, sel, req))
	})
}
