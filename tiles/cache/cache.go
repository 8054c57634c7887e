package cache

import (
	"sync"
)

// Cache is a least-recently-used map from K to V bounded by the total size
// of its entries in bytes. It is safe for concurrent use; values are shared
// between callers and must not be modified once added.
type Cache[K comparable, V any] struct {
	max  int64
	size func(K, V) int64

	mu      sync.Mutex
	items   map[K]*node[K, V]
	root    node[K, V] // sentinel of the recency list: root.next is the newest
	bytes   int64
	flights map[K]*flight[V]
	stats   Stats
}

// node is one entry in the recency list.
type node[K comparable, V any] struct {
	key        K
	val        V
	size       int64
	prev, next *node[K, V]
}

// Stats counts what a cache has done since New. Bytes and Entries are the
// current contents; the rest are running totals.
type Stats struct {
	// Hits and Misses count lookups by Get and Do.
	Hits, Misses uint64
	// Loads counts calls of a load function by Do; Shared counts Do calls
	// that waited for a load another caller had started.
	Loads, Shared uint64
	// Evictions counts entries removed to make room.
	Evictions uint64
	// Bytes is the total size of the entries; MaxBytes the bound.
	Bytes, MaxBytes int64
	// Entries is the number of entries.
	Entries int
}

// New returns a cache holding at most maxBytes, where size reports the
// bytes one entry accounts for (its value plus any overhead the caller
// wants counted). A maxBytes of 0 or less makes a cache that stores nothing
// but still coalesces loads in Do.
func New[K comparable, V any](maxBytes int64, size func(K, V) int64) *Cache[K, V] {
	c := &Cache[K, V]{
		max:     max(maxBytes, 0),
		size:    size,
		items:   map[K]*node[K, V]{},
		flights: map[K]*flight[V]{},
	}
	c.root.next, c.root.prev = &c.root, &c.root
	c.stats.MaxBytes = c.max
	return c
}

// Get returns the value stored for k and marks it most recently used.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.get(k)
}

// get is Get with c.mu held.
func (c *Cache[K, V]) get(k K) (V, bool) {
	n, ok := c.items[k]
	if !ok {
		c.stats.Misses++
		var zero V
		return zero, false
	}
	c.stats.Hits++
	if c.root.next != n {
		c.unlink(n)
		c.pushFront(n)
	}
	return n.val, true
}

// Peek returns the value stored for k without marking it used or counting
// a hit or miss.
func (c *Cache[K, V]) Peek(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[k]; ok {
		return n.val, true
	}
	var zero V
	return zero, false
}

// Add stores v for k, replacing any previous value, and evicts the least
// recently used entries until the cache fits its bound. A value larger than
// the whole bound is not stored (and removes a previous value for k).
func (c *Cache[K, V]) Add(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(k, v)
}

// add is Add with c.mu held.
func (c *Cache[K, V]) add(k K, v V) {
	if old, ok := c.items[k]; ok {
		c.remove(old)
	}
	sz := c.size(k, v)
	if sz > c.max {
		return
	}
	n := &node[K, V]{key: k, val: v, size: sz}
	c.items[k] = n
	c.pushFront(n)
	c.bytes += sz
	for c.bytes > c.max {
		c.remove(c.root.prev)
		c.stats.Evictions++
	}
}

// Remove deletes the entry for k, if any.
func (c *Cache[K, V]) Remove(k K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, ok := c.items[k]; ok {
		c.remove(n)
	}
}

// Purge deletes every entry. Loads under way still store their values.
func (c *Cache[K, V]) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.items)
	c.root.next, c.root.prev = &c.root, &c.root
	c.bytes = 0
}

// Stats returns the cache's counters.
func (c *Cache[K, V]) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Bytes, s.Entries = c.bytes, len(c.items)
	return s
}

func (c *Cache[K, V]) remove(n *node[K, V]) {
	c.unlink(n)
	delete(c.items, n.key)
	c.bytes -= n.size
}

func (c *Cache[K, V]) unlink(n *node[K, V]) {
	n.prev.next, n.next.prev = n.next, n.prev
	n.prev, n.next = nil, nil
}

func (c *Cache[K, V]) pushFront(n *node[K, V]) {
	n.prev, n.next = &c.root, c.root.next
	c.root.next.prev = n
	c.root.next = n
}
