package server

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/xiang-maps/xiang/internal/api"
)

// Render work is split in two pools so that cheap work cannot starve:
// tiles (plan and render) take slots of s.slots, MaxRenders of them; the
// expensive images (/static, /animate, /print) and GeoJSON exports take
// slots of s.imageSlots, MaxImageRenders of them. A client may have at
// most MaxImagesPerClient expensive requests waiting or running; more get
// a 429.

// acquire takes a slot of pool, or gives up when ctx ends first.
func (s *Server) acquire(ctx context.Context, pool chan struct{}) error {
	select {
	case pool <- struct{}{}:
		s.metrics.InFlight.Inc()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release returns a slot of pool taken by acquire.
func (s *Server) release(pool chan struct{}) {
	s.metrics.InFlight.Dec()
	<-pool
}

// work runs f in a slot of pool, which it returns even if f panics.
func (s *Server) work(ctx context.Context, pool chan struct{}, f func() error) error {
	if err := s.acquire(ctx, pool); err != nil {
		return err
	}
	defer s.release(pool)
	return f()
}

// slot is a tile slot held by a request that may hand it over to the
// render it starts, so that a cold tile takes one slot for its plan and
// its render. Exactly one of release and handOver wins.
type slot struct {
	s     *Server
	state atomic.Int32 // slotHeld, slotHandedOver or slotReleased
}

const (
	slotHeld int32 = iota
	slotHandedOver
	slotReleased
)

// takeSlot takes a tile slot, or gives up when ctx ends first.
func (s *Server) takeSlot(ctx context.Context) (*slot, error) {
	if err := s.acquire(ctx, s.slots); err != nil {
		return nil, err
	}
	return &slot{s: s}, nil
}

// release returns the slot unless it was handed over or released already.
func (sl *slot) release() {
	if sl.state.CompareAndSwap(slotHeld, slotReleased) {
		sl.s.release(sl.s.slots)
	}
}

// handOver gives the slot to the caller, which must release it with
// Server.release; false means the request let it go first, and the caller
// must take a slot of its own.
func (sl *slot) handOver() bool { return sl.state.CompareAndSwap(slotHeld, slotHandedOver) }

// clients counts each client's expensive requests under way (waiting for
// a slot or running), to bound them per client.
type clients struct {
	mu sync.Mutex
	n  map[string]int
}

// retryAfterImage is the Retry-After, in seconds, of a 429 for too many
// images at once.
const retryAfterImage = 5

// admit counts one more expensive request of r's client, or returns a 429
// error when the client has max under way already; done uncounts it. The
// client is the peer's IP address: behind a proxy every client shares the
// proxy's, so set MaxImagesPerClient for it.
func (s *Server) admit(r *http.Request) (done func(), err error) {
	max := s.cfg.MaxImagesPerClient
	if max < 0 {
		return func() {}, nil
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	c := &s.clients
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n[ip] >= max {
		return nil, &api.Error{Status: http.StatusTooManyRequests, Part: "client",
			Msg: "too many images at once: at most " + strconv.Itoa(max) +
				" images, animations, prints or exports per client may be drawn at a time; try again when one is done",
			RetryAfter: retryAfterImage}
	}
	c.n[ip]++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.n[ip]--; c.n[ip] == 0 {
			delete(c.n, ip) // the map holds only clients with work under way
		}
	}, nil
}
