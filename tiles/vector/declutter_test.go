package vector

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// tileFeatures returns the features of layer name in tile t of s that a
// style drawing day d keeps (start_day ≤ d ≤ end_day; with d geo.MaxDay,
// the summary map's: all but "dated" pieces), by id.
func tileFeatures(t *testing.T, s *Set, tl maptile.Tile, name string, d geo.Day) map[string][]orb.Geometry {
	t.Helper()
	out := map[string][]orb.Geometry{}
	for _, l := range decodeTile(t, s, tl) {
		if l.Name != name {
			continue
		}
		for _, f := range l.Features {
			if d == geo.MaxDay {
				if f.Properties["placement"] == placementDated {
					continue
				}
			} else if f.Properties["start_day"].(float64) > float64(d) || float64(d) > f.Properties["end_day"].(float64) {
				continue
			}
			out[f.Properties["id"].(string)] = append(out[f.Properties["id"].(string)], f.Geometry)
		}
	}
	return out
}

// inTile returns world point w in tile t's units, and whether it lies in
// the tile (not its buffer).
func inTile(tl maptile.Tile, w orb.Point) (orb.Point, bool) {
	n := float64(uint64(1) << tl.Z)
	p := orb.Point{(w[0]*n - float64(tl.X)) * Extent, (w[1]*n - float64(tl.Y)) * Extent}
	return p, p[0] >= 0 && p[1] >= 0 && p[0] < Extent && p[1] < Extent
}

// pointsOf returns the points of a decoded point geometry.
func pointsOf(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	}
	return nil
}

// rasterPixel is a pixel of the raster's zoom z+1 in a tile of zoom z, in
// tile units: the tile is 512 such pixels across.
const rasterPixel = Extent / 512

