package server

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// archiveKey is what one archive holds: a layer set (ids sorted, joined by
// commas), a date (geo.NoDay for the summary map) and a scale.
type archiveKey struct {
	layers string
	day    geo.Day
	scale  int
}

// archiveSet is the archives of Config.Archives, by what they hold. It is
// immutable; a reload builds a new one.
type archiveSet struct {
	byKey map[archiveKey]*seed.Archive
	// all is the layer set of archives seeded with every layer, which
	// the layer list "all" names ("" if none).
	all     string
	version string // hash of the archives' job ids
	list    []archiveInfo
}

// archiveInfo describes one archive for /api/archives and for messages.
type archiveInfo struct {
	File    string     `json:"file"`
	Layers  string     `json:"layers"`
	All     bool       `json:"all,omitempty"`
	Date    string     `json:"date,omitempty"`
	Scale   int        `json:"scale"`
	MinZoom int        `json:"minzoom"`
	MaxZoom int        `json:"maxzoom"`
	Bounds  [4]float64 `json:"bounds"`
}

// setKey is the canonical form of a list of layer ids: sorted, joined.
func setKey(ids string) string {
	parts := strings.Split(ids, ",")
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}

// openArchives opens every .pmtiles and .mbtiles archive of `xiang seed`
// in dir. A file that is not one is an error naming it; two archives of
// the same layers, date and scale are too.
func openArchives(dir string) (*archiveSet, error) {
	var paths []string
	for _, ext := range []string{"*.pmtiles", "*.mbtiles"} {
		m, err := filepath.Glob(filepath.Join(dir, ext))
		if err != nil {
			return nil, err
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("archives: %w", err)
		}
		return nil, fmt.Errorf("archives: %s holds no .pmtiles or .mbtiles file (write some with xiang seed)", dir)
	}
	slices.Sort(paths)
	set := &archiveSet{byKey: map[archiveKey]*seed.Archive{}}
	h := sha256.New()
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue // a seed's temporary file
		}
		a, err := seed.Open(p)
		if err != nil {
			set.close()
			return nil, fmt.Errorf("archives: %w", err)
		}
		x := a.Xiang
		day := geo.NoDay
		if x.Date != "" {
			if day, err = geo.ParseDay(x.Date); err != nil {
				a.Close()
				set.close()
				return nil, fmt.Errorf("archives: %s: %w", p, err)
			}
		}
		k := archiveKey{layers: setKey(x.Layers), day: day, scale: max(x.Scale, 1)}
		if old, dup := set.byKey[k]; dup {
			a.Close()
			set.close()
			return nil, fmt.Errorf("archives: %s and %s both hold layers %s on %s at scale %d", old.Path, p, x.Layers, cmp.Or(x.Date, "the summary map"), k.scale)
		}
		set.byKey[k] = a
		if x.All {
			set.all = k.layers
		}
		h.Write([]byte(x.Job))
		d := a.Description
		set.list = append(set.list, archiveInfo{File: filepath.Base(p), Layers: x.Layers, All: x.All, Date: x.Date,
			Scale: k.scale, MinZoom: d.MinZoom, MaxZoom: d.MaxZoom, Bounds: d.Bounds})
	}
	set.version = hex.EncodeToString(h.Sum(nil)[:6])
	return set, nil
}

// close closes every archive of the set.
func (set *archiveSet) close() {
	for _, a := range set.byKey {
		a.Close()
	}
}

// archiveGrace is how long the archives of a replaced set stay open for
// the requests still reading them.
const archiveGrace = time.Minute

// find returns the archive of a layer list (as written in the URL), day
// and scale, or a 404 naming what was seeded.
func (set *archiveSet) find(layers string, day geo.Day, scale int) (*seed.Archive, error) {
	k := archiveKey{layers: setKey(layers), day: day, scale: scale}
	if layers == "all" {
		k.layers = set.all
	}
	if a, ok := set.byKey[k]; ok {
		return a, nil
	}
	var sets, dates []string
	for key := range set.byKey {
		name := key.layers
		if key.layers == set.all {
			name = "all"
		}
		if !slices.Contains(sets, name) {
			sets = append(sets, name)
		}
		if key.layers == k.layers && key.scale == scale {
			dates = append(dates, cmp.Or(dayName(key.day), "summary"))
		}
	}
	slices.Sort(sets)
	slices.Sort(dates)
	what := dayName(day)
	if what == "" {
		what = "the summary map"
	}
	msg := fmt.Sprintf("layers %s on %s at @%dx: not seeded; ", api.Quote(layers), what, scale)
	if len(dates) == 0 {
		msg += "seeded layer sets: " + limitList(sets)
	} else {
		msg += "seeded dates of these layers: " + limitList(dates)
	}
	return nil, &api.Error{Status: http.StatusNotFound, Part: "archive", Msg: msg}
}

