// Package maplibre is xiang's MapLibre face over HTTP: vector tiles with
// every date (docs/vector.md) and their TileJSON, and the style, sprite
// and glyphs that draw them (styles.go). The server constructs a Handler
// with New and lets it add its routes to the router (Routes).
package maplibre

import (
	"context"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/slots"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/cache"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// Data is one generation of the data the server serves.
type Data struct {
	// Gen changes on every load and reload: what is cached for one
	// generation is never served for another.
	Gen uint64
	// Campaign is the loaded campaign; nil for a server of archives,
	// which has no vector tiles.
	Campaign *overlays.Campaign
	// Renderer is the campaign's raster renderer: the vector tiles place
	// crowded units as its tiles do. Required with Campaign.
	Renderer *tiles.Renderer
	// Version is the version of the data, for documents.
	Version string
}

// Deps is what a Handler needs from the server.
type Deps struct {
	// Data returns the data served now. Required.
	Data func() Data
	// Fail answers a request that could not be served: 4xx JSON for an
	// *api.Error, 503 for a deadline, … Required.
	Fail func(w http.ResponseWriter, r *http.Request, err error)
	// BaseURL returns the scheme and host (and prefix) clients reach the
	// server at, for the URLs in documents. Required.
	BaseURL func(w http.ResponseWriter, r *http.Request) string
	// Headers are the server's Cache-Control values.
	Headers api.CacheControls
	// Slots, when set, bounds how many tiles are encoded (and selections
	// compiled) at once: the server's tile slots.
	Slots *slots.Pool
	// Timeout bounds how long a request waits for a slot and its work;
	// zero means 10 s.
	Timeout time.Duration
	// CacheBytes bounds the memory of encoded tiles and compiled
	// selections together; zero means 64 MiB, negative no cache.
	CacheBytes int64
}

// Handler serves xiang's MapLibre routes. It is safe for concurrent use.
type Handler struct {
	deps  Deps
	sets  *cache.Cache[setKey, *vector.Set]
	tiles *cache.Cache[tileKey, *tileEntry]
	res   *styleRes // styles, sprites and glyphs (styles.go)
}

// setKey names a compiled selection in one generation of the data.
type setKey struct {
	gen    uint64
	layers string
}

// tileKey names a tile of a selection in one generation of the data.
type tileKey struct {
	set     setKey
	z, x, y uint32
}

// New returns a Handler over deps.
func New(deps Deps) *Handler {
	if deps.Timeout <= 0 {
		deps.Timeout = 10 * time.Second
	}
	budget := deps.CacheBytes
	if budget == 0 {
		budget = 64 << 20
	}
	budget = max(budget, 0)
	return &Handler{
		deps: deps,
		// A quarter for compiled selections (a few MB each), the rest
		// for tiles.
		sets:  cache.New(budget/4, func(_ setKey, s *vector.Set) int64 { return s.Bytes() }),
		tiles: cache.New(budget-budget/4, func(_ tileKey, e *tileEntry) int64 { return e.size() }),
		res:   newStyleRes(),
	}
}

// Routes adds the handler's routes to r, each wrapped by wrap (the
// server's metrics and logging wrapper, given the route's name). Call it
// before the server's own /tiles/ routes, which would take these paths.
func (h *Handler) Routes(r *mux.Router, wrap func(name string, h http.HandlerFunc) http.HandlerFunc) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/tiles/{layers}/{z}/{x}/{y}.mvt", wrap("tile_mvt", h.serveTile)).Methods(get...)
	r.HandleFunc("/tiles/{file}", wrap("tilejson_mvt", h.serveTileJSON)).Methods(get...).Queries("format", "mvt")
	h.styleRoutes(r, wrap)
}

// withSlot runs f in a slot of deps.Slots, if any, within the request's
// time limit.
func (h *Handler) withSlot(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, h.deps.Timeout)
	defer cancel()
	if h.deps.Slots == nil {
		return f(ctx)
	}
	sl, err := h.deps.Slots.Take(ctx)
	if err != nil {
		return err
	}
	defer sl.Release()
	return f(ctx)
}

// set returns the compiled selection of layers in d, compiling it once
// for concurrent requests.
func (h *Handler) set(ctx context.Context, d Data, sel overlays.Selection) (*vector.Set, error) {
	k := setKey{gen: d.Gen, layers: sel.String()}
	s, _, err := h.sets.Do(ctx, k, func(ctx context.Context) (*vector.Set, error) {
		return vector.Compile(ctx, sel, d.Renderer, vector.Limits{})
	})
	return s, err
}
