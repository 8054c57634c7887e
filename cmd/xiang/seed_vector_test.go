package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles/seed"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// TestSeedVector seeds one vector archive of the campaign and has
// go-pmtiles verify it and show its tile type; the tile of Hengyang reads
// back, gzipped, as MVT with dated features.
func TestSeedVector(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := runCmd(t, "seed", "-vector", "-zoom", "6-9", "-o", dir, "-v"); code != 0 || !strings.Contains(errOut, "vector.pmtiles") {
		t.Fatalf("seed -vector: exit %d\n%s%s", code, out, errOut)
	}
	archive := filepath.Join(dir, "vector.pmtiles")
	tool := goPMTiles(t)
	if out, err := exec.Command(tool, "verify", archive).CombinedOutput(); err != nil {
		t.Errorf("go-pmtiles verify: %v\n%s", err, out)
	}
	out, err := exec.Command(tool, "show", archive).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "tile type: mvt") || !strings.Contains(string(out), "tile compression: gzip") {
		t.Errorf("go-pmtiles show: %v\n%s", err, out)
	}
	a, err := seed.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if !a.Xiang.Vector || a.Format != seed.PMTiles || len(a.VectorLayers) != len(vector.Layers) || a.Description.Format != "pbf" {
		t.Errorf("metadata: %+v", a.Description)
	}
	data, ok, err := a.Tile(context.Background(), maptile.At(orb.Point{112.57, 26.89}, 9))
	if err != nil || !ok {
		t.Fatalf("Hengyang's tile: %v, %v", ok, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(raw)
	if err != nil || len(ls) != len(vector.Layers) {
		t.Fatalf("%d layers, %v", len(ls), err)
	}
	for _, l := range ls {
		for _, f := range l.Features {
			if _, ok := f.Properties["start_day"]; !ok {
				t.Fatalf("layer %s: a feature without start_day: %v", l.Name, f.Properties)
			}
		}
	}
	// Refused: dates, other scales and formats.
	for _, args := range [][]string{{"-dates", "1944-06-18"}, {"-scale", "2"}, {"-format", "mbtiles"}, {"-zoom", "6-15"}} {
		if code, _, errOut := runCmd(t, append([]string{"seed", "-vector", "-o", dir}, args...)...); code != 2 || !strings.Contains(errOut, "-vector") {
			t.Errorf("seed -vector %v: exit %d, %s", args, code, errOut)
		}
	}
}
