package tiles

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// generalizeBelow is the zoom from which every unit symbol is drawn; below
// it, a unit whose symbol would overlap a higher echelon's of its own side
// (or an earlier one's of the same echelon) gives way, as on an atlas's
// overview maps. Opposing units never hide each other.
const generalizeBelow = 10

// generalize returns the units hidden at this zoom: decided over the whole
// campaign, like labels, so that every tile agrees.
func (r *Renderer) generalize(want []bool, d geo.Day, zoom, ppw, sz, scale float64) map[uint32]bool {
	if zoom >= generalizeBelow {
		return nil
	}
	var units []*item
	for _, it := range r.ix.points {
		if it.f.Kind == overlays.KindUnit && want[it.f.Layer.Index] && it.f.At(d).Visible {
			if _, ok := it.f.World.(orb.Point); ok {
				units = append(units, it)
			}
		}
	}
	slices.SortStableFunc(units, func(a, b *item) int {
		if ra, rb := a.f.EchelonRank(), b.f.EchelonRank(); ra != rb {
			return rb - ra
		}
		return int(a.seq) - int(b.seq)
	})
	hidden := map[uint32]bool{}
	kept := map[overlays.Side][]orb.Bound{} // each side's units give way only to their own
	for _, it := range units {
		w := it.f.World.(orb.Point)
		p := orb.Point{w[0] * ppw, w[1] * ppw}
		box := (&paint.Prim{Op: paint.OpSymbol, Geom: p, Sym: paint.FeatureSymbol(it.f, sz, scale)}).Bound()
		clash := false
		for _, k := range kept[it.f.Side] {
			if k.Intersects(box) {
				clash = true
				break
			}
		}
		if clash {
			hidden[it.seq] = true
			continue
		}
		kept[it.f.Side] = append(kept[it.f.Side], box)
	}
	return hidden
}

// placedSym is a point symbol in a layout: its feature, where it is drawn
// (world pixels) and its box around that point.
type placedSym struct {
	it   *item
	i    int // which of the feature's points
	at   orb.Point
	box  orb.Bound
	unit bool // a unit or artillery symbol, which may be moved aside
}

// symKey names one symbol of a feature: its item's seq, and which of its
// points.
type symKey struct {
	seq uint32
	i   int
}

func (s placedSym) key() symKey { return symKey{s.it.seq, s.i} }

// bound is the symbol's box at its place.
func (s placedSym) bound() orb.Bound {
	return orb.Bound{Min: orb.Point{s.at[0] + s.box.Min[0], s.at[1] + s.box.Min[1]}, Max: orb.Point{s.at[0] + s.box.Max[0], s.at[1] + s.box.Max[1]}}
}

// symbolPoints returns where a point feature's symbols stand, in world
// coordinates: its point or points, or an outlined airfield's centre.
func symbolPoints(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.Polygon:
		return []orb.Point{g.Bound().Center()}
	}
	return nil
}

// displaces reports whether a feature's symbol may be moved aside: units
// and artillery positions.
func Displaces(f *overlays.Feature) bool {
	return f.Kind == overlays.KindUnit || f.Kind == overlays.KindArtillery
}

// maxDisplaceRings is how many rings of places around its true position a
// unit may be moved to; maxDisplace bounds, in pixels at scale 1, how far
// that can take its symbol, and is part of a unit's overhang so that every
// tile its moved symbol reaches draws it.
const (
	maxDisplaceRings = 3
	maxDisplace      = 110.0
)

