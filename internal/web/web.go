// Package web holds xiang's viewer: the HTML page with a Leaflet map and a
// date slider (also served chrome-less for iframes), its embedded assets —
// Leaflet from npm (see package.json, `make web`) and the viewer's own script
// and style — and the oEmbed response that describes an embed.
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
	// OEmbed is the URL of the oEmbed description of this page.
	OEmbed string
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
	// Attribution credits the overlay; ContextAttribution the offline base.
	Attribution        string `json:"attribution"`
	ContextAttribution string `json:"contextAttribution"`
	TilesPrefix        string `json:"tilesPrefix"`
	APIPrefix          string `json:"apiPrefix"`
	EmbedPath          string `json:"embedPath"`
	Autoplay           bool   `json:"autoplay"`
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
	return pageTemplate.Execute(w, struct {
		Page
		Config template.JS
		Assets string
	}{p, template.JS(cfg), AssetsPath})
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

// Assets serves the embedded assets at paths relative to AssetsPath ("/
// viewer.js"), with strong ETags, 304s and a day of caching.
func Assets() http.Handler {
	sub, _ := fs.Sub(files, "assets")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		etag, ok := assetETags[p]
		if !ok || p == "/page.html" {
			http.Error(w, `{"error":"no such asset"}`, http.StatusNotFound)
			return
		}
		f, err := sub.Open(strings.TrimPrefix(p, "/"))
		if err != nil {
			http.Error(w, `{"error":"no such asset"}`, http.StatusNotFound)
			return
		}
		defer f.Close()
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		http.ServeContent(w, r, p, time.Time{}, f.(io.ReadSeeker))
	})
}
