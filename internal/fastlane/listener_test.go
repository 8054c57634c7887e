package fastlane

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testResponder answers GET and HEAD /fast with what handler answers;
// it declines /note with a note, and panics on /panic.
type testResponder struct{}

var fastHead = []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n")

func (testResponder) Respond(req *Request) (Response, bool) {
	switch string(req.Target) {
	case "/fast":
		return Response{Head: fastHead, Body: []byte("ok")}, true
	case "/note":
		req.Note = "noted " + req.Method
	case "/panic":
		panic("responder panic")
	}
	return Response{}, false
}

// handler is net/http's side: the same answer for /fast, the note for
// /note, the path elsewhere.
func handler(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/fast":
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", "2")
		io.WriteString(w, "ok")
	case "/note":
		n, _ := Note(r).(string)
		io.WriteString(w, "note: "+n)
	case "/wait":
		select {
		case <-r.Context().Done():
			waited <- nil
		case <-time.After(5 * time.Second):
			waited <- errors.New("the request's context was not cancelled")
		}
	case "/block":
		blocking <- struct{}{}
		select {
		case <-unblock:
			io.WriteString(w, "done")
		case <-r.Context().Done():
			io.WriteString(w, "cancelled")
		}
	case "/slow":
		time.Sleep(20 * time.Millisecond)
		w.Write(bytes.Repeat([]byte("s"), 1<<20))
	default:
		io.WriteString(w, "net/http: "+r.URL.Path)
	}
}

// waited receives what a /wait request saw.
var waited = make(chan error, 1)

// A /block request sends on blocking, then answers "done" once unblock is
// closed, or "cancelled" if its context ends first.
var blocking, unblock = make(chan struct{}, 1), make(chan struct{})

// newTestServer serves handler behind a fast lane with testResponder.
func newTestServer(t *testing.T, cfg Config) (*Listener, *httptest.Server) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(handler))
	fl := Listen(ts.Listener, testResponder{}, cfg)
	ts.Listener = fl
	ts.Config.ConnContext = ConnContext
	ts.Config.ConnState = ConnState
	ts.Start()
	t.Cleanup(func() {
		ts.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := fl.Wait(ctx); err != nil {
			t.Errorf("fast lane connections still open after close: %v", err)
		}
	})
	return fl, ts
}

// rawConn is one TCP connection to send requests on and read responses.
type rawConn struct {
	t   *testing.T
	c   net.Conn
	br  *bufio.Reader
	raw bytes.Buffer // every byte read
}

func dial(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second))
	rc := &rawConn{t: t, c: c}
	rc.br = bufio.NewReader(io.TeeReader(c, &rc.raw))
	return rc
}

func (rc *rawConn) send(reqs ...string) {
	rc.t.Helper()
	if _, err := io.WriteString(rc.c, strings.Join(reqs, "")); err != nil {
		rc.t.Fatal(err)
	}
}

