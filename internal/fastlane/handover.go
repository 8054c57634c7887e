package fastlane

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync/atomic"
)

// handedConn is a connection handed to net/http, with the bytes the fast
// lane had read but not answered, and the Responder's note on the first
// request.
type handedConn struct {
	net.Conn
	r      *bufio.Reader
	l      *Listener
	note   atomic.Pointer[note]
	closed atomic.Bool
}

// note is what a Responder learned of a request it declined.
type note struct {
	method, target string
	value          any
}

// Read reads the bytes the fast lane had buffered, then the connection.
func (c *handedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Close closes the connection and frees its place under Config.MaxConns.
func (c *handedConn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.l.open.Add(-1)
	return c.Conn.Close()
}

type connKey struct{}

// ConnContext is for http.Server.ConnContext: it lets Note find the note a
// Responder left on a connection it handed over. Other connections get ctx
// unchanged.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if hc, ok := c.(*handedConn); ok && hc.note.Load() != nil {
		return context.WithValue(ctx, connKey{}, hc)
	}
	return ctx
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
