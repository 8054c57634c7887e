package seed

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
)

// MaxTiles bounds the tiles of one archive.
const MaxTiles = 1 << 24

// maxLat is the latitude where Web Mercator tiles end.
const maxLat = 85.0511287798066

// Cover returns the tiles of zooms minZoom to maxZoom that intersect b (in
// degrees), zoom by zoom, each zoom in rows. It fails for a box that is
// not a box or more than MaxTiles tiles.
func Cover(b orb.Bound, minZoom, maxZoom int) ([]maptile.Tile, error) {
	n, err := Count(b, minZoom, maxZoom)
	if err != nil {
		return nil, err
	}
	out := make([]maptile.Tile, 0, n)
	for z := minZoom; z <= maxZoom; z++ {
		lo, hi := corners(b, z)
		for y := lo.Y; y <= hi.Y; y++ {
			for x := lo.X; x <= hi.X; x++ {
				out = append(out, maptile.New(x, y, maptile.Zoom(z)))
			}
		}
	}
	return out, nil
}

// Count returns the number of tiles Cover would return.
func Count(b orb.Bound, minZoom, maxZoom int) (int, error) {
	if !(b.Min.Lon() >= -180 && b.Max.Lon() <= 180 && b.Min.Lat() >= -90 && b.Max.Lat() <= 90 &&
		b.Min.Lon() < b.Max.Lon() && b.Min.Lat() < b.Max.Lat()) {
		return 0, fmt.Errorf("box %v: want west < east within ±180 and south < north within ±90", b)
	}
	if minZoom < 0 || maxZoom > geo.MaxZoom || minZoom > maxZoom {
		return 0, fmt.Errorf("zooms %d-%d: want 0 <= min <= max <= %d", minZoom, maxZoom, geo.MaxZoom)
	}
	n := 0
	for z := minZoom; z <= maxZoom; z++ {
		lo, hi := corners(b, z)
		n += int(hi.X-lo.X+1) * int(hi.Y-lo.Y+1)
		if n > MaxTiles {
			return 0, fmt.Errorf("box %v at zooms %d-%d: more than %d tiles", b, minZoom, maxZoom, MaxTiles)
		}
	}
	return n, nil
}

// corners returns the north-west and south-east tiles of b at zoom z. A
// box edge on a tile edge does not take in the tile beyond it.
func corners(b orb.Bound, z int) (nw, se maptile.Tile) {
	clamp := func(lat float64) float64 { return max(-maxLat, min(maxLat, lat)) }
	zoom := maptile.Zoom(z)
	lo := maptile.Fraction(orb.Point{b.Min.Lon(), clamp(b.Max.Lat())}, zoom)
	hi := maptile.Fraction(orb.Point{b.Max.Lon(), clamp(b.Min.Lat())}, zoom)
	last := float64(uint32(1)<<z - 1)
	x0, y0 := min(math.Floor(lo[0]), last), min(math.Floor(lo[1]), last)
	x1, y1 := max(math.Ceil(hi[0])-1, x0), max(math.Ceil(hi[1])-1, y0)
	x1, y1 = min(x1, last), min(y1, last)
	return maptile.New(uint32(x0), uint32(y0), zoom), maptile.New(uint32(x1), uint32(y1), zoom)
}
