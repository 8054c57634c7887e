package main

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"io"
	"os"
	"runtime/pprof"

	"github.com/xiang-maps/xiang/bench"
	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fastpng"
)

// runProfile is a fixed workload for profilers: it renders every -every-th
// tile of the benchmark's list for the embedded campaign on one date, or
// with -level encodes the drawn ones with fastpng.EncodeWith (-level 0:
// draws them and stops, the baseline to subtract). Under
//
//	GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind xiang-bench profile …
//
// the instruction counts are repeatable on a loaded machine; compare whole
// program totals (docs/performance.md).
func runProfile(args []string, stdout io.Writer) error {
	fs := flagSet("profile")
	date := fs.String("date", "summary", "`YYYY-MM-DD` or summary")
	every := fs.Int("every", 1, "take every `n`th tile of the list")
	level := fs.Int("level", -1, "encode the drawn tiles at this deflate `level` (0: draw only) instead of rendering them")
	filter := fs.Int("filter", 0, "row `filter` for -level: 0 None, 1 Sub, 2 Up, 4 Paeth")
	cpu := fs.String("cpuprofile", "", "write a CPU profile of the work to this `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *every < 1 {
		return fmt.Errorf("-every %d: want at least 1", *every)
	}
	d := geo.NoDay
	if *date != "summary" {
		var err error
		if d, err = geo.ParseDay(*date); err != nil {
			return fmt.Errorf("-date: %w", err)
		}
	}
	c, err := hunan.Load()
	if err != nil {
		return err
	}
	sel, err := c.Select("all")
	if err != nil {
		return err
	}
	r := tiles.New(c)
	var list []geo.Frame
	for i, t := range bench.Tiles(bench.Area, bench.SampleSeed) {
		if i%*every == 0 {
			list = append(list, geo.TileFrame(t, 1))
		}
	}
	var imgs []*image.RGBA
	if *level >= 0 {
		for _, f := range list {
			p, err := r.Plan(context.Background(), sel, d, f)
			if err != nil {
				return err
			}
			if !p.Empty() {
				if img := p.Draw(r.Fonts()); !fastpng.Transparent(img) {
					imgs = append(imgs, img)
				}
			}
		}
		if *level == 0 {
			fmt.Fprintf(stdout, "%d drawn tiles, not encoded\n", len(imgs))
			return nil
		}
	}
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var buf bytes.Buffer
	n, total := 0, 0
	sum := fnv.New64a() // of every tile's bytes: equal sums, equal output
	if *level > 0 {
		o := fastpng.Options{Filter: fastpng.Filter(*filter), Level: *level}
		for _, img := range imgs {
			buf.Reset()
			if _, err := fastpng.EncodeWith(&buf, img, o); err != nil {
				return err
			}
			n, total = n+1, total+buf.Len()
			sum.Write(buf.Bytes())
		}
	} else {
		for _, f := range list {
			p, err := r.Plan(context.Background(), sel, d, f)
			if err != nil {
				return err
			}
			buf.Reset()
			if _, err := r.Encode(&buf, p); err != nil {
				return err
			}
			n, total = n+1, total+buf.Len()
			sum.Write(buf.Bytes())
		}
	}
	fmt.Fprintf(stdout, "%d tiles, %d bytes, FNV-1a %016x\n", n, total, sum.Sum64())
	return nil
}
