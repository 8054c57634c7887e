package server

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/xiang-maps/xiang/tiles"
)

// Content types.
const (
	contentTypePNG     = "image/png"
	contentTypeJSON    = "application/json"
	contentTypeGeoJSON = "application/geo+json"
	contentTypeGIF     = "image/gif"
)

// entry is a response body with its header values prepared once, so that
// serving it again costs no hashing, formatting or allocation. Entries are
// immutable and shared; so are their header slices, which have no spare
// capacity, so an append by anyone makes a copy.
type entry struct {
	body          []byte
	etag          string   // quoted strong ETag
	etagHeader    []string // {etag}
	contentType   []string
	contentLength []string
	wire          atomic.Pointer[wireHeads] // the fast lane's prepared heads
}

// newEntry prepares body (which it keeps) for serving with a strong ETag.
func newEntry(body []byte, contentType, etag string) *entry {
	return &entry{
		body:          body,
		etag:          etag,
		etagHeader:    []string{etag},
		contentType:   []string{contentType},
		contentLength: []string{strconv.Itoa(len(body))},
	}
}

// etagOf returns a strong ETag for bytes that are served rarely enough to
// hash (JSON documents); tiles use their plan's key instead.
func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// entryOverhead approximates the memory of an entry beyond its body: the
// struct, its header slices and strings, and the cache's bookkeeping.
const entryOverhead = 320

func entrySize(_ tiles.Key, e *entry) int64 { return int64(len(e.body)) + entryOverhead }

// headerValues are the Cache-Control values, built once per server.
type headerValues struct {
	tile    []string // tiles: a CDN may keep them for TileMaxAge
	meta    []string // TileJSON and the API: they change on reload
	page    []string // the viewer's pages: revalidated on every use
	noStore []string // errors, health, metrics
}

func newHeaderValues(tileMaxAge time.Duration) headerValues {
	age := int64(tileMaxAge / time.Second)
	return headerValues{
		tile:    []string{fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d, stale-if-error=%d", age, 7*age, 7*age)},
		meta:    []string{"public, max-age=300, stale-while-revalidate=3600"},
		page:    []string{"no-cache"},
		noStore: []string{"no-store"},
	}
}

// serveEntry writes e with the given Cache-Control, or a 304 when the
// request's If-None-Match names e's ETag. HEAD gets the headers only.
func serveEntry(w http.ResponseWriter, r *http.Request, e *entry, cacheControl []string) {
	h := w.Header()
	if inm, ok := r.Header["If-None-Match"]; ok && etagMatch(inm, e.etag) {
		e.setHeader(h, cacheControl, http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e.setHeader(h, cacheControl, http.StatusOK)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(e.body)
	}
}

// setHeader sets the headers of e's response with the given status, 200
// or 304 (which has no Content-Type or -Length): the one place they are
// decided, for net/http and the fast lane alike.
func (e *entry) setHeader(h http.Header, cacheControl []string, status int) {
	h["Etag"] = e.etagHeader
	h["Cache-Control"] = cacheControl
	if status != http.StatusNotModified {
		h["Content-Type"] = e.contentType
		h["Content-Length"] = e.contentLength
	}
}

// etagMatch reports whether If-None-Match header values match etag, with
// the weak comparison RFC 9110 §13.1.2 prescribes for If-None-Match: "*"
// matches, and a W/ prefix is ignored.
func etagMatch(values []string, etag string) bool {
	for _, v := range values {
		for v != "" {
			var tag string
			tag, v, _ = strings.Cut(v, ",")
			tag = strings.TrimSpace(tag)
			tag = strings.TrimPrefix(tag, "W/")
			if tag == "*" || tag == etag {
				return true
			}
		}
	}
	return false
}
