package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/fastlane"
	"github.com/xiang-maps/xiang/internal/server"
	"github.com/xiang-maps/xiang/internal/sharedcache"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
)

// shutdownGrace bounds how long a stopping server waits for in-flight
// requests.
const shutdownGrace = 30 * time.Second

func runServe(e *env, args []string) error {
	fs := flagSet(e, "serve", "[flags]",
		"Serve XYZ tiles of the campaign for any date, TileJSON, the layer catalog,\n"+
			"GeoJSON, events and the legend over HTTP; the viewer with its time slider at /\n"+
			"(/embed for iframes, /oembed), static images (/static) and animated GIFs\n"+
			"(/animate), printable sheets (/print); /healthz and Prometheus /metrics.\n"+
			"SIGHUP reloads -data (invalid data is rejected and the old data kept);\n"+
			"SIGINT or SIGTERM stop the server once in-flight requests are answered.")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`, host:port")
	data := fs.String("data", "", "campaign `directory`, or a .csv/.kml/.kmz/.gpx/.geojson file or a directory of them (default: the embedded campaign)")
	cacheFlag := fs.String("cache", "256MB", "memory bound of the tile cache: a `size` such as 256MB or 1GiB; 0 disables it")
	perClient := fs.Int("images-per-client", server.DefaultMaxImagesPerClient, "`n` static images, GIFs, prints and exports one client (IP address) may have drawing or waiting at once; more get a 429; 0: no bound (behind a proxy)")
	memFlag := fs.String("memory-limit", "auto", "soft limit of the Go heap (debug.SetMemoryLimit): a `size`, auto (-cache + the image cache + 192MiB; GOMEMLIMIT wins when set) or off")
	maxZoom := fs.Int("max-zoom", server.DefaultMaxZoom, fmt.Sprintf("deepest zoom level served, 1 to %d", geo.MaxZoom))
	publicURL := fs.String("public-url", "", "`URL` clients reach the server at, for the tile URLs in TileJSON (default: the request's host)")
	title := fs.String("title", "", "`name` of the campaign in the viewer and oEmbed (default: the embedded campaign's, else \""+server.DefaultTitle+"\")")
	baseMap := fs.String("basemap", web.DefaultBase.URL, "XYZ URL `template` of the viewer's base map, or \"none\" for the campaign's context layer alone (no outside tiles)")
	baseAttr := fs.String("basemap-attribution", "", "`HTML` crediting -basemap (default: OpenStreetMap's, for the default base map)")
	logLevel := fs.String("log-level", "info", "`level` of logs: debug, info (every request), warn or error")
	logJSON := fs.Bool("log-json", false, "log JSON lines instead of text")
	archives := fs.String("archives", "", "serve the archives `directory` xiang seed wrote (tiles, TileJSON, /api/archives) instead of rendering: a read-only replica that needs no campaign data")
	canonical := fs.Bool("canonical-redirects", false, "answer tile addresses with a 60-second redirect to their content's immutable address, /tiles/k/{key}.png, so that caches in front store each distinct tile once across dates (docs/deploy.md)")
	sharedURL := fs.String("shared-cache", "", "keep rendered tiles in Redis, where every replica finds them: a `URL` redis://host:port/db")
	sharedTTL := fs.Duration("shared-cache-ttl", sharedcache.DefaultTTL, "how long a tile is kept in -shared-cache")
	maxConns := fs.Int("max-conns", fastlane.DefaultMaxConns, "`number` of open connections above which new ones are closed at once; 0 for no bound")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(fs, "unexpected argument %q", fs.Arg(0))
	}
	cacheBytes, err := parseBytes(*cacheFlag)
	if err != nil {
		return usageErr(fs, "-cache: %v", err)
	}
	if cacheBytes == 0 {
		cacheBytes = -1 // server.Config: negative disables, zero is the default
	}
	if *perClient < 0 {
		return usageErr(fs, "-images-per-client %d: want 0 (no bound) or more", *perClient)
	}
	if *perClient == 0 {
		*perClient = -1 // server.Config: negative is no bound, zero the default
	}
	memLimit, err := memoryLimit(*memFlag, cacheBytes, os.Getenv("GOMEMLIMIT") != "")
	if err != nil {
		return usageErr(fs, "-memory-limit: %v", err)
	}
	if memLimit > 0 {
		debug.SetMemoryLimit(memLimit)
	}
	if *maxConns < 0 {
		return usageErr(fs, "-max-conns %d: want 0 (no bound) or more", *maxConns)
	}
	if *maxZoom < 1 || *maxZoom > geo.MaxZoom {
		return usageErr(fs, "-max-zoom %d: want 1 to %d", *maxZoom, geo.MaxZoom)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageErr(fs, "-log-level %q: want debug, info, warn or error", *logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(e.stderr, opts)
	if *logJSON {
		h = slog.NewJSONHandler(e.stderr, opts)
	}
	log := slog.New(h)

	source := *data
	if source == "" {
		source = "embedded campaign"
		if *title == "" {
			*title = embeddedTitle
		}
	}
	if *baseMap != server.BaseMapNone && !validBaseMap(*baseMap) {
		return usageErr(fs, "-basemap %q: want an http(s) URL template with {z}, {x} and {y}, or none", *baseMap)
	}
	if *baseMap == web.DefaultBase.URL && *baseAttr == "" {
		*baseAttr = web.DefaultBase.Attribution
	}
	cfg := server.Config{
		Load:       func() (*overlays.Campaign, error) { return loadCampaign(*data) },
		Source:     source,
		CacheBytes: cacheBytes,
		MaxZoom:    *maxZoom,

		MaxImagesPerClient: *perClient,
		PublicURL:          *publicURL,
		Title:              *title,
		BaseMap:            *baseMap,
		Logger:             log,

		BaseMapAttribution: *baseAttr,
		CanonicalRedirects: *canonical,
	}
	if *sharedURL != "" {
		rc, err := sharedcache.Open(sharedcache.Config{URL: *sharedURL, TTL: *sharedTTL})
		if err != nil {
			return usageErr(fs, "-shared-cache: %v", err)
		}
		defer rc.Close()
		cfg.Shared = rc
	} else if *canonical {
		log.Warn("-canonical-redirects without -shared-cache: behind a balancer of several replicas, a content address can reach one that never drew it (404); see docs/deploy.md")
	}
	if *archives != "" {
		if *data != "" {
			return usageErr(fs, "-archives and -data: give one (archives need no data)")
		}
		cfg.Load, cfg.Archives, cfg.Source = nil, *archives, *archives
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	lane := fastlane.Config{MaxConns: *maxConns, Logger: log}
	if *maxConns == 0 {
		lane.MaxConns = -1
	}
	return serve(ctx, cfg, lane, ln, hup)
}

// serve serves cfg on ln until ctx ends, then shuts down gracefully:
// in-flight requests are answered, for up to shutdownGrace. Each value on
// reload reloads the data, in a goroutine of its own so that this loop
// always sees ctx end; reloads asked for while one runs are coalesced into
// one more. Connections are accepted through a fast lane configured by
// lane. It closes ln.
func serve(ctx context.Context, cfg server.Config, lane fastlane.Config, ln net.Listener, reload <-chan os.Signal) error {
	start := time.Now()
	log := cfg.Logger
	s, err := newServer(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	pending := make(chan struct{}, 1)
	go func() {
		for range pending {
			s.Reload() // logs its outcome; on error the old data keeps serving
		}
	}()
	defer close(pending)
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Longer than a render or an animation may take, so that a slow
		// response is answered (with a 503 at worst) rather than cut off.
		WriteTimeout:   max(server.DefaultRenderTimeout, server.DefaultAnimationTimeout) + 20*time.Second,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Let a cold tile handed over by the fast lane skip the parse and
		// lookup the fast lane did, and a connection handed over come back
		// to the fast lane between requests.
		ConnContext: fastlane.ConnContext,
		ConnState:   fastlane.ConnState,
	}
	errc := make(chan error, 1)
	// Warm tiles are answered by the fast lane; everything else by hs.
	fl := s.FastLane(ln, lane)
	go func() { errc <- hs.Serve(fl) }()
	log.Info("serving", "url", serverURL(ln.Addr()), "data", cfg.Source, "version", s.Version(),
		"cache", cfg.CacheBytes, "memory_limit", debug.SetMemoryLimit(-1), "max_zoom", cfg.MaxZoom, "startup", time.Since(start).Round(time.Millisecond))
	for {
		select {
		case <-reload:
			select {
			case pending <- struct{}{}:
				log.Info("reloading", "data", cfg.Source)
			default:
				log.Info("reload already pending", "data", cfg.Source)
			}
		case err := <-errc:
			return err
		case <-ctx.Done():
			log.Info("shutting down: finishing in-flight requests", "grace", shutdownGrace)
			sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
			defer cancel()
			err := hs.Shutdown(sctx)
			fl.Close()
			if werr := fl.Wait(sctx); err == nil {
				err = werr
			}
			if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
				err = serr
			}
			if err == nil {
				log.Info("stopped")
			}
			return err
		}
	}
}

// newServer builds the server, giving up when ctx ends first: the first
// load may hang too (server.New gives up on it after cfg.LoadTimeout).
func newServer(ctx context.Context, cfg server.Config) (*server.Server, error) {
	type result struct {
		s   *server.Server
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := server.New(cfg)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("stopped while loading %s: %w", cfg.Source, ctx.Err())
	}
}

// memoryHeadroom is what -memory-limit auto allows beyond the caches: the
// data, renders and animations under way, buffers.
const memoryHeadroom = 192 << 20

// memoryLimit returns the soft memory limit -memory-limit asks for, or 0
// for none: "off"; "auto" when GOMEMLIMIT is set (the runtime has read
// it); else "auto" is the tile cache (cacheBytes, negative when disabled)
// plus the image cache plus memoryHeadroom. Without a limit the Go heap
// grows to about twice what is live (GOGC=100), and a full tile cache is
// most of what is live.
func memoryLimit(flag string, cacheBytes int64, envSet bool) (int64, error) {
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "off":
		return 0, nil
	case "auto":
		if envSet {
			return 0, nil
		}
		return max(cacheBytes, 0) + server.DefaultImageCacheBytes + memoryHeadroom, nil
	}
	n, err := parseBytes(flag)
	if err != nil {
		return 0, err
	}
	if n < 64<<20 {
		return 0, fmt.Errorf("%q: less than 64MiB; want a size, auto or off", flag)
	}
	return n, nil
}

// embeddedTitle names the embedded campaign in the viewer.
const embeddedTitle = "The Hunan campaign, 1944–45"

// validBaseMap reports whether s is an http(s) URL template with the {z},
// {x} and {y} a tile layer needs ({s}, a subdomain, and {r}, "@2x" on
// high-resolution screens, may appear too).
func validBaseMap(s string) bool {
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{r}", "").Replace(s))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		strings.Contains(s, "{z}") && strings.Contains(s, "{x}") && strings.Contains(s, "{y}")
}

// serverURL is the URL to print for a listening address: an unspecified
// host (":8080") is reachable as localhost.
func serverURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// parseBytes parses a memory size: a number, optionally with a fraction,
// and a unit — B, decimal kB/KB, MB, GB, TB or binary KiB, MiB, GiB, TiB
// (any case) — or none for bytes. It rounds down to whole bytes.
func parseBytes(s string) (int64, error) {
	const want = "want a size such as 256MB, 1GiB or 0"
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.TrimSpace(t[i:])
	if num == "" {
		return 0, fmt.Errorf("%q: %s", s, want)
	}
	var mult float64
	switch strings.ToLower(unit) {
	case "", "b":
		mult = 1
	case "kb":
		mult = 1e3
	case "mb":
		mult = 1e6
	case "gb":
		mult = 1e9
	case "tb":
		mult = 1e12
	case "kib":
		mult = 1 << 10
	case "mib":
		mult = 1 << 20
	case "gib":
		mult = 1 << 30
	case "tib":
		mult = 1 << 40
	default:
		return 0, fmt.Errorf("%q: unknown unit %q: %s (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", s, unit, want)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("%q: %q is not a number: %s", s, num, want)
	}
	n := math.Floor(v * mult)
	if n >= 1<<62 {
		return 0, fmt.Errorf("%q: too large", s)
	}
	return int64(n), nil
}
