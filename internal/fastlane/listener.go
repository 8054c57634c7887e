package fastlane

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Responder answers the requests the fast lane may serve itself.
type Responder interface {
	// Respond returns the response to req and true, or false to leave the
	// request — and the connection — to net/http (it may then set
	// req.Note). It is called from many goroutines at once and must not
	// block: it runs between reading a request and writing its response.
	Respond(req *Request) (Response, bool)
}

// Response is a prepared response. The fast lane adds the Date header (and
// Connection: close when the client asked for it) and the blank line, and
// sends Body unless the request is a HEAD.
type Response struct {
	// Head is the status line and header fields, each ending in CRLF,
	// exactly as net/http would write them; the fast lane does not modify
	// it, so it can be prepared once and shared.
	Head []byte
	// Body is the response body: nil for a 304.
	Body []byte
}

// DefaultMaxConns is the bound on open connections when Config.MaxConns is
// zero.
const DefaultMaxConns = 10000

// Config configures a Listener; the zero value works.
type Config struct {
	// MaxConns bounds the open connections, the fast lane's and those
	// handed to net/http: a connection accepted above it is closed at once
	// (shed). Zero means DefaultMaxConns; negative means no bound.
	MaxConns int
	// Logger receives accept errors and shedding, at most once a second;
	// nil means slog.Default().
	Logger *slog.Logger
}

// Timeouts of a fast-lane connection: idle between requests, reading one
// request's header block, writing one response.
const (
	idleTimeout   = 2 * time.Minute
	headerTimeout = 5 * time.Second
	writeTimeout  = 30 * time.Second
)

// Listener is a net.Listener for an http.Server: it accepts connections
// from an underlying listener, answers what its Responder can, and hands
// the rest over through Accept. It is safe for concurrent use.
type Listener struct {
	ln      net.Listener
	r       Responder
	cfg     Config
	handoff chan net.Conn
	done    chan struct{}
	closed  atomic.Bool
	err     atomic.Pointer[error]
	once    sync.Once
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   map[net.Conn]struct{} // the fast lane's own connections
	open    atomic.Int64          // open connections, handed over or not
	served  atomic.Uint64
	shed    atomic.Uint64
	date    atomic.Pointer[dateLines]
	lastLog atomic.Int64 // unix nanoseconds of the last accept-loop warning
	readers sync.Pool    // *bufio.Reader of MaxRequestBytes
}

var _ net.Listener = (*Listener)(nil)

// Listen starts accepting connections on ln and returns the listener an
// http.Server must serve, with ConnState as its ConnState (else a
// connection handed over stays net/http's) and ConnContext as its
// ConnContext if its handlers use Note:
//
//	fl := fastlane.Listen(ln, responder, fastlane.Config{})
//	hs.ConnContext, hs.ConnState = fastlane.ConnContext, fastlane.ConnState
//	go hs.Serve(fl)
//	…
//	hs.Shutdown(ctx); fl.Close(); fl.Wait(ctx)
func Listen(ln net.Listener, r Responder, cfg Config) *Listener {
	if cfg.MaxConns == 0 {
		cfg.MaxConns = DefaultMaxConns
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	l := &Listener{ln: ln, r: r, cfg: cfg, handoff: make(chan net.Conn), done: make(chan struct{}),
		conns: map[net.Conn]struct{}{}}
	l.readers.New = func() any { return bufio.NewReaderSize(nil, MaxRequestBytes) }
	go l.acceptLoop()
	return l
}

// temporary reports whether an accept error is worth retrying: a timeout,
// or a passing shortage such as EMFILE, ENFILE or ECONNABORTED (what
// net/http retries too).
func temporary(err error) bool {
	var t interface{ Temporary() bool }
	var ne net.Error
	return errors.As(err, &t) && t.Temporary() || errors.As(err, &ne) && ne.Timeout()
}

func (l *Listener) acceptLoop() {
	var delay time.Duration
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if l.closed.Load() {
				return
			}
			if temporary(err) {
				// Out of file descriptors, say: back off (5 ms doubling to
				// 1 s, as net/http does) while connections close.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				l.warn("fast lane: accept failed; retrying", "err", err, "retry_in", delay)
				select {
				case <-time.After(delay):
				case <-l.done:
					return
				}
				continue
			}
			l.err.Store(&err)
			l.Close()
			return
		}
		delay = 0
		if n := l.open.Add(1); l.cfg.MaxConns > 0 && n > int64(l.cfg.MaxConns) {
			l.open.Add(-1)
			l.shed.Add(1)
			c.Close()
			l.warn("fast lane: too many open connections; closing new ones", "max_conns", l.cfg.MaxConns)
			continue
		}
		l.wg.Add(1)
		go l.serve(c)
	}
}

