package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FastLane is a net.Listener for an http.Server serving s, which answers
// warm tile requests itself. Go's HTTP server spends most of a cached tile's
// time on per-request machinery (header maps, the response writer, routing);
// the fast lane reads an HTTP/1.1 GET or HEAD for a tile whose address is in
// the index and whose bytes are cached, and writes the prepared status line,
// headers and body in one system call, as nginx does with a file in the page
// cache. It counts the request in the metrics like any other (logging it at
// debug level only).
//
// Anything else — another route, a tile not yet drawn, a malformed or
// unusual request (a body, HTTP/1.0, %-escapes, headers over 4 KiB) — hands
// the connection, with the bytes already read, to the http.Server, which
// serves it from then on. Responses are the same either way.
type FastLane struct {
	s       *Server
	ln      net.Listener
	handoff chan net.Conn
	done    chan struct{}
	closed  atomic.Bool
	err     atomic.Pointer[error]
	once    sync.Once
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	served  atomic.Uint64
	date    atomic.Pointer[dateLine]
}

// dateLine is the Date header of one second, ending the header block.
type dateLine struct {
	unix int64
	line []byte
}

// fastLaneTimeouts bound a fast-lane connection: idle between requests,
// reading one request's headers, writing one response.
const (
	fastIdle   = 2 * time.Minute
	fastHeader = 5 * time.Second
	fastWrite  = 30 * time.Second
	fastMaxReq = 4 << 10
)

var _ net.Listener = (*FastLane)(nil)

// FastLane starts accepting connections on ln and returns the listener an
// http.Server with s as its handler must serve:
//
//	fl := s.FastLane(ln)
//	go hs.Serve(fl)
//	…
//	hs.Shutdown(ctx); fl.Wait(ctx)
func (s *Server) FastLane(ln net.Listener) *FastLane {
	fl := &FastLane{s: s, ln: ln, handoff: make(chan net.Conn), done: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	go fl.acceptLoop()
	return fl
}

func (fl *FastLane) acceptLoop() {
	var delay time.Duration
	for {
		c, err := fl.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !fl.closed.Load() {
				// A passing failure (as net/http treats them): back off, go on.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			fl.err.Store(&err)
			fl.Close()
			return
		}
		delay = 0
		fl.wg.Add(1)
		go fl.serve(c)
	}
}

// Accept returns the next connection handed over to net/http.
func (fl *FastLane) Accept() (net.Conn, error) {
	select {
	case c := <-fl.handoff:
		return c, nil
	case <-fl.done:
		if e := fl.err.Load(); e != nil && !fl.closed.Load() {
			return nil, *e
		}
		return nil, net.ErrClosed
	}
}

// Close stops accepting connections and closes the fast lane's idle ones;
// a response being written is finished first. Connections already handed
// over belong to the http.Server.
func (fl *FastLane) Close() error {
	var err error
	fl.once.Do(func() {
		fl.closed.Store(true)
		close(fl.done)
		err = fl.ln.Close()
		fl.mu.Lock()
		for c := range fl.conns {
			c.SetReadDeadline(time.Now()) // wakes a connection waiting for a request
		}
		fl.mu.Unlock()
	})
	return err
}

// Addr returns the listener's address.
func (fl *FastLane) Addr() net.Addr { return fl.ln.Addr() }

// Wait waits until every fast-lane connection has ended, or ctx ends.
func (fl *FastLane) Wait(ctx context.Context) error {
	ch := make(chan struct{})
	go func() { fl.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Served returns how many requests the fast lane has answered itself.
func (fl *FastLane) Served() uint64 { return fl.served.Load() }

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, fastMaxReq) }}

