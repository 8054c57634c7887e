package api

import "sync"

// ParsedTile is a tile target parsed once: its request, whether it names
// a summary tile, and the maximum zoom it was checked against.
type ParsedTile struct {
	Request TileRequest
	Summary bool
	MaxZoom int
}

// MemoMax and MemoBytes bound the targets a TileMemo remembers and their
// bytes; when either is reached it starts over, so that a client sending
// ever new (or long) targets costs at most about 16 Ki × 100 bytes plus
// 2 MiB.
const (
	MemoMax   = 1 << 14
	MemoBytes = 2 << 20
)

// TileMemo remembers the parse of the tile targets a server has seen, so
// that a warm request is a map lookup and not a parse (a date parse alone
// costs more than the rest of the fast lane's answer) and allocates
// nothing. Keep only targets that parsed without error. The zero value is
// empty and ready; it is safe for concurrent use.
type TileMemo struct {
	mu    sync.RWMutex
	m     map[string]ParsedTile
	bytes int // of the keys of m
}

// Get returns the parse of target against maxZoom, if remembered.
func (t *TileMemo) Get(target []byte, maxZoom int) (ParsedTile, bool) {
	t.mu.RLock()
	p, ok := t.m[string(target)] // no allocation: the conversion is only a key
	t.mu.RUnlock()
	return p, ok && p.MaxZoom == maxZoom
}

// Put remembers p as the parse of target.
func (t *TileMemo) Put(target string, p ParsedTile) {
	t.mu.Lock()
	if t.m == nil || len(t.m) >= MemoMax || t.bytes+len(target) > MemoBytes {
		t.m, t.bytes = make(map[string]ParsedTile), 0
	}
	if _, ok := t.m[target]; !ok {
		t.bytes += len(target)
	}
	t.m[target] = p
	t.mu.Unlock()
}
