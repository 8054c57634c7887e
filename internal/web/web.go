// Package web holds xiang's viewer: the HTML page with a Leaflet map and a
// date slider (also served chrome-less for iframes), or in vector mode a
// MapLibre GL map of the vector tiles whose slider changes the style's day;
// its embedded assets — Leaflet and MapLibre GL JS from npm (see
// package.json, `make web`) and the viewer's own script and style — and the
// oEmbed response that describes an embed.
//
// It renders nothing itself: the page loads tiles, the legend and the
// events from the server's routes, whose prefixes it is configured with.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets
var files embed.FS

// AssetsPath is the URL prefix the assets are served under.
const AssetsPath = "/assets"

var pageTemplate = template.Must(template.ParseFS(files, "assets/page.html"))

// Page is one viewer page.
type Page struct {
	Title       string
	Description string
	// Embed drops the side panel and the extra controls, for iframes.
	Embed bool
	// Vector draws the map with MapLibre GL from the vector tiles and the
	// style at Config.StylesPrefix (the page's ?mode=vector) instead of
	// Leaflet and PNG tiles; without a StylesPrefix the page falls back to
	// Leaflet.
	Vector bool
	// OEmbed is the URL of the oEmbed description of this page.
	OEmbed string
	// Assets is the URL prefix of the assets; empty means AssetsPath.
	Assets string
	Config Config
}

// Config is what the viewer script needs, passed to it as JSON.
type Config struct {
	Title  string  `json:"title"`
	Layers []Layer `json:"layers"`
	// Extent is the first and last day of the slider, YYYY-MM-DD.
	Extent [2]string `json:"extent"`
	// Date is the day shown when the URL has none.
	Date string `json:"date"`
	// View is lon, lat, zoom when the URL has none; nil fits Bounds.
	View *[3]float64 `json:"view,omitempty"`
	// Bounds is west, south, east, north.
	Bounds  [4]float64 `json:"bounds"`
	Base    Base       `json:"base"`
	MaxZoom int        `json:"maxZoom"`
	// Attribution credits the campaign's layers, ContextAttribution its
	// context layer alone. Both are HTML, as Leaflet shows them.
	Attribution        string `json:"attribution"`
	ContextAttribution string `json:"contextAttribution"`
	// ContextLayer is the id of the undated layer of rivers, railways and
	// towns drawn as the base map when there is no other ("" if none).
	ContextLayer string `json:"contextLayer"`
	// TilesPrefix and APIPrefix are the paths of the tile and API routes;
	// EmbedPath and ViewerPath those of the embed page and of the full
	// viewer, which the embed links to.
	TilesPrefix string `json:"tilesPrefix"`
	APIPrefix   string `json:"apiPrefix"`
	// StylesPrefix is the path of the MapLibre style routes
	// ({prefix}/{layers}.json?date=D); empty means no vector mode.
	StylesPrefix string `json:"stylesPrefix,omitempty"`
	EmbedPath    string `json:"embedPath"`
	ViewerPath   string `json:"viewerPath"`
	// Autoplay starts playing on load, as ?autoplay=1 does.
	Autoplay bool `json:"autoplay"`
}

// Layer is one entry of the layer toggles.
type Layer struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Base is the base map under the overlay: an XYZ URL template with {z},
// {x}, {y} (and optionally {s}, {r}) and its attribution. An empty URL means
// the campaign's own context layer is the base.
type Base struct {
	URL         string `json:"url"`
	Attribution string `json:"attribution"`
}

// DefaultBase is the OpenStreetMap standard layer.
var DefaultBase = Base{
	URL:         "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
	Attribution: `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`,
}

// Render writes the page.
func Render(w io.Writer, p Page) error {
	cfg, err := json.Marshal(p.Config) // escapes <, > and & for a script element
	if err != nil {
		return fmt.Errorf("viewer config: %w", err)
	}
	if p.Assets == "" {
		p.Assets = AssetsPath
	}
	return pageTemplate.Execute(w, struct {
		Page
		Config template.JS
	}{p, template.JS(cfg)})
}

// assetETags holds a strong ETag for every embedded asset.
var assetETags = func() map[string]string {
	m := map[string]string{}
	fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := files.ReadFile(p)
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(p, "assets")] = `"` + hex.EncodeToString(sum[:8]) + `"`
		return nil
	})
	return m
}()

// Assets serves the embedded assets at paths relative to AssetsPath
// ("/viewer.js"), with strong ETags, 304s and a day of caching; anything
// else gets a JSON 404.
func Assets() http.Handler {
	sub, _ := fs.Sub(files, "assets")
	notFound := func(w http.ResponseWriter, p string) {
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusNotFound)
		b, _ := json.Marshal(map[string]string{"error": fmt.Sprintf("asset %q: no such file", p)})
		w.Write(append(b, '\n'))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		etag, ok := assetETags[p]
		if !ok || p == "/page.html" || p == "/story.html" || p != "/"+strings.TrimPrefix(r.URL.Path, "/") {
			notFound(w, r.URL.Path)
			return
		}
		f, err := sub.Open(strings.TrimPrefix(p, "/"))
		if err != nil {
			notFound(w, r.URL.Path)
			return
		}
		defer f.Close()
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.ServeContent(w, r, p, time.Time{}, f.(io.ReadSeeker))
	})
}

// Files returns the embedded assets (viewer.js, viewer.css, leaflet/…)
// as a read-only file system, for tools that copy them, such as `xiang
// site`.
func Files() fs.FS {
	sub, err := fs.Sub(files, "assets")
	if err != nil {
		panic(err) // "assets" is embedded: cannot fail
	}
	return sub
}

// Policy returns the Content-Security-Policy of the viewer and story
// pages for a base map template (Base.URL; "" or any non-URL for none): scripts, styles and data
// from this server only (Leaflet sets inline styles), tiles from any base
// map as images (Leaflet), the base map's tiles fetched by MapLibre
// (vector mode), MapLibre's workers from blob URLs, and any site may frame
// the page.
func Policy(baseMap string) string {
	connect := "'self'"
	if src := baseSource(baseMap); src != "" {
		connect += " " + src
	}
	return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
		"img-src * data: blob:; connect-src " + connect + "; worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors *"
}

// baseSource returns the CSP source expression that allows fetching a base
// map's tiles: the template's scheme and host (with port), a leading "{s}."
// subdomain as a wildcard; the scheme alone when the host holds another
// placeholder or anything a source expression cannot hold; "" for no base
// map or a template that is not http(s).
func baseSource(tmpl string) string {
	scheme, rest, ok := strings.Cut(tmpl, "://")
	if !ok || scheme != "http" && scheme != "https" {
		return ""
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if h, ok := strings.CutPrefix(host, "{s}."); ok {
		host = "*." + h
	}
	for _, c := range host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:*[]", c)) {
			return scheme + ":"
		}
	}
	if host == "" || strings.Contains(host[1:], "*") {
		return scheme + ":"
	}
	return scheme + "://" + host
}
