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

// Get returns the tile of key and scale, with the key as its ETag.
func (t Tiles) Get(ctx context.Context, key tiles.Key, scale int) (*api.Entry, bool) {
	if t.Store == nil {
		return nil, false
	}
	b, ok := t.Store.Get(ctx, canon.SharedKey(key, scale))
	if !ok || len(b) == 0 {
		return nil, false
	}
	return api.NewEntry(b, api.ContentTypePNG, `"`+key.String()+`"`), true
}

// Put stores e, the render of key at scale, unless the render failed or
// is not that key's own (the shared empty tile, or bytes shared with
// another key).
func (t Tiles) Put(ctx context.Context, key tiles.Key, scale int, e *api.Entry, err error) {
	if t.Store == nil || err != nil || e == nil || e.ETag != `"`+key.String()+`"` {
		return
	}
	t.Store.Set(ctx, canon.SharedKey(key, scale), e.Body)
}
