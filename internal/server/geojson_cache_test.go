package server

import "testing"

// TestGeoJSONCached: a repeated export is served from the cache, with the
// same ETag, and another date is a new export.
func TestGeoJSONCached(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	const hits = `xiang_cache_hits_total{cache="image"}`
	a := get(t, ts, "/api/layers/march.geojson?date=1944-06-15")
	before := metric(t, ts, hits)
	b := get(t, ts, "/api/layers/march.geojson?date=1944-06-15")
	if a.status != 200 || b.status != 200 || a.header.Get("Etag") != b.header.Get("Etag") || string(a.body) != string(b.body) {
		t.Fatalf("repeat: %d %d, ETags %s %s", a.status, b.status, a.header.Get("Etag"), b.header.Get("Etag"))
	}
	if got := metric(t, ts, hits) - before; got != 1 {
		t.Errorf("repeated export: %v cache hits, want 1", got)
	}
	c := get(t, ts, "/api/layers/march.geojson?date=1944-06-20")
	if c.status != 200 || c.header.Get("Etag") == a.header.Get("Etag") {
		t.Errorf("another date: %d, same ETag %s", c.status, c.header.Get("Etag"))
	}
}
