package bench

import (
	"math"
	"slices"
	"time"
)

// Timing summarizes the per-tile times of one pass over a tile list.
type Timing struct {
	Tiles      int     `json:"tiles"`
	TotalMs    float64 `json:"total_ms"`      // sum of the per-tile times
	TilesPerS  float64 `json:"tiles_per_s"`   // Tiles / TotalMs
	MeanMs     float64 `json:"mean_ms"`       // mean per-tile time
	P50Ms      float64 `json:"p50_ms"`        // median
	P95Ms      float64 `json:"p95_ms"`        // 95th percentile, nearest rank
	MaxMs      float64 `json:"max_ms"`        // slowest tile
	Empty      int     `json:"empty"`         // tiles that came out transparent
	DrawnMs    float64 `json:"drawn_mean_ms"` // mean time of the other tiles
	Bytes      int64   `json:"bytes"`         // PNG bytes written
	EmptyRatio float64 `json:"empty_ratio"`   // Empty / Tiles
	WallMs     float64 `json:"wall_ms"`       // wall time of the whole pass
	WallPerS   float64 `json:"wall_tiles_s"`  // Tiles / WallMs: throughput with several workers
}

// Summarize computes a Timing from per-tile durations, which tiles came
// out empty (nil: none) and the wall time of the pass; bytes is passed
// through.
func Summarize(d []time.Duration, empty []bool, wall time.Duration, bytes int64) Timing {
	t := Timing{Tiles: len(d), Bytes: bytes, WallMs: ms(wall)}
	if len(d) == 0 {
		return t
	}
	var drawn time.Duration
	for i, v := range d {
		if i < len(empty) && empty[i] {
			t.Empty++
		} else {
			drawn += v
		}
	}
	if n := len(d) - t.Empty; n > 0 {
		t.DrawnMs = ms(drawn) / float64(n)
	}
	s := slices.Clone(d)
	slices.Sort(s)
	var sum time.Duration
	for _, v := range s {
		sum += v
	}
	t.TotalMs = ms(sum)
	t.MeanMs = t.TotalMs / float64(len(s))
	t.P50Ms = ms(Percentile(s, 50))
	t.P95Ms = ms(Percentile(s, 95))
	t.MaxMs = ms(s[len(s)-1])
	if t.TotalMs > 0 {
		t.TilesPerS = float64(len(s)) / t.TotalMs * 1000
	}
	if t.WallMs > 0 {
		t.WallPerS = float64(len(s)) / t.WallMs * 1000
	}
	t.EmptyRatio = float64(t.Empty) / float64(len(s))
	return t
}

// Percentile returns the p-th percentile (0–100) of sorted by nearest rank:
// the smallest value with at least p % of the values at or below it.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