// warn logs at most once a second.
func (l *Listener) warn(msg string, args ...any) {
	now := time.Now().UnixNano()
	last := l.lastLog.Load()
	if now-last < int64(time.Second) || !l.lastLog.CompareAndSwap(last, now) {
		return
	}
	l.cfg.Logger.Warn(msg, args...)
}

// Accept returns the next connection handed over to net/http.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.handoff:
		return c, nil
	case <-l.done:
		if e := l.err.Load(); e != nil {
			return nil, *e
		}
		return nil, net.ErrClosed
	}
}

// Close stops accepting connections and closes the fast lane's idle ones;
// a response being written is finished first. Connections already handed
// over belong to the http.Server.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		l.closed.Store(true)
		close(l.done)
		err = l.ln.Close()
		l.mu.Lock()
		for c := range l.conns {
			c.SetReadDeadline(time.Now()) // wakes a connection waiting for a request
		}
		l.mu.Unlock()
	})
	return err
}

// Addr returns the listener's address.
func (l *Listener) Addr() net.Addr { return l.ln.Addr() }

// Wait waits until every fast-lane connection has ended or been handed
// over, or ctx ends.
func (l *Listener) Wait(ctx context.Context) error {
	ch := make(chan struct{})
	go func() { l.wg.Wait(); close(ch) }()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Served returns how many requests the fast lane has answered itself.
func (l *Listener) Served() uint64 { return l.served.Load() }

// Open returns how many accepted connections are open, the fast lane's and
// those handed over.
func (l *Listener) Open() int { return int(l.open.Load()) }

// Shed returns how many connections were closed at once because MaxConns
// were open.
func (l *Listener) Shed() uint64 { return l.shed.Load() }

// conn is the state of one fast-lane connection, reused from request to
// request so that a warm request allocates little.
type conn struct {
	c               net.Conn
	br              *bufio.Reader
	req             Request
	readDL, writeDL time.Time
	bufs            [3][]byte
	out             net.Buffers // a slice of bufs, kept here so that writing it does not allocate
	writing         sync.Mutex  // held while the fast lane writes a response
}

// serve answers requests on c until one needs net/http or c ends.
func (l *Listener) serve(c net.Conn) {
	defer l.wg.Done()
	l.mu.Lock()
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	br := l.readers.Get().(*bufio.Reader)
	br.Reset(c)
	handed := false
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		if !handed {
			// Counted closed before the close, so that a client that
			// sees its end never finds it still counted open.
			l.open.Add(-1)
			c.Close()
			br.Reset(nil)
			l.readers.Put(br)
		}
	}()
	lc := &conn{c: c, br: br, req: Request{RemoteAddr: c.RemoteAddr()}}
	n, v, err := l.next(lc, &l.closed)
	if err != nil || l.closed.Load() {
		return
	}
	// From here on Close must leave the connection alone: once net/http
	// has it, a read deadline set by Close would fail net/http's
	// background read and cancel the request being served. handOver
	// lifts a deadline Close set before this.
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	hc := &handedConn{Conn: c, l: l, lc: lc}
	hc.handOver(n, v)
	select {
	case l.handoff <- hc:
		handed = true
		if testHookHandedOver != nil {
			testHookHandedOver()
		}
	case <-l.done:
	}
}

// testHookHandedOver, when set by a test, runs in the fast lane's
// goroutine right after net/http has taken a connection.
var testHookHandedOver func()

