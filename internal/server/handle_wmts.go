package server

import (
	"net/http"

	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/wmts"
)

// contentTypeXML is the content type of the WMTS capabilities.
const contentTypeXML = "application/xml; charset=utf-8"

// handleWMTS serves the WMTS 1.0.0 capabilities (RESTful binding): one WMTS
// layer per campaign layer and one, "all", for every layer at once, on the
// GoogleMapsCompatible tile matrix set from zoom 0 to Config.MaxZoom. A
// dated layer has a Time dimension listing each day of its time extent;
// its default, which clients that read no dimension (GDAL's WMTS driver)
// draw, is the layer's busiest day: the day on which most of its dated
// features are visible (the earliest such day on a tie). The ResourceURL templates are the XYZ tile routes with
// {Time}, {TileMatrix}, {TileCol} and {TileRow}.
func (s *Server) handleWMTS(w http.ResponseWriter, r *http.Request) {
	d := s.data.Load()
	body := wmts.Capabilities(d.campaign, s.baseURL(w, r), s.cfg.MaxZoom, s.cfg.Title)
	api.ServeEntry(w, r, api.NewEntry(body, contentTypeXML, api.ETagOf(body)), s.headers.Meta)
}
