package tiles

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/simplify"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// drawOrder ranks kinds from bottom to top: water and areas under lines,
// lines under markers.
var drawOrder = map[overlays.Kind]int{
	overlays.KindLake: 0, overlays.KindArea: 1, overlays.KindRiver: 2, overlays.KindRailway: 3,
	overlays.KindFortification: 4, overlays.KindFront: 5, overlays.KindMovement: 6,
	overlays.KindAirfield: 7, overlays.KindArtillery: 8, overlays.KindPlace: 9,
	overlays.KindUnit: 10, overlays.KindEvent: 11,
}

// maxSimplifyZoom is the deepest zoom with its own simplified geometry;
// deeper frames draw the full geometry.
const maxSimplifyZoom = 16

// simplifyPixels is the Douglas–Peucker tolerance, in pixels: below what
// antialiasing can show.
const simplifyPixels = 0.4

// minSimplifyVertices: geometries this small are never simplified.
const minSimplifyVertices = 16

// item is one feature prepared for drawing: its world bound, how far its
// drawing reaches beyond that bound, and its geometry simplified per zoom.
type item struct {
	f        *overlays.Feature
	seq      uint32 // position in draw order
	bound    orb.Bound
	overhang float64 // pixels at scale 1
	levels   []orb.Geometry
}

func newItem(f *overlays.Feature) *item {
	it := &item{f: f, bound: f.World.Bound()}
	// The overhang bounds, at the largest symbol scale, how far the drawing
	// reaches beyond the geometry: strokes, ticks, symbols, arrowheads.
	st := f.Style
	it.overhang = st.Width/2 + 8
	switch f.World.(type) {
	case orb.Point, orb.MultiPoint:
		it.overhang = paint.FeatureSymbol(f, paint.ZoomScale(geo.MaxZoom), 1).Reach() + 1
	}
	if f.Kind == overlays.KindAirfield {
		it.overhang = max(it.overhang, paint.FeatureSymbol(f, paint.ZoomScale(geo.MaxZoom), 1).Reach()+1)
	}
	if f.Route != nil {
		it.overhang = 40
	}
	if f.Approximate() && f.Route == nil {
		it.overhang = it.overhang*approxHalo + 1 // the soft halo of an estimated position
	}
	if Displaces(f) {
		it.overhang += maxDisplace // a unit moved aside, and its leader
	}
	if f.Route == nil && geo.Vertices(f.World) >= minSimplifyVertices {
		it.levels = make([]orb.Geometry, maxSimplifyZoom+1)
		for z := range it.levels {
			tol := simplifyPixels / (geo.TileSize * float64(uint64(1)<<z))
			it.levels[z] = simplify.DouglasPeucker(tol).Simplify(orb.Clone(f.World))
		}
	}
	return it
}

// geometry returns the world geometry to draw at zoom level z (already
// including the scale): simplified below maxSimplifyZoom.
func (it *item) geometry(z int) orb.Geometry {
	if it.levels == nil || z > maxSimplifyZoom {
		return it.f.World
	}
	return it.levels[max(z, 0)]
}
