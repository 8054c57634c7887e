package server

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/archives"
	"github.com/xiang-maps/xiang/internal/canon"
	"github.com/xiang-maps/xiang/internal/maplibre"
	"github.com/xiang-maps/xiang/internal/metrics"
	"github.com/xiang-maps/xiang/internal/sharedcache"
	"github.com/xiang-maps/xiang/internal/slots"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/internal/wmts"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/cache"
)

// Defaults for the zero values of Config.
const (
	DefaultCacheBytes       = 256 << 20
	DefaultImageCacheBytes  = 32 << 20
	DefaultMaxZoom          = 20
	DefaultRenderTimeout    = 10 * time.Second
	DefaultAnimationTimeout = 30 * time.Second
	DefaultTileMaxAge       = 24 * time.Hour
	DefaultTitle            = "Campaign map"
	DefaultLoadTimeout      = time.Minute
	// DefaultMaxImagesPerClient is the default of
	// Config.MaxImagesPerClient.
	DefaultMaxImagesPerClient = 2
)

// ErrLoadTimeout is wrapped by the error of a load or reload that did not
// finish within Config.LoadTimeout (a hung network file system, say). The
// load goes on in the background; its result is discarded.
var ErrLoadTimeout = errors.New("server: loading the data timed out")

// BaseMapNone is the Config.BaseMap value that makes the viewer draw the
// campaign's own context layer as its base map, with no outside tiles.
const BaseMapNone = "none"

// MaxURLBytes bounds the length of a request URI (path and query); longer
// requests get a 414 before any routing.
const MaxURLBytes = 2048

// MaxBodyBytes bounds a request body. Every route is a GET, so any body is
// unexpected; a larger one gets a 413.
const MaxBodyBytes = 4 << 10

// Config configures a Server. Only Load is required; every other zero value
// means the documented default.
type Config struct {
	// Load loads and validates the campaign to serve. New calls it once and
	// Reload again each time; it must be safe to call from any goroutine.
	Load func() (*overlays.Campaign, error)
	// Source describes where Load reads from ("embedded campaign", a
	// directory), for logs and /healthz.
	Source string
	// CacheBytes bounds the memory of the tile cache, in bytes: 1/16 for
	// the index from tile addresses to contents, 1/128 for the index from
	// tile bytes to contents, the rest for encoded tiles.
	// Zero means DefaultCacheBytes; a negative value disables caching
	// (concurrent requests for one tile still share its render).
	CacheBytes int64
	// MaxZoom is the deepest zoom level served, 1 to geo.MaxZoom; zero
	// means DefaultMaxZoom.
	MaxZoom int
	// MaxRenders bounds how many tiles are planned and rendered at once;
	// zero means runtime.GOMAXPROCS(0). Tiles have these slots to
	// themselves, so expensive images cannot starve them.
	MaxRenders int
	// MaxImageRenders bounds how many static images, animations, printed
	// sheets and GeoJSON exports are drawn at once, in slots apart from
	// the tiles'; zero means half of GOMAXPROCS, at least 1.
	MaxImageRenders int
	// MaxImagesPerClient bounds how many of those expensive requests one
	// client (one IP address) may have waiting or drawing at once; more
	// get a 429 with Retry-After. Cache hits are not counted. Zero means
	// DefaultMaxImagesPerClient; a negative value means no bound (behind a
	// proxy, where every client has the proxy's address).
	MaxImagesPerClient int
	// RenderTimeout bounds how long a request waits for a render slot and
	// its render; zero means DefaultRenderTimeout. A request that waits
	// longer gets a 503, and the render, once started, still finishes and
	// is cached.
	RenderTimeout time.Duration
	// TileMaxAge is the max-age of tiles in Cache-Control; zero means
	// DefaultTileMaxAge.
	TileMaxAge time.Duration
	// ImageCacheBytes bounds the memory of the cache of static images and
	// animated GIFs, in bytes. Zero means DefaultImageCacheBytes; a negative
	// value disables it (concurrent requests for one image still share its
	// render).
	ImageCacheBytes int64
	// AnimationTimeout bounds how long a request waits for a render slot
	// and the frames of an animated GIF; zero means
	// DefaultAnimationTimeout. An animation that takes longer is abandoned
	// with a 503.
	AnimationTimeout time.Duration
	// PublicURL is the scheme and host (and path prefix, if any) clients
	// reach the server at, for the URLs in TileJSON, the legend, the viewer
	// and oEmbed, e.g. "https://tiles.example.org". Empty means the
	// request's own Host.
	PublicURL string
	// Title names the campaign in the viewer's page and in oEmbed; empty
	// means DefaultTitle.
	Title string
	// BaseMap is the XYZ URL template ({z}, {x}, {y}, optionally {s} and
	// {r}) of the viewer's base map. Empty means web.DefaultBase
	// (OpenStreetMap); BaseMapNone means the campaign's context layer, with
	// no outside tiles. The viewer falls back to the context layer when the
	// base map's tiles fail to load.
	BaseMap string
	// BaseMapAttribution credits BaseMap, as HTML. Empty with the default
	// base map means web.DefaultBase's attribution.
	BaseMapAttribution string
	// LoadTimeout bounds how long New and Reload wait for Load; zero means
	// DefaultLoadTimeout. A load that takes longer is abandoned (its
	// goroutine is left to finish, its result discarded) with an error
	// wrapping ErrLoadTimeout, and until it finishes Reload fails at once.
	LoadTimeout time.Duration
	// Logger receives request logs and errors; nil means slog.Default().
	Logger *slog.Logger
	// Archives, when set, is a directory of archives written by `xiang
	// seed` to serve instead of rendering: tiles, TileJSON, /api/archives,
	// /healthz and /metrics, with the headers of rendered tiles; Load is
	// not used. Reload opens the directory again.
	Archives string
	// CanonicalRedirects answers a tile address with a short-lived
	// redirect to its content's immutable address, /tiles/k/{key}.png
	// (docs/deploy.md).
	CanonicalRedirects bool
	// Shared, when set, keeps rendered tiles where other replicas find
	// them (sharedcache.Redis), behind the in-process cache.
	Shared sharedcache.Store
}