func (rc *rawConn) read(method string) (*http.Response, string) {
	rc.t.Helper()
	res, err := http.ReadResponse(rc.br, &http.Request{Method: method})
	if err != nil {
		rc.t.Fatal(err)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	return res, string(body)
}

func getReq(path string, extra ...string) string {
	return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + strings.Join(extra, "") + "\r\n"
}

// maskDate replaces the Date header's value.
func maskDate(s string) string {
	i := strings.Index(s, "Date: ")
	if i < 0 {
		return s
	}
	j := strings.Index(s[i:], "\r\n")
	return s[:i] + "Date: …" + s[i+j:]
}

func TestListenerServesAndHandsOver(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	// Two pipelined fast requests and a HEAD, then one for net/http, then
	// one for the fast lane again.
	rc.send(getReq("/fast"), getReq("/fast"), "HEAD /fast HTTP/1.1\r\nHost: x\r\n\r\n", getReq("/other"), getReq("/fast"))
	for i, want := range []string{"ok", "ok", "", "net/http: /other", "ok"} {
		method := "GET"
		if i == 2 {
			method = "HEAD"
		}
		res, body := rc.read(method)
		if res.StatusCode != 200 || body != want {
			t.Fatalf("response %d: %d %q, want %q", i, res.StatusCode, body, want)
		}
	}
	if fl.Served() != 4 {
		t.Errorf("fast lane answered %d requests, want 4", fl.Served())
	}
	// The fast lane's answer to /fast is byte for byte net/http's.
	for _, extra := range []string{"", "Connection: close\r\n"} {
		fast := rawResponse(t, ts, getReq("/fast", extra), false)
		slow := rawResponse(t, ts, getReq("/fast", extra), true)
		if fast != slow {
			t.Errorf("fast lane:\n%q\nnet/http:\n%q", fast, slow)
		}
	}
	if fl.Served() != 6 {
		t.Errorf("fast lane answered %d requests, want 6", fl.Served())
	}
}

// toNetHTTP is a request that makes a connection net/http's for good: the
// fast lane does not read requests with a Content-Length.
var toNetHTTP = "GET /other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"

// rawResponse sends req on a new connection — after toNetHTTP, if
// viaNetHTTP — and returns the bytes of its response, Date masked.
func rawResponse(t *testing.T, ts *httptest.Server, req string, viaNetHTTP bool) string {
	t.Helper()
	rc := dial(t, ts.Listener.Addr().String())
	if viaNetHTTP {
		rc.send(toNetHTTP)
		rc.read("GET")
	}
	rc.raw.Reset()
	rc.send(req)
	rc.read("GET")
	return maskDate(rc.raw.String())
}

// TestListenerRejectsWhatNetHTTPRejects: requests net/http answers with a
// 400 are handed over, on raw sockets, and promptly.
func TestListenerRejectsWhatNetHTTPRejects(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	for name, tc := range map[string]struct {
		req    string
		status int
	}{
		"two Host headers":   {"GET /fast HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
		"NUL in a value":     {"GET /fast HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400},
		"malformed Host":     {"GET /fast HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
		"Host with a slash":  {"GET /fast HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
		"no Host":            {"GET /fast HTTP/1.1\r\n\r\n", 400},
		"space before colon": {"GET /fast HTTP/1.1\r\nHost : x\r\n\r\n", 400},
		"bare LF":            {"GET /fast HTTP/1.1\nHost: x\n\n", 200},
		"HTTP/1.0":           {"GET /fast HTTP/1.0\r\n\r\n", 200},
	} {
		t.Run(name, func(t *testing.T) {
			before := fl.Served()
			rc := dial(t, ts.Listener.Addr().String())
			start := time.Now()
			rc.send(tc.req)
			res, body := rc.read("GET")
			if res.StatusCode != tc.status {
				t.Errorf("%d, want %d: %s", res.StatusCode, tc.status, body)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("answered after %v", took)
			}
			if fl.Served() != before {
				t.Error("answered by the fast lane")
			}
		})
	}
}

func TestListenerNote(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	// Each request declined reaches net/http with its own note, on a
	// connection already handed over too.
	rc.send(getReq("/note"), "HEAD /note HTTP/1.1\r\nHost: x\r\n\r\n", getReq("/note"))
	for i, want := range []string{"note: noted GET", "", "note: noted GET"} {
		method := "GET"
		if i == 1 {
			method = "HEAD"
		}
		if res, body := rc.read(method); body != want || i == 1 && res.ContentLength != int64(len("note: noted HEAD")) {
			t.Errorf("%d: %q, length %d", i, body, res.ContentLength)
		}
	}
	// Without a note, or without ConnContext, Note is nil.
	rc.send(getReq("/note", "Content-Length: 0\r\n"))
	if _, body := rc.read("GET"); body != "note: " {
		t.Errorf("no note: %q", body)
	}
}

// TestListenerClientGone: net/http still sees a client that goes away
// while its handler runs, on a connection that came back and left again.
func TestListenerClientGone(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	rc.send(getReq("/other"))
	rc.read("GET")
	rc.send(getReq("/fast"))
	rc.read("GET")
	rc.send(getReq("/wait"))
	time.Sleep(50 * time.Millisecond)
	rc.c.Close()
	if err := <-waited; err != nil {
		t.Error(err)
	}
}

// TestListenerComesBack: a connection handed over to net/http comes back
// to the fast lane between requests, with pipelined requests answered in
// order while net/http takes its time.
func TestListenerComesBack(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	reqs := []string{"/other", "/fast", "/slow", "/fast", "/fast", "/other", "/slow", "/fast"}
	for _, r := range reqs {
		rc.send(getReq(r))
	}
	for _, r := range reqs {
		want := map[string]string{"/other": "net/http: /other", "/fast": "ok", "/slow": strings.Repeat("s", 1<<20)}[r]
		if res, body := rc.read("GET"); res.StatusCode != 200 || body != want {
			t.Fatalf("%s: %d, %.40q…", r, res.StatusCode, body)
		}
	}
	if fl.Served() != 4 {
		t.Errorf("fast lane answered %d of 4", fl.Served())
	}
	// One at a time, as a browser sends them.
	for i, r := range []string{"/other", "/fast", "/other", "/fast"} {
		rc.send(getReq(r))
		rc.read("GET")
		if want := uint64(4 + (i+1)/2); fl.Served() != want {
			t.Errorf("after %s: fast lane answered %d, want %d", r, fl.Served(), want)
		}
	}
	// A body makes the connection net/http's for good.
	rc.send(getReq("/other", "Content-Length: 0\r\n"), getReq("/fast"))
	rc.read("GET")
	rc.read("GET")
	if fl.Served() != 6 {
		t.Errorf("fast lane answered after a passthrough: %d", fl.Served())
	}
}

func TestListenerResponderPanic(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	rc.send(getReq("/panic"))
	if res, body := rc.read("GET"); res.StatusCode != 200 || body != "net/http: /panic" {
		t.Errorf("%d %q", res.StatusCode, body)
	}
	if fl.Served() != 0 {
		t.Error("answered by the fast lane")
	}
}

func TestListenerConnectionClose(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	rc.send(getReq("/fast", "Connection: close\r\n"))
	if res, _ := rc.read("GET"); res.StatusCode != 200 || !res.Close {
		t.Fatalf("%d, close %v", res.StatusCode, res.Close)
	}
	if _, err := rc.br.ReadByte(); err != io.EOF {
		t.Errorf("connection still open after Connection: close (%v)", err)
	}
	if fl.Served() != 1 {
		t.Error("not served by the fast lane")
	}
	if fl.Open() != 0 {
		t.Errorf("%d connections open", fl.Open())
	}
}

func TestListenerShutdown(t *testing.T) {
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	rc.send(getReq("/fast"))
	rc.read("GET")
	// An idle fast-lane connection is closed by Close, and Wait returns.
	fl.Close()
	if _, err := rc.br.ReadByte(); err == nil {
		t.Error("idle connection survived Close")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := fl.Wait(ctx); err != nil {
		t.Error(err)
	}
	if _, err := net.Dial("tcp", ts.Listener.Addr().String()); err == nil {
		t.Error("listener still accepting after Close")
	}
}

// TestListenerCloseSparesHandedOver: Close right after net/http has taken
// a connection — before the fast lane's goroutine has moved on — leaves
// the request net/http serves alone: its context is not cancelled and the
// response arrives whole.
func TestListenerCloseSparesHandedOver(t *testing.T) {
	handed, proceed := make(chan struct{}), make(chan struct{})
	testHookHandedOver = func() {
		handed <- struct{}{}
		<-proceed
	}
	t.Cleanup(func() { testHookHandedOver = nil })
	unblock = make(chan struct{})
	fl, ts := newTestServer(t, Config{})
	rc := dial(t, ts.Listener.Addr().String())
	rc.send(getReq("/block"))
	for _, ch := range []chan struct{}{handed, blocking} {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal("the request was not handed over to a running handler")
		}
	}
	fl.Close()
	close(proceed)
	time.Sleep(50 * time.Millisecond) // time for a wrongly woken read to cancel the request
	close(unblock)
	res, body := rc.read("GET")
	if res.StatusCode != http.StatusOK || body != "done" {
		t.Errorf("in-flight request after Close: %d %q, want 200 \"done\"", res.StatusCode, body)
	}
}

// TestListenerMaxConns: above MaxConns, new connections are closed at once
// and counted; the server goes on serving, and a place freed is reused.
func TestListenerMaxConns(t *testing.T) {
	fl, ts := newTestServer(t, Config{MaxConns: 3})
	addr := ts.Listener.Addr().String()
	var held []*rawConn
	for i := range 3 {
		rc := dial(t, addr)
		rc.send(getReq("/fast"))
		rc.read("GET")
		if i == 2 {
			rc.send(getReq("/other")) // one of them handed over: it counts too
			rc.read("GET")
		}
		held = append(held, rc)
	}
	extra := dial(t, addr)
	extra.send(getReq("/fast"))
	if _, err := extra.br.ReadByte(); err == nil {
		t.Fatal("connection over MaxConns answered")
	}
	if fl.Shed() != 1 || fl.Open() != 3 {
		t.Errorf("shed %d, open %d; want 1, 3", fl.Shed(), fl.Open())
	}
	held[2].c.Close()
	held[0].c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for fl.Open() > 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var wg sync.WaitGroup
	for range 2 {
		rc := dial(t, addr)
		wg.Go(func() {
			rc.send(getReq("/fast"))
			if res, _ := rc.read("GET"); res.StatusCode != 200 {
				t.Errorf("after closing: %d", res.StatusCode)
			}
		})
	}
	wg.Wait()
}

// staticResponder answers every request with one prepared response.
type staticResponder struct{ res Response }

func (s staticResponder) Respond(*Request) (Response, bool) { return s.res, true }

// A warm request costs the fast lane no allocation: parse, respond and
// write reuse the connection's state. The client here allocates nothing
// either, so that AllocsPerRun (which counts every goroutine's) sees the
// server's alone.
func TestListenerWarmAllocatesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := Listen(ln, staticResponder{Response{Head: fastHead, Body: []byte("ok")}},
		Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer fl.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	for _, tc := range []struct{ name, req string }{
		{"GET", "GET /fast HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\"\r\n\r\n"},
		{"HEAD", "HEAD /fast HTTP/1.1\r\nHost: x\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := []byte(tc.req)
			// The response's length: head, Date line, blank line, body.
			want := len(fastHead) + len("Date: Mon, 02 Jan 2006 15:04:05 GMT\r\n\r\n")
			if tc.name == "GET" {
				want += len("ok")
			}
			buf := make([]byte, want)
			var failed error
			roundTrip := func() {
				if _, err := c.Write(req); err != nil {
					failed = err
				} else if _, err := io.ReadFull(c, buf); err != nil {
					failed = err
				}
			}
			roundTrip()
			if n := testing.AllocsPerRun(200, roundTrip); n != 0 {
				t.Errorf("%v allocations per request, want 0", n)
			}
			if failed != nil {
				t.Fatal(failed)
			}
			if !bytes.HasPrefix(buf, fastHead) {
				t.Fatalf("response %q", buf)
			}
		})
	}
}