// next answers requests on lc until one must go to net/http, and returns
// that request's length and verdict: declined (a request the Responder
// left to net/http, n bytes long, lc.req describing it) or handOver (bytes
// the fast lane does not read). An error means the connection is done: it
// failed, or the client asked to close it. next returns early, handing
// over, once stop is set.
func (l *Listener) next(lc *conn, stop *atomic.Bool) (n int, v verdict, err error) {
	c, br := lc.c, lc.br
	for !stop.Load() {
		// Deadlines are moved only when half their time has gone: setting
		// one costs as much as the rest of a warm request.
		now := time.Now()
		if lc.readDL.Sub(now) < idleTimeout/2 {
			lc.readDL = now.Add(idleTimeout)
			c.SetReadDeadline(lc.readDL)
		}
		if _, err := br.Peek(1); err != nil {
			return 0, handOver, err
		}
		n, v := l.read(c, br, lc)
		if v != accept {
			return 0, handOver, nil
		}
		res, ok := l.respond(lc)
		if !ok {
			return n, declined, nil
		}
		br.Discard(n)
		// Counted before the write, so that a client that has read the
		// response finds it counted.
		l.served.Add(1)
		if now := time.Now(); lc.writeDL.Sub(now) < writeTimeout/2 {
			lc.writeDL = now.Add(writeTimeout)
			c.SetWriteDeadline(lc.writeDL)
		}
		if err := l.write(lc, res); err != nil {
			return 0, handOver, err
		}
		if lc.req.Close {
			return 0, handOver, io.EOF
		}
	}
	return 0, handOver, nil
}

// read parses the request at the head of br, reading until its header
// block is complete, for at most headerTimeout.
func (l *Listener) read(c net.Conn, br *bufio.Reader, lc *conn) (int, verdict) {
	waiting := false
	for {
		buf, _ := br.Peek(br.Buffered())
		n, v := parse(buf, &lc.req)
		if v != needMore {
			return n, v
		}
		if !waiting {
			// A request still arriving gets headerTimeout to finish.
			waiting = true
			lc.readDL = time.Now().Add(headerTimeout)
			c.SetReadDeadline(lc.readDL)
		}
		if _, err := br.Peek(len(buf) + 1); err != nil {
			return 0, handOver
		}
	}
}

// respond asks the Responder, recovering from its panics as net/http
// would from a handler's: the request is declined, and net/http's handler
// answers instead.
func (l *Listener) respond(lc *conn) (res Response, ok bool) {
	lc.req.Note = nil
	defer func() {
		if p := recover(); p != nil {
			l.cfg.Logger.Error("fast lane: responder panicked; handing the request to net/http", "panic", p)
			res, ok = Response{}, false
			lc.req.Note = nil
		}
	}()
	return l.r.Respond(&lc.req)
}

// write sends res: its head, the Date (and Connection: close) and the blank
// line, and its body unless the request is a HEAD.
func (l *Listener) write(lc *conn, res Response) error {
	lc.writing.Lock()
	defer lc.writing.Unlock()
	d := l.dateLines()
	end := d.end
	if lc.req.Close {
		end = d.close
	}
	lc.bufs[0], lc.bufs[1], lc.bufs[2] = res.Head, end, nil
	lc.out = lc.bufs[:2]
	if len(res.Body) > 0 && !lc.req.Head() {
		lc.bufs[2] = res.Body
		lc.out = lc.bufs[:3]
	}
	// WriteTo takes a *net.Buffers: a local one would escape, one
	// allocation per response.
	_, err := lc.out.WriteTo(lc.c)
	lc.bufs, lc.out = [3][]byte{}, nil // keep no body alive between requests
	return err
}

// dateLines are the last lines of a response head in one second.
type dateLines struct {
	unix       int64
	end, close []byte // "Date: …\r\n\r\n", "Date: …\r\nConnection: close\r\n\r\n"
}

// dateLines returns the date lines of the current second.
func (l *Listener) dateLines() *dateLines {
	now := time.Now()
	if d := l.date.Load(); d != nil && d.unix == now.Unix() {
		return d
	}
	date := "Date: " + now.UTC().Format(http.TimeFormat) + "\r\n"
	d := &dateLines{unix: now.Unix(), end: []byte(date + "\r\n"), close: []byte(date + "Connection: close\r\n\r\n")}
	l.date.Store(d)
	return d
}
