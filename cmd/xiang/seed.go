package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/seed"
	"github.com/xiang-maps/xiang/tiles/vector"
	"github.com/xiang-maps/xiang/tiles/view"
)

// maxSeedDates bounds the archives of one seed command.
const maxSeedDates = 3660

func runSeed(e *env, args []string) error {
	fs := flagSet(e, "seed", "-o DIR [flags]",
		"Render a pyramid of tiles into archives, one per date: DIR/YYYY-MM-DD.pmtiles\n"+
			"(or .mbtiles), or DIR/summary.pmtiles without -dates. Every tile of the box is\n"+
			"stored, identical tiles once, with the bytes `xiang serve` answers.\n"+
			"With -vector, one archive of vector tiles (MVT) holds every date: DIR/vector.pmtiles.\n"+
			"Killed or interrupted, run it again with the same flags: it resumes where it\n"+
			"stopped. An archive already seeded by the same job is left alone.")
	sf := selectionFlags(fs, "")
	dates := fs.String("dates", "", "`START/END/PERIOD` (1944-07-10/1944-07-16/P1D, P7D, P1M) or `D1,D2,…` (default: the summary map)")
	bbox := fs.String("bbox", "", "`minlon,minlat,maxlon,maxlat` to cover (default: the layers' bounds)")
	zoom := fs.String("zoom", "6-12", "zoom `range` A-B, or one zoom")
	scale := fs.Int("scale", 1, "1 for 256 px tiles, 2 for 512 px (@2x)")
	format := fs.String("format", "pmtiles", "archive `format`: pmtiles or mbtiles")
	out := fs.String("o", "", "output `directory` (created if missing)")
	workers := fs.Int("workers", runtime.NumCPU(), "tiles rendered at once")
	force := fs.Bool("force", false, "replace existing archives and discard journals: start over")
	vec := fs.Bool("vector", false, "write one PMTiles archive of vector tiles (MVT, every date, zoom ≤ 14) instead of PNG tiles")
	verbose := fs.Bool("v", false, "print one line per archive (tiles, rate, size) even when not on a terminal")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr(fs, "-o: want an output directory")
	}
	f, err := seed.ParseFormat(*format)
	if err != nil {
		return usageErr(fs, "-format: %v", err)
	}
	minZ, maxZ, err := parseZooms(*zoom)
	if err != nil {
		return usageErr(fs, "-zoom: %v", err)
	}
	if *scale != 1 && *scale != 2 {
		return usageErr(fs, "-scale %d: want 1 or 2", *scale)
	}
	if *workers < 1 {
		return usageErr(fs, "-workers %d: want at least 1", *workers)
	}
	if *vec && (*dates != "" || *scale != 1 || f != seed.PMTiles || maxZ > vector.MaxZoom) {
		return usageErr(fs, "-vector: one archive holds every date; want no -dates, -scale 1, -format pmtiles and zooms up to %d", vector.MaxZoom)
	}
	days := []geo.Day{geo.NoDay}
	if *dates != "" {
		if days, err = geo.ParseDays(*dates, maxSeedDates); err != nil {
			return usageErr(fs, "-dates: %v", err)
		}
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
	r := tiles.New(c)
	var vs *vector.Set
	if *vec {
		if vs, err = vector.Compile(ctx, sel, r, vector.Limits{}); err != nil {
			return err
		}
	}
	tty := isTerminal(e.stderr)
	jobs := make([]seed.Job, len(days))
	for i, d := range days {
		name := "summary"
		if d != geo.NoDay {
			name = d.String()
		}
		if vs != nil {
			name = "vector"
		}
		jobs[i] = seed.Job{
			Renderer: r, Selection: sel, Day: d,
			Bounds: box, MinZoom: minZ, MaxZoom: maxZ, Scale: *scale,
			Format: f, Path: filepath.Join(*out, name+"."+string(f)),
			Workers: *workers, Force: *force, Vector: vs,
		}
		if tty {
			jobs[i].Progress = progressBar(e.stderr, name, time.Now())
		}
	}
	// With more than one worker, two archives are seeded at once, so that
	// one's build (serial) and the last tiles of its render overlap the
	// next one's render; results are reported in date order.
	inFlight := 1
	if *workers > 1 {
		inFlight = 2
	}
	run := func(ctx context.Context, i int) (seed.Stats, error) { return seed.Run(ctx, jobs[i]) }
	return sweep(ctx, len(jobs), inFlight, run, func(i int, st seed.Stats, err error) error {
		job := jobs[i]
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%s: interrupted; run the same command again to resume", job.Path)
		}
		if err != nil {
			return err
		}
		if st.Reset {
			fmt.Fprintf(e.stderr, "%s: discarded a journal of another job\n", job.Path)
		}
		if tty || *verbose {
			fmt.Fprintln(e.stderr, summaryLine(job.Path, st))
		}
		return nil
	})
}