// dayName is a day as YYYY-MM-DD, or "" for geo.NoDay.
func dayName(d geo.Day) string {
	if d == geo.NoDay {
		return ""
	}
	return d.String()
}

// limitList joins at most 40 items, saying how many more there are.
func limitList(items []string) string {
	const n = 40
	if len(items) > n {
		return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more (see /api/archives)", len(items)-n)
	}
	return strings.Join(items, ", ")
}

// loadArchives opens Config.Archives as a new generation: a dataset that
// holds only what the tile paths (the handler's and the fast lane's) need.
func (s *Server) loadArchives() (*dataset, *archiveSet, error) {
	set, err := openArchives(s.cfg.Archives)
	if err != nil {
		return nil, nil, err
	}
	d := &dataset{gen: s.gen.Add(1), version: set.version, loaded: time.Now()}
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
	s.log.Debug("archives opened", "dir", s.cfg.Archives, "archives", len(set.byKey), "version", set.version)
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
	time.AfterFunc(archiveGrace, old.close)
	s.metrics.Reloads.WithLabelValues("ok").Inc()
	s.metrics.Loaded(d.gen, d.loaded, d.version)
	s.log.Info("reloaded archives", "dir", s.cfg.Archives, "archives", len(set.byKey), "version", set.version)
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
	a, err := s.archives.Load().find(req.Layers, req.Day, req.Scale)
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
	file := mux.Vars(r)["file"]
	spec, ok := strings.CutSuffix(file, ".json")
	if !ok {
		s.fail(w, r, api.BadPart("extension", filepath.Ext(file), "want .json for TileJSON; tiles are /tiles/{layers}/{date}/{z}/{x}/{y}.png"))
		return
	}
	spec, err := api.CheckLayers(spec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	day := geo.NoDay
	date, has, err := api.QueryDate(r.URL.RawQuery)
	if err == nil && has {
		day, err = api.ParseDay(date)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set := s.archives.Load()
	scale, a, err := 1, (*seed.Archive)(nil), error(nil)
	if a, err = set.find(spec, day, 1); err != nil {
		if a2, err2 := set.find(spec, day, 2); err2 == nil {
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
	desc := a.Description
	tj := api.TileJSON{TileJSON: "3.0.0", Name: desc.Name, Description: desc.Description,
		Attribution: html.EscapeString(desc.Attribution), Scheme: "xyz", Tiles: []string{tmpl},
		MinZoom: desc.MinZoom, MaxZoom: desc.MaxZoom, Bounds: desc.Bounds, Center: desc.Center,
		Date: date, DataVersion: a.Xiang.Job}
	body, err := json.Marshal(tj)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, api.NewEntry(append(body, '\n'), api.ContentTypeJSON, api.ETagOf(body)), s.headers.Meta)
}

// handleArchiveList serves /api/archives: what is seeded.
func (s *Server) handleArchiveList(w http.ResponseWriter, r *http.Request) {
	set := s.archives.Load()
	body, err := json.Marshal(struct {
		Version  string        `json:"version"`
		Archives []archiveInfo `json:"archives"`
	}{set.version, set.list})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, api.NewEntry(append(body, '\n'), api.ContentTypeJSON, api.ETagOf(body)), s.headers.Meta)
}

// handleArchiveHealth serves /healthz for a server of archives.
func (s *Server) handleArchiveHealth(w http.ResponseWriter, r *http.Request) {
	set, d := s.archives.Load(), s.data.Load()
	body, err := json.Marshal(struct {
		Status     string `json:"status"`
		Version    string `json:"version"`
		Generation uint64 `json:"generation"`
		Loaded     string `json:"loaded"`
		Source     string `json:"source"`
		Archives   int    `json:"archives"`
	}{"ok", set.version, d.gen, d.loaded.UTC().Format(time.RFC3339), s.cfg.Archives, len(set.byKey)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, api.NewEntry(append(body, '\n'), api.ContentTypeJSON, api.ETagOf(body)), s.headers.NoStore)
}
