package mbtiles

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/internal/testkit"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.mbtiles")
	w, err := Create(path, map[string]string{"name": "test", "format": "png", "minzoom": "1", "maxzoom": "2"})
	if err != nil {
		t.Fatal(err)
	}
	tiles := map[maptile.Tile]string{}
	for z := maptile.Zoom(1); z <= 2; z++ {
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				body := "same"
				if x == 1 && y == 0 {
					body = fmt.Sprintf("tile %d", z)
				}
				tiles[maptile.New(x, y, z)] = body
				if err := w.Add(maptile.New(x, y, z), []byte(body)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := w.Add(maptile.New(0, 0, 1), []byte("again")); err == nil {
		t.Error("a tile added twice was accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	for tile, want := range tiles {
		t.Run(fmt.Sprintf("%d/%d/%d", tile.Z, tile.X, tile.Y), func(t *testing.T) {
			got, ok, err := r.Tile(ctx, tile)
			if err != nil || !ok || string(got) != want {
				t.Errorf("%q, %v, %v; want %q", got, ok, err, want)
			}
		})
	}
	if _, ok, err := r.Tile(ctx, maptile.New(0, 0, 3)); ok || err != nil {
		t.Errorf("absent tile: %v, %v", ok, err)
	}
	m, err := r.Metadata(ctx)
	if err != nil || m["name"] != "test" || m["maxzoom"] != "2" {
		t.Errorf("metadata %v, %v", m, err)
	}

	// Identical tiles are stored once, and sqlite3 sees TMS rows.
	sqlite := testkit.Tool(t, "sqlite3", "sqlite3")
	out, err := exec.Command(sqlite, path, "SELECT count(*) FROM images; SELECT count(*) FROM tiles; SELECT tile_data FROM tiles WHERE zoom_level=1 AND tile_column=1 AND tile_row=1").CombinedOutput()
	if err != nil || strings.Fields(string(out))[0] != "3" || !strings.Contains(string(out), "20\ntile 1") {
		t.Errorf("sqlite3: %v\n%s", err, out)
	}
}

func TestOpenNotArchive(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "missing.mbtiles")); err == nil {
		t.Error("opened a missing file")
	}
}
