package mbtiles_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles/mbtiles"
)

func Example() {
	dir, _ := os.MkdirTemp("", "mbtiles")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "demo.mbtiles")
	w, err := mbtiles.Create(path, map[string]string{"name": "demo", "format": "png"})
	if err != nil {
		panic(err)
	}
	// Three tiles, two with the same bytes: stored once.
	w.Add(maptile.New(0, 0, 1), []byte("sea"))
	w.Add(maptile.New(1, 0, 1), []byte("sea"))
	w.Add(maptile.New(1, 1, 1), []byte("land"))
	fmt.Println(w.Len(), w.Distinct())
	if err := w.Close(); err != nil {
		panic(err)
	}
	r, err := mbtiles.Open(path)
	if err != nil {
		panic(err)
	}
	defer r.Close()
	b, ok, _ := r.Tile(context.Background(), maptile.New(1, 1, 1))
	fmt.Println(string(b), ok)
	// Output:
	// 3 2
	// land true
}
