package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/bench"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
)

// renderResult is one cold pass of xiang over a tile list.
type renderResult struct {
	Renderer   string  `json:"renderer"`
	Data       string  `json:"data"`
	Date       string  `json:"date"`
	Layers     string  `json:"layers"`
	Workers    int     `json:"workers"`
	GOMAXPROCS int     `json:"gomaxprocs"`
	LoadMs     float64 `json:"load_ms"`  // loading and validating the layers
	SetupMs    float64 `json:"setup_ms"` // tiles.New: index and simplification
	// PlanMs is the sum of the Plan times, a part of Timing.TotalMs.
	PlanMs    float64      `json:"plan_ms"`
	PlanEmpty int          `json:"plan_empty"` // tiles whose plan was empty
	Timing    bench.Timing `json:"timing"`
	PeakRSS   int64        `json:"peak_rss_bytes"` // VmHWM of this process at the end
}

// runRender renders every tile of a list once with a fresh renderer, the
// way a server without a cache would: tiles.New once, then Plan and Encode
// per tile into memory, timing each tile. With -workers above 1 the tiles
// are shared among that many goroutines; run it under GOMAXPROCS to choose
// the cores. PNGs are written to -png after the timed pass.
func runRender(args []string, stdout io.Writer) error {
	fs := flagSet("render")
	data := fs.String("data", "", "campaign `directory` (default: the embedded Hunan campaign)")
	list := fs.String("tiles", "", "tile list `file` (z/x/y lines)")
	date := fs.String("date", "", "`YYYY-MM-DD` to draw (default: the summary map)")
	layers := fs.String("layers", "all", "layer `list`")
	workers := fs.Int("workers", 1, "goroutines rendering tiles")
	pngDir := fs.String("png", "", "write the tiles as `dir`/z/x/y.png after the timed pass")
	jsonOut := fs.String("json", "", "write the result to this `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "tiles"); err != nil {
		return err
	}
	if *workers < 1 {
		return fmt.Errorf("-workers %d: want at least 1", *workers)
	}
	tl, err := readTileFile(*list)
	if err != nil {
		return err
	}
	day := geo.NoDay
	if *date != "" {
		if day, err = geo.ParseDay(*date); err != nil {
			return fmt.Errorf("-date: %w", err)
		}
	}

	t0 := time.Now()
	var c *overlays.Campaign
	if *data == "" {
		c, err = hunan.Load()
	} else {
		c, err = overlays.LoadDir(*data)
	}
	if err != nil {
		return err
	}
	sel, err := c.Select(*layers)
	if err != nil {
		return fmt.Errorf("-layers: %w", err)
	}
	t1 := time.Now()
	r := tiles.New(c)
	t2 := time.Now()

	n := len(tl)
	times := make([]time.Duration, n)
	plans := make([]time.Duration, n)
	planEmpty := make([]bool, n)
	empty := make([]bool, n)
	out := make([][]byte, n)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				buf.Reset()
				a := time.Now()
				p, err := r.Plan(context.Background(), sel, day, geo.TileFrame(tl[i], 1))
				if err != nil {
					errs[i] = err
					continue
				}
				b := time.Now()
				e, err := r.Encode(&buf, p)
				times[i], plans[i] = time.Since(a), b.Sub(a)
				errs[i], planEmpty[i], empty[i] = err, p.Empty(), e
				out[i] = bytes.Clone(buf.Bytes())
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)

	res := renderResult{
		Renderer: "xiang", Data: *data, Date: *date, Layers: *layers,
		Workers: *workers, GOMAXPROCS: runtime.GOMAXPROCS(0),
		LoadMs: msSince(t0, t1), SetupMs: msSince(t1, t2),
	}
	if res.Data == "" {
		res.Data = "embedded Hunan campaign"
	}
	var nBytes int64
	var planSum time.Duration
	for i := range tl {
		if errs[i] != nil {
			return fmt.Errorf("tile %s: %w", bench.TilePath(tl[i]), errs[i])
		}
		if planEmpty[i] {
			res.PlanEmpty++
		}
		nBytes += int64(len(out[i]))
		planSum += plans[i]
	}
	res.PlanMs = float64(planSum) / float64(time.Millisecond)
	res.Timing = bench.Summarize(times, empty, wall, nBytes)
	res.PeakRSS = peakRSS(os.Getpid())
	t := res.Timing
	fmt.Fprintf(stdout, "xiang %s: %d tiles, %d workers, GOMAXPROCS %d: %.0f tiles/s (wall %.0f/s), mean %.2f ms, p95 %.2f ms, %.0f%% empty\n",
		filepath.Base(res.Data), t.Tiles, res.Workers, res.GOMAXPROCS, t.TilesPerS, t.WallPerS, t.MeanMs, t.P95Ms, 100*t.EmptyRatio)
	if *pngDir != "" {
		for i, tile := range tl {
			if err := writeTile(*pngDir, tile, out[i]); err != nil {
				return err
			}
		}
	}
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

func readTileFile(path string) ([]maptile.Tile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tl, err := bench.ReadTiles(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(tl) == 0 {
		return nil, fmt.Errorf("%s: no tiles", path)
	}
	return tl, nil
}

// writeTile writes b as dir/z/x/y.png.
func writeTile(dir string, t maptile.Tile, b []byte) error {
	path := filepath.Join(dir, bench.TilePath(t)+".png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func msSince(a, b time.Time) float64 { return float64(b.Sub(a)) / float64(time.Millisecond) }
