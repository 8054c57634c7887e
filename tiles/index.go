package tiles

import (
	"slices"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// gridZoom is the zoom of the index's cells: 1024×1024 over the world,
// about 39 km square at the equator.
const gridZoom = 10

// maxGridCells bounds how many cells a query walks; a larger query scans all
// items, which is cheaper for low-zoom frames.
const maxGridCells = 256

// index finds the items whose bound, grown by their overhang at the query's
// scale, touches a query bound. It is read-only after newIndex.
type index struct {
	items []*item
	// points are the items that decluttering reads (places, units,
	// artillery), in draw order.
	points []*item
	cells  map[uint32][]int32 // cell key (y<<16 | x) → item positions, ascending
	slack  float64            // largest item overhang, in pixels at scale 1
}

func cellRange(b orb.Bound) (x0, y0, x1, y1 int) {
	n := float64(int(1) << gridZoom)
	clamp := func(v float64) int { return min(max(int(v*n), 0), int(n)-1) }
	return clamp(b.Min[0]), clamp(b.Min[1]), clamp(b.Max[0]), clamp(b.Max[1])
}

func newIndex(items []*item) *index {
	ix := &index{items: items, cells: map[uint32][]int32{}}
	for i, it := range items {
		if it.f.Kind == overlays.KindPlace || Displaces(it.f) {
			ix.points = append(ix.points, it)
		}
		ix.slack = max(ix.slack, it.overhang)
		x0, y0, x1, y1 := cellRange(it.bound)
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				k := uint32(y)<<16 | uint32(x)
				ix.cells[k] = append(ix.cells[k], int32(i))
			}
		}
	}
	return ix
}

// query appends to dst the positions of the items whose bound, grown by
// their own overhang, touches the frame, in draw order.
func (ix *index) query(dst []int32, f geo.Frame) []int32 {
	base := f.Bound(0)
	perPixel := f.Scale / f.PixelsPerWorld() // world units per scale-1 pixel of overhang
	touches := func(it *item) bool {
		return it.bound.Intersects(base.Pad(it.overhang * perPixel))
	}
	x0, y0, x1, y1 := cellRange(base.Pad(ix.slack * perPixel))
	if (x1-x0+1)*(y1-y0+1) > maxGridCells {
		for i, it := range ix.items {
			if touches(it) {
				dst = append(dst, int32(i))
			}
		}
		return dst
	}
	start := len(dst)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			for _, i := range ix.cells[uint32(y)<<16|uint32(x)] {
				if touches(ix.items[i]) {
					dst = append(dst, i)
				}
			}
		}
	}
	found := dst[start:]
	slices.Sort(found)
	return append(dst[:start], slices.Compact(found)...)
}
