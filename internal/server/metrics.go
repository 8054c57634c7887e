package server

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/xiang-maps/xiang/tiles/cache"
)

// metrics are the server's Prometheus metrics, in a registry the server
// owns (no global registration), so that servers in one process — tests —
// do not collide.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec   // route, code
	latency   *prometheus.HistogramVec // route
	renders   prometheus.Histogram
	images    *prometheus.HistogramVec // kind: static, animation
	empty     prometheus.Counter
	panics    prometheus.Counter
	reloads   *prometheus.CounterVec // result
	inFlight  prometheus.Gauge
	gen       prometheus.Gauge
	loadedAt  prometheus.Gauge
	versionMu sync.Mutex
	version   *prometheus.GaugeVec // version: 1 for the data served

	// counters caches the counter of each route and status, so that the
	// warm path does not hash label values.
	counters sync.Map // routeCode → prometheus.Counter
	timers   sync.Map // route → prometheus.Observer
}

type routeCode struct {
	route string
	code  int
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "xiang_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "xiang_http_request_duration_seconds", Help: "Time to serve a request, by route.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	m.renders = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "xiang_tile_render_duration_seconds", Help: "Time to draw and encode one tile; the count is the number of renders.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 5},
	})
	m.images = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "xiang_image_render_duration_seconds", Help: "Time to draw and encode a static image or an animated GIF, by kind (static, animation).",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"kind"})
	m.empty = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xiang_tiles_empty_total", Help: "Tile requests answered with the shared empty tile without drawing.",
	})
	m.panics = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xiang_panics_total", Help: "Panics recovered while serving requests or rendering; each is a bug.",
	})
	m.reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "xiang_data_reloads_total", Help: "Data reloads by result (ok, error).",
	}, []string{"result"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "xiang_renders_in_flight", Help: "Render slots in use: tile plans and renders, images, animations, prints and GeoJSON exports running now.",
	})
	m.gen = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "xiang_data_generation", Help: "Generation of the data served: 1 at start, +1 per successful reload.",
	})
	m.loadedAt = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "xiang_data_loaded_timestamp_seconds", Help: "When the data served was loaded, in Unix seconds.",
	})
	m.version = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "xiang_data_info", Help: "1 for the version of the data served.",
	}, []string{"version"})
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("error")

	m.reg.MustRegister(m.requests, m.latency, m.renders, m.images, m.empty, m.panics, m.reloads,
		m.inFlight, m.gen, m.loadedAt, m.version,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerCache(m.reg, "tile", s.tiles.Stats)
	registerCache(m.reg, "tile_index", s.index.Stats)
	registerCache(m.reg, "tile_bytes", s.bodies.Stats)
	registerCache(m.reg, "image", s.images.Stats)
	return m
}

// registerCache exports a cache's counters, read from the cache itself when
// scraped rather than counted twice. The "tile" cache holds encoded tiles
// keyed by content; "tile_index" maps tile addresses to content keys;
// "tile_bytes" maps the hash of rendered bytes to content keys; "image"
// holds static images and animated GIFs by request.
func registerCache(reg *prometheus.Registry, name string, stats func() cache.Stats) {
	labels := prometheus.Labels{"cache": name}
	counter := func(metric, help string, f func(cache.Stats) uint64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "xiang_cache_" + metric, Help: help + " (cache: tile = encoded tiles by content, tile_index = addresses to content keys, tile_bytes = rendered bytes to content keys, image = static images and GIFs).", ConstLabels: labels,
		}, func() float64 { return float64(f(stats())) }))
	}
	gauge := func(metric, help string, f func(cache.Stats) float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "xiang_cache_" + metric, Help: help + " (cache: tile = encoded tiles by content, tile_index = addresses to content keys, tile_bytes = rendered bytes to content keys, image = static images and GIFs).", ConstLabels: labels,
		}, func() float64 { return f(stats()) }))
	}
	counter("hits_total", "Cache lookups that found an entry", func(s cache.Stats) uint64 { return s.Hits })
	counter("misses_total", "Cache lookups that found nothing", func(s cache.Stats) uint64 { return s.Misses })
	counter("loads_total", "Loads started on a miss", func(s cache.Stats) uint64 { return s.Loads })
	counter("shared_total", "Misses that waited for a load already under way", func(s cache.Stats) uint64 { return s.Shared })
	counter("evictions_total", "Entries evicted to stay within the bound", func(s cache.Stats) uint64 { return s.Evictions })
	gauge("bytes", "Bytes held", func(s cache.Stats) float64 { return float64(s.Bytes) })
	gauge("max_bytes", "Bound on the bytes held", func(s cache.Stats) float64 { return float64(s.MaxBytes) })
	gauge("entries", "Entries held", func(s cache.Stats) float64 { return float64(s.Entries) })
}

// observe counts one response.
func (m *metrics) observe(route string, code int, took time.Duration) {
	k := routeCode{route, code}
	c, ok := m.counters.Load(k)
	if !ok {
		c, _ = m.counters.LoadOrStore(k, m.requests.WithLabelValues(route, strconv.Itoa(code)))
	}
	c.(prometheus.Counter).Inc()
	o, ok := m.timers.Load(route)
	if !ok {
		o, _ = m.timers.LoadOrStore(route, m.latency.WithLabelValues(route))
	}
	o.(prometheus.Observer).Observe(took.Seconds())
}

// loaded records a new generation of data.
func (m *metrics) loaded(d *dataset) {
	m.gen.Set(float64(d.gen))
	m.loadedAt.Set(float64(d.loaded.UnixNano()) / 1e9)
	m.versionMu.Lock()
	defer m.versionMu.Unlock()
	m.version.Reset()
	m.version.WithLabelValues(d.version).Set(1)
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
