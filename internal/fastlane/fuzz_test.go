package fastlane

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// seeds are requests for the fuzz targets: valid ones, and the cases where
// the fast lane once disagreed with net/http.
var seeds = []string{
	"GET /tiles/all/1944-06-15/8/208/108.png HTTP/1.1\r\nHost: localhost:8080\r\nIf-None-Match: \"a\", W/\"b\"\r\n\r\n",
	"HEAD /a?b=c HTTP/1.1\r\nhost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
	"GET / HTTP/1.1\nHost: x\n\n",
	"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
	"GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
	"GET / HTTP/1.0\r\n\r\n",
	"GET / HTTP/1.1\r\nHost:\r\n\r\n",
}

// FuzzParse checks the parser's own contract on any bytes: an accepted
// request is a complete header block at the head of the input, read the
// same whatever follows it.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var req Request
		n, v := parse(b, &req)
		switch v {
		case needMore:
			if bytes.Contains(b, crlf2) || len(b) >= MaxRequestBytes {
				t.Fatalf("needMore on a complete or over-long request")
			}
			return
		case handOver:
			return
		}
		if n <= 0 || n > len(b) || n > MaxRequestBytes || !bytes.HasSuffix(b[:n], crlf2) || bytes.Contains(b[:n-2], crlf2) {
			t.Fatalf("accepted length %d of %d bytes", n, len(b))
		}
		if req.Method != methodGet && req.Method != methodHead || !validTarget(req.Target) ||
			!bytes.Contains(b[:n], req.Target) {
			t.Fatalf("accepted %q %q", req.Method, req.Target)
		}
		// The same request alone, or followed by anything, reads the same.
		for _, in := range [][]byte{b[:n], append(b[:n:n], "\n\x00junk"...)} {
			var again Request
			m, w := parse(in, &again)
			if m != n || w != accept || again.Method != req.Method || !bytes.Equal(again.Target, req.Target) ||
				again.Close != req.Close || !slices.Equal(again.IfNoneMatch, req.IfNoneMatch) {
				t.Fatalf("read differently when followed by other bytes: %d %v %+v", m, w, again)
			}
		}
	})
}

// FuzzDifferential compares the fast lane's verdict with net/http's on the
// same bytes: whatever the fast lane accepts, a real http.Server accepts
// too and reads as the same request, from the same bytes — so nothing
// net/http rejects (400) is ever answered by the fast lane.
func FuzzDifferential(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var req Request
		n, v := parse(b, &req)
		if v != accept {
			return
		}
		// Alone, followed by nothing: a request the fast lane declines is
		// handed to net/http so, and net/http must read it whole, and
		// nothing more.
		seen, out := netHTTP(t, b[:n])
		if len(seen) != 1 || responses(out) != 1 {
			t.Fatalf("fast lane accepts %q; net/http served %d requests from it and answered %q", b[:n], len(seen), out)
		}
		got := seen[0]
		if got.method != req.Method || got.target != string(req.Target) || got.close != req.Close ||
			!slices.Equal(got.ifNoneMatch, req.IfNoneMatch) {
			t.Fatalf("%q: net/http read %+v; the fast lane %q %q close=%v inm=%q",
				b[:n], got, req.Method, req.Target, req.Close, req.IfNoneMatch)
		}
	})
}

// responses counts the responses in out.
func responses(out []byte) int {
	br := bufio.NewReader(bytes.NewReader(out))
	n := 0
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return n
		}
		io.Copy(io.Discard, res.Body)
		n++
	}
}

// seenRequest is what the oracle's handler saw of a request.
type seenRequest struct {
	method, target string
	close          bool
	ifNoneMatch    []string
}

// netHTTP serves b, as one connection's bytes, with a real http.Server
// configured as xiang serve's, and returns the requests its handler saw
// and the bytes it wrote.
func netHTTP(t *testing.T, b []byte) ([]seenRequest, []byte) {
	o := oracle()
	c := &memConn{r: bytes.NewReader(b), done: make(chan struct{})}
	o.conns <- c
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("net/http did not close the connection of %q", b)
	}
	return c.seen, c.out.Bytes()
}

// oracleServer is an http.Server whose handler notes each request on its
// memConn.
type oracleServer struct {
	conns chan net.Conn
}

var oracle = sync.OnceValue(func() *oracleServer {
	o := &oracleServer{conns: make(chan net.Conn)}
	type key struct{}
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := r.Context().Value(key{}).(*memConn)
			c.seen = append(c.seen, seenRequest{r.Method, r.RequestURI, r.Close, r.Header["If-None-Match"]})
		}),
		ConnContext:    func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, key{}, c) },
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       log.New(io.Discard, "", 0),
	}
	go hs.Serve(o)
	return o
})

// Accept returns the next connection to serve.
func (o *oracleServer) Accept() (net.Conn, error) { return <-o.conns, nil }

// Close does nothing: the oracle lives as long as the process.
func (o *oracleServer) Close() error { return nil }

// Addr is a made-up address.
func (o *oracleServer) Addr() net.Addr { return memAddr{} }

// memConn is a connection whose peer has sent some bytes and closed its
// side.
type memConn struct {
	r    *bytes.Reader
	out  bytes.Buffer
	seen []seenRequest
	once sync.Once
	done chan struct{}
}

func (c *memConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *memConn) Write(p []byte) (int, error)      { return c.out.Write(p) }
func (c *memConn) Close() error                     { c.once.Do(func() { close(c.done) }); return nil }
func (c *memConn) LocalAddr() net.Addr              { return memAddr{} }
func (c *memConn) RemoteAddr() net.Addr             { return memAddr{} }
func (c *memConn) SetDeadline(time.Time) error      { return nil }
func (c *memConn) SetReadDeadline(time.Time) error  { return nil }
func (c *memConn) SetWriteDeadline(time.Time) error { return nil }

type memAddr struct{}

func (memAddr) Network() string { return "mem" }
func (memAddr) String() string  { return "mem" }

// TestDifferentialSeeds runs the oracle on requests net/http must reject,
// so that a broken oracle cannot pass FuzzDifferential vacuously.
func TestDifferentialSeeds(t *testing.T) {
	for name, tc := range map[string]struct {
		in   string
		want int // requests net/http serves
	}{
		"valid":        {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1},
		"pipelined":    {"GET / HTTP/1.1\r\nHost: x\r\n\r\nHEAD /a HTTP/1.1\r\nHost: x\r\n\r\n", 2},
		"bare LF":      {"GET / HTTP/1.1\nHost: x\n\n", 1},
		"two hosts":    {"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 0},
		"NUL in value": {"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n", 0},
		"bad host":     {"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 0},
		"no host":      {"GET / HTTP/1.1\r\n\r\n", 0},
	} {
		t.Run(name, func(t *testing.T) {
			seen, out := netHTTP(t, []byte(tc.in))
			if len(seen) != tc.want {
				t.Errorf("net/http served %d requests, want %d: %q", len(seen), tc.want, out)
			}
			if tc.want == 0 && !strings.HasPrefix(string(out), "HTTP/1.1 400 ") {
				t.Errorf("net/http answered %q, want a 400", out)
			}
		})
	}
}
