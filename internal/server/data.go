package server

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// dataset is one loaded generation of the data with everything derived
// from it. It is immutable; Reload replaces it as a whole.
type dataset struct {
	gen      uint64
	campaign *overlays.Campaign
	renderer *tiles.Renderer
	version  string        // hash of the content: catalog and every feature
	loaded   time.Time     // when this generation was loaded
	catalog  *api.Entry    // /api/layers
	events   *api.Entry    // /api/events
	empty    [3]*api.Entry // the shared transparent tile, by scale (1 and 2)
	viewer   web.Config    // the viewer's configuration, less URL prefixes
}

// load calls the configured loader and prepares a new generation.
func (s *Server) load() (*dataset, error) {
	start := time.Now()
	c, err := s.cfg.Load()
	if err != nil {
		return nil, err
	}
	d := &dataset{
		gen:      s.gen.Add(1),
		campaign: c,
		renderer: tiles.New(c),
		loaded:   time.Now(),
	}
	var base web.Base
	if s.cfg.BaseMap != BaseMapNone {
		base = web.Base{URL: s.cfg.BaseMap, Attribution: s.cfg.BaseMapAttribution}
	}
	d.viewer = web.NewConfig(c, s.cfg.Title, s.cfg.MaxZoom, base)
	d.version, err = contentVersion(c)
	if err != nil {
		return nil, err
	}
	if d.catalog, err = api.JSONEntry(api.NewCatalog(c, d.version)); err != nil {
		return nil, err
	}
	if d.events, err = api.JSONEntry(api.EventList{Version: d.version, Events: api.Events(c)}); err != nil {
		return nil, err
	}
	for _, scale := range []int{1, 2} {
		png := d.renderer.EmptyPNG(geo.TileSize*scale, geo.TileSize*scale)
		d.empty[scale] = api.NewEntry(png, api.ContentTypePNG, api.ETagOf(png))
	}
	s.log.Debug("data loaded", "source", s.cfg.Source, "version", d.version,
		"layers", len(c.Layers), "features", c.Features(), "took", time.Since(start))
	return d, nil
}

// contentVersion hashes what the data says: every layer's metadata and
// every feature with its properties, in the form /api/layers/{id}.geojson
// exports.
func contentVersion(c *overlays.Campaign) (string, error) {
	h := sha256.New()
	if err := overlays.Selection(c.Layers).WriteContent(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)[:6]), nil
}
