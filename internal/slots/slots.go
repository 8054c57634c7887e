// Package slots bounds concurrent work: a Pool of slots that work waits
// for (giving up when its context ends), a Slot that one request may hand
// over to the work it starts, and Clients, which counts each client's work
// under way so that no client takes more than its share.
package slots

import (
	"context"
	"sync"
	"sync/atomic"
)

// Gauge is told when a slot is taken (Inc) and given back (Dec), as a
// Prometheus gauge is.
type Gauge interface {
	Inc()
	Dec()
}

// Pool is a fixed number of slots.
type Pool struct {
	ch    chan struct{}
	inUse Gauge
}

// NewPool returns a pool of n slots (at least 1) reporting to inUse, which
// may be nil.
func NewPool(n int, inUse Gauge) *Pool {
	return &Pool{ch: make(chan struct{}, max(n, 1)), inUse: inUse}
}

// Acquire takes a slot, or gives up with ctx's error when ctx ends first.
func (p *Pool) Acquire(ctx context.Context) error {
	select {
	case p.ch <- struct{}{}:
		if p.inUse != nil {
			p.inUse.Inc()
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release gives back a slot taken by Acquire.
func (p *Pool) Release() {
	if p.inUse != nil {
		p.inUse.Dec()
	}
	<-p.ch
}

// Work runs f in a slot, which it gives back even if f panics.
func (p *Pool) Work(ctx context.Context, f func() error) error {
	if err := p.Acquire(ctx); err != nil {
		return err
	}
	defer p.Release()
	return f()
}

// Take takes a slot as a Slot that its holder may hand over.
func (p *Pool) Take(ctx context.Context) (*Slot, error) {
	if err := p.Acquire(ctx); err != nil {
		return nil, err
	}
	return &Slot{pool: p}, nil
}

// Slot is a slot held by a request that may hand it over to the work it
// starts (a cold tile's render, after its plan), so that the request takes
// one slot for both. Exactly one of Release and HandOver wins.
type Slot struct {
	pool  *Pool
	state atomic.Int32 // held, handedOver or released
}

const (
	held int32 = iota
	handedOver
	released
)

// Release gives the slot back unless it was handed over or released
// already; it may be called any number of times.
func (s *Slot) Release() {
	if s.state.CompareAndSwap(held, released) {
		s.pool.Release()
	}
}

// HandOver gives the slot to the caller, which must give it back with
// Pool.Release; false means its holder let it go first, and the caller
// must take a slot of its own.
func (s *Slot) HandOver() bool { return s.state.CompareAndSwap(held, handedOver) }

// Clients counts each client's work under way.
type Clients struct {
	mu sync.Mutex
	n  map[string]int
}

// Admit counts one more piece of work of client unless it has max under
// way already (ok false); done uncounts it. A negative max admits all.
func (c *Clients) Admit(client string, max int) (done func(), ok bool) {
	if max < 0 {
		return func() {}, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	if c.n[client] >= max {
		return nil, false
	}
	c.n[client]++
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.n[client]--; c.n[client] == 0 {
			delete(c.n, client) // the map holds only clients with work under way
		}
	}, true
}
