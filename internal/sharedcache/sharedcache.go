// Package sharedcache keeps rendered tiles where every replica finds them:
// a Redis server, keyed by content (plan key and scale), each value with a
// TTL. It never fails a request: a Redis that is down or slow is skipped
// for a short while and tried again, so the server renders instead.
package sharedcache

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store is what the server needs of a shared cache. Get reports a miss for
// any failure; Set drops what it cannot store.
type Store interface {
	Get(ctx context.Context, key string) ([]byte, bool)
	Set(ctx context.Context, key string, value []byte)
}

// Defaults of Config's zero values.
const (
	DefaultTTL     = 7 * 24 * time.Hour
	DefaultTimeout = 100 * time.Millisecond
	DefaultBackoff = time.Second
	// Prefix is put before every key, so one Redis can hold other data.
	Prefix = "xiang:tile:"
)

// Config configures a Redis store.
type Config struct {
	// URL is redis://[user:password@]host:port/db.
	URL string
	// TTL is how long a tile is kept after it is stored; zero means
	// DefaultTTL.
	TTL time.Duration
	// Timeout bounds each call to Redis (dial, read, write); zero means
	// DefaultTimeout.
	Timeout time.Duration
	// Backoff is how long Redis is skipped after a failed call; zero means
	// DefaultBackoff.
	Backoff time.Duration
}

// Redis is a Store on a Redis server. Safe for concurrent use.
type Redis struct {
	c       *redis.Client
	cfg     Config
	skipTil atomic.Int64 // unix nanoseconds: calls before this are skipped
	errs    atomic.Int64
}

var _ Store = (*Redis)(nil)

// Open returns a store for cfg.URL. It does not connect: a Redis that is
// not up yet is found when it comes up.
func Open(cfg Config) (*Redis, error) {
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("shared cache %q: %w", cfg.URL, err)
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = DefaultBackoff
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = cfg.Timeout, cfg.Timeout, cfg.Timeout
	opt.MaxRetries = -1 // a failure is a miss; the server renders
	opt.PoolTimeout = cfg.Timeout
	opt.DisableIdentity = true
	return &Redis{c: redis.NewClient(opt), cfg: cfg}, nil
}

// Errors counts the failed calls so far.
func (r *Redis) Errors() int64 { return r.errs.Load() }

// Close closes the connections.
func (r *Redis) Close() error { return r.c.Close() }

func (r *Redis) up() bool { return time.Now().UnixNano() >= r.skipTil.Load() }

func (r *Redis) failed() {
	r.errs.Add(1)
	r.skipTil.Store(time.Now().Add(r.cfg.Backoff).UnixNano())
}

// Get returns the value of key, or false on a miss or any failure.
func (r *Redis) Get(ctx context.Context, key string) ([]byte, bool) {
	if !r.up() {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
	defer cancel()
	b, err := r.c.Get(ctx, Prefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false
	}
	if err != nil {
		r.failed()
		return nil, false
	}
	return b, true
}

// Set stores value under key for the TTL; a failure is counted and
// otherwise ignored.
func (r *Redis) Set(ctx context.Context, key string, value []byte) {
	if !r.up() {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
	defer cancel()
	if err := r.c.Set(ctx, Prefix+key, value, r.cfg.TTL).Err(); err != nil {
		r.failed()
	}
}
