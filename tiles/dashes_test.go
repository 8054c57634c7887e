package tiles

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// TestDashesRounding is a line that made dashes loop for ever, at 100 dpi
// (scale 100/96): the phase at a vertex came out one ulp short of the
// dash's end, and stepping by on−phase did not move.
func TestDashesRounding(t *testing.T) {
	on, off := 7*100/96.0, 4*100/96.0
	line := []orb.Point{{0, 0}, {17.709302978941604, 0}, {20.0502, 0}, {60, 0}}
	keep := orb.Bound{Min: orb.Point{-100, -100}, Max: orb.Point{100, 100}}
	got := dashes(line, on, off, keep)
	total := 0.0
	for _, d := range got {
		total += planar.Length(d)
	}
	want := 0.0
	for n := 0.0; n*(on+off) < 60; n++ {
		want += math.Min(n*(on+off)+on, 60) - n*(on+off)
	}
	if math.Abs(total-want) > 1e-9 || len(got) != int(math.Ceil(60/(on+off))) {
		t.Errorf("dashes: %d pieces covering %.9f px; want %d covering %.9f", len(got), total, int(math.Ceil(60/(on+off))), want)
	}
}
