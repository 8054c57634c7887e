package seed_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/tiles/seed"
)

func ExampleCover() {
	// The siege of Hengyang at zooms 8 to 10.
	box := orb.Bound{Min: orb.Point{112.35, 26.7}, Max: orb.Point{112.9, 27.1}}
	tiles, err := seed.Cover(box, 8, 10)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(tiles), tiles[0], tiles[len(tiles)-1])
	// Output: 17 {207 107 8} {833 433 10}
}
