package vector

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// The MVT layers, in the order a tile holds them.
const (
	LayerAreas     = "areas"
	LayerLines     = "lines"
	LayerMovements = "movements"
	LayerHeads     = "heads"
	LayerLeaders   = "leaders"
	LayerPoints    = "points"
	LayerDates     = "dates"
)

// Layers lists the MVT layers in tile order.
var Layers = []string{LayerAreas, LayerLines, LayerMovements, LayerHeads, LayerLeaders, LayerPoints, LayerDates}

// The layers' indexes in Layers.
const (
	areas = iota
	lines
	movements
	heads
	leaders
	points
	dates
	numLayers
)

// Tile geometry: the extent of a tile, the buffer around it (both in tile
// units) and the deepest zoom served (docs/vector.md).
const (
	Extent  = 4096
	Buffer  = 256
	MaxZoom = 14
)

// Limits bound the work of Compile.
type Limits struct {
	// MaxFeatures bounds the features of a selection.
	MaxFeatures int
	// MaxPieces bounds the pieces of the compiled set (features, route
	// pieces and arrowheads together).
	MaxPieces int
	// MaxDays bounds the days one movement is cut at: a movement whose
	// advance lasts longer is cut every ⌈days/MaxDays⌉ days, and a day's
	// filter then shows it at the last cut.
	MaxDays int
}

// DefaultLimits are the limits Compile uses for zero fields.
var DefaultLimits = Limits{MaxFeatures: 100_000, MaxPieces: 1_000_000, MaxDays: 4096}

// ErrTooLarge is wrapped by the error of a selection beyond the limits.
var ErrTooLarge = errors.New("vector: selection too large")

// Set is a selection compiled for vector tiles: every feature as pieces,
// each with its days, and a spatial index of them. A Set is read-only and
// safe for concurrent use.
type Set struct {
	pieces []piece
	bounds []orb.Bound // world bound of each piece
	index  grid
	// Extent spans the bounded days of the selection (geo.Span{} when
	// undated); Bound is its lon/lat bound.
	Extent geo.Span
	Bound  orb.Bound
	bytes  int64
}

// piece is one MVT feature of a Set.
type piece struct {
	layer uint8
	geom  orb.Geometry // world coordinates
	props geojson.Properties
	// bearings are a head's bearing per tile zoom (nil for other pieces):
	// the raster aims its arrowhead along the route over the head's
	// length, which depends on the zoom.
	bearings []float64
	// zoom is 1 + the only tile zoom whose tiles carry the piece (a route
	// piece, which ends under the head by a length in pixels), 0 for
	// every zoom.
	zoom int8
}

// Compile compiles the features of sel into a Set. It honours ctx and
// fails, wrapping ErrTooLarge, beyond the limits (zero fields: DefaultLimits).
// Crowded unit and artillery symbols are placed as r, the renderer of
// sel's campaign, places them in its raster tiles (declutter.go); with a
// nil r they stand at their true positions.
func Compile(ctx context.Context, sel overlays.Selection, r *tiles.Renderer, lim Limits) (*Set, error) {
	if lim.MaxFeatures <= 0 {
		lim.MaxFeatures = DefaultLimits.MaxFeatures
	}
	if lim.MaxPieces <= 0 {
		lim.MaxPieces = DefaultLimits.MaxPieces
	}
	if lim.MaxDays <= 0 {
		lim.MaxDays = DefaultLimits.MaxDays
	}
	n := 0
	for _, l := range sel {
		n += len(l.Features)
	}
	if n > lim.MaxFeatures {
		return nil, fmt.Errorf("%w: layers %q have %d features, more than %d", ErrTooLarge, sel.String(), n, lim.MaxFeatures)
	}
	var placed map[*overlays.Feature][]piece
	if r != nil {
		var err error
		if placed, err = placedUnits(ctx, sel, r); err != nil {
			return nil, err
		}
	}
	keys := sel.KeyTowns() // whose names the raster always sets
	var byLayer [numLayers][]piece
	count := 0
	s := &Set{Extent: geo.Span{From: geo.MaxDay, To: geo.MinDay}}
	first := true
	for _, l := range sel {
		for _, f := range l.Features {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if first {
				s.Bound, first = f.Geometry.Bound(), false
			} else {
				s.Bound = s.Bound.Union(f.Geometry.Bound())
			}
			for _, d := range []geo.Day{f.Span.From, f.Span.To} {
				if d != geo.MinDay && d != geo.MaxDay {
					s.Extent = s.Extent.Union(geo.Span{From: d, To: d})
				}
			}
			ps, ok := placed[f]
			if !ok {
				ps = featurePieces(f, lim.MaxDays)
			}
			if keys[f] {
				for _, p := range ps {
					p.props["key"] = true
				}
			}
			if count += len(ps); count > lim.MaxPieces {
				return nil, fmt.Errorf("%w: layers %q make more than %d pieces (at %s)", ErrTooLarge, sel.String(), lim.MaxPieces, f)
			}
			for _, p := range ps {
				byLayer[p.layer] = append(byLayer[p.layer], p)
			}
		}
	}
	if s.Extent.Empty() {
		s.Extent = geo.Span{}
	}
	s.pieces = make([]piece, 0, count)
	for _, ps := range byLayer {
		s.pieces = append(s.pieces, ps...)
	}
	s.bounds = make([]orb.Bound, len(s.pieces))
	var all orb.Bound
	props := map[uintptr]bool{}
	for i, p := range s.pieces {
		s.bounds[i] = p.geom.Bound()
		if i == 0 {
			all = s.bounds[i]
		} else {
			all = all.Union(s.bounds[i])
		}
		s.bytes += int64(geo.Vertices(p.geom))*16 + int64(len(p.bearings))*8 + 96
		if k := reflect.ValueOf(p.props).Pointer(); !props[k] { // the zooms' route pieces share theirs
			props[k] = true
			s.bytes += int64(len(p.props)) * 64
		}
	}
	s.index = newGrid(all, s.bounds)
	s.bytes += int64(len(s.pieces))*4*4 + int64(gridCells*gridCells)*24
	return s, nil
}

