package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/view"
)

// imageRequest is a parsed, bounds-checked /static or /animate URL.
type imageRequest struct {
	layers        string // layer list as written; its syntax is checked
	view          view.View
	width, height int // CSS pixels
	scale         int // 1 or 2
	day           geo.Day
	// Animations: the first and last day (geo.NoDay: the layers' extent)
	// and the step between frames.
	from, to geo.Day
	step     geo.Step
	plain    bool // furniture=0: no title, scale bar or legend
}

// parseImagePath parses the {layers}/{view}/{w}x{h}[@2x].{ext} of the image
// routes; allow2x says whether @2x is allowed.
func parseImagePath(vars map[string]string, ext string, allow2x bool) (imageRequest, error) {
	req := imageRequest{scale: 1, day: geo.NoDay, from: geo.NoDay, to: geo.NoDay}
	var err error
	if req.layers, err = api.CheckLayers(vars["layers"]); err != nil {
		return req, err
	}
	if req.view, err = view.Parse(vars["view"]); err != nil {
		return req, viewError(err)
	}
	file := vars["file"]
	stem, found := strings.CutSuffix(file, ext)
	if !found {
		got := ""
		if i := strings.LastIndexByte(file, '.'); i >= 0 {
			got = file[i:]
		}
		return req, api.BadPart("extension", got, "want "+ext+" (the file is "+api.Quote(file)+")")
	}
	if i := strings.IndexByte(stem, '@'); i >= 0 {
		if !allow2x {
			return req, api.BadPart("scale", stem[i:], "animations have no @2x; ask for the size in pixels")
		}
		if stem[i:] != "@2x" {
			return req, api.BadPart("scale", stem[i:], "want @2x or nothing before "+ext)
		}
		stem, req.scale = stem[:i], 2
	}
	if req.width, req.height, err = view.ParseSize(stem, req.scale); err != nil {
		return req, viewError(err)
	}
	return req, nil
}

// viewError turns a view.Error into a 400 naming its part.
func viewError(err error) error {
	var ve *view.Error
	if errors.As(err, &ve) {
		return api.BadPart(ve.Part, ve.Value, ve.Want)
	}
	return err
}

// parseStaticRequest parses /static/{layers}/{view}/{w}x{h}[@2x].png[?date=].
func parseStaticRequest(vars map[string]string, rawQuery string) (imageRequest, error) {
	req, err := parseImagePath(vars, ".png", true)
	if err != nil {
		return req, err
	}
	req.day, _, err = api.OptionalDay(rawQuery)
	return req, err
}

// autoStep is the step of an animation without ?step= (or with
// step=auto): the shortest that fits the range in tiles.MaxFrames frames.
const autoStep = "auto"

// parseAnimateRequest parses
// /animate/{layers}/{view}/{w}x{h}.gif[?from=&to=&step=].
func parseAnimateRequest(vars map[string]string, rawQuery string) (imageRequest, error) {
	req, err := parseImagePath(vars, ".gif", false)
	if err != nil {
		return req, err
	}
	q, err := api.ParseQuery(rawQuery)
	if err != nil {
		return req, err
	}
	for _, p := range []struct {
		name string
		day  *geo.Day
	}{{"from", &req.from}, {"to", &req.to}} {
		v, ok, err := api.OneParam(q, p.name)
		if err != nil {
			return req, err
		}
		if ok {
			d, err := geo.ParseDay(v)
			if err != nil {
				return req, &api.Error{Status: http.StatusBadRequest, Part: p.name, Msg: p.name + ": " + err.Error(), Err: err}
			}
			*p.day = d
		}
	}
	step, ok, err := api.OneParam(q, "step")
	if err != nil {
		return req, err
	}
	if ok && step != autoStep {
		if req.step, err = geo.ParseStep(step); err != nil {
			return req, api.BadPart("step", step, "want an ISO 8601 duration such as P1D, P7D, P2W or P1M, or auto")
		}
	}
	if req.from != geo.NoDay && req.to != geo.NoDay && req.to < req.from {
		return req, api.BadPart("to", req.to.String(), "is before from ("+req.from.String()+")")
	}
	furniture, ok, err := api.OneParam(q, "furniture")
	if err != nil {
		return req, err
	}
	switch {
	case !ok || furniture == "1":
	case furniture == "0":
		req.plain = true
	default:
		return req, api.BadPart("furniture", furniture, "want 1 (title, scale bar and legend on every frame; the default) or 0 (the date and attribution only)")
	}
	return req, nil
}

// imageKey identifies a static image or an animation: what decides its
// bytes, in one generation of the data.
type imageKey struct {
	gen      uint64
	layers   string // canonical list
	frame    geo.Frame
	day      geo.Day // static images
	from, to geo.Day // animations
	step     geo.Step
	gif      bool
	plain    bool   // animations without furniture
	print    string // printed sheets: the canonical request
	export   string // /api/layers/{layers}.{ext} exports: the extension
}

// imageSize approximates the memory of a cached image.
func imageSize(k imageKey, e *api.Entry) int64 {
	return int64(len(e.Body)+len(k.layers)) + entryOverhead + 128
}