// Server serves one campaign over HTTP. It is an http.Handler, safe for
// concurrent use; build it with New.
type Server struct {
	cfg    Config
	log    *slog.Logger
	data   atomic.Pointer[dataset]
	gen    atomic.Uint64
	reload sync.Mutex // serializes Reload; held for at most LoadTimeout and a swap
	// loading holds a token while a load runs, even one abandoned by
	// Reload or New: it serializes loads.
	loading chan struct{}
	tiles   *cache.Cache[tiles.Key, *api.Entry]
	index   *cache.Cache[addrKey, tileRef]
	bodies  *cache.Cache[uint64, tiles.Key]    // hash of a tile's bytes → key of its entry
	images  *cache.Cache[imageKey, *api.Entry] // static images and animations
	// swatches are the legend's swatch PNGs by entry id and scale (1, 2),
	// drawn on first use.
	swatches func() map[string][3]*api.Entry
	seed     maphash.Seed
	slots    *slots.Pool // tile slots: plans and renders
	// imageSlots are the slots of static images, animations, prints and
	// exports.
	imageSlots *slots.Pool
	clients    slots.Clients // expensive requests under way, by client
	bufs       sync.Pool     // *bytes.Buffer for encoding
	metrics    *metrics.Set
	headers    api.CacheControls
	policy     string // the pages' Content-Security-Policy (web.Policy)
	handler    http.Handler

	// onRender, when set, is called by every render with its slot held;
	// tests use it to hold renders back. onImage is the same for images,
	// animations, prints and exports.
	onRender, onImage func()

	// archives are what a server of archives (Config.Archives) serves.
	archives atomic.Pointer[archives.Set]
	shared   sharedcache.Tiles
	maplibre *maplibre.Handler // vector tiles (internal/maplibre)
}

var _ http.Handler = (*Server)(nil)

