package maplibre

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// tileEntry is an encoded tile, plain and gzipped. An empty tile is a
// 200 with an empty body (MapLibre draws nothing for it; a 204 would do as
// well but is cached less readily by proxies), never gzipped.
type tileEntry struct {
	plain, gzipped *api.Entry
}

func (e *tileEntry) size() int64 {
	n := int64(len(e.plain.Body)) + 256
	if e.gzipped != nil {
		n += int64(len(e.gzipped.Body)) + 128
	}
	return n
}

// newTileEntry prepares an encoded tile: its strong ETag is a hash of the
// MVT bytes; the gzipped body has the same ETag with "-gz", as a strong
// ETag names one representation.
func newTileEntry(body []byte) (*tileEntry, error) {
	etag := api.ETagOf(body)
	e := &tileEntry{plain: api.NewEntry(body, vector.ContentType, etag)}
	if len(body) == 0 {
		return e, nil
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	e.gzipped = api.NewEntry(buf.Bytes(), vector.ContentType, strings.TrimSuffix(etag, `"`)+`-gz"`)
	return e, nil
}

// tileRequest is a parsed vector tile address.
type tileRequest struct {
	layers string
	tile   maptile.Tile
}

// parseTile parses the path variables of /tiles/{layers}/{z}/{x}/{y}.mvt:
// 400 for a malformed part, 404 for a zoom beyond vector.MaxZoom.
func parseTile(vars map[string]string) (tileRequest, error) {
	var req tileRequest
	var err error
	if req.layers, err = api.CheckLayers(vars["layers"]); err != nil {
		return req, err
	}
	zs := vars["z"]
	z, err := api.ParseIndex("z", zs, geo.MaxZoom, "")
	if err != nil {
		return req, err
	}
	if z > vector.MaxZoom {
		return req, &api.Error{Status: http.StatusNotFound, Part: "z",
			Msg: fmt.Sprintf("z %s: vector tiles go to zoom %d; clients overzoom them beyond", zs, vector.MaxZoom)}
	}
	last, atZoom := uint32(1)<<z-1, " at zoom "+zs
	x, err := api.ParseIndex("x", vars["x"], last, atZoom)
	if err != nil {
		return req, err
	}
	y, err := api.ParseIndex("y", vars["y"], last, atZoom)
	if err != nil {
		return req, err
	}
	req.tile = maptile.New(x, y, maptile.Zoom(z))
	return req, nil
}

// serveTile serves /tiles/{layers}/{z}/{x}/{y}.mvt: every date of the
// selected layers, gzipped when the client accepts it.
func (h *Handler) serveTile(w http.ResponseWriter, r *http.Request) {
	req, err := parseTile(mux.Vars(r))
	if err == nil && r.URL.RawQuery != "" {
		err = api.BadPart("query", r.URL.RawQuery, "vector tiles take no query: they hold every date")
	}
	if err != nil {
		h.deps.Fail(w, r, err)
		return
	}
	d, sel, ok := h.selection(w, r, req.layers)
	if !ok {
		return
	}
	k := tileKey{set: setKey{gen: d.Gen, layers: sel.String()},
		z: uint32(req.tile.Z), x: req.tile.X, y: req.tile.Y}
	e, _, err := h.tiles.Do(r.Context(), k, func(ctx context.Context) (*tileEntry, error) {
		var body []byte
		err := h.withSlot(ctx, func(ctx context.Context) error {
			s, err := h.set(ctx, d, sel)
			if err != nil {
				return err
			}
			body, err = s.Encode(ctx, req.tile)
			return err
		})
		if err != nil {
			return nil, err
		}
		return newTileEntry(body)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	serveEncoded(w, r, e.plain, e.gzipped, h.deps.Headers.Tile)
}

// serveEncoded serves one content in two representations, plain and
// gzipped (nil when there is none): gzipped when the client accepts it,
// with Vary; either representation's ETag revalidates, as both are this
// content.
func serveEncoded(w http.ResponseWriter, r *http.Request, plain, gzipped *api.Entry, cacheControl []string) {
	hd := w.Header()
	hd.Add("Vary", "Accept-Encoding")
	serve := plain
	if gzipped != nil && acceptsGzip(r.Header.Values("Accept-Encoding")) {
		serve = gzipped
	}
	if inm, ok := r.Header["If-None-Match"]; ok && (api.ETagMatch(inm, plain.ETag) ||
		gzipped != nil && api.ETagMatch(inm, gzipped.ETag)) {
		serve.SetHeader(hd, cacheControl, http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if serve == gzipped {
		hd.Set("Content-Encoding", "gzip")
	}
	api.ServeEntry(w, r, serve, cacheControl)
}

// fail answers err; a selection too large for vector tiles is a 413.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, vector.ErrTooLarge) {
		err = &api.Error{Status: http.StatusRequestEntityTooLarge, Part: "layers", Msg: err.Error(), Err: err}
	}
	h.deps.Fail(w, r, err)
}

// selection resolves a layer list in the data served now; when it cannot,
// it answers the error and reports false.
func (h *Handler) selection(w http.ResponseWriter, r *http.Request, spec string) (Data, overlays.Selection, bool) {
	d := h.deps.Data()
	if d.Campaign == nil {
		h.deps.Fail(w, r, &api.Error{Status: http.StatusNotFound, Part: "path",
			Msg: "vector tiles: this server serves seeded raster archives only"})
		return d, nil, false
	}
	sel, err := api.SelectLayers(d.Campaign, spec)
	if err != nil {
		h.deps.Fail(w, r, err)
		return d, nil, false
	}
	return d, sel, true
}

// acceptsGzip reports whether Accept-Encoding values accept gzip (or *),
// and not with q=0.
func acceptsGzip(values []string) bool {
	for _, v := range values {
		for _, item := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(item), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}
