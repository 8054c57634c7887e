package fastlane

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// handedConn is a connection handed to net/http, with the bytes the fast
// lane had read but not answered, and the Responder's note on the request
// handed over.
//
// A request the fast lane has read (the Responder declined it) is handed
// over alone: net/http reads exactly its bytes, which it parses the same
// way (FuzzDifferential). When net/http, its response written, comes back
// idle for the next request (the http.Server's ConnState is ConnState),
// the fast lane takes its turn again inside that Read: it answers the
// requests it can, and gives net/http the next one it cannot. Bytes the
// fast lane does not read (a body, HTTP/1.0, anything unusual) make the
// connection net/http's for good.
type handedConn struct {
	net.Conn
	l  *Listener
	lc *conn

	// Used by the goroutine net/http serves the connection on.
	passthrough bool // net/http reads the rest of the stream
	remain      int  // bytes of the current request net/http has yet to read

	note   atomic.Pointer[note]
	state  atomic.Int32 // the last http.ConnState
	hooked atomic.Bool  // ConnState has been called for this connection
	closed sync.Once
}

// note is what a Responder learned of a request it declined.
type note struct {
	method, target string
	value          any
}

// handOver prepares the hand-over of the request the fast lane's next
// returned: n bytes of a declined request, or the rest of the stream. The
// fast lane's deadlines are lifted: net/http sets its own, or none.
func (c *handedConn) handOver(n int, v verdict) {
	c.SetReadDeadline(time.Time{})
	c.SetWriteDeadline(time.Time{})
	if v != declined {
		c.passthrough = true
		return
	}
	c.remain = n
	if c.lc.req.Note != nil {
		c.note.Store(&note{method: c.lc.req.Method, target: string(c.lc.req.Target), value: c.lc.req.Note})
	}
}

// Read gives net/http the bytes of the request handed over; between
// requests it lets the fast lane answer what it can first.
func (c *handedConn) Read(p []byte) (int, error) {
	br := c.lc.br
	switch {
	case c.passthrough:
		return br.Read(p)
	case c.remain > 0:
		n, err := br.Read(p[:min(len(p), c.remain)])
		c.remain -= n
		return n, err
	case !c.hooked.Load():
		// No ConnState hook: net/http's reads cannot be told apart.
		c.passthrough = true
		return br.Read(p)
	}
	switch http.ConnState(c.state.Load()) {
	case http.StateIdle:
	case http.StateActive:
		// net/http's background read while a handler runs, watching for
		// the client closing: report that, or an abort, or return nothing
		// when the next request arrives, leaving it for the fast lane.
		_, err := br.Peek(1)
		return 0, err
	default: // hijacked, or a state the fast lane does not expect
		c.passthrough = true
		return br.Read(p)
	}
	// net/http is idle, waiting for the next request: the fast lane's turn,
	// under deadlines of its own.
	c.lc.readDL, c.lc.writeDL = time.Time{}, time.Time{}
	n, v, err := c.l.next(c.lc, &c.l.closed)
	if err != nil {
		return 0, err
	}
	c.handOver(n, v)
	return c.Read(p)
}

// Close closes the connection, after a response the fast lane is writing,
// and frees its place under Config.MaxConns.
func (c *handedConn) Close() error {
	err := net.ErrClosed
	c.closed.Do(func() {
		c.lc.writing.Lock()
		defer c.lc.writing.Unlock()
		c.l.open.Add(-1)
		err = c.Conn.Close()
	})
	return err
}

type connKey struct{}

// ConnContext is for http.Server.ConnContext: it lets Note find the notes a
// Responder leaves on the requests it hands over. Other connections get
// ctx unchanged.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if hc, ok := c.(*handedConn); ok {
		return context.WithValue(ctx, connKey{}, hc)
	}
	return ctx
}

// ConnState is for http.Server.ConnState: it lets the fast lane answer
// requests again on a connection handed over, whenever net/http is idle
// between two requests. Without it, a connection handed over stays
// net/http's.
func ConnState(c net.Conn, s http.ConnState) {
	if hc, ok := c.(*handedConn); ok {
		hc.state.Store(int32(s))
		hc.hooked.Store(true)
	}
}

// Note returns the value a Responder set in Request.Note when it declined
// r, or nil. It returns a note once, to the first caller, and only for the
// request the note was left on: same method and target, on the connection
// handed over with it (and only if the http.Server's ConnContext is
// ConnContext).
func Note(r *http.Request) any {
	hc, ok := r.Context().Value(connKey{}).(*handedConn)
	if !ok {
		return nil
	}
	n := hc.note.Swap(nil)
	if n == nil || n.method != r.Method || n.target != r.RequestURI {
		return nil
	}
	return n.value
}
