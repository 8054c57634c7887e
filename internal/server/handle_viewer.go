package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/tiles/view"
)

// embedPath is the route of the viewer without its side panel, for
// iframes.
const embedPath = "/embed"

// contentTypeHTML is the type of the viewer pages.
const contentTypeHTML = "text/html; charset=utf-8"

// prefix is the path prefix of PublicURL ("" when none): the viewer's URLs
// of tiles, the API and assets start with it.
func (s *Server) prefix() string {
	u, err := url.Parse(s.cfg.PublicURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// handleViewer serves the viewer at / and, without its side panel and
// extra controls, at /embed. The page's own state (date, layers, view,
// autoplay) is in its query, which the script reads and keeps up to date;
// the server only uses it for the oEmbed link.
func (s *Server) handleViewer(embed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkViewerView(r.URL.RawQuery); err != nil {
			s.fail(w, r, err)
			return
		}
		d := s.data.Load()
		base, prefix := s.baseURL(w, r), s.prefix()
		cfg := d.viewer
		cfg.TilesPrefix = prefix + "/tiles"
		cfg.APIPrefix = prefix + "/api"
		cfg.StylesPrefix = prefix + "/styles"
		cfg.EmbedPath = prefix + embedPath
		cfg.ViewerPath = prefix + "/"
		page := base + r.URL.EscapedPath()
		if embed {
			page = base + embedPath
		}
		if r.URL.RawQuery != "" {
			page += "?" + r.URL.RawQuery
		}
		buf := s.bufs.Get().(*bytes.Buffer)
		buf.Reset()
		defer s.bufs.Put(buf)
		err := web.Render(buf, web.Page{
			Title:       s.cfg.Title,
			Description: web.Describe(d.campaign),
			Embed:       embed,
			Vector:      r.URL.Query().Get("mode") == "vector",
			OEmbed:      base + "/oembed?" + url.Values{"url": {page}, "format": {"json"}}.Encode(),
			Assets:      prefix + web.AssetsPath,
			Config:      cfg,
		})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		body := bytes.Clone(buf.Bytes())
		h := w.Header()
		h.Set("Content-Security-Policy", s.policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		api.ServeEntry(w, r, api.NewEntry(body, contentTypeHTML, api.ETagOf(body)), s.headers.Page)
	}
}

// checkViewerView checks the viewer's ?view=, a centre lon,lat,zoom
// within the map (view.ParseCenter): the script hands it to Leaflet,
// which throws on a centre far outside the world, and the page never
// loads. The rest of the query is the script's to read.
func checkViewerView(rawQuery string) error {
	q, _ := url.ParseQuery(rawQuery) // what parses; the script reads the same
	v, ok, err := api.OneParam(q, "view")
	if err != nil || !ok || v == "" {
		return err
	}
	if _, err := view.ParseCenter(v); err != nil {
		var ve *view.Error
		if errors.As(err, &ve) {
			return api.BadPart("view", v, ve.Want)
		}
		return err
	}
	return nil
}

// maxEmbedSide bounds oEmbed's maxwidth and maxheight.
const maxEmbedSide = 100_000

// handleOEmbed serves /oembed?url=&maxwidth=&maxheight=&format=json: the
// oEmbed 1.0 description of a viewer page of this server, as an iframe of
// its embed page.
func (s *Server) handleOEmbed(w http.ResponseWriter, r *http.Request) {
	q, err := api.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format, _, err := api.OneParam(q, "format")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format != "" && format != "json" {
		e := api.BadPart("format", format, "only json is implemented")
		e.Status = http.StatusNotImplemented
		s.fail(w, r, e)
		return
	}
	page, ok, err := api.OneParam(q, "url")
	if err == nil && (!ok || page == "") {
		err = api.BadPart("url", page, "want the URL of a viewer page of this server, as ?url=")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var limits [2]int
	for i, name := range []string{"maxwidth", "maxheight"} {
		v, ok, err := api.OneParam(q, name)
		if err == nil && ok {
			n, valid := view.ParseCount(v, 9)
			if !valid || n < 1 || n > maxEmbedSide {
				err = api.BadPart(name, v, "want a whole number of pixels from 1 to "+strconv.Itoa(maxEmbedSide))
			}
			limits[i] = n
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	title := s.cfg.Title
	if u, err := url.Parse(page); err == nil {
		if day, err := geo.ParseDay(u.Query().Get("date")); err == nil {
			title += ", " + view.Caption(day)
		}
	}
	base := s.baseURL(w, r)
	res, err := web.OEmbed(page, base, embedPath, title, limits[0], limits[1])
	if errors.Is(err, web.ErrNotEmbeddable) {
		// The story page embeds as itself.
		if st, ok := web.StoryOf(s.data.Load().campaign); ok {
			if sres, serr := web.OEmbedStory(page, base, storyPath, st.Title, limits[0], limits[1]); !errors.Is(serr, web.ErrNotEmbeddable) {
				res, err = sres, serr
			}
		}
	}
	switch {
	case errors.Is(err, web.ErrNotEmbeddable):
		e := api.BadPart("url", page, "not a viewer page of this server (want "+base+"/, "+embedPath+" or "+storyPath+", with any query)")
		e.Status = http.StatusNotFound
		err = e
	case errors.Is(err, web.ErrTooSmall):
		// Blame maxheight when it alone leaves too little room.
		part, value := "maxwidth", limits[0]
		if h := limits[1]; h > 0 && (h < web.MinEmbedHeight || h*web.EmbedWidth/web.EmbedHeight < web.MinEmbedWidth) {
			part, value = "maxheight", h
		}
		err = api.BadPart(part, strconv.Itoa(value), fmt.Sprintf("leaves less than the %dx%d pixels the map needs",
			web.MinEmbedWidth, web.MinEmbedHeight))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.serveJSON(w, r, res, s.headers.Meta)
}
