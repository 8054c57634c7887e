package paint_test

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// TestSymbolBox: every pixel a symbol paints lies inside its Box (grown by
// the pixel an antialiased edge may touch), and the box is tight: each of
// its sides has ink within 1.5 pixels.
func TestSymbolBox(t *testing.T) {
	red := overlays.ColorJapan
	unit := func(branch, echelon string) paint.Symbol {
		s := paint.NewSymbol(overlays.KindUnit, red, 1.15, 2)
		s.Branch, s.Echelon = branch, echelon
		return s
	}
	tests := map[string]paint.Symbol{
		"infantry division": unit("infantry", "division"),
		"hq army group":     unit("hq", "army-group"),
		"armour, none":      unit("armour", ""),
		"artillery":         paint.NewSymbol(overlays.KindArtillery, red, 1, 1),
		"airfield":          paint.NewSymbol(overlays.KindAirfield, red, 1, 1),
		"event":             paint.NewSymbol(overlays.KindEvent, red, 1, 1),
		"city":              paint.NewSymbol(overlays.KindPlace, red, 1, 2).WithRank(1),
		"village":           paint.NewSymbol(overlays.KindPlace, red, 1, 1).WithRank(4),
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			const c = 64.0
			img := image.NewRGBA(image.Rect(0, 0, 128, 128))
			paint.Draw(img, fonts.Default(), []paint.Prim{{Op: paint.OpSymbol, Geom: orb.Point{c, c}, Sym: s}})
			b := s.Box()
			ink := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
			for y := range 128 {
				for x := range 128 {
					if img.RGBAAt(x, y).A == 0 {
						continue
					}
					px := orb.Bound{Min: orb.Point{float64(x) - c, float64(y) - c}, Max: orb.Point{float64(x+1) - c, float64(y+1) - c}}
					ink = ink.Union(px)
					if !b.Pad(1).Intersects(px) {
						t.Fatalf("pixel %d,%d painted, outside the box %v", x, y, b)
					}
				}
			}
			for i, d := range []float64{b.Min[0] - ink.Min[0], b.Min[1] - ink.Min[1], ink.Max[0] - b.Max[0], ink.Max[1] - b.Max[1]} {
				if math.Abs(d) > 1.5 {
					t.Errorf("side %d of box %v is %.2f px from the ink %v", i, b, d, ink)
				}
			}
		})
	}
}

func TestPaints(t *testing.T) {
	sym := paint.NewSymbol(overlays.KindUnit, overlays.ColorChina, 1, 1)
	reach := sym.Reach()
	tests := map[string]struct {
		pr   paint.Prim
		want bool
	}{
		"fill inside":           {paint.Prim{Op: paint.OpFill, Geom: orb.Ring{{1, 1}, {5, 1}, {5, 5}, {1, 1}}}, true},
		"fill left of it":       {paint.Prim{Op: paint.OpFill, Geom: orb.Ring{{-9, 1}, {-5, 1}, {-5, 5}, {-9, 1}}}, false},
		"stroke reaching in":    {paint.Prim{Op: paint.OpStroke, Geom: orb.LineString{{-3, 5}, {-3, 9}}, Width: 8}, true},
		"stroke short of it":    {paint.Prim{Op: paint.OpStroke, Geom: orb.LineString{{-5, 5}, {-5, 9}}, Width: 8}, false},
		"symbol reaching in":    {paint.Prim{Op: paint.OpSymbol, Geom: orb.Point{-reach + 0.5, 10}, Sym: sym}, true},
		"symbol just outside":   {paint.Prim{Op: paint.OpSymbol, Geom: orb.Point{-reach - 0.5, 10}, Sym: sym}, false},
		"symbol below the tile": {paint.Prim{Op: paint.OpSymbol, Geom: orb.Point{10, 256 + reach + 1}, Sym: sym}, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := tc.pr.Paints(256, 256); got != tc.want {
				t.Errorf("Paints = %v, want %v (bound %v)", got, tc.want, tc.pr.Bound())
			}
		})
	}
}

func Example() {
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	paint.Draw(img, fonts.Default(), []paint.Prim{
		{Op: paint.OpStroke, Geom: orb.LineString{{0, 60}, {64, 60}}, Color: color.NRGBA{0, 0, 0xff, 0xff}, Width: 3},
		{Op: paint.OpSymbol, Geom: orb.Point{32, 30}, Sym: paint.NewSymbol(overlays.KindUnit, overlays.ColorJapan, 1, 1)},
	})
	fmt.Println(img.RGBAAt(32, 60).B, img.RGBAAt(0, 0).A)
	// Output: 255 0
}
