package vector

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// gridCells bounds the cells of the index along each axis.
const gridCells = 64

// grid is a uniform grid over the world bound of a set's pieces: each cell
// lists the pieces whose bound meets it, in piece order.
type grid struct {
	min    orb.Point // world coordinate of the grid's corner
	size   float64   // world size of a cell
	nx, ny int
	cells  [][]int32
}

// newGrid indexes bounds (world coordinates), whose union is all.
func newGrid(all orb.Bound, bounds []orb.Bound) grid {
	span := max(all.Max[0]-all.Min[0], all.Max[1]-all.Min[1])
	g := grid{min: all.Min, size: max(span/gridCells, 1e-12)}
	g.nx = min(gridCells, int((all.Max[0]-all.Min[0])/g.size)+1)
	g.ny = min(gridCells, int((all.Max[1]-all.Min[1])/g.size)+1)
	g.cells = make([][]int32, g.nx*g.ny)
	for i, b := range bounds {
		x0, y0, x1, y1, ok := g.span(b)
		if !ok {
			continue
		}
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				c := y*g.nx + x
				g.cells[c] = append(g.cells[c], int32(i))
			}
		}
	}
	return g
}

// span returns the cells a world bound meets, clamped to the grid; ok is
// false when it meets none.
func (g *grid) span(b orb.Bound) (x0, y0, x1, y1 int, ok bool) {
	if g.nx == 0 {
		return 0, 0, 0, 0, false
	}
	cell := func(v, min float64, n int) int {
		return int(math.Max(0, math.Min(float64(n-1), math.Floor((v-min)/g.size))))
	}
	maxX := g.min[0] + float64(g.nx)*g.size
	maxY := g.min[1] + float64(g.ny)*g.size
	if b.Max[0] < g.min[0] || b.Max[1] < g.min[1] || b.Min[0] > maxX || b.Min[1] > maxY {
		return 0, 0, 0, 0, false
	}
	return cell(b.Min[0], g.min[0], g.nx), cell(b.Min[1], g.min[1], g.ny),
		cell(b.Max[0], g.min[0], g.nx), cell(b.Max[1], g.min[1], g.ny), true
}

// query calls visit, in increasing order and once each, with every piece
// whose bound (from bounds) meets b.
func (g *grid) query(b orb.Bound, bounds []orb.Bound, visit func(i int32)) {
	x0, y0, x1, y1, ok := g.span(b)
	if !ok {
		return
	}
	if x0 == x1 && y0 == y1 {
		for _, i := range g.cells[y0*g.nx+x0] {
			if bounds[i].Intersects(b) {
				visit(i)
			}
		}
		return
	}
	seen := make([]uint64, (len(bounds)+63)/64)
	var hits []int32
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			for _, i := range g.cells[y*g.nx+x] {
				if seen[i/64]&(1<<(i%64)) != 0 {
					continue
				}
				seen[i/64] |= 1 << (i % 64)
				if bounds[i].Intersects(b) {
					hits = append(hits, i)
				}
			}
		}
	}
	slices.Sort(hits) // piece order: layer, then feature, then day
	for _, i := range hits {
		visit(i)
	}
}
