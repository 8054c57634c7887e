package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/xiang-maps/xiang/internal/api"
)

// statusClientClosed is logged for a request whose client went away before
// its response was ready (nginx's convention); nothing is sent.
const statusClientClosed = 499

// recorder wraps the ResponseWriter of every request to note what the logs
// and metrics need: the route that served it, the status and body size.
type recorder struct {
	http.ResponseWriter
	route  string
	cache  string // hit, miss, shared, empty, revalidated: tiles only
	status int
	bytes  int64
}

// WriteHeader notes the status and sends it.
func (rw *recorder) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	rw.ResponseWriter.WriteHeader(status)
}

// Write notes the status (200 if none was sent) and the bytes written.
func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// setRoute names the route serving w's request, for logs and metrics.
func setRoute(w http.ResponseWriter, name string) {
	if rw, ok := w.(*recorder); ok {
		rw.route = name
	}
}

// setCache notes how the cache answered a tile request.
func setCache(w http.ResponseWriter, result string) {
	if rw, ok := w.(*recorder); ok {
		rw.cache = result
	}
}

// setStatus records a status for a response that sends nothing.
func setStatus(w http.ResponseWriter, status int) {
	if rw, ok := w.(*recorder); ok && rw.status == 0 {
		rw.status = status
	}
}

// route wraps a route's handler so that logs and metrics name the route.
func (s *Server) route(name string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		setRoute(w, name)
		h(w, r)
	}
}

// logRequests logs every request with slog and counts it in the metrics.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &recorder{ResponseWriter: w, route: "unmatched"}
		defer func() {
			status := rw.status
			if status == 0 {
				status = http.StatusOK
			}
			took := time.Since(start)
			s.metrics.Observe(rw.route, status, took)
			if !s.log.Enabled(r.Context(), slog.LevelInfo) {
				return
			}
			attrs := []slog.Attr{
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", rw.route),
				slog.Int("status", status),
				slog.Int64("bytes", rw.bytes),
				slog.Duration("took", took),
				slog.String("remote", r.RemoteAddr),
			}
			if r.URL.RawQuery != "" {
				attrs = append(attrs, slog.String("query", r.URL.RawQuery))
			}
			if rw.cache != "" {
				attrs = append(attrs, slog.String("cache", rw.cache))
			}
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(rw, r)
	})
}

// recoverPanics turns a panic in a handler into a logged 500, so that no
// panic reaches a client as a dropped connection. http.ErrAbortHandler is
// passed on: it is how a handler deliberately aborts a response.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			s.metrics.Panics.Inc()
			s.log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if rw, ok := w.(*recorder); ok && rw.status != 0 {
				// Headers are gone: all we can do is cut the response short.
				panic(http.ErrAbortHandler)
			}
			s.writeError(w, http.StatusInternalServerError, "internal error")
		}()
		next.ServeHTTP(w, r)
	})
}

// CORS header values, shared by every response; nobody may modify them.
var (
	corsAllowOrigin = []string{"*"}
	corsExpose      = []string{"ETag, Content-Length, Retry-After"}
)

// setCORS sets the CORS headers of a response to anything but a preflight:
// the one place they are decided, for the middleware and the fast lane.
func setCORS(h http.Header) {
	h["Access-Control-Allow-Origin"] = corsAllowOrigin
	h["Access-Control-Expose-Headers"] = corsExpose
}

// cors lets pages on any origin read every route: all are read-only.
// Preflight requests are answered here, for every path.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Method == http.MethodOptions {
			h["Access-Control-Allow-Origin"] = corsAllowOrigin
			setRoute(w, "preflight")
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", "If-None-Match, Range, Cache-Control")
			}
			h.Set("Access-Control-Max-Age", "86400")
			h.Set("Allow", "GET, HEAD, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		setCORS(h)
		next.ServeHTTP(w, r)
	})
}

// limits rejects over-long URLs and request bodies before routing.
func (s *Server) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.RequestURI); n > MaxURLBytes {
			setRoute(w, "too_long")
			e := api.BadPart("url", r.RequestURI, "longer than "+strconv.Itoa(MaxURLBytes)+" bytes")
			e.Status = http.StatusRequestURITooLong
			s.fail(w, r, e)
			return
		}
		if r.ContentLength > MaxBodyBytes {
			setRoute(w, "too_large")
			e := api.BadPart("body", strconv.FormatInt(r.ContentLength, 10)+" bytes", "larger than "+strconv.Itoa(MaxBodyBytes)+" bytes")
			e.Status = http.StatusRequestEntityTooLarge
			s.fail(w, r, e)
			return
		}
		if r.ContentLength != 0 && r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		}
		next.ServeHTTP(w, r)
	})
}

// withTimeout bounds the work of a request that has to render.
func (s *Server) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.RenderTimeout)
}
