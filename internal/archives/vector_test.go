package archives

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/seed"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// TestOpenSkipsVector checks that a vector archive (xiang seed -vector)
// beside a raster summary is not taken for a second summary.
func TestOpenSkipsVector(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	sel := overlays.Selection(c.Layers)
	vs, err := vector.Compile(context.Background(), sel, tiles.New(c), vector.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	box := orb.Bound{Min: orb.Point{112.55, 26.85}, Max: orb.Point{112.65, 26.95}}
	for _, name := range []string{"summary", "vector"} {
		job := seed.Job{Renderer: tiles.New(c), Selection: sel, Day: geo.NoDay, Bounds: box, MinZoom: 9, MaxZoom: 9,
			Format: seed.PMTiles, Path: filepath.Join(dir, name+".pmtiles"), Workers: 1}
		if name == "vector" {
			job.Vector = vs
		}
		if _, err := seed.Run(context.Background(), job); err != nil {
			t.Fatal(err)
		}
	}
	set, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	if l := set.List(); len(l) != 1 || l[0].File != "summary.pmtiles" {
		t.Errorf("archives %+v, want the summary alone", l)
	}
}
