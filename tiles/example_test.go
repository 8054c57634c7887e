package tiles_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
)

// A tile is planned, then encoded: the plan's key names what it draws, so a
// cache can answer equal plans with the same bytes.
func ExampleRenderer_Plan() {
	c, err := hunan.Load()
	if err != nil {
		log.Fatal(err)
	}
	r := tiles.New(c)
	sel := overlays.Selection(c.Layers)
	hengyang := maptile.At(orb.Point{112.62, 26.89}, 10)
	siege, far := geo.Date(1944, 7, 15), geo.Date(1944, 5, 1)

	p, err := r.Plan(context.Background(), sel, siege, geo.TileFrame(hengyang, 1))
	if err != nil {
		log.Fatal(err)
	}
	var png bytes.Buffer
	empty, err := r.Encode(&png, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("siege: empty", p.Empty(), empty)

	// Before the campaign, the ocean far to the east shows nothing at all.
	p2, _ := r.Plan(context.Background(), sel, far, geo.TileFrame(maptile.At(orb.Point{150, 20}, 10), 1))
	fmt.Println("ocean: empty", p2.Empty())
	// Output:
	// siege: empty false false
	// ocean: empty true
}

// At Hengyang during the siege the raster moves five division symbols
// aside at zoom 11, a symbol's width or so; Declutter says which, and where.
func ExampleRenderer_Declutter() {
	c, err := hunan.Load()
	if err != nil {
		log.Fatal(err)
	}
	r := tiles.New(c)
	sel, err := c.Select("hengyang")
	if err != nil {
		log.Fatal(err)
	}
	p, err := r.Declutter(context.Background(), sel, geo.Date(1944, 7, 15), 11)
	if err != nil {
		log.Fatal(err)
	}
	px := geo.Frame{Zoom: 11, Scale: 1}.PixelsPerWorld() // world to pixels
	for _, f := range sel[0].Features {
		if at, ok := p.Moved[tiles.SymbolRef{Feature: f}]; ok {
			w := f.World.(orb.Point)
			fmt.Printf("%s: moved %.0f px\n", f.Designation(), math.Hypot(at[0]-w[0], at[1]-w[1])*px)
		}
	}
	fmt.Println(len(p.Hidden), "hidden")
	// Output:
	// 3: moved 29 px
	// P10: moved 29 px
	// 190: moved 30 px
	// T54: moved 29 px
	// 116: moved 29 px
	// 0 hidden
}
