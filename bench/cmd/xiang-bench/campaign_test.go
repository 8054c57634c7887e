package main

import (
	"image"
	"image/color"
	"testing"
)

// TestSeedLine: the per-archive line of `xiang seed -v` gives the tiles
// rendered and the render time in any unit.
func TestSeedLine(t *testing.T) {
	for _, tc := range []struct {
		line     string
		rendered string
		value    string
		unit     string
	}{
		{"/tmp/s/1944-07-10.pmtiles: 117 tiles (117 rendered in 246ms, 476.4 tiles/s; 0 from the journal), 77 distinct, 821384 bytes, built in 28ms", "117", "246", "ms"},
		{"out/summary.pmtiles: 298 tiles (12 rendered in 1.5s, 8.0 tiles/s; 286 from the journal), 3 distinct, 1 bytes, built in 1ms", "12", "1.5", "s"},
		{"a.mbtiles: 1 tiles (1 rendered in 950µs, 1052.6 tiles/s; 0 from the journal)", "1", "950", "µs"},
	} {
		m := seedLine.FindStringSubmatch(tc.line)
		if m == nil || m[2] != tc.rendered || m[3] != tc.value || m[4] != tc.unit {
			t.Errorf("%q: got %q", tc.line, m)
		}
	}
	if m := seedLine.FindStringSubmatch("xiang seed: 10 archives"); m != nil {
		t.Errorf("a summary line matched: %q", m)
	}
}

// TestSamePixels: transparent pixels are alike whatever their colour;
// any other difference, or another size, is not.
func TestSamePixels(t *testing.T) {
	a := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	b := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	b.SetNRGBA(1, 0, color.NRGBA{9, 9, 9, 0}) // transparent, other colour
	if !samePixels(a, b) {
		t.Error("transparent pixels of other colours differ")
	}
	b.SetNRGBA(0, 0, color.NRGBA{0, 0, 0, 1})
	if samePixels(a, b) {
		t.Error("alpha 0 and alpha 1 are alike")
	}
	if samePixels(a, image.NewNRGBA(image.Rect(0, 0, 1, 2))) {
		t.Error("images of other sizes are alike")
	}
}
