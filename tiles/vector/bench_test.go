package vector

import (
	"bytes"
	"compress/gzip"
	"context"
	"slices"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles"
)

// pyramid returns the tiles of the campaign's bound at zooms z0 to z1.
func pyramid(s *Set, z0, z1 maptile.Zoom) []maptile.Tile {
	var out []maptile.Tile
	for z := z0; z <= z1; z++ {
		min := maptile.At(s.Bound.Min, z)
		max := maptile.At(s.Bound.Max, z)
		for x := min.X; x <= max.X; x++ {
			for y := max.Y; y <= min.Y; y++ {
				out = append(out, maptile.New(x, y, z))
			}
		}
	}
	return out
}

// BenchmarkEncode encodes every tile of the campaign's pyramid, z6 to
// z12 (one pyramid per iteration), and reports the time per tile and the
// sizes of the non-empty tiles, raw and gzipped.
func BenchmarkEncode(b *testing.B) {
	_, s := set(b)
	tiles := pyramid(s, 6, 12)
	ctx := context.Background()
	var raw, gz []int
	for _, t := range tiles {
		body, err := s.Encode(ctx, t)
		if err != nil {
			b.Fatal(err)
		}
		if len(body) == 0 {
			continue
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		raw, gz = append(raw, len(body)), append(gz, buf.Len())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range tiles {
			if _, err := s.Encode(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tiles)), "ns/tile")
	report := func(name string, v []int) {
		slices.Sort(v)
		sum := 0
		for _, n := range v {
			sum += n
		}
		b.ReportMetric(float64(sum)/float64(len(v)), name+"-mean-B")
		b.ReportMetric(float64(v[len(v)*95/100]), name+"-p95-B")
		b.ReportMetric(float64(v[len(v)-1]), name+"-max-B")
	}
	b.ReportMetric(float64(len(tiles)), "tiles")
	b.ReportMetric(float64(len(raw)), "nonempty")
	report("raw", raw)
	report("gz", gz)
}

// BenchmarkCompile compiles the whole campaign.
func BenchmarkCompile(b *testing.B) {
	c, _ := set(b)
	r := tiles.New(c)
	for i := 0; i < b.N; i++ {
		if _, err := Compile(context.Background(), selAll(c), r, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeNonEmpty encodes only the tiles of the z6–z12 pyramid
// that hold features, one pyramid per iteration.
func BenchmarkEncodeNonEmpty(b *testing.B) {
	_, s := set(b)
	ctx := context.Background()
	var tiles []maptile.Tile
	for _, t := range pyramid(s, 6, 12) {
		if body, _ := s.Encode(ctx, t); len(body) > 0 {
			tiles = append(tiles, t)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range tiles {
			if _, err := s.Encode(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(tiles)), "ns/tile")
}

// BenchmarkPlacedUnits decides the placement of the campaign's units at
// every tile zoom, per epoch and for the summary map: Compile's share of
// the decluttering. It reports the epochs and the units' pieces.
func BenchmarkPlacedUnits(b *testing.B) {
	c, _ := set(b)
	r, sel := tiles.New(c), selAll(c)
	n := 0
	for range b.N {
		placed, err := placedUnits(context.Background(), sel, r)
		if err != nil {
			b.Fatal(err)
		}
		n = 0
		for _, ps := range placed {
			n += len(ps)
		}
	}
	b.ReportMetric(float64(len(epochs(sel))), "epochs")
	b.ReportMetric(float64(n), "pieces")
}
