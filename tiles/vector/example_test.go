package vector_test

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// Compile the Hengyang layer once, encode the z9 tile of the city and
// count, per layer, the features a client's filter for 1944-06-25 keeps:
// the route pieces reached by that day, one arrowhead per movement, and
// the leader and dot of each of the three units the raster moves aside
// there at its zoom 10.
func Example() {
	c, err := hunan.Load()
	if err != nil {
		panic(err)
	}
	sel, err := c.Select("hengyang")
	if err != nil {
		panic(err)
	}
	set, err := vector.Compile(context.Background(), sel, tiles.New(c), vector.Limits{})
	if err != nil {
		panic(err)
	}
	body, err := set.Encode(context.Background(), maptile.At(orb.Point{112.57, 26.89}, 9))
	if err != nil {
		panic(err)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		panic(err)
	}
	day := float64(geo.Date(1944, 6, 25))
	for _, l := range layers {
		n := 0
		for _, f := range l.Features {
			if f.Properties["start_day"].(float64) <= day && day <= f.Properties["end_day"].(float64) {
				n++
			}
		}
		fmt.Printf("%s: %d on 1944-06-25\n", l.Name, n)
	}
	// Output:
	// areas: 3 on 1944-06-25
	// lines: 1 on 1944-06-25
	// movements: 15 on 1944-06-25
	// heads: 2 on 1944-06-25
	// leaders: 6 on 1944-06-25
	// points: 16 on 1944-06-25
	// dates: 4 on 1944-06-25
}
