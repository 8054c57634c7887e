package maplibre

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"runtime"
	"strings"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/cache"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/glyphs"
	"github.com/xiang-maps/xiang/tiles/mapstyle"
	"github.com/xiang-maps/xiang/tiles/sprite"
)

// Content types of the sprite image and glyph ranges.
const (
	contentTypePNG = "image/png"
	contentTypePBF = "application/x-protobuf"
)

// glyphCacheBytes bounds the memory of encoded glyph ranges: a CJK range
// is about 220 KB, so some 70 of them.
const glyphCacheBytes = 16 << 20

// styleRes holds what the style routes keep: the sprites of the current
// data and the glyph server.
type styleRes struct {
	sprites *cache.Cache[spriteKey, spriteEntry]
	glyphs  *glyphs.Server
}

type spriteKey struct {
	gen   uint64
	ratio int
}

// spriteEntry is a built sprite's two responses.
type spriteEntry struct{ json, png *api.Entry }

func newStyleRes() *styleRes {
	return &styleRes{
		sprites: cache.New(8<<20, func(_ spriteKey, e spriteEntry) int64 { return int64(len(e.json.Body) + len(e.png.Body)) }),
		glyphs:  glyphs.NewServer(fonts.Default(), glyphCacheBytes, max(runtime.GOMAXPROCS(0)/2, 1)),
	}
}

// styleRoutes adds the routes of styles, sprites and glyphs.
func (h *Handler) styleRoutes(r *mux.Router, wrap func(name string, h http.HandlerFunc) http.HandlerFunc) {
	get := []string{http.MethodGet, http.MethodHead}
	r.HandleFunc("/styles/{file}", wrap("style", h.serveStyles)).Methods(get...)
	r.HandleFunc("/fonts/{fontstack}/{file}", wrap("glyphs", h.serveGlyphs)).Methods(get...)
}

// serveStyles serves /styles/{layers}.json[?date=] and the sprite,
// /styles/sprite{,@2x}.{json,png}.
func (h *Handler) serveStyles(w http.ResponseWriter, r *http.Request) {
	file := mux.Vars(r)["file"]
	switch file {
	case "sprite.json", "sprite.png", "sprite@2x.json", "sprite@2x.png":
		h.serveSprite(w, r, file)
		return
	}
	spec, ok := strings.CutSuffix(file, ".json")
	if !ok {
		h.deps.Fail(w, r, api.BadPart("extension", file, "want /styles/{layers}.json?date=YYYY-MM-DD or /styles/sprite{,@2x}.{json,png}"))
		return
	}
	q, err := api.ParseQuery(r.URL.RawQuery)
	if err == nil {
		err = api.KnownParams(q, []string{"date"})
	}
	day := geo.NoDay
	if err == nil {
		day, _, err = api.OptionalDay(r.URL.RawQuery)
	}
	if err == nil {
		spec, err = api.CheckLayers(spec)
	}
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	_, sel, ok := h.selection(w, r, spec)
	if !ok {
		return
	}
	o := mapstyle.Options{Base: h.deps.BaseURL(w, r), Day: day, Summary: day == geo.NoDay}
	body, err := mapstyle.New(sel, o).JSON()
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, api.NewEntry(body, api.ContentTypeJSON, api.ETagOf(body)), h.deps.Headers.Meta)
}

// serveSprite serves the sprite of the loaded campaign, built once per
// data generation and pixel ratio.
func (h *Handler) serveSprite(w http.ResponseWriter, r *http.Request, file string) {
	d := h.deps.Data()
	if d.Campaign == nil {
		h.deps.Fail(w, r, &api.Error{Status: http.StatusNotFound, Part: "path", Msg: "sprite: this server serves seeded raster archives only"})
		return
	}
	ratio := 1
	if strings.Contains(file, "@2x") {
		ratio = 2
	}
	e, _, err := h.res.sprites.Do(r.Context(), spriteKey{d.Gen, ratio}, func(context.Context) (spriteEntry, error) {
		sh, err := sprite.Build(d.Campaign.Layers, ratio)
		if err != nil {
			return spriteEntry{}, err
		}
		return spriteEntry{
			json: api.NewEntry(sh.JSON, api.ContentTypeJSON, api.ETagOf(sh.JSON)),
			png:  api.NewEntry(sh.PNG, contentTypePNG, api.ETagOf(sh.PNG)),
		}, nil
	})
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	entry := e.json
	if strings.HasSuffix(file, ".png") {
		entry = e.png
	}
	api.ServeEntry(w, r, entry, h.deps.Headers.Meta)
}

// serveGlyphs serves /fonts/{fontstack}/{start}-{end}.pbf.
func (h *Handler) serveGlyphs(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	rng, ok := strings.CutSuffix(vars["file"], ".pbf")
	if !ok {
		h.deps.Fail(w, r, api.BadPart("extension", vars["file"], "want {start}-{end}.pbf, such as 0-255.pbf"))
		return
	}
	if r.URL.RawQuery != "" {
		h.deps.Fail(w, r, api.BadPart("query", r.URL.RawQuery, "glyph ranges take no query"))
		return
	}
	// The router matches the escaped path: "Go%20Regular".
	stack, err := url.PathUnescape(vars["fontstack"])
	if err != nil {
		h.deps.Fail(w, r, api.BadPart("fontstack", vars["fontstack"], "want font names joined by commas, URL-escaped"))
		return
	}
	pbf, err := h.res.glyphs.PBF(r.Context(), stack, rng)
	switch {
	case errors.Is(err, glyphs.ErrRange):
		err = &api.Error{Status: http.StatusBadRequest, Part: "range", Msg: err.Error(), Err: err}
	case errors.Is(err, glyphs.ErrUnknownFont):
		err = &api.Error{Status: http.StatusNotFound, Part: "fontstack", Msg: err.Error(), Err: err}
	}
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	// Glyphs depend on the fonts only, not on the data: cached like tiles,
	// gzipped when the client accepts it (about a third of the size for
	// CJK ranges), each representation with its own strong ETag.
	plain := api.NewEntry(pbf.Body, contentTypePBF, `"`+pbf.Sum+`"`)
	gzipped := api.NewEntry(pbf.Gzip, contentTypePBF, `"`+pbf.Sum+`-gz"`)
	serveEncoded(w, r, plain, gzipped, h.deps.Headers.Tile)
}