// sweep runs jobs 0…n-1 with run, at most inFlight at once, and hands
// each result to report in the jobs' order. The first error report returns
// cancels the jobs still running and keeps the rest from starting; sweep
// waits for those running (their journals stay for a resumed run) and
// returns that error.
func sweep(ctx context.Context, n, inFlight int, run func(context.Context, int) (seed.Stats, error),
	report func(int, seed.Stats, error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		st   seed.Stats
		err  error
		done chan struct{}
	}
	out := make([]*outcome, n)
	for i := range out {
		out[i] = &outcome{done: make(chan struct{})}
	}
	slots := make(chan struct{}, max(inFlight, 1))
	go func() {
		for i := range out {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				for _, o := range out[i:] {
					o.err = ctx.Err()
					close(o.done)
				}
				return
			}
			go func() {
				defer close(out[i].done)
				defer func() { <-slots }()
				out[i].st, out[i].err = run(ctx, i)
			}()
		}
	}()
	var first error
	for i, o := range out {
		<-o.done
		if first != nil {
			continue
		}
		if err := report(i, o.st, o.err); err != nil {
			first = err
			cancel()
		}
	}
	return first
}

// summaryLine describes one archive's run.
func summaryLine(path string, st seed.Stats) string {
	if st.Skipped {
		return fmt.Sprintf("%s: already seeded (%d tiles, %d bytes)", path, st.Tiles, st.Bytes)
	}
	rate := 0.0
	if st.Render > 0 {
		rate = float64(st.Rendered) / st.Render.Seconds()
	}
	return fmt.Sprintf("%s: %d tiles (%d rendered in %s, %.1f tiles/s; %d from the journal), %d distinct, %d bytes, built in %s",
		path, st.Tiles, st.Rendered, st.Render.Round(time.Millisecond), rate, st.Tiles-st.Rendered,
		st.Distinct, st.Bytes, st.Build.Round(time.Millisecond))
}

// progressBar returns a seed.Job.Progress that redraws one line: a bar,
// tiles done, rate and time left.
func progressBar(w io.Writer, name string, start time.Time) func(done, total int) {
	var last time.Time
	first := -1
	return func(done, total int) {
		if first < 0 {
			first = done
		}
		now := time.Now()
		if done < total && now.Sub(last) < 100*time.Millisecond {
			return
		}
		last = now
		const width = 30
		n := width * done / max(total, 1)
		rate := float64(done-first) / max(now.Sub(start).Seconds(), 1e-3)
		eta := "?"
		if rate > 0 {
			eta = time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second).String()
		}
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d tiles %.1f/s ETA %s   ", name,
			strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, rate, eta)
		if done == total {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}

// parseZooms parses "A-B" or "A" into a range of zooms.
func parseZooms(s string) (lo, hi int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || lo < 0 || hi > geo.MaxZoom || lo > hi {
		return 0, 0, fmt.Errorf("%q: want A-B with 0 <= A <= B <= %d", s, geo.MaxZoom)
	}
	return lo, hi, nil
}

// selectionBound is the bound of the selected layers' features.
func selectionBound(sel overlays.Selection) orb.Bound {
	var b orb.Bound
	for i, l := range sel {
		if i == 0 {
			b = l.Bound
		} else {
			b = b.Union(l.Bound)
		}
	}
	return b
}

// pyramidBox is the box of a seed or site: -bbox, else the selection's
// bound; it is a usage error when the pyramid of that box from minZ to
// maxZ has more tiles than a job may.
func pyramidBox(fs *flag.FlagSet, bbox string, sel overlays.Selection, minZ, maxZ int) (orb.Bound, error) {
	box := selectionBound(sel)
	if bbox != "" {
		var err error
		if box, err = view.ParseBBox(bbox); err != nil {
			return box, usageErr(fs, "-bbox %q: %v", bbox, err)
		}
	}
	if _, err := seed.Count(box, minZ, maxZ); err != nil {
		return box, usageErr(fs, "%v", err)
	}
	return box, nil
}
