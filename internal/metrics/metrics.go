// Package metrics is xiang's Prometheus metrics: request counts and
// latencies by route, render and image timings, empty tiles, panics,
// reloads, render slots in use, the data's generation and version, and the
// counters of its caches. The registry is the server's own (nothing is
// registered globally), so that servers in one process — tests — do not
// collide.
package metrics

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

// Set is one server's metrics. Its exported fields are the series the
// server updates directly.
type Set struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec   // route, code
	latency   *prometheus.HistogramVec // route
	Renders   prometheus.Histogram     // one observation per tile drawn
	Images    *prometheus.HistogramVec // kind: static, animation, print, geojson
	Empty     prometheus.Counter       // tiles answered with the shared empty tile
	Panics    prometheus.Counter       // panics recovered
	Reloads   *prometheus.CounterVec   // result: ok, error
	InFlight  prometheus.Gauge         // render slots in use
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

// New returns the metrics, with the counters of the named caches (read
// from each cache's Stats when scraped).
func New(caches map[string]func() cache.Stats) *Set {
	m := &Set{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "xiang_http_requests_total", Help: "HTTP requests by route and status code.",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "xiang_http_request_duration_seconds", Help: "Time to serve a request, by route.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
	}, []string{"route"})
	m.Renders = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "xiang_tile_render_duration_seconds", Help: "Time to draw and encode one tile; the count is the number of renders.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 5},
	})
	m.Images = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "xiang_image_render_duration_seconds", Help: "Time to draw and encode a static image or an animated GIF, by kind (static, animation).",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"kind"})
	m.Empty = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xiang_tiles_empty_total", Help: "Tile requests answered with the shared empty tile without drawing.",
	})
	m.Panics = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xiang_panics_total", Help: "Panics recovered while serving requests or rendering; each is a bug.",
	})
	m.Reloads = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "xiang_data_reloads_total", Help: "Data reloads by result (ok, error).",
	}, []string{"result"})
	m.InFlight = prometheus.NewGauge(prometheus.GaugeOpts{
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
	m.Reloads.WithLabelValues("ok")
	m.Reloads.WithLabelValues("error")

	m.reg.MustRegister(m.requests, m.latency, m.Renders, m.Images, m.Empty, m.Panics, m.Reloads,
		m.InFlight, m.gen, m.loadedAt, m.version,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, name := range []string{"tile", "tile_index", "tile_bytes", "image"} {
		if stats, ok := caches[name]; ok {
			registerCache(m.reg, name, stats)
		}
	}
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

// Observe counts one response to a route.
func (m *Set) Observe(route string, code int, took time.Duration) {
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

// Loaded records a new generation of data, loaded at a time, of a version.
func (m *Set) Loaded(gen uint64, at time.Time, version string) {
	m.gen.Set(float64(gen))
	m.loadedAt.Set(float64(at.UnixNano()) / 1e9)
	m.versionMu.Lock()
	defer m.versionMu.Unlock()
	m.version.Reset()
	m.version.WithLabelValues(version).Set(1)
}

// Handler serves the metrics in the Prometheus text format.
func (m *Set) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
