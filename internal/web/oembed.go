package web

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
)

// ErrNotEmbeddable is returned by OEmbed for a URL that is not one of this
// server's viewer pages; the oEmbed spec answers it with 404.
var ErrNotEmbeddable = errors.New("not a viewer page of this server")

// ErrTooSmall is returned by OEmbed when maxwidth or maxheight leave less
// than MinEmbedWidth×MinEmbedHeight for the map.
var ErrTooSmall = errors.New("too small for the map")

// OEmbedResponse is an oEmbed 1.0 "rich" response.
type OEmbedResponse struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	CacheAge     int    `json:"cache_age"`
}

// Default and smallest embed sizes, in CSS pixels.
const (
	EmbedWidth, EmbedHeight       = 600, 400
	MinEmbedWidth, MinEmbedHeight = 200, 150
)

// OEmbed describes the embed of page, a viewer URL on origin — origin
// itself, origin + "/" or origin + embedPath, with any query — as an iframe
// of the embed page with the same query, sized 600×400 or smaller to
// honour maxWidth and maxHeight (0: no limit) at the same aspect ratio.
// origin is scheme://host, with the path prefix the server is reached
// under, if any. It fails with ErrNotEmbeddable for any other URL and with
// ErrTooSmall when the limits leave too little room.
func OEmbed(page, origin, embedPath, title string, maxWidth, maxHeight int) (*OEmbedResponse, error) {
	return oembed(page, origin, []string{"", "/", embedPath}, embedPath, title, EmbedWidth, EmbedHeight, maxWidth, maxHeight)
}

// Default size of a story's embed, in CSS pixels: tall enough to read a
// section beside the map.
const (
	StoryEmbedWidth, StoryEmbedHeight = 800, 600
)

// OEmbedStory describes the embed of page, the story page storyPath on
// origin (with any query), as an iframe of that page, 800×600 or smaller
// to honour maxWidth and maxHeight at the same aspect ratio. It fails as
// OEmbed does.
func OEmbedStory(page, origin, storyPath, title string, maxWidth, maxHeight int) (*OEmbedResponse, error) {
	return oembed(page, origin, []string{storyPath}, storyPath, title, StoryEmbedWidth, StoryEmbedHeight, maxWidth, maxHeight)
}

// oembed describes page, one of paths under origin, as an iframe of src
// under origin with the page's query, w×h or smaller.
func oembed(page, origin string, paths []string, src, title string, w, h, maxWidth, maxHeight int) (*OEmbedResponse, error) {
	u, err := url.Parse(page)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("url %q: %w", page, ErrNotEmbeddable)
	}
	o, err := url.Parse(origin)
	if err != nil {
		return nil, fmt.Errorf("origin %q: %w", origin, err)
	}
	prefix := strings.TrimSuffix(o.Path, "/")
	known := false
	for _, p := range paths {
		known = known || u.Path == prefix+p
	}
	if !strings.EqualFold(u.Scheme, o.Scheme) || !strings.EqualFold(u.Host, o.Host) || u.User != nil || !known {
		return nil, fmt.Errorf("url %q: %w", page, ErrNotEmbeddable)
	}
	w0, h0 := w, h
	if maxWidth > 0 && w > maxWidth {
		w, h = maxWidth, maxWidth*h0/w0
	}
	if maxHeight > 0 && h > maxHeight {
		w, h = maxHeight*w0/h0, maxHeight
	}
	if w < MinEmbedWidth || h < MinEmbedHeight {
		return nil, fmt.Errorf("maxwidth %d, maxheight %d: %w: the map needs at least %dx%d pixels", maxWidth, maxHeight, ErrTooSmall, MinEmbedWidth, MinEmbedHeight)
	}
	src = strings.TrimSuffix(origin, "/") + src
	if u.RawQuery != "" {
		src += "?" + u.Query().Encode()
	}
	return &OEmbedResponse{
		Version: "1.0", Type: "rich", Title: title,
		ProviderName: "xiang", ProviderURL: origin + "/",
		HTML: fmt.Sprintf(`<iframe src="%s" width="%d" height="%d" style="border:0" loading="lazy" allowfullscreen title="%s"></iframe>`,
			html.EscapeString(src), w, h, html.EscapeString(title)),
		Width: w, Height: h, CacheAge: 86400,
	}, nil
}
