package server

import (
	"cmp"
	"encoding/json"
	"html"
	"math"
	"net/http"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/overlays"
)

// tileJSON is a TileJSON 3.0.0 document
// (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0) describing
// the raster tiles of a layer list, on one date or the summary map.
type tileJSON struct {
	TileJSON    string     `json:"tilejson"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Attribution string     `json:"attribution"`
	Scheme      string     `json:"scheme"`
	Tiles       []string   `json:"tiles"`
	MinZoom     int        `json:"minzoom"`
	MaxZoom     int        `json:"maxzoom"`
	Bounds      [4]float64 `json:"bounds"`
	Center      [3]float64 `json:"center"`
	// xiang's own members: the date drawn ("" for the summary map), the
	// time extent of the layers and the version of the data.
	Date        string    `json:"date,omitempty"`
	Time        *timeSpan `json:"time,omitempty"`
	DataVersion string    `json:"data_version"`
}

// handleTileJSON serves /tiles/{layers}.json[?date=YYYY-MM-DD].
func (s *Server) handleTileJSON(w http.ResponseWriter, r *http.Request) {
	lf, ok := s.layerFile(w, r, ".json", "want .json for TileJSON; tiles are /tiles/{layers}/{z}/{x}/{y}.png")
	if !ok {
		return
	}
	d, spec, sel, day, date := lf.d, lf.spec, lf.sel, lf.day, lf.date
	tmpl := s.baseURL(w, r) + "/tiles/" + spec
	if day != geo.NoDay {
		tmpl += "/" + date
	}
	tmpl += "/{z}/{x}/{y}.png"
	tj := newTileJSON(sel, s.cfg.MaxZoom, tmpl)
	tj.Date = date
	tj.DataVersion = d.version
	body, err := json.Marshal(tj)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	api.ServeEntry(w, r, api.NewEntry(append(body, '\n'), api.ContentTypeJSON, api.ETagOf(body)), s.headers.Meta)
}

// newTileJSON describes the selected layers with one tile URL template.
func newTileJSON(sel overlays.Selection, maxZoom int, tmpl string) tileJSON {
	tj := tileJSON{
		TileJSON: "3.0.0",
		Scheme:   "xyz",
		Tiles:    []string{tmpl},
		MinZoom:  0,
		MaxZoom:  maxZoom,
	}
	var ids, descs []string
	var b orb.Bound
	extent := geo.Span{From: geo.MaxDay, To: geo.MinDay} // empty
	n := 0
	for _, l := range sel {
		ids = append(ids, l.ID)
		if l.Description != "" {
			descs = append(descs, l.Description)
		}
		if len(l.Features) > 0 {
			if n == 0 {
				b = l.Bound
			} else {
				b = b.Union(l.Bound)
			}
			n++
		}
		if l.Extent != (geo.Span{}) { // the zero span marks an undated layer
			extent = extent.Union(l.Extent)
		}
	}
	tj.Name = strings.Join(ids, ", ")
	if len(sel) == 1 {
		tj.Name = cmp.Or(sel[0].Title, sel[0].ID)
	}
	tj.Description = strings.Join(descs, " ")
	// Map clients show attribution as HTML; the layer files hold text.
	tj.Attribution = html.EscapeString(sel.Attribution())
	if n == 0 {
		b = orb.Bound{Min: orb.Point{-180, -overlays.MaxLat}, Max: orb.Point{180, overlays.MaxLat}}
	}
	b.Min[1] = max(b.Min[1], -overlays.MaxLat)
	b.Max[1] = min(b.Max[1], overlays.MaxLat)
	tj.Bounds = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	c := b.Center()
	tj.Center = [3]float64{c[0], c[1], float64(fitZoom(b, maxZoom))}
	tj.Time = newTimeSpan(extent)
	return tj
}

// fitZoom returns the deepest zoom, up to maxZoom, at which bound b fits
// in a 512 px square: a sensible initial view.
func fitZoom(b orb.Bound, maxZoom int) int {
	lo, hi := geo.World(orb.Point{b.Min[0], b.Max[1]}), geo.World(orb.Point{b.Max[0], b.Min[1]})
	span := max(hi[0]-lo[0], hi[1]-lo[1]) // fraction of the world
	if span <= 0 {
		return min(12, maxZoom)
	}
	z := int(math.Floor(math.Log2(512 / (geo.TileSize * span))))
	return min(max(z, 0), maxZoom)
}

// baseURL is where clients reach the server: Config.PublicURL, or the
// scheme and Host of the request, and then it adds Host to the response's
// Vary.
func (s *Server) baseURL(w http.ResponseWriter, r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimSuffix(s.cfg.PublicURL, "/")
	}
	// The response depends on Host: a shared cache must not give one
	// host's URLs to a client of another.
	w.Header().Add("Vary", "Host")
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
