package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Content types.
const (
	ContentTypePNG     = "image/png"
	ContentTypeJSON    = "application/json"
	ContentTypeGeoJSON = "application/geo+json"
	ContentTypeGIF     = "image/gif"
)

// Entry is a response body with its header values prepared once, so that
// serving it again costs no hashing, formatting or allocation. Entries are
// immutable and shared; so are their header slices, which have no spare
// capacity, so an append by anyone makes a copy.
type Entry struct {
	Body          []byte
	ETag          string   // quoted strong ETag
	ETagHeader    []string // {etag}
	ContentType   []string
	ContentLength []string
	Wire          atomic.Pointer[Heads] // the fast lane's prepared heads
}

// NewEntry prepares body (which it keeps) for serving with a strong ETag.
func NewEntry(body []byte, contentType, etag string) *Entry {
	return &Entry{
		Body:          body,
		ETag:          etag,
		ETagHeader:    []string{etag},
		ContentType:   []string{contentType},
		ContentLength: []string{strconv.Itoa(len(body))},
	}
}

// ETagOf returns a strong ETag for bytes that are served rarely enough to
// hash (JSON documents); tiles use their plan's key instead.
func ETagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// CacheControls are the Cache-Control values, built once per server.
type CacheControls struct {
	Tile    []string // tiles: a CDN may keep them for TileMaxAge
	Meta    []string // TileJSON and the API: they change on reload
	Page    []string // the viewer's pages: revalidated on every use
	NoStore []string // errors, health, metrics
}

func NewCacheControls(tileMaxAge time.Duration) CacheControls {
	age := int64(tileMaxAge / time.Second)
	return CacheControls{
		Tile:    []string{fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d, stale-if-error=%d", age, 7*age, 7*age)},
		Meta:    []string{"public, max-age=300, stale-while-revalidate=3600"},
		Page:    []string{"no-cache"},
		NoStore: []string{"no-store"},
	}
}

// ServeEntry writes e with the given Cache-Control, or a 304 when the
// request's If-None-Match names e's ETag. HEAD gets the headers only.
func ServeEntry(w http.ResponseWriter, r *http.Request, e *Entry, cacheControl []string) {
	h := w.Header()
	if inm, ok := r.Header["If-None-Match"]; ok && ETagMatch(inm, e.ETag) {
		e.SetHeader(h, cacheControl, http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e.SetHeader(h, cacheControl, http.StatusOK)
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(e.Body)
	}
}

// SetHeader sets the headers of e's response with the given status, 200
// or 304 (which has no Content-Type or -Length): the one place they are
// decided, for net/http and the fast lane alike.
func (e *Entry) SetHeader(h http.Header, cacheControl []string, status int) {
	h["Etag"] = e.ETagHeader
	h["Cache-Control"] = cacheControl
	if status != http.StatusNotModified {
		h["Content-Type"] = e.ContentType
		h["Content-Length"] = e.ContentLength
	}
}

// ETagMatch reports whether If-None-Match header values match etag, with
// the weak comparison RFC 9110 §13.1.2 prescribes for If-None-Match: "*"
// matches, and a W/ prefix is ignored.
func ETagMatch(values []string, etag string) bool {
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

// Heads are an entry's status lines and headers as net/http writes
// them (sorted, canonical names), without the Date.
type Heads struct{ OK, NotModified []byte }

// JSONEntry prepares v as a JSON document, one line, with a strong ETag.
func JSONEntry(v any) (*Entry, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return NewEntry(append(body, '\n'), ContentTypeJSON, ETagOf(body)), nil
}
