package pmtiles

import (
	"fmt"

	"github.com/paulmach/orb/maptile"
)

// MaxZoom is the deepest zoom a tile ID can address.
const MaxZoom = 31

// ID returns the PMTiles tile ID of t: the tiles of the zooms above t's,
// plus t's position along the Hilbert curve of its zoom.
func ID(t maptile.Tile) uint64 {
	z := uint(t.Z)
	acc := (uint64(1)<<(2*z) - 1) / 3
	x, y := uint64(t.X), uint64(t.Y)
	var d uint64
	for s := uint64(1) << z >> 1; s > 0; s >>= 1 {
		var rx, ry uint64
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		x, y = rotate(s, x, y, rx, ry)
	}
	return acc + d
}

// Tile returns the tile whose ID is id; it fails for an ID deeper than
// MaxZoom.
func Tile(id uint64) (maptile.Tile, error) {
	var acc uint64
	for z := uint(0); z <= MaxZoom; z++ {
		n := uint64(1) << (2 * z)
		if id < acc+n {
			x, y := fromHilbert(z, id-acc)
			return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
		}
		acc += n
	}
	return maptile.Tile{}, fmt.Errorf("pmtiles: tile id %d: deeper than zoom %d", id, MaxZoom)
}

func fromHilbert(z uint, d uint64) (x, y uint64) {
	t := d
	for s := uint64(1); s < uint64(1)<<z; s <<= 1 {
		rx := 1 & (t / 2)
		ry := 1 & (t ^ rx)
		x, y = rotate(s, x, y, rx, ry)
		x += s * rx
		y += s * ry
		t /= 4
	}
	return x, y
}

// rotate turns a quadrant of side n as the Hilbert curve needs. Only the
// bits below n matter to later steps, so wrapping is harmless.
func rotate(n, x, y, rx, ry uint64) (uint64, uint64) {
	if ry == 0 {
		if rx == 1 {
			x = n - 1 - x
			y = n - 1 - y
		}
		return y, x
	}
	return x, y
}
