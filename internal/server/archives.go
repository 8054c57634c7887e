package server

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/archives"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// archiveGrace is how long the archives of a replaced set stay open for
// the requests still reading them.
const archiveGrace = time.Minute

// loadArchives opens Config.Archives as a new generation: a dataset that
// holds only what the tile paths (the handler's and the fast lane's) need.
func (s *Server) loadArchives() (*dataset, *archives.Set, error) {
	set, err := archives.Open(s.cfg.Archives)
	if err != nil {
		return nil, nil, err
	}
	d := &dataset{gen: s.gen.Add(1), version: set.Version(), loaded: time.Now()}
	for _, scale := range []int{1, 2} {
		png := fastpng.Empty(geo.TileSize*scale, geo.TileSize*scale)
		d.empty[scale] = api.NewEntry(png, api.ContentTypePNG, api.ETagOf(png))
	}
	return d, set, nil
}

// startArchives finishes New for a server of archives.
func (s *Server) startArchives() (*Server, error) {
	d, set, err := s.loadArchives()
	if err != nil {
		return nil, err
	}
	s.archives.Store(set)
	s.data.Store(d)
	s.metrics.Loaded(d.gen, d.loaded, d.version)
	s.handler = s.archiveRoutes()
	s.log.Debug("archives opened", "dir", s.cfg.Archives, "archives", set.Len(), "version", set.Version())
	return s, nil
}

// reloadArchives opens the archives again, as Reload does the data.
func (s *Server) reloadArchives() error {
	d, set, err := s.loadArchives()
	if err != nil {
		s.metrics.Reloads.WithLabelValues("error").Inc()
		s.log.Error("reload rejected; still serving the previous archives", "dir", s.cfg.Archives, "err", truncate(err.Error(), maxLoggedError))
		return err
	}
	old := s.archives.Swap(set)
	s.data.Store(d)
	s.index.Purge()
	time.AfterFunc(archiveGrace, old.Close)
	s.metrics.Reloads.WithLabelValues("ok").Inc()
	s.metrics.Loaded(d.gen, d.loaded, d.version)
	s.log.Info("reloaded archives", "dir", s.cfg.Archives, "archives", set.Len(), "version", set.Version())
	return nil
}

// archiveRoutes are the routes of a server of archives: tiles, TileJSON,
// the list of archives, health and metrics.
func (s *Server) archiveRoutes() http.Handler {
	r := mux.NewRouter()
	r.SkipClean(true)
	r.UseEncodedPath()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/tiles/{layers}/{date}/{z}/{x}/{file}", s.route("tile", s.handleArchiveTile)).Methods(get...)
	r.HandleFunc("/tiles/{layers}/{z}/{x}/{file}", s.route("tile_summary", s.handleArchiveTile)).Methods(get...)
	r.HandleFunc("/tiles/{file}", s.route("tilejson", s.handleArchiveTileJSON)).Methods(get...)
	r.PathPrefix("/tiles/").HandlerFunc(s.route("tile_bad", s.badTilePath)).Methods(get...)
	r.HandleFunc("/api/archives", s.route("archives", s.handleArchiveList)).Methods(get...)
	r.HandleFunc("/healthz", s.route("healthz", s.handleArchiveHealth)).Methods(get...)
	r.Handle("/metrics", s.route("metrics", s.metrics.Handler().ServeHTTP)).Methods(get...)
	return s.logRequests(s.recoverPanics(s.cors(s.limits(r))))
}

// handleArchiveTile serves a tile from the archives, with the headers of a
// rendered tile. Its ETag is a hash of its bytes (the shared empty tile's
// for empty tiles, as when rendering); once served, the address is warm
// for the fast lane too.
func (s *Server) handleArchiveTile(w http.ResponseWriter, r *http.Request) {
	req, err := api.ParseTileRequest(mux.Vars(r), r.URL.RawQuery, s.cfg.MaxZoom)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := s.data.Load()
	addr := addrKey{gen: d.gen, layers: req.Layers, day: req.Day,
		z: uint32(req.Tile.Z), x: req.Tile.X, y: req.Tile.Y, scale: uint8(req.Scale)}
	if e, empty, ok := s.warm(d, addr, req.Scale); ok {
		setCache(w, map[bool]string{true: "empty", false: "hit"}[empty])
		api.ServeEntry(w, r, e, s.headers.Tile)
		return
	}
	a, err := s.archives.Load().Find(req.Layers, req.Day, req.Scale)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, ok, err := a.Tile(r.Context(), req.Tile)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		t := req.Tile
		s.fail(w, r, &api.Error{Status: http.StatusNotFound, Part: "tile",
			Msg: fmt.Sprintf("tile %d/%d/%d: outside the archive %s (zooms %d-%d, bounds %v)", t.Z, t.X, t.Y, filepath.Base(a.Path), a.MinZoom, a.MaxZoom, a.Bounds)})
		return
	}
	if bytes.Equal(body, d.empty[req.Scale].Body) {
		s.index.Add(addr, tileRef{empty: true})
		s.serveEmpty(w, r, d, req.Scale)
		return
	}
	sum := sha256.Sum256(body)
	var key tiles.Key
	copy(key[:], sum[:])
	e, ok := s.tiles.Get(key)
	if !ok {
		e = api.NewEntry(body, api.ContentTypePNG, tileETag(key))
		s.tiles.Add(key, e)
	}
	s.index.Add(addr, tileRef{key: key})
	setCache(w, "archive")
	api.ServeEntry(w, r, e, s.headers.Tile)
}

// handleArchiveTileJSON serves /tiles/{layers}.json[?date=] for an
// archived layer set and date: the archive's zooms and bounds.
func (s *Server) handleArchiveTileJSON(w http.ResponseWriter, r *http.Request) {
	spec, day, date, err := api.ParseLayerFile(mux.Vars(r)["file"], ".json", "want .json for TileJSON; tiles are /tiles/{layers}/{date}/{z}/{x}/{y}.png", r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := s.archives.Load()
	scale, a, err := 1, (*seed.Archive)(nil), error(nil)
	if a, err = set.Find(spec, day, 1); err != nil {
		if a2, err2 := set.Find(spec, day, 2); err2 == nil {
			scale, a, err = 2, a2, nil
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tmpl := s.baseURL(w, r) + "/tiles/" + spec
	if day != geo.NoDay {
		tmpl += "/" + date
	}
	tmpl += "/{z}/{x}/{y}" + map[int]string{1: "", 2: "@2x"}[scale] + ".png"
	tj := archives.TileJSON(a, tmpl, date)
	s.serveJSON(w, r, tj, s.headers.Meta)
}

// handleArchiveList serves /api/archives: what is seeded.
func (s *Server) handleArchiveList(w http.ResponseWriter, r *http.Request) {
	set := s.archives.Load()
	s.serveJSON(w, r, struct {
		Version  string          `json:"version"`
		Archives []archives.Info `json:"archives"`
	}{set.Version(), set.List()}, s.headers.Meta)
}

// handleArchiveHealth serves /healthz for a server of archives.
func (s *Server) handleArchiveHealth(w http.ResponseWriter, r *http.Request) {
	set, d := s.archives.Load(), s.data.Load()
	s.serveJSON(w, r, struct {
		Status     string `json:"status"`
		Version    string `json:"version"`
		Generation uint64 `json:"generation"`
		Loaded     string `json:"loaded"`
		Source     string `json:"source"`
		Archives   int    `json:"archives"`
	}{"ok", set.Version(), d.gen, d.loaded.UTC().Format(time.RFC3339), s.cfg.Archives, set.Len()}, s.headers.NoStore)
}
