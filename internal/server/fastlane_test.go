package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/fastlane"
)

// newFastServer runs the test campaign behind a fast lane.
func newFastServer(t *testing.T) (*Server, *fastlane.Listener, *httptest.Server) {
	t.Helper()
	s, _ := newServer(t, "", Config{})
	ts := httptest.NewUnstartedServer(s)
	fl := s.FastLane(ts.Listener, fastlane.Config{})
	ts.Listener = fl
	ts.Config.ConnContext = fastlane.ConnContext
	ts.Config.ConnState = fastlane.ConnState
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := fl.Wait(ctx); err != nil {
			t.Errorf("fast lane connections still open after close: %v", err)
		}
	})
	return s, fl, ts
}

// rawConn is one TCP connection to send requests on and read responses.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dial(t *testing.T, ts *httptest.Server) *rawConn {
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	return &rawConn{t, c, bufio.NewReader(c)}
}

func (rc *rawConn) send(reqs ...string) {
	if _, err := io.WriteString(rc.c, strings.Join(reqs, "")); err != nil {
		rc.t.Fatal(err)
	}
}

func (rc *rawConn) read(method string) (*http.Response, []byte) {
	rc.t.Helper()
	res, err := http.ReadResponse(rc.br, &http.Request{Method: method})
	if err != nil {
		rc.t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	return res, body
}

func getReq(path string, extra ...string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(extra, "") + "\r\n"
}

const warmTile = "/tiles/all/1944-06-15/8/208/108.png"

func TestFastLaneServesWarmTiles(t *testing.T) {
	_, fl, ts := newFastServer(t)
	// The first request renders through net/http; the connection is then
	// net/http's, so the warm requests come on a new one.
	cold := get(t, ts, warmTile)
	if cold.status != 200 || len(cold.body) == 0 {
		t.Fatalf("cold tile: %d", cold.status)
	}
	before := fl.Served()
	rc := dial(t, ts)
	// Two pipelined GETs, a HEAD and a revalidation, all warm.
	rc.send(getReq(warmTile), getReq(warmTile), "HEAD "+warmTile+" HTTP/1.1\r\nHost: x\r\n\r\n",
		getReq(warmTile, "If-None-Match: W/\"nope\", "+cold.header.Get("Etag")+"\r\n"))
	for i := range 2 {
		res, body := rc.read("GET")
		if res.StatusCode != 200 || !bytes.Equal(body, cold.body) {
			t.Fatalf("warm GET %d: %d, %d bytes (cold: %d)", i, res.StatusCode, len(body), len(cold.body))
		}
		for _, h := range []string{"Etag", "Cache-Control", "Content-Type", "Access-Control-Allow-Origin", "Date"} {
			if res.Header.Get(h) != cold.header.Get(h) && h != "Date" {
				t.Errorf("warm %s = %q, cold %q", h, res.Header.Get(h), cold.header.Get(h))
			}
			if res.Header.Get(h) == "" {
				t.Errorf("warm response lacks %s", h)
			}
		}
	}
	res, body := rc.read("HEAD")
	if res.StatusCode != 200 || len(body) != 0 || res.ContentLength != int64(len(cold.body)) {
		t.Errorf("HEAD: %d, body %d, length %d", res.StatusCode, len(body), res.ContentLength)
	}
	res, body = rc.read("GET")
	if res.StatusCode != 304 || len(body) != 0 || res.Header.Get("Etag") != cold.header.Get("Etag") {
		t.Errorf("revalidation: %d, %d bytes, etag %q", res.StatusCode, len(body), res.Header.Get("Etag"))
	}
	if got := fl.Served() - before; got != 4 {
		t.Errorf("fast lane answered %d of 4 warm requests", got)
	}
	if n := metric(t, ts, `xiang_http_requests_total{code="304",route="tile"}`); n < 1 {
		t.Errorf("fast-lane 304 not counted in metrics: %v", n)
	}
}

func TestFastLaneHandsOver(t *testing.T) {
	_, fl, ts := newFastServer(t)
	get(t, ts, warmTile)
	before := fl.Served()
	rc := dial(t, ts)
	// A warm tile (fast), then the catalog, answered by net/http, then a
	// tile, answered by the fast lane again.
	rc.send(getReq(warmTile), getReq("/api/layers"), getReq(warmTile))
	if res, _ := rc.read("GET"); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("tile: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res, body := rc.read("GET"); res.StatusCode != 200 || !bytes.Contains(body, []byte(`"layers"`)) {
		t.Fatalf("catalog after hand-over: %d %s", res.StatusCode, body)
	}
	if res, _ := rc.read("GET"); res.StatusCode != 200 {
		t.Fatalf("tile after hand-over: %d", res.StatusCode)
	}
	if got := fl.Served() - before; got != 2 {
		t.Errorf("fast lane answered %d requests, want 2", got)
	}
	// Requests the fast lane leaves alone get net/http's answers, errors included.
	for _, tc := range []struct {
		req    string
		status int
	}{
		{getReq("/tiles/all/1944-06-15/8/999/108.png"), 400},
		{getReq("/tiles/all/1944-06-15/8/208/108.png?date=1944-06-15"), 400},
		{getReq("/tiles/a%2Cb/8/208/108.png"), 400},
		{"POST " + warmTile + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi", 405},
		{"GET " + warmTile + " HTTP/1.0\r\n\r\n", 200},
		{"GET " + warmTile + " HTTP/1.1\r\n\r\n", 400}, // no Host
	} {
		rc := dial(t, ts)
		rc.send(tc.req)
		res, body := rc.read(strings.Fields(tc.req)[0])
		if res.StatusCode != tc.status {
			t.Errorf("%q: %d, want %d: %s", tc.req, res.StatusCode, tc.status, body)
		}
	}
}

// BenchmarkFastLane measures a warm tile over a real keep-alive TCP
// connection through the fast lane; BenchmarkNetHTTPWarmTile is the same
// request answered by net/http (on a connection made net/http's for good).
func BenchmarkFastLane(b *testing.B) { benchWarm(b, true) }

func BenchmarkNetHTTPWarmTile(b *testing.B) { benchWarm(b, false) }

func benchWarm(b *testing.B, fast bool) {
	s, _ := newServer(b, "", Config{})
	ts := httptest.NewUnstartedServer(s)
	ts.Listener = s.FastLane(ts.Listener, fastlane.Config{})
	ts.Config.ConnContext = fastlane.ConnContext
	ts.Config.ConnState = fastlane.ConnState
	ts.Start()
	defer ts.Close()
	http.Get(ts.URL + warmTile)
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req := getReq(warmTile)
	if !fast {
		io.WriteString(c, toNetHTTP) // makes the connection net/http's
		res, _ := http.ReadResponse(br, nil)
		io.Copy(io.Discard, res.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		io.WriteString(c, req)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
}

// toNetHTTP is a request that makes a connection net/http's for good: the
// fast lane does not read requests with a Content-Length.
const toNetHTTP = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"

// rawResponse sends req on a new connection — after toNetHTTP, if
// viaNetHTTP — and returns the bytes of its response with the Date masked.
func rawResponse(t *testing.T, ts *httptest.Server, req string, viaNetHTTP bool) string {
	t.Helper()
	rc := dial(t, ts)
	if viaNetHTTP {
		rc.send(toNetHTTP)
		rc.read("GET")
	}
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(rc.c, &raw))
	rc.send(req)
	res, err := http.ReadResponse(br, &http.Request{Method: strings.Fields(req)[0]})
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	return dateLine.ReplaceAllString(raw.String(), "Date: …\r\n")
}

var dateLine = regexp.MustCompile(`Date: [^\r]*\r\n`)

// TestFastLaneSameBytes: for warm tiles, the fast lane's responses are
// byte for byte net/http's, Date aside.
func TestFastLaneSameBytes(t *testing.T) {
	s, fl, ts := newFastServer(t)
	const empty = "/tiles/all/1944-06-15/8/0/0.png"
	const summary = "/tiles/all/8/208/108@2x.png"
	cold := get(t, ts, warmTile)
	get(t, ts, empty)
	get(t, ts, summary)
	if n := metric(t, ts, "xiang_tiles_empty_total"); n < 1 {
		t.Fatalf("%s is not an empty tile", empty)
	}
	_ = s
	for name, req := range map[string]string{
		"GET":                getReq(warmTile),
		"HEAD":               "HEAD " + warmTile + " HTTP/1.1\r\nHost: x\r\n\r\n",
		"304":                getReq(warmTile, "If-None-Match: "+cold.header.Get("Etag")+"\r\n"),
		"304 HEAD":           "HEAD " + warmTile + " HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n",
		"no match":           getReq(warmTile, "If-None-Match: \"other\"\r\n"),
		"Connection: close":  getReq(warmTile, "Connection: keep-alive, Close\r\n"),
		"empty tile":         getReq(empty),
		"summary @2x":        getReq(summary),
		"summary query date": getReq("/tiles/all/8/208/108.png?date=1944-06-15"),
	} {
		t.Run(name, func(t *testing.T) {
			before := fl.Served()
			fast := rawResponse(t, ts, req, false)
			if fl.Served() != before+1 {
				t.Fatalf("not answered by the fast lane: %q", fast)
			}
			slow := rawResponse(t, ts, req, true)
			if fast != slow {
				t.Errorf("fast lane:\n%q\nnet/http:\n%q", fast, slow)
			}
		})
	}
}

// TestFastLaneNotedErrors: a bad tile request the fast lane parsed and
// declined gets, from its note, the error net/http gives it unaided.
func TestFastLaneNotedErrors(t *testing.T) {
	_, fl, ts := newFastServer(t)
	for name, path := range map[string]string{
		"x out of range": "/tiles/all/1944-06-15/8/999/108.png",
		"two dates":      "/tiles/all/1944-06-15/8/208/108.png?date=1944-06-15",
		"bad date":       "/tiles/all/1944-13-15/8/208/108.png",
		"bad scale":      "/tiles/all/8/208/108@3x.png",
		"bad layers":     "/tiles/All/8/208/108.png",
		"unknown layer":  "/tiles/nope/8/208/108.png",
		"zoom too deep":  "/tiles/all/1944-06-15/21/0/0.png",
		"leading zero":   "/tiles/all/8/0208/108.png",
		"empty segment":  "/tiles/all//8/208/108.png",
		"too many":       "/tiles/all/1944-06-15/8/208/108/1.png",
		"bad query":      "/tiles/all/8/208/108.png?date=1944-06-15;x",
	} {
		t.Run(name, func(t *testing.T) {
			noted := rawResponse(t, ts, getReq(path), false)
			unaided := rawResponse(t, ts, getReq(path), true)
			if noted != unaided {
				t.Errorf("with the fast lane's note:\n%q\nwithout:\n%q", noted, unaided)
			}
			if !strings.HasPrefix(noted, "HTTP/1.1 4") {
				t.Errorf("not an error: %.60q", noted)
			}
		})
	}
	if fl.Served() != 0 {
		t.Errorf("the fast lane answered %d errors", fl.Served())
	}
}

// TestFastLaneColdTileOneLookup: a cold tile the fast lane hands over is
// parsed and looked up in the address index once, not once in each lane.
func TestFastLaneColdTileOneLookup(t *testing.T) {
	_, fl, ts := newFastServer(t)
	const misses = `xiang_cache_misses_total{cache="tile_index"}`
	for i, path := range []string{warmTile, "/tiles/all/8/208/108@2x.png", "/tiles/all/1944-06-15/8/0/0.png"} {
		before := metric(t, ts, misses)
		rc := dial(t, ts)
		rc.send(getReq(path))
		if res, _ := rc.read("GET"); res.StatusCode != 200 {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		if got := metric(t, ts, misses) - before; got != 1 {
			t.Errorf("%s: %v address-index misses for one cold tile, want 1", path, got)
		}
		// And the request is counted once, under net/http's route name.
		_ = i
	}
	before := fl.Served()
	rc := dial(t, ts)
	rc.send(getReq(warmTile))
	rc.read("GET")
	if fl.Served() != before+1 {
		t.Error("the tile is not warm for the fast lane")
	}
}

// BenchmarkMixedLoad is a bounded local load on 127.0.0.1: 8 keep-alive
// connections (b.SetParallelism(4) on 2 CPUs) requesting 25 warm tiles in
// turn, with raw HTTP/1.1 so that the client costs little. Its cases:
//
//   - tiles: a tile client (QGIS, GDAL, a CDN) — only tiles on each
//     connection;
//   - viewer: a browser — each connection loads the viewer page first,
//     which hands it to net/http, and comes back to the fast lane;
//   - viewer, never back: as viewer without fastlane.ConnState, so that the
//     connection stays net/http's (as before connections came back);
//   - viewer+api: as viewer, and 1 request in 20 is /api/events.
//
// It reports the share of requests the fast lane answered (fast-%) and the
// 50th and 99th percentile latencies of tile requests.
func BenchmarkMixedLoad(b *testing.B) {
	s, _ := newServer(b, "", Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ts := httptest.NewUnstartedServer(s)
	fl := s.FastLane(ts.Listener, fastlane.Config{})
	ts.Listener = fl
	ts.Config.ConnContext = fastlane.ConnContext
	var comeBack atomic.Bool
	ts.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if comeBack.Load() {
			fastlane.ConnState(c, st)
		}
	}
	ts.Start()
	defer ts.Close()
	var tiles []string
	for x := 206; x <= 210; x++ {
		for y := 106; y <= 110; y++ {
			p := fmt.Sprintf("/tiles/all/1944-06-15/8/%d/%d.png", x, y)
			if res := get(b, ts, p); res.status != 200 {
				b.Fatalf("%s: %d", p, res.status)
			}
			tiles = append(tiles, getReq(p))
		}
	}
	for _, tc := range []struct {
		name     string
		page     bool
		apiEvery int
		back     bool
	}{
		{"tiles", false, 0, true},
		{"viewer", true, 0, true},
		{"viewer, never back", true, 0, false},
		{"viewer+api", true, 20, true},
		{"viewer+api, never back", true, 20, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			comeBack.Store(tc.back)
			before := fl.Served()
			var mu sync.Mutex
			var lat []time.Duration
			var total atomic.Int64
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				c, err := net.Dial("tcp", ts.Listener.Addr().String())
				if err != nil {
					b.Error(err)
					return
				}
				defer c.Close()
				br := bufio.NewReader(c)
				do := func(req string) {
					io.WriteString(c, req)
					res, err := http.ReadResponse(br, nil)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					total.Add(1)
				}
				if tc.page {
					do(getReq("/"))
				}
				var mine []time.Duration
				for i := 0; pb.Next(); i++ {
					if tc.apiEvery > 0 && i%tc.apiEvery == tc.apiEvery-1 {
						do(getReq("/api/events"))
						continue
					}
					start := time.Now()
					do(tiles[i%len(tiles)])
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			}
			b.ReportMetric(100*float64(fl.Served()-before)/float64(total.Load()), "fast-%")
		})
	}
}

// BenchmarkRespond measures the Responder alone on a warm tile, without the
// connection: what the fast lane spends per request beyond its system
// calls. It must not allocate.
func BenchmarkRespond(b *testing.B) {
	s, ts := newServer(b, "", Config{})
	http.Get(ts.URL + warmTile)
	req := &fastlane.Request{Method: "GET", Target: []byte(warmTile), RemoteAddr: &net.TCPAddr{}}
	if _, ok := s.Respond(req); !ok {
		b.Fatal("warm tile declined")
	}
	b.ReportAllocs()
	for b.Loop() {
		s.Respond(req)
	}
}

func TestRespondWarmAllocatesNothing(t *testing.T) {
	s, ts := newServer(t, "", Config{})
	http.Get(ts.URL + warmTile)
	for _, tc := range []struct{ name, method, inm string }{
		{"GET", "GET", ""},
		{"HEAD", "HEAD", ""},
		{"revalidate", "GET", "*"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := &fastlane.Request{Method: tc.method, Target: []byte(warmTile), RemoteAddr: &net.TCPAddr{}}
			if tc.inm != "" {
				req.IfNoneMatch = []string{tc.inm}
			}
			if _, ok := s.Respond(req); !ok {
				t.Fatal("warm tile declined")
			}
			if n := testing.AllocsPerRun(100, func() { s.Respond(req) }); n != 0 {
				t.Errorf("%v allocations per warm request, want 0", n)
			}
		})
	}
}

// A target remembered by one server is parsed again by a server with a
// lower maximum zoom, which must refuse it.
func TestRespondMemoChecksMaxZoom(t *testing.T) {
	hi, tsHi := newServer(t, "", Config{MaxZoom: 12})
	lo, _ := newServer(t, "", Config{MaxZoom: 7})
	http.Get(tsHi.URL + warmTile)
	req := &fastlane.Request{Method: "GET", Target: []byte(warmTile), RemoteAddr: &net.TCPAddr{}}
	if _, ok := hi.Respond(req); !ok {
		t.Fatal("warm tile declined at max zoom 12")
	}
	if _, ok := lo.Respond(req); ok {
		t.Fatal("z8 tile answered at max zoom 7")
	}
	if note, _ := req.Note.(*tileNote); note == nil || note.err == nil {
		t.Errorf("note %#v, want the zoom error", req.Note)
	}
}