// New loads the campaign with cfg.Load and returns a server for it, or the
// load's error (an *overlays.ValidationErrors for invalid data).
func New(cfg Config) (*Server, error) {
	if cfg.Load == nil && cfg.Archives == "" {
		return nil, errors.New("server: Config.Load is nil")
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.MaxZoom == 0 {
		cfg.MaxZoom = DefaultMaxZoom
	}
	if cfg.MaxZoom < 0 || cfg.MaxZoom > geo.MaxZoom {
		return nil, fmt.Errorf("server: max zoom %d: want 1 to %d", cfg.MaxZoom, geo.MaxZoom)
	}
	if cfg.MaxRenders <= 0 {
		cfg.MaxRenders = runtime.GOMAXPROCS(0)
	}
	if cfg.MaxImageRenders <= 0 {
		cfg.MaxImageRenders = max(runtime.GOMAXPROCS(0)/2, 1)
	}
	if cfg.MaxImagesPerClient == 0 {
		cfg.MaxImagesPerClient = DefaultMaxImagesPerClient
	}
	if cfg.RenderTimeout <= 0 {
		cfg.RenderTimeout = DefaultRenderTimeout
	}
	if cfg.TileMaxAge <= 0 {
		cfg.TileMaxAge = DefaultTileMaxAge
	}
	if cfg.ImageCacheBytes == 0 {
		cfg.ImageCacheBytes = DefaultImageCacheBytes
	}
	if cfg.AnimationTimeout <= 0 {
		cfg.AnimationTimeout = DefaultAnimationTimeout
	}
	if cfg.LoadTimeout <= 0 {
		cfg.LoadTimeout = DefaultLoadTimeout
	}
	if cfg.Title == "" {
		cfg.Title = DefaultTitle
	}
	if cfg.BaseMap == "" {
		cfg.BaseMap = web.DefaultBase.URL
		if cfg.BaseMapAttribution == "" {
			cfg.BaseMapAttribution = web.DefaultBase.Attribution
		}
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("server: public URL %q: want http(s)://host[/prefix]", cfg.PublicURL)
		}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	budget := max(cfg.CacheBytes, 0)
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		tiles:   cache.New(budget-budget/16-budget/128, entrySize),
		index:   cache.New(budget/16, refSize),
		bodies:  cache.New(budget/128, func(uint64, tiles.Key) int64 { return bodyRefSize }),
		images:  cache.New(max(cfg.ImageCacheBytes, 0), imageSize),
		seed:    maphash.MakeSeed(),
		loading: make(chan struct{}, 1),
		bufs:    sync.Pool{New: func() any { return new(bytes.Buffer) }},
		headers: api.NewCacheControls(cfg.TileMaxAge),
		policy:  web.Policy(cfg.BaseMap),
		shared:  sharedcache.Tiles{Store: cfg.Shared},
	}
	s.swatches = sync.OnceValue(s.drawSwatches)
	s.metrics = metrics.New(map[string]func() cache.Stats{
		"tile": s.tiles.Stats, "tile_index": s.index.Stats, "tile_bytes": s.bodies.Stats, "image": s.images.Stats,
	})
	s.slots = slots.NewPool(cfg.MaxRenders, s.metrics.InFlight)
	s.imageSlots = slots.NewPool(cfg.MaxImageRenders, s.metrics.InFlight)
	s.maplibre = maplibre.New(maplibre.Deps{Data: s.maplibreData, Fail: s.fail, BaseURL: s.baseURL,
		Headers: s.headers, Slots: s.slots, Timeout: cfg.RenderTimeout, CacheBytes: min(cfg.CacheBytes/8, cfg.CacheBytes)})
	if cfg.Archives != "" {
		return s.startArchives()
	}
	d, err := s.loadWithin()
	if err != nil {
		return nil, err
	}
	s.data.Store(d)
	s.metrics.Loaded(d.gen, d.loaded, d.version)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Reload loads the campaign again and, when it loads and validates, serves
// it from then on; requests already under way finish with the data they
// started with. When the new data is invalid, or the load takes longer
// than Config.LoadTimeout, Reload logs one line (how many problems, and
// the first; or the error, cut to 512 bytes), keeps serving the old data
// and returns the error.
func (s *Server) Reload() error {
	s.reload.Lock()
	defer s.reload.Unlock()
	if s.cfg.Archives != "" {
		return s.reloadArchives()
	}
	d, err := s.loadWithin()
	if err != nil {
		s.metrics.Reloads.WithLabelValues("error").Inc()
		old := s.data.Load()
		// One line, bounded whatever the data: the count of problems and
		// the first one.
		attrs := []any{"source", s.cfg.Source, "version", old.version, "generation", old.gen}
		var ve *overlays.ValidationErrors
		if errors.As(err, &ve) && len(ve.Problems) > 0 {
			attrs = append(attrs, "problems", ve.Len(), "first", truncate(ve.Problems[0].Error(), maxLoggedError))
		} else {
			attrs = append(attrs, "err", truncate(err.Error(), maxLoggedError))
		}
		s.log.Error("reload rejected; still serving the previous data", attrs...)
		return err
	}
	old := s.data.Swap(d)
	// Addresses of the old generation can no longer be hit; contents are
	// keyed by what they show, so tiles that did not change stay cached.
	s.index.Purge()
	s.metrics.Reloads.WithLabelValues("ok").Inc()
	s.metrics.Loaded(d.gen, d.loaded, d.version)
	s.log.Info("reloaded", "source", s.cfg.Source, "version", d.version, "generation", d.gen,
		"previous", old.version, "layers", len(d.campaign.Layers), "features", d.campaign.Features())
	return nil
}

// loadWithin loads the data in another goroutine and waits for it for at
// most cfg.LoadTimeout: a read that never returns (a FIFO, a hung network
// file system) must not hang the caller, which may be the loop that
// handles SIGTERM. A load still running from an abandoned call makes it
// fail at once.
func (s *Server) loadWithin() (*dataset, error) {
	timer := time.NewTimer(s.cfg.LoadTimeout)
	defer timer.Stop()
	select {
	case s.loading <- struct{}{}:
	case <-timer.C:
		return nil, fmt.Errorf("%w: an earlier load is still running after %s", ErrLoadTimeout, s.cfg.LoadTimeout)
	}
	type result struct {
		d   *dataset
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-s.loading }()
		d, err := s.load()
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-timer.C:
		return nil, fmt.Errorf("%w: still loading after %s", ErrLoadTimeout, s.cfg.LoadTimeout)
	}
}

