package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/fastlane"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// memStore is a shared cache in memory, for two servers of one test.
type memStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (m *memStore) Get(_ context.Context, k string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.m[k]
	return b, ok
}

func (m *memStore) Set(_ context.Context, k string, v []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[k] = v
}

// noFollow is a client that shows redirects instead of following them.
var noFollow = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       10 * time.Second,
}

// TestCanonicalRedirects: under CanonicalRedirects a month of dated tiles
// redirects (short-lived, with CORS) to no more content addresses than
// distinct tiles; content is immutable; a second server sharing the
// store serves every content address without rendering; an unknown key
// is a 404.
func TestCanonicalRedirects(t *testing.T) {
	store := &memStore{m: map[string][]byte{}}
	var renders atomic.Int64
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "hunan", CanonicalRedirects: true, Shared: store})
	s.onRender = func() { renders.Add(1) }
	// Behind a fast lane, so that warm addresses are redirected there too.
	ts := newLaneServer(t, s)

	locs := map[string]bool{}
	for pass := 0; pass < 2; pass++ { // the second pass is warm: the fast lane's
		for day := 1; day <= 30; day++ {
			for x := 829; x <= 831; x++ {
				for y := 431; y <= 433; y++ {
					p := fmt.Sprintf("/tiles/all/1944-06-%02d/10/%d/%d.png", day, x, y)
					res, err := noFollow.Get(ts.URL + p)
					if err != nil {
						t.Fatal(err)
					}
					res.Body.Close()
					loc := res.Header.Get("Location")
					if res.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "../../../../k/") {
						t.Fatalf("%s: %d, Location %q", p, res.StatusCode, loc)
					}
					if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=60" || res.Header.Get("Access-Control-Allow-Origin") != "*" {
						t.Fatalf("%s: Cache-Control %q, CORS %q", p, cc, res.Header.Get("Access-Control-Allow-Origin"))
					}
					locs[loc] = true
				}
			}
		}
	}
	rendered := renders.Load()
	t.Logf("270 dated addresses, %d content addresses, %d renders", len(locs), rendered)
	if int64(len(locs)) > rendered+2 {
		t.Errorf("%d content addresses for %d renders", len(locs), rendered)
	}
	// A client that follows the redirect gets the PNG, immutable, with CORS.
	res := get(t, ts, "/tiles/all/1944-06-10/10/830/432.png", "Origin: http://example.org")
	if res.status != 200 || res.header.Get("Content-Type") != "image/png" ||
		res.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("followed: %d %v", res.status, res.header)
	}

	// Another replica with an empty cache of its own, sharing the store.
	s2, ts2 := newServer(t, "", Config{Load: hunan.Load, Source: "hunan", CanonicalRedirects: true, Shared: store})
	s2.onRender = func() { t.Error("the second server rendered") }
	for p := range locs {
		p = "/tiles/" + strings.TrimPrefix(p, "../../../../")
		if strings.Contains(p, "empty") {
			continue
		}
		if r := get(t, ts2, p); r.status != 200 || r.header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s on the second server: %d %s", p, r.status, r.body)
		}
	}
	// Its dated addresses come from the store too.
	if r := get(t, ts2, "/tiles/all/1944-06-11/10/830/432.png"); r.status != 200 {
		t.Fatalf("dated on the second server: %d", r.status)
	}
	if r := get(t, ts2, "/tiles/k/0123456789abcdef0123456789abcdef.png"); r.status != 404 || !strings.Contains(r.header.Get("Content-Type"), "json") {
		t.Fatalf("unknown key: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := get(t, ts2, "/tiles/k/nothex.png"); r.status != 400 {
		t.Fatalf("bad key: %d", r.status)
	}
	if r := get(t, ts2, "/tiles/k/empty@2x.png"); r.status != 200 || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("empty: %d %v", r.status, r.header)
	}
}

// newLaneServer serves s behind a fast lane.
func newLaneServer(t *testing.T, s *Server) *httptest.Server {
	ts := httptest.NewUnstartedServer(s)
	fl := s.FastLane(ts.Listener, fastlane.Config{})
	ts.Listener = fl
	ts.Config.ConnContext = fastlane.ConnContext
	ts.Config.ConnState = fastlane.ConnState
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}
