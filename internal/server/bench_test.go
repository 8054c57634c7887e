package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so benchmarks
// measure the server rather than a recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }

// benchServe requests path from s b.N times through the whole handler
// (router, middleware, metrics; logs off) and checks the status.
func benchServe(b *testing.B, s *Server, path string, want int) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &discardWriter{h: http.Header{}}
	s.ServeHTTP(w, req) // warm up
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		s.ServeHTTP(w, req)
		if w.status != want {
			b.Fatalf("status %d", w.status)
		}
	}
}

func benchServer(b *testing.B, cfg Config) *Server {
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, _ := newServer(b, "", cfg)
	return s
}

// BenchmarkTileHit is the warm path: a tile served from the cache.
func BenchmarkTileHit(b *testing.B) {
	benchServe(b, benchServer(b, Config{}), "/tiles/all/1944-06-25/8/208/108.png", http.StatusOK)
}

// BenchmarkTileRevalidate is a CDN revalidating a cached tile: a 304.
func BenchmarkTileRevalidate(b *testing.B) {
	s := benchServer(b, Config{})
	const path = "/tiles/all/1944-06-25/8/208/108.png"
	req := httptest.NewRequest(http.MethodGet, path, nil)
	w := &discardWriter{h: http.Header{}}
	s.ServeHTTP(w, req)
	req.Header.Set("If-None-Match", w.h.Get("Etag"))
	benchServeReq(b, s, req, http.StatusNotModified)
}

func benchServeReq(b *testing.B, s *Server, req *http.Request, want int) {
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status = 0
		s.ServeHTTP(w, req)
		if w.status != want {
			b.Fatalf("status %d", w.status)
		}
	}
}

// BenchmarkTileEmpty serves the shared empty tile of a known empty address.
func BenchmarkTileEmpty(b *testing.B) {
	benchServe(b, benchServer(b, Config{}), "/tiles/all/1944-06-25/8/0/0.png", http.StatusOK)
}

// BenchmarkTileRender is the baseline the cache pays off against: caching
// disabled, so every request plans, draws and encodes the tile.
func BenchmarkTileRender(b *testing.B) {
	benchServe(b, benchServer(b, Config{CacheBytes: -1}), "/tiles/all/1944-06-25/8/208/108.png", http.StatusOK)
}
