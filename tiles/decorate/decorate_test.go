package decorate

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/planar"
)

// TestDashesRounding is a line that made dashes loop for ever, at 100 dpi
// (scale 100/96): the phase at a vertex came out one ulp short of the
// dash's end, and stepping by on−phase did not move.
func TestDashesRounding(t *testing.T) {
	on, off := 7*100/96.0, 4*100/96.0
	line := []orb.Point{{0, 0}, {17.709302978941604, 0}, {20.0502, 0}, {60, 0}}
	keep := orb.Bound{Min: orb.Point{-100, -100}, Max: orb.Point{100, 100}}
	got := Dashes(line, on, off, keep)
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

// TestDecorationsKeep: dashes and ticks made only for the parts of a line
// inside keep, and the runs of a line near keep, once clipped to keep, are
// exactly what the whole line gives: a tile draws the same pieces either way.
func TestDecorationsKeep(t *testing.T) {
	rnd := rand.New(rand.NewPCG(19, 44))
	everything := orb.Bound{Min: orb.Point{-1e7, -1e7}, Max: orb.Point{1e7, 1e7}}
	for i := range 200 {
		// Long segments through and around a 256 px frame, as routes have at z12.
		line := make([]orb.Point, 2+rnd.IntN(6))
		for k := range line {
			line[k] = orb.Point{rnd.Float64()*4000 - 1900, rnd.Float64()*4000 - 1900}
		}
		keep := orb.Bound{Max: orb.Point{256, 256}}.Pad(rnd.Float64() * 20)
		on, off := 1+rnd.Float64()*8, 1+rnd.Float64()*5
		clipped := func(g orb.MultiLineString) orb.Geometry {
			if len(g) == 0 {
				return nil
			}
			return clip.Geometry(keep, g)
		}
		whole := clip.Geometry(keep, orb.MultiLineString{orb.Clone(orb.LineString(line)).(orb.LineString)})
		if got := clipped(NearRuns(orb.Clone(orb.LineString(line)).(orb.LineString), keep)); !orb.Equal(got, whole) {
			t.Fatalf("line %d: the runs near keep, clipped, differ from the whole line clipped", i)
		}
		if got, want := clipped(Dashes(line, on, off, keep)), clipped(Dashes(line, on, off, everything)); !orb.Equal(got, want) {
			t.Fatalf("line %d: dashes made near keep and clipped differ from all dashes clipped", i)
		}
		for _, side := range []int{-1, 0, 1} {
			length, spacing := 2+rnd.Float64()*4, 7+rnd.Float64()*5
			if got, want := clipped(Ticks(line, spacing, length, side, keep)), clipped(Ticks(line, spacing, length, side, everything)); !orb.Equal(got, want) {
				t.Fatalf("line %d, side %d: ticks made near keep and clipped differ from all ticks clipped", i, side)
			}
		}
	}
}