// serve answers requests on c until one needs net/http or c ends.
func (fl *FastLane) serve(c net.Conn) {
	defer fl.wg.Done()
	fl.mu.Lock()
	fl.conns[c] = struct{}{}
	fl.mu.Unlock()
	br := readers.Get().(*bufio.Reader)
	br.Reset(c)
	handed := false
	defer func() {
		fl.mu.Lock()
		delete(fl.conns, c)
		fl.mu.Unlock()
		if !handed {
			c.Close()
			br.Reset(nil)
			readers.Put(br)
		}
	}()
	lc := &laneConn{vars: make(map[string]string, 5)}
	for !fl.closed.Load() {
		// Deadlines are moved only when half their time has gone: setting
		// one costs as much as the rest of a warm request.
		now := time.Now()
		if lc.readDL.Sub(now) < fastIdle/2 {
			lc.readDL = now.Add(fastIdle)
			c.SetReadDeadline(lc.readDL)
		}
		if _, err := br.Peek(1); err != nil {
			return
		}
		if buf, _ := br.Peek(br.Buffered()); !bytes.Contains(buf, []byte("\r\n\r\n")) {
			// A request still arriving gets fastHeader to finish.
			lc.readDL = time.Now().Add(fastHeader)
			c.SetReadDeadline(lc.readDL)
		}
		req, n, ok := peekRequest(br, lc.inm[:0])
		var e *entry
		var notModified bool
		if ok {
			lc.inm = req.ifNoneMatch
			e, notModified = fl.s.fastTile(req, lc.vars)
		}
		if e == nil {
			if fl.closed.Load() {
				return
			}
			c.SetReadDeadline(time.Time{})
			select {
			case fl.handoff <- &handedConn{Conn: c, r: br}:
				handed = true
			case <-fl.done:
			}
			return
		}
		start := time.Now()
		br.Discard(n)
		// Counted before the write, so that a client that has read the
		// response finds it counted.
		fl.served.Add(1)
		status := http.StatusOK
		if notModified {
			status = http.StatusNotModified
		}
		fl.s.metrics.observe("tile", status, time.Since(start))
		if lc.writeDL.Sub(start) < fastWrite/2 {
			lc.writeDL = start.Add(fastWrite)
			c.SetWriteDeadline(lc.writeDL)
		}
		if err := fl.write(c, lc, e, req.head, notModified); err != nil {
			return
		}
		if fl.s.log.Enabled(context.Background(), -4) { // slog.LevelDebug
			fl.s.log.Debug("request", "method", string(req.method), "path", string(req.target), "route", "tile",
				"status", status, "cache", "hit", "lane", "fast", "remote", c.RemoteAddr().String())
		}
		if req.close {
			return
		}
	}
}

// laneConn is the state of one fast-lane connection, reused from request
// to request so that a warm request allocates nothing.
type laneConn struct {
	readDL, writeDL time.Time
	vars            map[string]string // tile path parameters
	inm             []string          // If-None-Match values
	bufs            [3][]byte
}

// write sends e's response: prepared headers, the Date, the body.
func (fl *FastLane) write(c net.Conn, lc *laneConn, e *entry, head, notModified bool) error {
	w := e.wire(fl.s.headers.tile[0])
	h := w.ok
	if notModified {
		h = w.notModified
	}
	lc.bufs[0], lc.bufs[1], lc.bufs[2] = h, fl.dateLine(), nil
	bufs := net.Buffers(lc.bufs[:2])
	if !notModified && !head {
		lc.bufs[2] = e.body
		bufs = lc.bufs[:3]
	}
	_, err := bufs.WriteTo(c)
	return err
}

// dateLine returns "Date: …\r\n\r\n" for the current second.
func (fl *FastLane) dateLine() []byte {
	now := time.Now()
	if d := fl.date.Load(); d != nil && d.unix == now.Unix() {
		return d.line
	}
	d := &dateLine{unix: now.Unix(), line: []byte("Date: " + now.UTC().Format(http.TimeFormat) + "\r\n\r\n")}
	fl.date.Store(d)
	return d.line
}

// wireHead is an entry's status line and headers, without the Date.
type wireHead struct{ ok, notModified []byte }

// wire returns e's prepared response heads, built on first use.
func (e *entry) wire(cacheControl string) *wireHead {
	if w := e.wireHead.Load(); w != nil {
		return w
	}
	common := "ETag: " + e.etag + "\r\nCache-Control: " + cacheControl +
		"\r\nAccess-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: ETag, Content-Length, Retry-After\r\n"
	w := &wireHead{
		ok: []byte("HTTP/1.1 200 OK\r\nContent-Type: " + e.contentType[0] + "\r\nContent-Length: " + e.contentLength[0] +
			"\r\n" + common),
		notModified: []byte("HTTP/1.1 304 Not Modified\r\n" + common),
	}
	e.wireHead.Store(w)
	return w
}

