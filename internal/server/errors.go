package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/cache"
)

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error string `json:"error"`
}

// writeError writes a JSON error with the given status.
func (s *Server) writeError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Cache-Control"] = s.headers.NoStore
	h["X-Content-Type-Options"] = []string{"nosniff"}
	h.Del("Etag")
	h.Del("Content-Length")
	w.WriteHeader(status)
	b, _ := json.Marshal(errorBody{Error: msg})
	w.Write(append(b, '\n'))
}

// fail answers a request that could not be served: a requestError or an
// unknown layer as 4xx, a render that took too long as 503, a client that
// went away with nothing (logged as 499), anything else as a logged 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var re *api.Error
	var pe *cache.PanicError
	switch {
	case errors.As(err, &re):
		status := re.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		if re.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(re.RetryAfter))
		}
		s.writeError(w, status, re.Error())
	case errors.Is(err, overlays.ErrUnknownLayer):
		s.writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		setStatus(w, statusClientClosed)
	case errors.Is(err, context.DeadlineExceeded):
		w.Header().Set("Retry-After", "1")
		s.writeError(w, http.StatusServiceUnavailable,
			"render did not finish in time; try again")
	case errors.As(err, &pe):
		s.metrics.Panics.Inc()
		s.log.Error("render panicked", "path", r.URL.Path, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
		s.writeError(w, http.StatusInternalServerError, "internal error")
	default:
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
		s.writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// notFound answers a path that matches no route.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	setRoute(w, "not_found")
	if strings.Contains(r.URL.Path, "//") {
		s.fail(w, r, api.BadPart("path", r.URL.Path, "has an empty segment"))
		return
	}
	s.writeError(w, http.StatusNotFound, fmt.Sprintf("path %s: no such route (see /api/layers, /tiles/{layers}.json)", api.Quote(r.URL.Path)))
}

// methodNotAllowed answers a method other than GET, HEAD or OPTIONS.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	setRoute(w, "method_not_allowed")
	w.Header().Set("Allow", "GET, HEAD, OPTIONS")
	s.writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s: want GET or HEAD", api.Quote(r.Method)))
}

// serveJSON serves v as a JSON document with the given Cache-Control.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, v any, cacheControl []string) {
	e, err := api.JSONEntry(v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, e, cacheControl)
}

// selection loads the data served now and selects in it the layers spec
// names; when it cannot, it answers the error and reports false.
func (s *Server) selection(w http.ResponseWriter, r *http.Request, spec string) (*dataset, overlays.Selection, bool) {
	d := s.data.Load()
	sel, err := api.SelectLayers(d.campaign, spec)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return d, sel, true
}
