package server

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/canon"
	"github.com/xiang-maps/xiang/internal/fastlane"
)

// FastLane starts a fast lane on ln with s as its Responder, logging to s's
// logger unless cfg names another, and returns the listener an http.Server
// with s as its handler must serve, with fastlane.ConnContext as its
// ConnContext (so that a cold tile handed over is parsed and looked up
// once) and fastlane.ConnState as its ConnState (so that a connection
// handed over comes back to the fast lane between requests):
//
//	fl := s.FastLane(ln, fastlane.Config{})
//	hs := &http.Server{Handler: s, ConnContext: fastlane.ConnContext, ConnState: fastlane.ConnState}
//	go hs.Serve(fl)
//	…
//	hs.Shutdown(ctx); fl.Close(); fl.Wait(ctx)
func (s *Server) FastLane(ln net.Listener, cfg fastlane.Config) *fastlane.Listener {
	if cfg.Logger == nil {
		cfg.Logger = s.log
	}
	return fastlane.Listen(ln, s, cfg)
}

var _ fastlane.Responder = (*Server)(nil)

// tileNote is what the fast lane learned of a tile request it handed over:
// the parsed request (or why it is bad) and, when the address was looked
// up, the generation of the data it was looked up in.
type tileNote struct {
	req    api.TileRequest
	err    error
	looked uint64 // data generation of the failed lookup; 0: none
}

// varsPool holds scratch maps for the fast lane's tile path parameters.
var varsPool = sync.Pool{New: func() any { return make(map[string]string, 5) }}

// Respond answers a warm tile request for the fast lane: a GET or HEAD of
// a tile whose address is in the index and whose bytes are cached, with
// the same bytes net/http would send (Date aside). It counts the request
// in the metrics and logs it at debug level. Any other request is
// declined; a tile request is declined with a note of its parse, and of
// the failed lookup, for handleTile to reuse. Safe for concurrent use.
func (s *Server) Respond(req *fastlane.Request) (fastlane.Response, bool) {
	start := time.Now()
	if len(req.Target) > MaxURLBytes {
		return fastlane.Response{}, false
	}
	p, ok := memo.Get(req.Target, s.cfg.MaxZoom)
	if !ok {
		target := string(req.Target)
		path, rawQuery, _ := strings.Cut(target, "?")
		rest, ok := strings.CutPrefix(path, "/tiles/")
		if !ok {
			return fastlane.Response{}, false
		}
		vars := varsPool.Get().(map[string]string)
		clear(vars)
		n, ok := api.TileVars(rest, vars)
		if !ok {
			varsPool.Put(vars)
			return fastlane.Response{}, false
		}
		tr, err := api.ParseTileRequest(vars, rawQuery, s.cfg.MaxZoom)
		varsPool.Put(vars)
		if err != nil {
			req.Note = &tileNote{err: err}
			return fastlane.Response{}, false
		}
		p = api.ParsedTile{Request: tr, Summary: n == 4, MaxZoom: s.cfg.MaxZoom}
		memo.Put(target, p)
	}
	tr := p.Request
	d := s.data.Load()
	e, empty, ok := s.warm(d, tileAddr(d, tr), tr.Scale)
	if !ok {
		req.Note = &tileNote{req: tr, looked: d.gen}
		return fastlane.Response{}, false
	}
	status, route := http.StatusOK, "tile"
	if p.Summary {
		route = "tile_summary"
	}
	w := s.wire(e)
	res := fastlane.Response{Head: w.OK, Body: e.Body}
	switch {
	case s.redirects():
		path, _, _ := strings.Cut(string(req.Target), "?")
		h := http.Header{}
		setCORS(h)
		status, res = http.StatusFound, fastlane.Response{Head: canon.Head(canon.LocationOf(path, e, tr.Scale), h)}
	case len(req.IfNoneMatch) > 0 && api.ETagMatch(req.IfNoneMatch, e.ETag):
		status, res = http.StatusNotModified, fastlane.Response{Head: w.NotModified}
	}
	// Counted before the write, so that a client that has read the response
	// finds it counted.
	s.metrics.Observe(route, status, time.Since(start))
	if s.log.Enabled(context.Background(), slog.LevelDebug) {
		cache := "hit"
		if empty {
			cache = "empty"
		}
		path, _, _ := strings.Cut(string(req.Target), "?")
		s.log.Debug("request", "method", req.Method, "path", path, "route", route,
			"status", status, "cache", cache, "lane", "fast", "remote", req.RemoteAddr.String())
	}
	return res, true
}

// memo is the process's parses of tile targets: a parse depends only on
// the target and the maximum zoom, so every Server in the process shares it.
var memo api.TileMemo

// tileAddr is the index address of a parsed tile request in d.
func tileAddr(d *dataset, tr api.TileRequest) addrKey {
	return addrKey{gen: d.gen, layers: tr.Layers, day: tr.Day,
		z: uint32(tr.Tile.Z), x: tr.Tile.X, y: tr.Tile.Y, scale: uint8(tr.Scale)}
}

// wire returns e's prepared heads, built on first use from the same
// headers serveEntry and the CORS middleware set.
func (s *Server) wire(e *api.Entry) *api.Heads {
	if w := e.Wire.Load(); w != nil {
		return w
	}
	head := func(status int) []byte {
		h := http.Header{}
		setCORS(h)
		e.SetHeader(h, s.headers.Tile, status)
		var b bytes.Buffer
		b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
		h.Write(&b)
		return b.Bytes()
	}
	w := &api.Heads{OK: head(http.StatusOK), NotModified: head(http.StatusNotModified)}
	e.Wire.Store(w)
	return w
}