// displace moves aside the unit symbols that would overlap another unit's
// or a key town's name: units are taken by echelon (highest first) then
// campaign order; each keeps its place when it is free, else takes the
// nearest free place on rings of slots around it, each a symbol's size
// away — a stack or fan beside the true position, which a leader line and
// a dot mark. A unit with no free place within maxDisplaceRings gives way
// (it joins hidden). Decided for the whole campaign, so tiles agree.
func displace(syms []placedSym, names []orb.Bound, scale float64, hidden map[uint32]bool) (moved map[symKey]orb.Point, dropped map[symKey]bool) {
	var units []int
	for i, s := range syms {
		if s.unit {
			units = append(units, i)
		}
	}
	slices.SortStableFunc(units, func(a, b int) int {
		if ra, rb := syms[a].it.f.EchelonRank(), syms[b].it.f.EchelonRank(); ra != rb {
			return rb - ra
		}
		return int(syms[a].it.seq) - int(syms[b].it.seq)
	})
	taken := slices.Clone(names)
	free := func(b orb.Bound) bool {
		for _, t := range taken {
			if t.Intersects(b) {
				return false
			}
		}
		return true
	}
	moved, dropped = map[symKey]orb.Point{}, map[symKey]bool{}
	gap := 2 * scale
	for _, i := range units {
		s := syms[i]
		if free(s.bound()) {
			taken = append(taken, s.bound())
			continue
		}
		w, h := s.box.Max[0]-s.box.Min[0]+gap, s.box.Max[1]-s.box.Min[1]+gap
		best, found := orb.Point{}, false
		for ring := 1; ring <= maxDisplaceRings && !found; ring++ {
			bestD := math.Inf(1)
			for dy := -ring; dy <= ring; dy++ {
				for dx := -ring; dx <= ring; dx++ {
					if max(abs(dx), abs(dy)) != ring {
						continue
					}
					off := orb.Point{float64(dx) * w, float64(dy) * h}
					d := math.Hypot(off[0], off[1])
					if d > maxDisplace*scale || d >= bestD {
						continue
					}
					c := s
					c.at = orb.Point{s.at[0] + off[0], s.at[1] + off[1]}
					if free(c.bound()) {
						best, bestD, found = c.at, d, true
					}
				}
			}
		}
		if !found {
			if _, single := s.it.f.World.(orb.Point); single {
				hidden[s.it.seq] = true
			} else {
				dropped[s.key()] = true
			}
			continue
		}
		moved[s.key()] = best
		c := s
		c.at = best
		taken = append(taken, c.bound())
	}
	return moved, dropped
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// maxAvoid is how many boxes of furniture a picture may have.
const maxAvoid = 4

// picture is the whole of a picture that frames are drawn into, in world
// pixels, with the boxes its furniture covers. The zero picture is the
// endless map of tiles. It is comparable, part of a layout's key.
type picture struct {
	bound orb.Bound
	avoid [maxAvoid]orb.Bound // caption, attribution, scale bar, legend; zero when absent
}

// allows reports whether a label box lies wholly inside the picture and
// clear of its furniture.
func (p picture) allows(b orb.Bound) bool {
	if p.bound == (orb.Bound{}) {
		return true
	}
	if b.Min[0] < p.bound.Min[0] || b.Min[1] < p.bound.Min[1] || b.Max[0] > p.bound.Max[0] || b.Max[1] > p.bound.Max[1] {
		return false
	}
	for _, a := range p.avoid {
		if a != (orb.Bound{}) && a.Intersects(b) {
			return false
		}
	}
	return true
}

// SymbolRef names one point symbol of a feature: the feature, and which
// of its points (0 for a point).
type SymbolRef struct {
	Feature *overlays.Feature
	Point   int
}

// Placement is how the raster's tiles of a selection on a day at a zoom
// declutter the unit and artillery symbols (docs/vector.md).
type Placement struct {
	// Hidden holds the features whose symbols (and labels) are not drawn:
	// units giving way to a higher echelon's of their side below zoom 10,
	// and single-point units and guns with no free place nearby.
	Hidden map[*overlays.Feature]bool
	// Moved holds where symbols moved aside are drawn, in world
	// coordinates (geo.World); the raster draws a leader from the true
	// position, marked by a dot, to there.
	Moved map[SymbolRef]orb.Point
	// Dropped holds the symbols of multi-point features that found no
	// free place.
	Dropped map[SymbolRef]bool
}

// Declutter returns the Placement of the unit and artillery symbols of
// sel on day d at a raster zoom (scale 1, the endless map of tiles):
// exactly what the raster's layout of that day and zoom decides (the same
// code path), without placing labels other than the key towns' names
// that units avoid. It is not cached: every call decides anew. sel must
// be layers of the renderer's campaign.
func (r *Renderer) Declutter(ctx context.Context, sel overlays.Selection, d geo.Day, zoom float64) (*Placement, error) {
	for _, l := range sel {
		if l.Index >= len(r.campaign.Layers) || r.campaign.Layers[l.Index] != l {
			return nil, fmt.Errorf("declutter: layer %q is not of the renderer's campaign", l.ID)
		}
	}
	dc, err := r.declutter(ctx, sel, d, zoom, 1, picture{})
	if err != nil {
		return nil, err
	}
	return r.placement(dc), nil
}

// placement returns a decision in world coordinates.
func (r *Renderer) placement(dc *decluttered) *Placement {
	p := &Placement{Hidden: map[*overlays.Feature]bool{}, Moved: map[SymbolRef]orb.Point{}, Dropped: map[SymbolRef]bool{}}
	for _, it := range r.ix.points {
		if dc.hidden[it.seq] {
			p.Hidden[it.f] = true
		}
	}
	for _, s := range dc.units {
		k := SymbolRef{s.it.f, s.i}
		if m, ok := dc.moved[s.key()]; ok {
			p.Moved[k] = orb.Point{m[0] / dc.env.ppw, m[1] / dc.env.ppw}
		}
		if dc.dropped[s.key()] {
			p.Dropped[k] = true
		}
	}
	return p
}