// Pieces returns the number of MVT features the set holds, over all tiles.
func (s *Set) Pieces() int { return len(s.pieces) }

// Bytes approximates the memory the set holds, for cache budgets.
func (s *Set) Bytes() int64 { return s.bytes }

// featurePieces compiles one feature.
func featurePieces(f *overlays.Feature, maxDays int) []piece {
	props := baseProps(f)
	if f.Kind == overlays.KindMovement && f.Route != nil {
		return movementPieces(f, props, maxDays)
	}
	setDays(props, f.Span.From, f.Span.To)
	layer := uint8(points)
	switch f.Geometry.Dimensions() {
	case 1:
		layer = lines
	case 2:
		layer = areas
	}
	if layer == points {
		props["stroke"] = hexColor(f.Style.Marker)
		props["stroke_opacity"] = opacity(f.Style.Marker)
		props["symbol"] = paint.FeatureSymbol(f, 1, 1).Name()
	}
	return []piece{{layer: layer, geom: f.World, props: props}}
}

// baseProps returns the properties every piece of f carries, less its days.
func baseProps(f *overlays.Feature) geojson.Properties {
	side := string(f.Side)
	if side == "" {
		side = "none"
	}
	p := geojson.Properties{
		"id": f.ID(), "layer": f.Layer.ID, "kind": string(f.Kind), "side": side,
		"stroke": hexColor(f.Style.Stroke), "stroke_opacity": opacity(f.Style.Stroke),
		"stroke_width": f.Style.Width, "approximate": f.Approximate(),
	}
	if f.Style.Fill.A > 0 {
		p["fill"], p["fill_opacity"] = hexColor(f.Style.Fill), opacity(f.Style.Fill)
	}
	if ids := f.SourceIDs(); len(ids) > 0 {
		p["source"] = strings.Join(ids, "; ")
	}
	str := func(key, v string) {
		if v != "" {
			p[key] = v
		}
	}
	str("name", f.Name)
	str("name_zh", f.NameZh)
	str("unit", f.Prop("unit"))
	str("echelon", f.Echelon())
	str("branch", f.Branch())
	str("action", f.Action())
	str("role", f.Role())
	str("outcome", f.Prop("outcome"))
	if f.Kind == overlays.KindUnit {
		str("designation", f.Designation())
	}
	if f.Kind == overlays.KindMovement {
		p["hollow"] = f.Hollow()
	}
	if f.Kind == overlays.KindPlace {
		p["rank"] = f.Rank()
	}
	return p
}

// setDays sets start_day, end_day and, when bounded, start_date and end_date.
func setDays(p geojson.Properties, from, to geo.Day) {
	p["start_day"], p["end_day"] = int64(from), int64(to)
	if from != geo.MinDay {
		p["start_date"] = from.String()
	}
	if to != geo.MaxDay {
		p["end_date"] = to.String()
	}
}

// hexColor formats c as #rrggbb.
func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// opacity returns c's alpha from 0 to 1, rounded to 3 decimals.
func opacity(c color.NRGBA) float64 { return math.Round(float64(c.A)/255*1000) / 1000 }