// handleStatic serves /static/{layers}/{view}/{w}x{h}[@2x].png[?date=]: a
// PNG of the layers on the date (the summary map without one) on paper,
// with the date and the attribution drawn in.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	req, err := parseStaticRequest(mux.Vars(r), r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, sel, ok := s.selection(w, r, req.layers)
	if !ok {
		return
	}
	frame := req.view.Frame(sel, req.width, req.height, float64(req.scale))
	key := imageKey{gen: d.gen, layers: sel.String(), frame: frame, day: req.day}
	opt := tiles.ImageOptions{Background: tiles.Paper, Caption: view.Caption(req.day), Attribution: sel.Attribution()}
	s.serveImage(w, r, key, api.ContentTypePNG, s.headers.Tile, s.cfg.RenderTimeout, "static", func(ctx context.Context, w io.Writer) error {
		return d.renderer.Static(ctx, w, sel, req.day, frame, opt)
	})
}

// handleAnimate serves
// /animate/{layers}/{view}/{w}x{h}.gif[?from=&to=&step=&furniture=]: an
// animated GIF with a frame for every step from from to to (by default the
// layers' time extent), each with its date and, unless furniture=0, a
// title, scale bar and legend.
func (s *Server) handleAnimate(w http.ResponseWriter, r *http.Request) {
	req, err := parseAnimateRequest(mux.Vars(r), r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, sel, ok := s.selection(w, r, req.layers)
	if !ok {
		return
	}
	if req.from == geo.NoDay || req.to == geo.NoDay {
		ext := view.Extent(sel)
		if ext.Empty() {
			part := "from"
			if req.from != geo.NoDay {
				part = "to"
			}
			s.fail(w, r, api.BadPart(part, "", "the layers "+sel.String()+" have no dates: give from and to"))
			return
		}
		if req.from == geo.NoDay {
			req.from = ext.From
		}
		if req.to == geo.NoDay {
			req.to = ext.To
		}
	}
	if req.step == (geo.Step{}) && req.to >= req.from {
		req.step = geo.AutoStep(req.from, req.to, tiles.MaxFrames)
	}
	days, err := req.step.Range(req.from, req.to, tiles.MaxFrames)
	if err != nil {
		part := "to"
		if errors.Is(err, geo.ErrTooManyFrames) {
			part = "frames"
		}
		s.fail(w, r, &api.Error{Status: http.StatusBadRequest, Part: part,
			Msg: fmt.Sprintf("%s: %v; use a longer step or a shorter range", part, err), Err: err})
		return
	}
	frame := req.view.Frame(sel, req.width, req.height, 1)
	if px := len(days) * frame.Width * frame.Height; px > tiles.MaxAnimationPixels {
		s.fail(w, r, &api.Error{Status: http.StatusBadRequest, Part: "frames",
			Msg: fmt.Sprintf("frames: %d of %dx%d pixels are more than %d pixels in all; use a smaller size, a longer step or a shorter range",
				len(days), frame.Width, frame.Height, tiles.MaxAnimationPixels)})
		return
	}
	key := imageKey{gen: d.gen, layers: sel.String(), frame: frame, from: req.from, to: req.to, step: req.step, gif: true, plain: req.plain}
	opt := tiles.AnimationOptions{ImageOptions: tiles.ImageOptions{Background: tiles.Paper, Attribution: sel.Attribution()}, Plain: req.plain}
	s.serveImage(w, r, key, api.ContentTypeGIF, s.headers.Tile, s.cfg.AnimationTimeout, "animation", func(ctx context.Context, w io.Writer) error {
		return d.renderer.Animate(ctx, w, sel, days, frame, opt)
	})
}

// serveImage serves the image of key from the image cache, drawing it with
// draw in an image slot on a miss, within timeout; a miss counts against
// the client's MaxImagesPerClient. Its strong ETag is a
// hash of its bytes, which the same request always reproduces.
func (s *Server) serveImage(w http.ResponseWriter, r *http.Request, key imageKey, contentType string, cacheControl []string,
	timeout time.Duration, kind string, draw func(context.Context, io.Writer) error) {
	if e, ok := s.images.Get(key); ok {
		setCache(w, "hit")
		api.ServeEntry(w, r, e, cacheControl)
		return
	}
	done, err := s.admit(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer done()
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	e, res, err := s.images.Do(ctx, key, func(ctx context.Context) (*api.Entry, error) {
		var body []byte
		err := s.imageSlots.Work(ctx, func() error {
			if s.onImage != nil {
				s.onImage()
			}
			start := time.Now()
			var buf bytes.Buffer
			if err := draw(ctx, &buf); err != nil {
				return err
			}
			s.metrics.Images.WithLabelValues(kind).Observe(time.Since(start).Seconds())
			body = buf.Bytes()
			return nil
		})
		if err != nil {
			return nil, err
		}
		return api.NewEntry(body, contentType, api.ETagOf(body)), nil
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setCache(w, resultName(res))
	api.ServeEntry(w, r, e, cacheControl)
}

// badImagePath answers a path under /static/ or /animate/ that fits no
// image route.
func (s *Server) badImagePath(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "//") {
		s.fail(w, r, api.BadPart("path", r.URL.Path, "has an empty segment"))
		return
	}
	want := "/static/{layers}/{lon,lat,zoom | minlon,minlat,maxlon,maxlat | auto}/{w}x{h}[@2x].png"
	if strings.HasPrefix(r.URL.Path, "/animate/") {
		want = "/animate/{layers}/{minlon,minlat,maxlon,maxlat | lon,lat,zoom | auto}/{w}x{h}.gif"
	}
	s.writeError(w, http.StatusNotFound, "path "+api.Quote(r.URL.Path)+": want "+want)
}