// maxLoggedError bounds the bytes of an error message in one log line.
const maxLoggedError = 512

// truncate cuts s to at most n bytes, on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Version returns the version of the data being served: a hash of its
// content, as /healthz reports it.
func (s *Server) Version() string { return s.data.Load().version }

// maplibreData is the data served now, as internal/maplibre sees it.
func (s *Server) maplibreData() maplibre.Data {
	d := s.data.Load()
	return maplibre.Data{Gen: d.gen, Campaign: d.campaign, Renderer: d.renderer, Version: d.version}
}

// routes is the one place every route is declared.
func (s *Server) routes() http.Handler {
	r := mux.NewRouter()
	r.SkipClean(true) // "//" and "/../" are bad requests, not redirects
	// Match the path as sent: an escaped "/" or "," inside a segment stays
	// in that segment, to be rejected by the parser that reads it.
	r.UseEncodedPath()
	r.NotFoundHandler = http.HandlerFunc(s.notFound)
	r.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	get := []string{http.MethodGet, http.MethodHead}

	s.maplibre.Routes(r, s.route) // before /tiles/{layers}/{z}/{x}/{file}, which would take .mvt
	r.HandleFunc(canon.Route, s.route("tile_content", s.handleContent)).Methods(get...)
	r.HandleFunc("/tiles/{layers}/{date}/{z}/{x}/{file}", s.route("tile", s.handleTile)).Methods(get...)
	r.HandleFunc("/tiles/{layers}/{z}/{x}/{file}", s.route("tile_summary", s.handleTile)).Methods(get...)
	r.HandleFunc("/tiles/{file}", s.route("tilejson", s.handleTileJSON)).Methods(get...)
	r.PathPrefix("/tiles/").HandlerFunc(s.route("tile_bad", s.badTilePath)).Methods(get...)
	r.HandleFunc("/api/layers", s.route("layers", s.handleLayers)).Methods(get...)
	r.HandleFunc("/api/layers/{file:[^/]+\\.(?:kml|kmz|csv)}", s.route("layer_export", s.handleLayerExport)).Methods(get...)
	r.HandleFunc("/api/layers/{file}", s.route("layer_geojson", s.handleLayerGeoJSON)).Methods(get...)
	r.HandleFunc(wmts.Path, s.route("wmts", s.handleWMTS)).Methods(get...)
	r.HandleFunc("/api/events", s.route("events", s.handleEvents)).Methods(get...)
	r.HandleFunc("/api/legend", s.route("legend", s.handleLegend)).Methods(get...)
	r.HandleFunc("/api/legend/{file}", s.route("legend_swatch", s.handleSwatch)).Methods(get...)
	r.HandleFunc("/static/{layers}/{view}/{file}", s.route("static", s.handleStatic)).Methods(get...)
	r.PathPrefix("/static/").HandlerFunc(s.route("static_bad", s.badImagePath)).Methods(get...)
	r.HandleFunc("/animate/{layers}/{view}/{file}", s.route("animate", s.handleAnimate)).Methods(get...)
	r.PathPrefix("/animate/").HandlerFunc(s.route("animate_bad", s.badImagePath)).Methods(get...)
	r.HandleFunc("/print/{file}", s.route("print", s.handlePrint)).Methods(get...)
	r.HandleFunc("/atlas/{file}", s.route("atlas", s.handleAtlas)).Methods(get...)
	r.HandleFunc("/", s.route("viewer", s.handleViewer(false))).Methods(get...)
	r.HandleFunc(embedPath, s.route("embed", s.handleViewer(true))).Methods(get...)
	r.HandleFunc("/oembed", s.route("oembed", s.handleOEmbed)).Methods(get...)
	r.HandleFunc(storyPath, s.route("story", s.handleStory)).Methods(get...)
	r.HandleFunc(storyScriptPath, s.route("story_script", s.handleStoryScript)).Methods(get...)
	r.PathPrefix(web.AssetsPath + "/").Handler(s.route("assets", http.StripPrefix(web.AssetsPath, web.Assets()).ServeHTTP)).Methods(get...)
	r.HandleFunc("/healthz", s.route("healthz", s.handleHealth)).Methods(get...)
	r.Handle("/metrics", s.route("metrics", s.metrics.Handler().ServeHTTP)).Methods(get...)

	// Outermost first: log and count every response, including those of
	// recovered panics; then recovery; CORS on everything, errors included;
	// then the size limits, before the router sees the request.
	return s.logRequests(s.recoverPanics(s.cors(s.limits(r))))
}
