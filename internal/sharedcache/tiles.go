package sharedcache

import (
	"context"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/canon"
	"github.com/xiang-maps/xiang/tiles"
)

// Tiles keeps encoded tiles in a Store, by content; its zero value (no
// Store) keeps nothing.
type Tiles struct{ Store Store }

// Get returns the tile of key and scale, with the key as its ETag, or
// empty for a tile drawn empty (nil: a miss).
func (t Tiles) Get(ctx context.Context, key tiles.Key, scale int, empty *api.Entry) (*api.Entry, bool) {
	if t.Store == nil {
		return nil, false
	}
	b, ok := t.Store.Get(ctx, canon.SharedKey(key, scale))
	switch {
	case !ok:
		return nil, false
	case len(b) == 0:
		return empty, empty != nil
	}
	return api.NewEntry(b, api.ContentTypePNG, `"`+key.String()+`"`), true
}

// Put stores e, the render of key at scale, unless the render failed. A
// tile drawn empty (an entry whose ETag is no key) is stored as an empty
// value.
func (t Tiles) Put(ctx context.Context, key tiles.Key, scale int, e *api.Entry, err error) {
	if t.Store == nil || err != nil || e == nil {
		return
	}
	var body []byte
	if _, ok := canon.KeyOf(e); ok {
		body = e.Body
	}
	t.Store.Set(ctx, canon.SharedKey(key, scale), body)
}
