package cache

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Result says where a value returned by Do came from.
type Result uint8

// The results of Do.
const (
	// Hit: the value was in the cache.
	Hit Result = iota
	// Loaded: this call started the load.
	Loaded
	// Shared: this call waited for a load another call had started.
	Shared
)

// String returns "hit", "loaded" or "shared".
func (r Result) String() string {
	switch r {
	case Hit:
		return "hit"
	case Loaded:
		return "loaded"
	case Shared:
		return "shared"
	}
	return fmt.Sprintf("Result(%d)", uint8(r))
}

// PanicError is the error Do returns when a load function panicked: the
// panic is recovered in the loading goroutine so that it cannot crash the
// process, and reported to every caller waiting for that load.
type PanicError struct {
	Value any
	Stack []byte
}

// Error describes the panic value; the stack is in the Stack field.
func (e *PanicError) Error() string { return fmt.Sprintf("cache: load panicked: %v", e.Value) }

// flight is one load under way.
type flight[V any] struct {
	done    chan struct{} // closed when val and err are set
	val     V
	err     error
	waiters int // callers still waiting; guarded by the cache's mutex
	cancel  context.CancelFunc
}

// Do returns the value for k: from the cache when present, else from load,
// which runs once for all concurrent callers of Do with the same key and
// whose value is stored unless it returns an error.
//
// load runs in its own goroutine with a context that keeps ctx's values but
// is cancelled only when every caller waiting for it has given up, so one
// impatient caller cannot fail the others. A caller whose ctx ends before
// the load completes gets ctx's error; the load goes on for the others, and
// its value is still stored when it succeeds. A panic in load is returned
// as a *PanicError.
func (c *Cache[K, V]) Do(ctx context.Context, k K, load func(context.Context) (V, error)) (V, Result, error) {
	return c.DoWaiting(ctx, k, load, nil)
}

// DoWaiting is Do that calls waiting, when not nil, as this call starts to
// wait for a load another caller started: a caller holding a resource the
// load would have used (a render slot) can let it go rather than hold it
// while it waits.
func (c *Cache[K, V]) DoWaiting(ctx context.Context, k K, load func(context.Context) (V, error), waiting func()) (V, Result, error) {
	c.mu.Lock()
	if v, ok := c.get(k); ok {
		c.mu.Unlock()
		return v, Hit, nil
	}
	res := Shared
	f, ok := c.flights[k]
	if ok {
		f.waiters++
		c.stats.Shared++
	} else {
		res = Loaded
		lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight[V]{done: make(chan struct{}), waiters: 1, cancel: cancel}
		c.flights[k] = f
		c.stats.Loads++
		go c.run(lctx, k, f, load)
	}
	c.mu.Unlock()
	if res == Shared && waiting != nil {
		waiting()
	}

	select {
	case <-f.done:
		return f.val, res, f.err
	case <-ctx.Done():
	}
	c.mu.Lock()
	f.waiters--
	if f.waiters == 0 {
		// Nobody wants the value any more: let a load that has not started
		// its work give up, and let the next caller start afresh.
		f.cancel()
		if c.flights[k] == f {
			delete(c.flights, k)
		}
	}
	c.mu.Unlock()
	var zero V
	return zero, res, ctx.Err()
}

// run calls load for flight f and publishes its outcome.
func (c *Cache[K, V]) run(ctx context.Context, k K, f *flight[V], load func(context.Context) (V, error)) {
	defer func() {
		if p := recover(); p != nil {
			f.err = &PanicError{Value: p, Stack: debug.Stack()}
		}
		c.mu.Lock()
		if c.flights[k] == f {
			delete(c.flights, k)
		}
		if f.err == nil {
			c.add(k, f.val)
		}
		c.mu.Unlock()
		f.cancel()
		close(f.done)
	}()
	f.val, f.err = load(ctx)
}
