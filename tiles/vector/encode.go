package vector

import (
	"context"
	"fmt"
	"maps"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
	"github.com/paulmach/orb/simplify"
)

// ContentType is the media type of an MVT tile.
const ContentType = "application/vnd.mapbox-vector-tile"

// tolerance is the Douglas–Peucker threshold, in tile units: a quarter of
// a pixel of a 256-pixel tile.
const tolerance = Extent / 256 / 4

// worldBound returns the world bound of tile t grown by the buffer.
func worldBound(t maptile.Tile) orb.Bound {
	n := float64(uint64(1) << t.Z)
	pad := float64(Buffer) / Extent
	return orb.Bound{
		Min: orb.Point{(float64(t.X) - pad) / n, (float64(t.Y) - pad) / n},
		Max: orb.Point{(float64(t.X) + 1 + pad) / n, (float64(t.Y) + 1 + pad) / n},
	}
}

// Empty reports whether tile t holds no piece, from the index alone: an
// empty tile is known without clipping anything. A tile that is not Empty
// may still encode to nothing (a bound that meets the tile, a geometry that
// does not).
func (s *Set) Empty(t maptile.Tile) bool {
	empty := true
	s.index.query(worldBound(t), s.bounds, func(int32) { empty = false })
	return empty
}

// Layers returns the MVT layers of tile t, projected to the tile's extent,
// clipped to it with the buffer and simplified for its zoom; layers
// without features are left out. The features share their property maps
// with the set: callers must not modify them. It fails for a zoom beyond
// MaxZoom or when ctx ends.
func (s *Set) Layers(ctx context.Context, t maptile.Tile) (mvt.Layers, error) {
	if t.Z > MaxZoom || !t.Valid() {
		return nil, fmt.Errorf("vector: tile %d/%d/%d: want a tile at zoom 0 to %d", t.Z, t.X, t.Y, MaxZoom)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := worldBound(t)
	n := float64(uint64(1) << t.Z)
	// World to tile units: linear, so clipping in world coordinates is
	// clipping in the tile's.
	toTile := func(p orb.Point) orb.Point {
		return orb.Point{math.Floor((p[0]*n - float64(t.X)) * Extent), math.Floor((p[1]*n - float64(t.Y)) * Extent)}
	}
	var fs [numLayers][]*geojson.Feature
	dp := simplify.DouglasPeucker(tolerance)
	var err error
	visited := 0
	s.index.query(b, s.bounds, func(i int32) {
		if err != nil {
			return
		}
		if visited++; visited%64 == 0 {
			if err = ctx.Err(); err != nil {
				return
			}
		}
		p := &s.pieces[i]
		if p.zoom != 0 && int(p.zoom)-1 != int(t.Z) {
			return
		}
		var g orb.Geometry
		switch {
		case b.Contains(s.bounds[i].Min) && b.Contains(s.bounds[i].Max):
			g = orb.Clone(p.geom) // inside: nothing to clip
		case p.layer == areas:
			// clip.Polygon works in its input: a copy, as the pieces
			// share the campaign's geometry.
			g = clip.Geometry(b, orb.Clone(p.geom))
		default:
			if g = clip.Geometry(b, p.geom); g != nil {
				g = orb.Clone(g)
			}
		}
		if g == nil {
			return
		}
		g = project.Geometry(g, toTile)
		if p.layer != heads && p.layer != points {
			g = dp.Simplify(g)
			g = tidy(g)
			if g == nil {
				return
			}
		}
		f := geojson.NewFeature(g)
		f.Properties = p.props
		if p.bearings != nil && p.bearings[t.Z] != p.props["bearing"] {
			f.Properties = maps.Clone(p.props)
			f.Properties["bearing"] = p.bearings[t.Z]
		}
		fs[p.layer] = append(fs[p.layer], f)
	})
	if err != nil {
		return nil, err
	}
	var ls mvt.Layers
	for i, name := range Layers {
		if len(fs[i]) > 0 {
			ls = append(ls, &mvt.Layer{Name: name, Version: 2, Extent: Extent, Features: fs[i]})
		}
	}
	return ls, nil
}

// Encode returns tile t as MVT bytes (not compressed), or nil when it holds
// no feature: an empty tile.
func (s *Set) Encode(ctx context.Context, t maptile.Tile) ([]byte, error) {
	if s.Empty(t) {
		if t.Z > MaxZoom || !t.Valid() {
			return nil, fmt.Errorf("vector: tile %d/%d/%d: want a tile at zoom 0 to %d", t.Z, t.X, t.Y, MaxZoom)
		}
		return nil, nil
	}
	ls, err := s.Layers(ctx, t)
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	b, err := mvt.Marshal(ls)
	if err != nil {
		return nil, fmt.Errorf("vector: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return b, nil
}

// tidy drops repeated points, lines shorter than two points and rings
// shorter than four, and orients rings as MVT wants them in tile units
// (y down): exterior rings with positive area by the surveyor's formula,
// holes negative. It returns nil when nothing is left.
func tidy(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case orb.LineString:
		if ls := dedupe(g); len(ls) >= 2 {
			return ls
		}
		return nil
	case orb.MultiLineString:
		out := g[:0]
		for _, ls := range g {
			if ls = dedupe(ls); len(ls) >= 2 {
				out = append(out, ls)
			}
		}
		return collapse(out)
	case orb.Polygon:
		if p := tidyPolygon(g); p != nil {
			return p
		}
		return nil
	case orb.MultiPolygon:
		out := g[:0]
		for _, p := range g {
			if p = tidyPolygon(p); p != nil {
				out = append(out, p)
			}
		}
		return collapse(out)
	}
	return g
}

// collapse returns nil for a multi-geometry without parts, its part when
// it has one, and itself otherwise.
func collapse[E orb.Geometry, M interface {
	~[]E
	orb.Geometry
}](out M) orb.Geometry {
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

func tidyPolygon(p orb.Polygon) orb.Polygon {
	out := p[:0]
	for i, r := range p {
		r = orb.Ring(dedupe(orb.LineString(r)))
		if len(r) < 4 || r.Orientation() == 0 {
			if i == 0 {
				return nil // no exterior: the holes go with it
			}
			continue
		}
		if want := orb.CCW; (i == 0) != (r.Orientation() == want) {
			r.Reverse()
		}
		out = append(out, r)
	}
	return out
}

// dedupe drops points equal to the one before, in place.
func dedupe(ls orb.LineString) orb.LineString {
	if len(ls) == 0 {
		return ls
	}
	out := ls[:1]
	for _, p := range ls[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}
