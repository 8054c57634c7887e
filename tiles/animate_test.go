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

func TestAnimate(t *testing.T) {
	r, sel := testRenderer(t)
	days, _ := geo.Step{Days: 5}.Range(day(t, "1944-06-01"), day(t, "1944-07-05"), MaxFrames)
	f := geo.Fit(orb.Bound{Min: orb.Point{111, 26.5}, Max: orb.Point{114, 29}}, 320, 240, 1, 10, 12)
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
	if err := r.Animate(context.Background(), &buf, sel, many, f, AnimationOptions{}); !errors.Is(err, geo.ErrTooManyFrames) {
		t.Errorf("%d frames: err = %v", len(many), err)
	}
}
