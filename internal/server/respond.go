package server

import (
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles"
)

// entryOverhead approximates the memory of an entry beyond its body: the
// struct, its header slices and strings, and the cache's bookkeeping.
const entryOverhead = 320

func entrySize(_ tiles.Key, e *api.Entry) int64 { return int64(len(e.Body)) + entryOverhead }
