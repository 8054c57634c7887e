package server

import (
	"bytes"
	"html"
	"net/http"
	"net/url"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/web"
)

// storyPath is the route of the demo story, storyScriptPath that of the
// script any article can use.
const (
	storyPath       = "/story"
	storyScriptPath = "/story.js"
)

// handleStory serves /story: the demo article, the siege of Hengyang told
// in eight sections from the dataset's events, each driving the map
// through /story.js. It may be framed by any site, and /oembed describes
// it.
func (s *Server) handleStory(w http.ResponseWriter, r *http.Request) {
	d := s.data.Load()
	st, ok := web.StoryOf(d.campaign)
	if !ok {
		s.writeError(w, http.StatusNotFound, "story: the campaign has no dated events to tell")
		return
	}
	base, prefix := s.baseURL(w, r), s.prefix()
	page := base + storyPath
	st.Script = prefix + storyScriptPath
	st.OEmbed = base + "/oembed?" + url.Values{"url": {page}, "format": {"json"}}.Encode()
	if s.cfg.BaseMap != BaseMapNone {
		st.Base = web.Base{URL: s.cfg.BaseMap, Attribution: s.cfg.BaseMapAttribution}
	}
	st.Attribution = html.EscapeString(st.Attribution)
	if c := web.ContextLayer(d.campaign); c != nil {
		st.ContextLayer = c.ID
	}
	var buf bytes.Buffer
	if err := web.RenderStory(&buf, st); err != nil {
		s.fail(w, r, err)
		return
	}
	body := buf.Bytes()
	h := w.Header()
	h.Set("Content-Security-Policy", s.policy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	api.ServeEntry(w, r, api.NewEntry(body, contentTypeHTML, api.ETagOf(body)), s.headers.Page)
}

// handleStoryScript serves /story.js: Leaflet, scrollama and the story
// script in one file, for any article on any site.
func (s *Server) handleStoryScript(w http.ResponseWriter, r *http.Request) {
	body, etag := web.StoryScript()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	api.ServeEntry(w, r, api.NewEntry(body, "text/javascript; charset=utf-8", etag), s.headers.Meta)
}
