package pmtiles_test

import (
	"bytes"
	"fmt"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles/pmtiles"
)

func Example() {
	w, err := pmtiles.NewWriter("", "")
	if err != nil {
		panic(err)
	}
	defer w.Close()
	// Tiles go in by increasing ID; the four tiles of zoom 1 in Hilbert
	// order, three of them the same bytes, stored once.
	for _, t := range []maptile.Tile{{X: 0, Y: 0, Z: 1}, {X: 0, Y: 1, Z: 1}, {X: 1, Y: 1, Z: 1}, {X: 1, Y: 0, Z: 1}} {
		body := []byte("sea")
		if t.X == 1 && t.Y == 1 {
			body = []byte("land")
		}
		if err := w.Add(t, body); err != nil {
			panic(err)
		}
	}
	var archive bytes.Buffer
	if err := w.Finish(&archive, pmtiles.Info{TileType: pmtiles.TypePNG, Metadata: []byte(`{"name":"demo"}`)}); err != nil {
		panic(err)
	}
	rd, err := pmtiles.Open(bytes.NewReader(archive.Bytes()))
	if err != nil {
		panic(err)
	}
	data, ok, _ := rd.Tile(maptile.New(1, 1, 1))
	h := rd.Header()
	fmt.Println(string(data), ok, h.AddressedTiles, h.TileEntries, h.TileContents, string(rd.Metadata()))
	// Output: land true 4 3 2 {"name":"demo"}
}
