// Package canon names tiles by their content: the canonical, immutable
// URLs /tiles/k/{key}[@2x].png that a dated tile URL redirects to, so that
// every HTTP cache in front of xiang stores each distinct tile once,
// whatever the dates that show it.
package canon

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles"
)

// Route is the router's pattern of content addresses.
const Route = "/tiles/k/{file}"

// EmptyName is the name of the shared transparent tile of each scale.
const EmptyName = "empty"

// Cache-Control of the two responses: a redirect is short-lived (the data
// may be reloaded), content is immutable (its name is what it shows).
var (
	RedirectControl  = []string{"public, max-age=60"}
	ImmutableControl = []string{"public, max-age=31536000, immutable"}
)

// Name returns the file name of a tile's content: its plan's key, or
// EmptyName, with @2x for scale 2.
func Name(key tiles.Key, empty bool, scale int) string {
	n := EmptyName
	if !empty {
		n = key.String()
	}
	if scale == 2 {
		n += "@2x"
	}
	return n + ".png"
}

// Location is the Location of the redirect from a tile path to its
// content: relative to the path, so that it holds behind any prefix a
// proxy adds. path is the request's path, /tiles/… .
func Location(path string, key tiles.Key, empty bool, scale int) string {
	up := strings.Count(path, "/") - 2
	return strings.Repeat("../", max(up, 0)) + "k/" + Name(key, empty, scale)
}

// Parse reads a content file name, as Name writes it.
func Parse(file string) (key tiles.Key, empty bool, scale int, err error) {
	base, ok := strings.CutSuffix(file, ".png")
	if !ok {
		return key, false, 0, api.BadPart("file", file, "want {key}[@2x].png")
	}
	scale = 1
	if b, ok := strings.CutSuffix(base, "@2x"); ok {
		base, scale = b, 2
	}
	if base == EmptyName {
		return key, true, scale, nil
	}
	if len(base) != 2*len(key) {
		return key, false, 0, api.BadPart("file", file, "want a key of 32 hex digits")
	}
	if _, err := hex.Decode(key[:], []byte(base)); err != nil {
		return key, false, 0, api.BadPart("file", file, "want a key of 32 hex digits")
	}
	return key, false, scale, nil
}

// Redirect writes the redirect to loc. CORS headers are the caller's.
func Redirect(w http.ResponseWriter, loc string) {
	h := w.Header()
	h["Location"] = []string{loc}
	h["Cache-Control"] = RedirectControl
	h["Content-Length"] = []string{"0"}
	w.WriteHeader(http.StatusFound)
}

// Head is the redirect to loc as the fast lane writes it: status line and
// header fields, sorted as net/http writes them, with h's (CORS) fields.
func Head(loc string, h http.Header) []byte {
	h = h.Clone()
	h["Location"] = []string{loc}
	h["Cache-Control"] = RedirectControl
	h["Content-Length"] = []string{"0"}
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(http.StatusFound) + " " + http.StatusText(http.StatusFound) + "\r\n")
	h.Write(&b)
	return b.Bytes()
}

// SharedKey is the key of a tile's content in a shared cache.
func SharedKey(key tiles.Key, scale int) string {
	return key.String() + "@" + strconv.Itoa(scale)
}

// LocationOf is Location for a cached tile entry: a tile's entry has its
// plan's key as its ETag; any other (the shared transparent tile) is empty.
func LocationOf(path string, e *api.Entry, scale int) string {
	key, ok := KeyOf(e)
	return Location(path, key, !ok, scale)
}

// KeyOf returns the key an entry's ETag names, if it names one.
func KeyOf(e *api.Entry) (tiles.Key, bool) {
	var key tiles.Key
	t := strings.Trim(e.ETag, `"`)
	if len(t) != 2*len(key) {
		return key, false
	}
	_, err := hex.Decode(key[:], []byte(t))
	return key, err == nil
}
