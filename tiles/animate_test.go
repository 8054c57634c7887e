package tiles

import (
	"bytes"
	"context"
	"errors"
	"image/gif"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

func TestParseStep(t *testing.T) {
	good := map[string]Step{"P1D": {Days: 1}, "P7D": {Days: 7}, "P2W": {Days: 14}, "P1M": {Months: 1}}
	for in, want := range good {
		if got, err := ParseStep(in); err != nil || got != want {
			t.Errorf("ParseStep(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "PD", "P0D", "P-1D", "P+1D", "1D", "P1Y", "P1H", "PT1H", "P99999D", "p1d"} {
		if _, err := ParseStep(in); err == nil {
			t.Errorf("ParseStep(%q): no error", in)
		}
	}
}

func TestStepRange(t *testing.T) {
	from, to := geo.Date(1944, 6, 1), geo.Date(1944, 6, 30)
	days, err := Step{Days: 7}.Range(from, to, 100)
	if err != nil || len(days) != 5 || days[4] != geo.Date(1944, 6, 29) {
		t.Errorf("weekly June: %v, %v", days, err)
	}
	months, err := Step{Months: 1}.Range(geo.Date(1944, 5, 31), geo.Date(1944, 9, 1), 100)
	if err != nil || len(months) != 4 {
		t.Errorf("monthly: %v, %v", months, err)
	}
	if _, err := (Step{Days: 1}).Range(from, geo.Date(1945, 6, 1), MaxFrames); !errors.Is(err, ErrTooManyFrames) {
		t.Errorf("a year by day: err = %v, want ErrTooManyFrames", err)
	}
	if _, err := (Step{Days: 1}).Range(to, from, 10); err == nil {
		t.Error("reversed range: no error")
	}
}

func TestAutoStep(t *testing.T) {
	tests := []struct {
		from, to geo.Day
		want     Step
	}{
		{geo.Date(1944, 6, 1), geo.Date(1944, 6, 30), Step{Days: 1}},
		{geo.Date(1944, 5, 27), geo.Date(1944, 8, 8), Step{Days: 1}},
		{geo.Date(1944, 5, 1), geo.Date(1945, 8, 23), Step{Days: 2}},
		{geo.Date(1944, 1, 1), geo.Date(1946, 12, 31), Step{Days: 7}},
		{geo.Date(1900, 1, 1), geo.Date(1999, 12, 31), Step{Months: 6}},
	}
	for _, tc := range tests {
		got := AutoStep(tc.from, tc.to, MaxFrames)
		if got != tc.want {
			t.Errorf("AutoStep(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
		if days, err := got.Range(tc.from, tc.to, MaxFrames); err != nil || len(days) == 0 {
			t.Errorf("%v over %s..%s: %d frames, %v", got, tc.from, tc.to, len(days), err)
		}
	}
}

func TestAnimate(t *testing.T) {
	r, sel := testRenderer(t)
	days, _ := Step{Days: 5}.Range(day(t, "1944-06-01"), day(t, "1944-07-05"), MaxFrames)
	f := Fit(orb.Bound{Min: orb.Point{111, 26.5}, Max: orb.Point{114, 29}}, 320, 240, 1, 10, 12)
	var buf bytes.Buffer
	calls, prev := 0, 0
	progress := func(done, total int) {
		calls++
		if done != prev+1 || total != len(days) {
			t.Errorf("progress %d of %d after %d", done, total, prev)
		}
		prev = done
	}
	if err := r.Animate(context.Background(), &buf, sel, days, f, AnimationOptions{Progress: progress}); err != nil {
		t.Fatal(err)
	}
	if calls != len(days) {
		t.Errorf("progress called %d times for %d frames", calls, len(days))
	}
	g, err := gif.DecodeAll(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != len(days) {
		t.Fatalf("%d frames for %d steps", len(g.Image), len(days))
	}
	// The long march advances every step: consecutive frames differ along its route,
	// and every frame uses the same palette.
	for i := 1; i < len(g.Image); i++ {
		a, b := g.Image[i-1], g.Image[i]
		diff := 0
		for k := range a.Pix {
			if a.Pix[k] != b.Pix[k] {
				diff++
			}
		}
		if diff < 50 {
			t.Errorf("frames %d and %d (%s, %s) differ in %d pixels", i-1, i, days[i-1], days[i], diff)
		}
		if len(a.Palette) != len(b.Palette) || a.Palette[5] != b.Palette[5] {
			t.Errorf("frame %d changes the palette", i)
		}
	}
	// Pixels away from anything that moves stay the same (no dithering noise):
	// the top-right corner, over the paper.
	first, last := g.Image[0], g.Image[len(g.Image)-1]
	if first.ColorIndexAt(315, 235) != last.ColorIndexAt(315, 235) {
		t.Error("background pixel changed between frames")
	}
	// Limits.
	many := make([]geo.Day, MaxFrames+1)
	if err := r.Animate(context.Background(), &buf, sel, many, f, AnimationOptions{}); !errors.Is(err, ErrTooManyFrames) {
		t.Errorf("%d frames: err = %v", len(many), err)
	}
}
