package server

import (
	"fmt"
	"image"
	"image/color"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/internal/testkit"
)

// TestLocalBrackets: MapLibre draws CJK punctuation and full-width forms
// with the browser's font (TinySDF), as the viewer leaves it. TinySDF
// 2.1, bundled in MapLibre GL JS 5.24.1, took the sign of
// actualBoundingBoxLeft the wrong way round, so a glyph whose ink stands
// right of its origin — an opening bracket such as "（" in "第10军（方先觉）" —
// was cut to a sliver (mapbox/tiny-sdf#65); `make web` patches the bundle
// as tiny-sdf 2.2 fixed it. Opening and closing brackets must show about
// the same ink.
func TestLocalBrackets(t *testing.T) {
	browser := testkit.Chrome(t, 60*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	ts, tb := openFidelity(t, browser)
	for _, pair := range [][2]string{{"（（（（", "））））"}, {"【【【【", "】】】】"}, {"「「「「", "」」」」"}} {
		style := fmt.Sprintf(`{version: 8, glyphs: %q, sources: {p: {type: "geojson", data: {type: "FeatureCollection", features: [
		 {type: "Feature", geometry: {type: "Point", coordinates: [-0.4, 0]}, properties: {t: %q}},
		 {type: "Feature", geometry: {type: "Point", coordinates: [0.4, 0]}, properties: {t: %q}}]}}},
		 layers: [{id: "bg", type: "background", paint: {"background-color": "#fff"}},
		  {id: "t", type: "symbol", source: "p", layout: {"text-field": ["get", "t"], "text-font": ["Go Regular"], "text-size": 24}}]}`,
			ts.URL+"/fonts/{fontstack}/{range}.pbf", pair[0], pair[1])
		img := show(tb, style, fidelityView{center: orb.Point{0, 0}, zoom: 9})
		b := img.Bounds()
		mid := b.Min.X + b.Dx()/2
		white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
		open := painted(img, image.Rect(b.Min.X, b.Min.Y, mid, b.Max.Y), white)
		closing := painted(img, image.Rect(mid, b.Min.Y, b.Max.X, b.Max.Y), white)
		t.Logf("%s: %d px, %s: %d px", pair[0], open, pair[1], closing)
		if closing == 0 || float64(open) < 0.7*float64(closing) || float64(open) > 1.4*float64(closing) {
			t.Errorf("%s drawn with %d px of ink, %s with %d: an opening bracket is cut", pair[0], open, pair[1], closing)
			testkit.Save(t, "brackets.png", img)
		}
	}
	tb.CheckClean()
}