// fastRequest is what the fast lane reads of a request.
type fastRequest struct {
	method, target []byte
	ifNoneMatch    []string
	head, close    bool
}

// peekRequest parses the request at the head of br without consuming it;
// n is its length. ok is false for anything the fast lane leaves to
// net/http. If-None-Match values are appended to inm.
func peekRequest(br *bufio.Reader, inm []string) (req fastRequest, n int, ok bool) {
	req.ifNoneMatch = inm
	var buf []byte
	for {
		buf, _ = br.Peek(br.Buffered())
		if i := bytes.Index(buf, []byte("\r\n\r\n")); i >= 0 {
			n = i + 4
			buf = buf[:i+2]
			break
		}
		if len(buf) >= fastMaxReq {
			return req, 0, false
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return req, 0, false
		}
	}
	line, rest, _ := bytes.Cut(buf, []byte("\r\n"))
	method, line, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(line, []byte(" "))
	if !ok1 || !ok2 || !bytes.Equal(proto, []byte("HTTP/1.1")) || len(target) == 0 || target[0] != '/' ||
		len(target) > MaxURLBytes || bytes.IndexByte(target, '%') >= 0 {
		return req, 0, false
	}
	switch string(method) {
	case http.MethodGet:
	case http.MethodHead:
		req.head = true
	default:
		return req, 0, false
	}
	req.method, req.target = method, target
	host := false
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(h, []byte(":"))
		if !found || len(name) == 0 || name[len(name)-1] == ' ' {
			return req, 0, false // malformed, or whitespace before the colon
		}
		value = bytes.TrimSpace(value)
		switch strings.ToLower(string(name)) {
		case "host":
			host = true
		case "if-none-match":
			req.ifNoneMatch = append(req.ifNoneMatch, string(value))
		case "connection":
			for _, opt := range strings.Split(string(value), ",") {
				switch strings.ToLower(strings.TrimSpace(opt)) {
				case "close":
					req.close = true
				case "upgrade":
					return req, 0, false
				}
			}
		case "content-length", "transfer-encoding", "expect", "upgrade":
			return req, 0, false
		}
	}
	return req, n, host
}

// fastTile returns the cached entry a warm tile request is answered with,
// and whether the answer is a 304; nil when the request is not a tile
// whose address and bytes are cached. vars is scratch space.
func (s *Server) fastTile(req fastRequest, vars map[string]string) (*entry, bool) {
	target := string(req.target)
	path, rawQuery, _ := strings.Cut(target, "?")
	rest, ok := strings.CutPrefix(path, "/tiles/")
	if !ok {
		return nil, false
	}
	var seg [6]string
	n := 0
	for n < len(seg) {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			seg[n] = rest
			n++
			break
		}
		seg[n], rest = rest[:i], rest[i+1:]
		n++
	}
	clear(vars)
	switch {
	case n == 5 && rest == seg[4]:
		vars["layers"], vars["date"], vars["z"], vars["x"], vars["file"] = seg[0], seg[1], seg[2], seg[3], seg[4]
	case n == 4 && rest == seg[3]:
		vars["layers"], vars["z"], vars["x"], vars["file"] = seg[0], seg[1], seg[2], seg[3]
	default:
		return nil, false
	}
	tr, err := parseTileRequest(vars, rawQuery, s.cfg.MaxZoom)
	if err != nil {
		return nil, false
	}
	d := s.data.Load()
	e, _, ok := s.warm(d, addrKey{gen: d.gen, layers: tr.layers, day: tr.day,
		z: uint32(tr.tile.Z), x: tr.tile.X, y: tr.tile.Y, scale: uint8(tr.scale)}, tr.scale)
	if !ok {
		return nil, false
	}
	return e, len(req.ifNoneMatch) > 0 && etagMatch(req.ifNoneMatch, e.etag)
}

// handedConn is a connection handed to net/http, with the bytes the fast
// lane had read but not answered.
type handedConn struct {
	net.Conn
	r *bufio.Reader
}

// Read reads the bytes the fast lane had buffered, then the connection.
func (c *handedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
