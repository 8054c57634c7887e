package server

import (
	"bytes"
	"context"
	"hash/maphash"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/canon"
	"github.com/xiang-maps/xiang/internal/fastlane"
	"github.com/xiang-maps/xiang/internal/slots"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/cache"
)

// addrKey is a tile address in one generation of the data: the key of the
// index from addresses to contents.
type addrKey struct {
	gen     uint64
	layers  string
	day     geo.Day
	z, x, y uint32
	scale   uint8
}

// tileRef is what the index holds for an address: the key of the tile's
// content, or that the tile is empty.
type tileRef struct {
	key   tiles.Key
	empty bool
}

// refSize approximates the memory of one index entry.
func refSize(k addrKey, _ tileRef) int64 { return int64(len(k.layers)) + 160 }

// tileETag is the strong ETag of a tile: its plan's key, which identifies
// the drawing.
func tileETag(k tiles.Key) string { return `"` + k.String() + `"` }

// resultName names a cache result in logs: a tile that had to be drawn
// is a miss.
func resultName(r cache.Result) string {
	if r == cache.Loaded {
		return "miss"
	}
	return r.String()
}

// handleTile serves dated and summary tiles:
// /tiles/{layers}/{date}/{z}/{x}/{y}[@2x].png and
// /tiles/{layers}/{z}/{x}/{y}[@2x].png[?date=].
//
// A request the fast lane handed over comes with its note: the request is
// not parsed again, nor its address looked up again in the same data.
func (s *Server) handleTile(w http.ResponseWriter, r *http.Request) {
	d := s.data.Load()
	var note tileNote
	if n, ok := fastlane.Note(r).(*tileNote); ok {
		note = *n
	} else {
		note.req, note.err = api.ParseTileRequest(mux.Vars(r), r.URL.RawQuery, s.cfg.MaxZoom)
	}
	if note.err != nil {
		s.fail(w, r, note.err)
		return
	}
	req := note.req
	addr := tileAddr(d, req)

	// Warm path: an address seen before, whose content is still cached.
	if note.looked != d.gen {
		if e, empty, ok := s.warm(d, addr, req.Scale); ok {
			if empty {
				setCache(w, "empty")
			} else {
				setCache(w, "hit")
			}
			s.serveTile(w, r, e, req.Scale)
			return
		}
	}

	sel, err := api.SelectLayers(d.campaign, req.Layers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Planning is real work too (clipping, and placing the labels of a
	// new date): it takes a tile slot, and the request's time limit
	// starts. A miss keeps that one slot for its render.
	ctx, cancel := s.withTimeout(r.Context())
	defer cancel()
	sl, err := s.slots.Take(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer sl.Release() // unless handed over to the render
	plan, err := d.renderer.Plan(ctx, sel, req.Day, geo.TileFrame(req.Tile, req.Scale))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if plan.Empty() {
		sl.Release()
		s.index.Add(addr, tileRef{empty: true})
		s.serveEmpty(w, r, d, req.Scale)
		return
	}
	key := plan.Key()
	s.index.Add(addr, tileRef{key: key})
	etag := tileETag(key)
	if inm, ok := r.Header["If-None-Match"]; ok && api.ETagMatch(inm, etag) && !s.redirects() {
		// The client holds this content already: no need to draw it.
		sl.Release()
		setCache(w, "revalidated")
		h := w.Header()
		h["Etag"] = []string{etag}
		h["Cache-Control"] = s.headers.Tile
		w.WriteHeader(http.StatusNotModified)
		return
	}

	// A request that waits for another's render of the same content lets
	// its slot go while it waits.
	e, res, err := s.tiles.DoWaiting(ctx, key, func(ctx context.Context) (*api.Entry, error) {
		if e, ok := s.shared.Get(ctx, key, req.Scale, d.empty[req.Scale]); ok {
			return e, nil // rendered by another replica
		}
		e, err := s.render(ctx, sl, d.renderer, plan, etag)
		s.shared.Put(ctx, key, req.Scale, e, err)
		return e, err
	}, sl.Release)
	sl.Release()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setCache(w, resultName(res))
	s.serveTile(w, r, e, req.Scale)
}

// serveTile answers a tile address with e, or with a redirect to e's
// content address under Config.CanonicalRedirects.
func (s *Server) serveTile(w http.ResponseWriter, r *http.Request, e *api.Entry, scale int) {
	if s.redirects() {
		canon.Redirect(w, canon.LocationOf(r.URL.Path, e, scale))
		return
	}
	api.ServeEntry(w, r, e, s.headers.Tile)
}

// redirects reports whether tile addresses redirect to content addresses:
// not from archives, which have none.
func (s *Server) redirects() bool { return s.cfg.CanonicalRedirects && s.cfg.Archives == "" }

// handleContent serves /tiles/k/{key}[@2x].png: a tile by its content,
// immutable, from this process's cache or the shared one; a key neither
// holds (evicted, or drawn by data since reloaded) is a 404.
func (s *Server) handleContent(w http.ResponseWriter, r *http.Request) {
	key, empty, scale, err := canon.Parse(mux.Vars(r)["file"])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	e, ok := s.data.Load().empty[scale], empty
	if !ok {
		if e, ok = s.tiles.Get(key); !ok {
			if e, ok = s.shared.Get(r.Context(), key, scale, nil); ok {
				s.tiles.Add(key, e)
			}
		}
	}
	if !ok {
		s.writeError(w, http.StatusNotFound, "tile "+api.Quote(key.String())+": not cached here; request it by its address")
		return
	}
	api.ServeEntry(w, r, e, canon.ImmutableControl)
}

// warm returns the cached answer for a tile address seen before — its
// bytes, or the shared empty tile (counted) — if there is one. Both the
// handler and the fast lane start here.
func (s *Server) warm(d *dataset, addr addrKey, scale int) (e *api.Entry, empty, ok bool) {
	ref, ok := s.index.Get(addr)
	if !ok {
		return nil, false, false
	}
	if ref.empty {
		s.metrics.Empty.Inc()
		return d.empty[scale], true, true
	}
	e, ok = s.tiles.Get(ref.key)
	return e, false, ok
}

// serveEmpty serves the shared transparent tile.
func (s *Server) serveEmpty(w http.ResponseWriter, r *http.Request, d *dataset, scale int) {
	setCache(w, "empty")
	s.metrics.Empty.Inc()
	s.serveTile(w, r, d.empty[scale], scale)
}

// render draws and encodes a plan in the tile slot sl, handed over by the
// request that planned it; when that request has let it go already, it
// takes a slot of its own first, or gives up when ctx ends.
func (s *Server) render(ctx context.Context, sl *slots.Slot, r *tiles.Renderer, p *tiles.Plan, etag string) (*api.Entry, error) {
	if !sl.HandOver() {
		if err := s.slots.Acquire(ctx); err != nil {
			return nil, err
		}
	}
	defer s.slots.Release()
	if s.onRender != nil {
		s.onRender()
	}
	start := time.Now()
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer s.bufs.Put(buf)
	empty, err := r.Encode(buf, p)
	if err != nil {
		return nil, err
	}
	s.metrics.Renders.Observe(time.Since(start).Seconds())
	if empty {
		// Drawn, and nothing showed: the canonical transparent tile, under
		// the ETag every empty tile of its size has, whichever path found
		// it empty.
		body := r.EmptyPNG(p.Frame.Width, p.Frame.Height)
		return api.NewEntry(body, api.ContentTypePNG, api.ETagOf(body)), nil
	}
	body := bytes.Clone(buf.Bytes()) // exactly sized; the buffer is reused
	return s.shareBytes(p.Key(), api.NewEntry(body, api.ContentTypePNG, etag)), nil
}

// bodyRefSize approximates the memory of one entry of the bytes index.
const bodyRefSize = 96

// shareBytes returns the cached entry with the same bytes as e, if there is
// one, else e. Two plans with different keys can draw the same pixels (a
// feature near the tile that paints nothing in it); sharing the entry gives
// them one ETag and one copy of the bytes. It hashes each rendered tile
// once, never a served one.
func (s *Server) shareBytes(key tiles.Key, e *api.Entry) *api.Entry {
	h := maphash.Bytes(s.seed, e.Body)
	if k, ok := s.bodies.Peek(h); ok && k != key {
		if old, ok := s.tiles.Peek(k); ok && bytes.Equal(old.Body, e.Body) {
			return old
		}
	}
	s.bodies.Add(h, key)
	return e
}

// badTilePath answers a path under /tiles/ that fits no tile route.
func (s *Server) badTilePath(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "//") {
		s.fail(w, r, api.BadPart("path", r.URL.Path, "has an empty segment"))
		return
	}
	s.writeError(w, http.StatusNotFound, "path "+api.Quote(r.URL.Path)+
		": want /tiles/{layers}/{date}/{z}/{x}/{y}.png, /tiles/{layers}/{z}/{x}/{y}.png (either with @2x before .png) or /tiles/{layers}.json")
}
