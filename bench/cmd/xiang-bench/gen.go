package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/bench"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// densities are the two densities of the synthetic campaign.
var densities = []int{1, 10}

// genResult describes the generated data, for the report.
type genResult struct {
	Tiles      int          `json:"tiles"`
	HunanTiles int          `json:"hunan_tiles"`
	Datasets   []genDataset `json:"datasets"`
}

type genDataset struct {
	Density  int    `json:"density"`
	Features int    `json:"features"`
	Vertices int    `json:"vertices"`
	Dir      string `json:"dir"`      // xiang layer directory
	Mercator string `json:"mercator"` // the EPSG:3857 copy for Mapnik
	Bytes    int    `json:"bytes"`
}

// runGen writes, under -out: campaign-N/synthetic.geojson (a xiang layer
// directory) and mapnik-N.geojson (the same features in Web Mercator) for
// each density N, and tiles.txt, the tile list. It loads each layer back
// with overlays.LoadDir, so the files are known to be valid.
func runGen(args []string, stdout io.Writer) error {
	fs := flagSet("gen")
	out := fs.String("out", "", "output `directory`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	res := genResult{}
	for _, d := range densities {
		fc := bench.Synthetic(d)
		dir := filepath.Join(*out, fmt.Sprintf("campaign-%d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		n, err := writeGeoJSON(filepath.Join(dir, "synthetic.geojson"), fc)
		if err != nil {
			return err
		}
		c, err := overlays.LoadDir(dir)
		if err != nil {
			return fmt.Errorf("generated campaign does not load: %w", err)
		}
		merc := filepath.Join(*out, fmt.Sprintf("mapnik-%d.geojson", d))
		if _, err := writeGeoJSON(merc, bench.Mercator(fc)); err != nil {
			return err
		}
		ds := genDataset{Density: d, Features: c.Features(), Vertices: bench.Vertices(fc), Dir: dir, Mercator: merc, Bytes: n}
		res.Datasets = append(res.Datasets, ds)
		fmt.Fprintf(stdout, "density %2d: %d features, %d vertices, %.1f MB in %s\n", d, ds.Features, ds.Vertices, float64(n)/1e6, dir)
	}
	tl := bench.Tiles(bench.Area, bench.SampleSeed)
	res.Tiles = len(tl)
	if err := writeTileFile(filepath.Join(*out, "tiles.txt"), tl); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tile list: %d tiles\n", len(tl))
	// The default campaign's list has the same shape over its own bound.
	c, err := hunan.Load()
	if err != nil {
		return err
	}
	htl := bench.Tiles(c.Bound, bench.SampleSeed)
	res.HunanTiles = len(htl)
	if err := writeTileFile(filepath.Join(*out, "tiles-hunan.txt"), htl); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Hunan campaign tile list: %d tiles over %v\n", len(htl), c.Bound)
	if err := writeJSON(filepath.Join(*out, "style.json"), mapnikStyle()); err != nil {
		return err
	}
	return writeJSON(filepath.Join(*out, "gen.json"), res)
}

// mapnikStyle is the style bench/mapnik_render.py draws the synthetic
// campaign with: the one its features carry for xiang.
func mapnikStyle() map[string]any {
	return map[string]any{
		"sides":          bench.SideColors,
		"fill_opacity":   bench.FillOpacity,
		"outline_width":  bench.OutlineWidth,
		"route_width":    bench.RouteWidth,
		"marker_radius":  bench.MarkerRadius,
		"marker_outline": bench.MarkerOutline,
		"marker_ink":     bench.MarkerInk,
		"buffer":         bench.Buffer,
	}
}

func writeTileFile(path string, tl []maptile.Tile) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := bench.WriteTiles(f, tl); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeGeoJSON(path string, fc *geojson.FeatureCollection) (int, error) {
	b, err := fc.MarshalJSON()
	if err != nil {
		return 0, err
	}
	return len(b), os.WriteFile(path, b, 0o644)
}
