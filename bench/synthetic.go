package bench

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
)

// Area is the lon/lat box the synthetic campaign and the tile list cover:
// most of Hunan.
var Area = orb.Bound{Min: orb.Point{109, 25.5}, Max: orb.Point{114.5, 29.5}}

// Counts of the synthetic campaign's features, the same at every density.
const (
	Polygons = 40
	Routes   = 120
	Markers  = 200
)

// Style of the synthetic campaign, in pixels at scale 1, shared with the
// Mapnik style of bench/mapnik_render.py. Areas are filled at FillOpacity
// and outlined; routes are stroked with round caps and joins; markers are
// xiang's rank-2 place symbol: a white disc of MarkerRadius outlined in
// MarkerInk, MarkerOutline wide (about 8.4 px across in all).
const (
	FillOpacity   = 0.35
	OutlineWidth  = 1.5
	RouteWidth    = 3.0
	MarkerRadius  = 3.6
	MarkerOutline = 1.2
	MarkerInk     = "#222222"
	MarkerRank    = 2
	// Buffer is the peer's buffer around each tile, in pixels: shapes
	// crossing a tile edge are drawn on both tiles. xiang needs none: it
	// draws every feature whose own overhang reaches the tile.
	Buffer = 16
)

// SideColors are the colours of the two sides, as xiang draws them by
// default; the features carry them as simplestyle stroke and fill.
var SideColors = map[string]string{"japan": "#c8102e", "china": "#1f4e9c"}

// Synthetic returns the deterministic synthetic campaign as one layer in
// xiang's format (docs/format.md): Polygons `area` polygons of 100·density
// vertices each, Routes `front` lines of 150·density vertices and Markers
// unnamed `place` points, about 22 k vertices at density 1, every feature
// undated so that it shows on any day. Each feature carries its style as
// simplestyle properties (stroke, stroke-width, fill, fill-opacity), so that
// xiang and a peer renderer read the same style from the same file. The
// random sequence mirrors the synthetic set of the tiles package's
// benchmarks, with plain kinds instead of unit symbols.
func Synthetic(density int) *geojson.FeatureCollection {
	rng := rand.New(rand.NewPCG(1944, uint64(density)))
	w, h := Area.Max[0]-Area.Min[0], Area.Max[1]-Area.Min[1]
	lon := func() float64 { return Area.Min[0] + rng.Float64()*w }
	lat := func() float64 { return Area.Min[1] + rng.Float64()*h }
	fc := geojson.NewFeatureCollection()
	sides := []string{"japan", "china"}
	add := func(g orb.Geometry, props geojson.Properties) {
		f := geojson.NewFeature(round(g, 1e5))
		f.Properties = props
		fc.Append(f)
	}
	for i := range Polygons {
		c := orb.Point{lon(), lat()}
		n := 100 * density
		ring := make(orb.Ring, n+1)
		r := 0.05 + rng.Float64()*0.25
		for k := range n {
			a := 2 * math.Pi * float64(k) / float64(n)
			rr := r * (0.8 + 0.4*rng.Float64())
			ring[k] = orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)}
		}
		ring[n] = ring[0]
		side := sides[i%2]
		add(orb.Polygon{ring}, geojson.Properties{
			"kind": "area", "side": side, "source": "synthetic",
			"stroke": SideColors[side], "stroke-width": OutlineWidth,
			"fill": SideColors[side], "fill-opacity": FillOpacity,
		})
	}
	for i := range Routes {
		n := 150 * density
		p := orb.Point{lon(), lat()}
		line := make(orb.LineString, n)
		for k := range line {
			line[k] = p
			p = orb.Point{
				min(max(p[0]+(rng.Float64()-0.5)*0.02, 108), 116),
				min(max(p[1]+(rng.Float64()-0.5)*0.02, 24), 31),
			}
		}
		side := sides[i%2]
		add(line, geojson.Properties{
			"kind": "front", "side": side, "source": "synthetic",
			"stroke": SideColors[side], "stroke-width": RouteWidth,
		})
	}
	for range Markers {
		add(orb.Point{lon(), lat()}, geojson.Properties{"kind": "place", "rank": MarkerRank})
	}
	fc.ExtraMembers = geojson.Properties{
		"title":       "Synthetic benchmark campaign",
		"description": "Random polygons, routes and markers over Hunan for xiang's benchmark; not history.",
		"attribution": "xiang benchmark",
	}
	return fc
}

// Mercator returns a copy of fc with every geometry projected to Web
// Mercator metres (EPSG:3857), for a peer renderer that should not have to
// reproject on every tile. fc is not modified.
func Mercator(fc *geojson.FeatureCollection) *geojson.FeatureCollection {
	out := geojson.NewFeatureCollection()
	for _, f := range fc.Features {
		g := project.Geometry(orb.Clone(f.Geometry), project.WGS84.ToMercator)
		nf := geojson.NewFeature(round(g, 100)) // to the centimetre
		nf.Properties = f.Properties.Clone()
		out.Append(nf)
	}
	return out
}

// Vertices counts the vertices of every geometry of fc.
func Vertices(fc *geojson.FeatureCollection) int {
	n := 0
	for _, f := range fc.Features {
		n += geo.Vertices(f.Geometry)
	}
	return n
}

// round rounds coordinates to multiples of 1/k (k = 1e5: 5 decimals of a
// degree, about a metre, as a hand-made layer file would have them); g is
// modified and returned.
func round(g orb.Geometry, k float64) orb.Geometry {
	r := func(v float64) float64 { return math.Round(v*k) / k }
	pts := func(ps []orb.Point) {
		for i := range ps {
			ps[i] = orb.Point{r(ps[i][0]), r(ps[i][1])}
		}
	}
	switch g := g.(type) {
	case orb.Point:
		return orb.Point{r(g[0]), r(g[1])}
	case orb.LineString:
		pts(g)
	case orb.Polygon:
		for _, ring := range g {
			pts(ring)
		}
		// Rounding keeps a closed ring closed: the last point equals the first.
	}
	return g
}