// checkPlacement checks tile tl of s on day d against the raster's
// placement p: every unit or artillery symbol that p puts in the tile is
// drawn there once, within a pixel; a moved one has a leader to it from
// its true position and a dot there; a hidden one is absent. It returns
// how many were moved and hidden in the tile.
func checkPlacement(t *testing.T, s *Set, tl maptile.Tile, d geo.Day, p *tiles.Placement, sel overlays.Selection) (moved, hidden int) {
	t.Helper()
	pts := tileFeatures(t, s, tl, LayerPoints, d)
	leads := tileFeatures(t, s, tl, LayerLeaders, d)
	near := func(a, b orb.Point) bool {
		return math.Abs(a[0]-b[0]) <= rasterPixel && math.Abs(a[1]-b[1]) <= rasterPixel
	}
	for _, l := range sel {
		for _, f := range l.Features {
			truePts := movable(f)
			if truePts == nil || !f.At(d).Visible {
				continue
			}
			id := f.ID()
			var got []orb.Point
			for _, g := range pts[id] {
				got = append(got, pointsOf(g)...)
			}
			if p.Hidden[f] {
				if _, in := inTile(tl, truePts[0]); in {
					hidden++
					if len(got) > 0 {
						t.Errorf("%s: hidden by the raster, drawn in tile %v at %v", f, tl, got)
					}
				}
				continue
			}
			// No other zoom's or day's piece of the unit: as many symbols
			// in the tile as the placement puts there.
			inside, want := 0, 0
			for _, g := range got {
				if g[0] >= 0 && g[1] >= 0 && g[0] < Extent && g[1] < Extent {
					inside++
				}
			}
			for i, w := range truePts {
				k := tiles.SymbolRef{Feature: f, Point: i}
				at, ok := p.Moved[k]
				if !ok {
					at = w
				}
				if _, in := inTile(tl, at); in && !p.Dropped[k] {
					want++
				}
			}
			if inside != want {
				t.Errorf("%s: %d symbols in tile %v, the placement puts %d there: %v", f, inside, tl, want, got)
			}
			for i, w := range truePts {
				k := tiles.SymbolRef{Feature: f, Point: i}
				if p.Dropped[k] {
					continue
				}
				at, isMoved := p.Moved[k]
				if !isMoved {
					at = w
				}
				want, in := inTile(tl, at)
				if !in {
					continue
				}
				n := 0
				for _, g := range got {
					if near(g, want) {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%s point %d (moved %v): %d symbols within a pixel of %v in tile %v, want 1; drawn at %v", f, i, isMoved, n, want, tl, got)
				}
				if !isMoved {
					continue
				}
				moved++
				from, _ := inTile(tl, w)
				leader, dot := false, false
				for _, g := range leads[id] {
					switch g := g.(type) {
					case orb.LineString:
						leader = leader || near(g[len(g)-1], want)
					case orb.MultiLineString:
						for _, ls := range g {
							leader = leader || near(ls[len(ls)-1], want)
						}
					default:
						for _, q := range pointsOf(g) {
							dot = dot || near(q, from)
						}
					}
				}
				if !leader {
					t.Errorf("%s point %d: moved to %v in tile %v without a leader to it (%v)", f, i, want, tl, leads[id])
				}
				if _, in := inTile(tl, w); in && !dot {
					t.Errorf("%s point %d: moved from %v in tile %v without a dot there (%v)", f, i, from, tl, leads[id])
				}
			}
		}
	}
	return moved, hidden
}

// TestPlacedAsRaster: at Hengyang during the siege and at Changsha on the
// day of its battle, at tile zooms 7 to 11, the MVT tile draws every unit
// the raster moves aside at the raster's position (to a pixel of its zoom
// z+1) with a leader and a dot, omits the hidden ones and draws the rest
// once at their true positions; on another day (another epoch) the
// tile follows that day's placement (at Changsha it differs for units
// seen on both days); the summary map
// follows the raster's summary.
func TestPlacedAsRaster(t *testing.T) {
	c, s := set(t)
	r := tiles.New(c)
	sel := selAll(c)
	ctx := context.Background()
	hiddenAll := 0
	for _, tc := range []struct {
		name       string
		at         orb.Point
		day, other string
		minMoved   int
		differ     bool // some unit in the tile is placed differently on the other day
	}{
		// Hengyang: the units of 1944-06-24 are other features than
		// those of the siege, each placed as on that day.
		{"Hengyang", orb.Point{112.615, 26.89}, "1944-07-15", "1944-06-24", 2, false},
		// Changsha: the guns and divisions on Yuelu are placed otherwise
		// the day before the battle.
		{"Changsha", orb.Point{112.95, 28.2}, "1944-06-18", "1944-06-17", 2, true},
	} {
		for z := maptile.Zoom(7); z <= 11; z++ {
			t.Run(fmt.Sprintf("%s/z%d", tc.name, z), func(t *testing.T) {
				tl := maptile.At(tc.at, z)
				zoom := float64(z) + placementZoomOffset
				moved, differ := 0, false
				var first *tiles.Placement
				var firstDay geo.Day
				for _, ds := range []string{tc.day, tc.other, ""} {
					d := geo.MaxDay
					if ds != "" {
						var err error
						if d, err = geo.ParseDay(ds); err != nil {
							t.Fatal(err)
						}
					}
					rd := d
					if d == geo.MaxDay {
						rd = geo.NoDay
					}
					p, err := r.Declutter(ctx, sel, rd, zoom)
					if err != nil {
						t.Fatal(err)
					}
					m, h := checkPlacement(t, s, tl, d, p, sel)
					hiddenAll += h
					switch ds {
					case tc.day:
						moved, first, firstDay = m, p, d
					case tc.other:
						for _, l := range sel {
							for _, f := range l.Features {
								for i := range movable(f) {
									k := tiles.SymbolRef{Feature: f, Point: i}
									_, in := inTile(tl, movable(f)[i])
									if in && f.At(d).Visible && f.At(firstDay).Visible && (first.Hidden[f] != p.Hidden[f] || first.Moved[k] != p.Moved[k]) {
										differ = true
									}
								}
							}
						}
					}
				}
				if z >= 9 && moved < tc.minMoved {
					t.Errorf("%d units moved in tile %v on %s, want at least %d", moved, tl, tc.day, tc.minMoved)
				}
				if tc.differ && !differ {
					t.Errorf("no unit placed differently on %s than on %s", tc.other, tc.day)
				}
			})
		}
	}
	if hiddenAll == 0 {
		t.Error("no unit hidden in any case: absence is not tested")
	}
}
