package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/site"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/vector"
)

func runSite(e *env, args []string) error {
	fs := flagSet(e, "site", "-dates … -o DIR [flags]",
		"Build a static web site: index.html with a viewer (date slider, play, events,\n"+
			"legend, URL state, embed code), its scripts (vendored, no CDN), the tiles of\n"+
			"the box, zooms and dates in tiles.pmtiles (each distinct tile once, whatever\n"+
			"the dates) and site.json. Upload DIR to any host that honours HTTP range\n"+
			"requests (S3, GitHub Pages, nginx). Interrupted, it resumes.\n"+
			"With -vector, one archive of vector tiles holds every date (campaign.pmtiles),\n"+
			"drawn by MapLibre GL with xiang's style, sprite and glyphs: the slider moves by\n"+
			"days from the first to the last date of -dates and loads nothing.")
	sf := selectionFlags(fs, "")
	dates := fs.String("dates", "", "`START/END/PERIOD` (1944-07-10/1944-08-08/P1D) or `D1,D2,…`")
	bbox := fs.String("bbox", "", "`minlon,minlat,maxlon,maxlat` to cover (default: the layers' bounds)")
	zoom := fs.String("zoom", "6-12", "zoom `range` A-B")
	scale := fs.Int("scale", 1, "1 for 256 px tiles, 2 for 512 px (sharper on high-resolution screens)")
	out := fs.String("o", "", "output `directory`")
	title := fs.String("title", embeddedTitle, "`title` of the page")
	workers := fs.Int("workers", runtime.NumCPU(), "tiles rendered at once")
	vec := fs.Bool("vector", false, "one archive of vector tiles (MVT, every date, zoom ≤ 14) and a MapLibre viewer instead of PNG tiles")
	verbose := fs.Bool("v", false, "print what was built even when not on a terminal")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *out == "" || *dates == "" {
		return usageErr(fs, "-dates and -o are required")
	}
	days, err := geo.ParseDays(*dates, maxSeedDates)
	if err != nil {
		return usageErr(fs, "-dates: %v", err)
	}
	minZ, maxZ, err := parseZooms(*zoom)
	if err != nil {
		return usageErr(fs, "-zoom: %v", err)
	}
	if *scale != 1 && *scale != 2 {
		return usageErr(fs, "-scale %d: want 1 or 2", *scale)
	}
	if *vec && (*scale != 1 || maxZ > vector.MaxZoom) {
		return usageErr(fs, "-vector: want -scale 1 and zooms up to %d", vector.MaxZoom)
	}
	if *workers < 1 {
		return usageErr(fs, "-workers %d: want at least 1", *workers)
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	box, err := pyramidBox(fs, *bbox, sel, minZ, maxZ)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := site.Config{Renderer: tiles.New(c), Selection: sel, Days: days, Bounds: box,
		MinZoom: minZ, MaxZoom: maxZ, Scale: *scale, Dir: *out, Workers: *workers, Title: *title}
	tty := isTerminal(e.stderr)
	if tty {
		bars := map[string]func(int, int){}
		cfg.Progress = func(date string, done, total int) {
			if bars[date] == nil {
				bars[date] = progressBar(e.stderr, date, time.Now())
			}
			bars[date](done, total)
		}
	}
	if *vec {
		return buildVectorSite(ctx, e, cfg, *out, tty || *verbose)
	}
	st, err := site.Build(ctx, cfg)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: interrupted; run the same command again to resume", *out)
	}
	if err != nil {
		return err
	}
	if tty || *verbose {
		fmt.Fprintf(e.stderr, "%s: %d dates × %d tiles, %d distinct (%d bytes); tiles.pmtiles %d bytes, site.json %d bytes, viewer %d bytes; per-date archives would be %d bytes\n",
			*out, st.Dates, st.Tiles, st.Distinct, st.DistinctBytes, st.TileBytes, st.IndexBytes, st.AssetBytes, st.ArchiveBytes)
	}
	return nil
}

// buildVectorSite builds the one-archive vector site and, when verbose,
// says what it holds.
func buildVectorSite(ctx context.Context, e *env, cfg site.Config, out string, verbose bool) error {
	st, err := site.BuildVector(ctx, cfg)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: interrupted; run the same command again to resume", out)
	}
	if err != nil {
		return err
	}
	if verbose {
		fmt.Fprintf(e.stderr, "%s: every date from %s to %s in %s, %d vector tiles, %d bytes; style %d bytes, sprite %d bytes, %d glyph ranges %d bytes, viewer %d bytes\n",
			out, cfg.Days[0], cfg.Days[len(cfg.Days)-1], site.ArchiveName, st.Tiles, st.ArchiveBytes, st.StyleBytes, st.SpriteBytes, st.GlyphRanges, st.GlyphBytes, st.AssetBytes)
	}
	return nil
}
