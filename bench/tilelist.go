package bench

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// The benchmark's tile list: every tile over Area at zooms MinZoom to
// MaxZoom, and SampleCount tiles at SampleZoom drawn with SampleSeed.
const (
	MinZoom     = 6
	MaxZoom     = 10
	SampleZoom  = 12
	SampleCount = 200
	SampleSeed  = 1944
)

// Tiles returns the benchmark's tile list over the lon/lat bound b: every
// tile touching b at zooms MinZoom to MaxZoom, then SampleCount distinct
// tiles touching b at SampleZoom, drawn with a generator seeded with seed.
// Tiles are in zoom, row, column order. Over Area it has 494 tiles.
func Tiles(b orb.Bound, seed uint64) []maptile.Tile {
	var out []maptile.Tile
	for z := maptile.Zoom(MinZoom); z <= MaxZoom; z++ {
		out = append(out, cover(b, z)...)
	}
	all := cover(b, SampleZoom)
	rng := rand.New(rand.NewPCG(seed, SampleZoom))
	n := min(SampleCount, len(all))
	// A partial Fisher–Yates shuffle: the first n are the sample.
	for i := range n {
		j := i + rng.IntN(len(all)-i)
		all[i], all[j] = all[j], all[i]
	}
	sample := all[:n]
	slices.SortFunc(sample, compareTiles)
	return append(out, sample...)
}

// cover lists the tiles at zoom z touching b, in row, column order.
func cover(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	nw := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z)
	se := maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var out []maptile.Tile
	for y := nw.Y; y <= se.Y; y++ {
		for x := nw.X; x <= se.X; x++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}

func compareTiles(a, b maptile.Tile) int {
	if a.Z != b.Z {
		return int(a.Z) - int(b.Z)
	}
	if a.Y != b.Y {
		return int(a.Y) - int(b.Y)
	}
	return int(a.X) - int(b.X)
}

// TilePath formats a tile as "z/x/y", the form of tile list files and of
// the last three segments of tile URLs.
func TilePath(t maptile.Tile) string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// WriteTiles writes tiles to w, one "z/x/y" a line.
func WriteTiles(w io.Writer, tiles []maptile.Tile) error {
	bw := bufio.NewWriter(w)
	for _, t := range tiles {
		fmt.Fprintln(bw, TilePath(t))
	}
	return bw.Flush()
}

// ReadTiles reads a tile list written by WriteTiles. Blank lines and lines
// starting with # are skipped; a malformed line or a tile that does not
// exist is an error naming its line.
func ReadTiles(r io.Reader) ([]maptile.Tile, error) {
	var out []maptile.Tile
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var z, x, y uint32
		if _, err := fmt.Sscanf(line, "%d/%d/%d", &z, &x, &y); err != nil {
			return nil, fmt.Errorf("tile list line %d %q: want z/x/y: %w", n, line, err)
		}
		t := maptile.New(x, y, maptile.Zoom(z))
		if z > 24 || !t.Valid() {
			return nil, fmt.Errorf("tile list line %d %q: no such tile", n, line)
		}
		out = append(out, t)
	}
	return out, sc.Err()
}
