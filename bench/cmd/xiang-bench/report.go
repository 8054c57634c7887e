package main

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The performance targets xiang is measured against: cold render ≥ 2× Mapnik,
// warm serving ≥ 1× nginx with p99 no worse, ≤ 200 MB RSS under load.
const (
	targetRender = 2.0
	targetServe  = 1.0
	targetRSS    = 200 << 20
	// Full cartography on the campaign ≥ 2× Mapnik's plain style; tiles at
	// most 1.15× the bytes optipng -o2 reaches on them; seeding with 2
	// workers ≥ 1.8× one worker.
	targetCampaign = 2.0
	targetBytes    = 1.15
	targetSeed     = 1.8
)

// wrkResult is what bench/wrk.lua prints when a wrk run is done.
type wrkResult struct {
	Requests   int64   `json:"requests"`
	DurationUs int64   `json:"duration_us"`
	Bytes      int64   `json:"bytes"`
	RPS        float64 `json:"rps"`
	MeanUs     float64 `json:"mean_us"`
	P50Us      float64 `json:"p50_us"`
	P90Us      float64 `json:"p90_us"`
	P99Us      float64 `json:"p99_us"`
	MaxUs      float64 `json:"max_us"`
	Errors     struct {
		Connect int64 `json:"connect"`
		Read    int64 `json:"read"`
		Write   int64 `json:"write"`
		Status  int64 `json:"status"`
		Timeout int64 `json:"timeout"`
	} `json:"errors"`
}

func (w wrkResult) errorCount() int64 {
	e := w.Errors
	return e.Connect + e.Read + e.Write + e.Status + e.Timeout
}

// memResult is the memory of a server process tree, written by run.sh.
type memResult struct {
	Server   string `json:"server"`
	Procs    int    `json:"processes"`
	LoadHWM  int64  `json:"load_hwm_bytes"` // peak RSS during the measured loads (reset before them)
	LifeHWM  int64  `json:"life_hwm_bytes"` // peak RSS since start, including the warm-up
	EndRSS   int64  `json:"end_rss_bytes"`  // RSS after the loads
	ResetHWM bool   `json:"reset_hwm"`      // whether the peak could be reset before the loads
}

// report is the JSON form of a run: summary rows and the raw results.
type report struct {
	Time    string            `json:"time"`
	Command string            `json:"command"`
	Env     map[string]string `json:"env"`
	Data    genResult         `json:"data"`
	Cold    []coldRow         `json:"cold_render"`
	Scaling []scaleRow        `json:"scaling"`
	Compare map[string]any    `json:"compare"`
	Fetch   *fetchResult      `json:"fetch,omitempty"`
	Serving []serveRow        `json:"serving"`
	Memory  []memResult       `json:"memory"`
	// CacheBytes and CacheMax are the tile cache's size and bound after the
	// loads, from xiang's /metrics; 0 when unknown.
	CacheBytes float64 `json:"cache_bytes,omitempty"`
	CacheMax   float64 `json:"cache_max_bytes,omitempty"`
	// Campaign is xiang's full cartography and Mapnik's plain style on the
	// embedded campaign, by date; Bytes xiang's tiles against optipng -o2;
	// Seed xiang seed's throughput by workers.
	Campaign []coldRow   `json:"campaign"`
	Bytes    []bytesRow  `json:"bytes"`
	Seed     []scaleRow  `json:"seed"`
	Targets  []targetRow `json:"targets"`
	Warnings []string    `json:"warnings,omitempty"`
}

type coldRow struct {
	Data      string         `json:"data"`
	Renderer  string         `json:"renderer"`
	Runs      []float64      `json:"runs_tiles_per_s"`
	TilesPerS float64        `json:"tiles_per_s"` // median of the runs
	Median    map[string]any `json:"median_run"`  // the run with the median throughput
	Ratio     float64        `json:"ratio_vs_mapnik,omitempty"`
	MeanMs    float64        `json:"mean_ms"`
	DrawnMs   float64        `json:"drawn_mean_ms"`
	P95Ms     float64        `json:"p95_ms"`
	Empty     float64        `json:"empty_ratio"`
	MB        float64        `json:"png_mb"`
}

type scaleRow struct {
	Data    string    `json:"data"`
	Workers int       `json:"workers"`
	Runs    []float64 `json:"runs_tiles_per_s"`
	Median  float64   `json:"tiles_per_s"`
	Speedup float64   `json:"speedup,omitempty"`
}

// serveRow is one server under one load: the median of its rounds (Wrk;
// errors summed), and against nginx the median over rounds of the pair's
// ratios.
type serveRow struct {
	Load    string    `json:"load"`
	Server  string    `json:"server"`
	Wrk     wrkResult `json:"wrk"`
	Rounds  int       `json:"rounds"`
	RunsRPS []float64 `json:"runs_rps"`
	Ratio   float64   `json:"rps_ratio_vs_nginx,omitempty"`
	P99X    float64   `json:"p99_ratio_vs_nginx,omitempty"`
}

// readWrkRuns reads serve/NAME-r*.json (rounds, in order), or the single
// serve/NAME.json of runs before rounds.
func readWrkRuns(dir, name string) []wrkResult {
	names, _ := filepath.Glob(filepath.Join(dir, "serve", name+"-r*.json"))
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(len(a), len(b))*2 + cmp.Compare(a, b) })
	if len(names) == 0 {
		names = []string{filepath.Join(dir, "serve", name+".json")}
	}
	var out []wrkResult
	for _, n := range names {
		var w wrkResult
		if readJSON(n, &w) == nil {
			out = append(out, w)
		}
	}
	return out
}

// medianWrk is the median of each figure over runs, errors summed.
func medianWrk(runs []wrkResult) wrkResult {
	pick := func(f func(wrkResult) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		return median(v)
	}
	m := runs[0]
	m.RPS = pick(func(r wrkResult) float64 { return r.RPS })
	m.MeanUs = pick(func(r wrkResult) float64 { return r.MeanUs })
	m.P50Us = pick(func(r wrkResult) float64 { return r.P50Us })
	m.P90Us = pick(func(r wrkResult) float64 { return r.P90Us })
	m.P99Us = pick(func(r wrkResult) float64 { return r.P99Us })
	m.MaxUs = pick(func(r wrkResult) float64 { return r.MaxUs })
	for _, r := range runs[1:] {
		m.Requests += r.Requests
		m.DurationUs += r.DurationUs
		m.Bytes += r.Bytes
		m.Errors.Connect += r.Errors.Connect
		m.Errors.Read += r.Errors.Read
		m.Errors.Write += r.Errors.Write
		m.Errors.Status += r.Errors.Status
		m.Errors.Timeout += r.Errors.Timeout
	}
	return m
}

// pairedRatios returns the median over rounds of x's req/s over nginx's
// in the same round, and of x's p99 over nginx's.
func pairedRatios(x, nginx []wrkResult) (rps, p99 float64) {
	var rs, ps []float64
	for i := range min(len(x), len(nginx)) {
		if nginx[i].RPS > 0 {
			rs = append(rs, x[i].RPS/nginx[i].RPS)
		}
		if nginx[i].P99Us > 0 {
			ps = append(ps, x[i].P99Us/nginx[i].P99Us)
		}
	}
	return median(rs), median(ps)
}

type bytesRow struct {
	Date string `json:"date"`
	bytesResult
}

type targetRow struct {
	Target   string `json:"target"`
	Measured string `json:"measured"`
	Met      bool   `json:"met"`
}

// runReport reads the results a run of bench/run.sh left in -dir and
// prints the table; it writes the JSON to -out and the table to -md.
func runReport(args []string, stdout io.Writer) error {
	fs := flagSet("report")
	dir := fs.String("dir", "", "results `directory` of one run")
	out := fs.String("out", "", "write the JSON report to this `file`")
	md := fs.String("md", "", "write the table (Markdown) to this `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "dir"); err != nil {
		return err
	}
	rep, err := collect(*dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	writeTable(&b, rep)
	fmt.Fprint(stdout, b.String())
	if *md != "" {
		if err := os.WriteFile(*md, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	if *out != "" {
		return writeJSON(*out, rep)
	}
	return nil
}

// collect reads a run's result files. Missing parts (a peer that could
// not run) become warnings, not errors, so a partial run still reports.
func collect(dir string) (*report, error) {
	rep := &report{Env: map[string]string{}, Compare: map[string]any{}}
	if err := readEnv(filepath.Join(dir, "env.txt"), rep.Env); err != nil {
		return nil, err
	}
	rep.Time, rep.Command = rep.Env["time"], rep.Env["command"]
	delete(rep.Env, "time")
	delete(rep.Env, "command")
	if err := readJSON(filepath.Join(dir, "data", "gen.json"), &rep.Data); err != nil {
		return nil, err
	}
	warn := func(format string, args ...any) { rep.Warnings = append(rep.Warnings, fmt.Sprintf(format, args...)) }

	// Cold render: render/{xiang,mapnik}-d{N}-r{R}.json, render/hunan-r{R}.json.
	mapnikRate := map[string]float64{}
	for _, ds := range rep.Data.Datasets {
		name := fmt.Sprintf("synthetic ×%d", ds.Density)
		for _, rend := range []string{"mapnik", "xiang"} {
			runs := readRuns(dir, fmt.Sprintf("render/%s-d%d-r*.json", rend, ds.Density))
			if len(runs) == 0 {
				warn("no %s runs at density %d", rend, ds.Density)
				continue
			}
			row := coldFromRuns(name, rend, runs)
			if rend == "mapnik" {
				mapnikRate[name] = row.TilesPerS
			} else if m := mapnikRate[name]; m > 0 {
				row.Ratio = row.TilesPerS / m
			}
			rep.Cold = append(rep.Cold, row)
		}
		var c map[string]any
		if err := readJSON(filepath.Join(dir, fmt.Sprintf("compare-d%d.json", ds.Density)), &c); err == nil {
			rep.Compare[name] = c
		}
	}
	if runs := readRuns(dir, "render/hunan-r*.json"); len(runs) > 0 {
		name := "Hunan campaign " + str(runs[0]["date"]) + ", layers all"
		rep.Cold = append(rep.Cold, coldFromRuns(name, "xiang", runs))
	} else {
		warn("no full-cartography runs")
	}

	// Scaling: scale/d{N}-w{W}-r{R}.json.
	for _, ds := range rep.Data.Datasets {
		var one float64
		for _, w := range []int{1, 2} {
			runs := readRuns(dir, fmt.Sprintf("scale/d%d-w%d-r*.json", ds.Density, w))
			if len(runs) == 0 {
				continue
			}
			row := scaleRow{Data: fmt.Sprintf("synthetic ×%d", ds.Density), Workers: w}
			for _, r := range runs {
				row.Runs = append(row.Runs, num(r, "timing", "wall_tiles_s"))
			}
			row.Median = median(row.Runs)
			if w == 1 {
				one = row.Median
			} else if one > 0 {
				row.Speedup = row.Median / one
			}
			rep.Scaling = append(rep.Scaling, row)
		}
	}

	// Serving.
	var f fetchResult
	if err := readJSON(filepath.Join(dir, "fetch.json"), &f); err == nil {
		rep.Fetch = &f
	} else {
		warn("no fetch results: %v", err)
	}
	for _, load := range []string{"hot", "spread"} {
		var nginx []wrkResult
		for _, srv := range []string{"nginx", "xiang"} {
			runs := readWrkRuns(dir, srv+"-"+load)
			if len(runs) == 0 {
				warn("no %s %s load results", srv, load)
				continue
			}
			row := serveRow{Load: load, Server: srv, Wrk: medianWrk(runs), Rounds: len(runs)}
			for _, w := range runs {
				row.RunsRPS = append(row.RunsRPS, w.RPS)
			}
			if srv == "nginx" {
				nginx = runs
			} else {
				row.Ratio, row.P99X = pairedRatios(runs, nginx)
			}
			if n := row.Wrk.errorCount(); n > 0 {
				warn("%s %s load: %d errors", srv, load, n)
			}
			rep.Serving = append(rep.Serving, row)
		}
	}
	for _, srv := range []string{"xiang", "nginx"} {
		var m memResult
		if err := readJSON(filepath.Join(dir, "serve", srv+"-mem.json"), &m); err == nil {
			rep.Memory = append(rep.Memory, m)
		}
	}
	collectCampaign(dir, rep, warn)
	rep.CacheBytes, rep.CacheMax = cacheMetrics(filepath.Join(dir, "serve", "xiang-metrics.txt"))
	rep.Targets = targets(rep)
	return rep, nil
}

// cacheMetrics reads the tile cache's size and bound from a scrape of
// xiang's Prometheus metrics.
func cacheMetrics(path string) (size, bound float64) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var v float64
		switch {
		case strings.HasPrefix(line, `xiang_cache_bytes{cache="tile"} `):
			if _, err := fmt.Sscan(strings.Fields(line)[1], &v); err == nil {
				size = v
			}
		case strings.HasPrefix(line, `xiang_cache_max_bytes{cache="tile"} `):
			if _, err := fmt.Sscan(strings.Fields(line)[1], &v); err == nil {
				bound = v
			}
		}
	}
	return size, bound
}

func coldFromRuns(name, rend string, runs []map[string]any) coldRow {
	row := coldRow{Data: name, Renderer: rend}
	for _, r := range runs {
		row.Runs = append(row.Runs, num(r, "timing", "tiles_per_s"))
	}
	row.TilesPerS = median(row.Runs)
	// The run whose throughput is the median gives the per-tile figures.
	idx := slices.IndexFunc(row.Runs, func(v float64) bool { return v == row.TilesPerS })
	if idx < 0 {
		idx = 0
	}
	m := runs[idx]
	row.Median = m
	row.MeanMs = num(m, "timing", "mean_ms")
	row.DrawnMs = num(m, "timing", "drawn_mean_ms")
	row.P95Ms = num(m, "timing", "p95_ms")
	row.Empty = num(m, "timing", "empty_ratio")
	row.MB = num(m, "timing", "bytes") / 1e6
	return row
}

func targets(rep *report) []targetRow {
	var out []targetRow
	for _, c := range rep.Cold {
		if c.Ratio > 0 {
			out = append(out, targetRow{
				Target:   fmt.Sprintf("cold render ≥ %.1f× Mapnik, %s", targetRender, c.Data),
				Measured: fmt.Sprintf("%.2f×", c.Ratio), Met: c.Ratio >= targetRender,
			})
		}
	}
	for _, c := range rep.Campaign {
		if c.Ratio > 0 {
			out = append(out, targetRow{
				Target:   fmt.Sprintf("full cartography cold ≥ %.1f× Mapnik's plain style, %s", targetCampaign, c.Data),
				Measured: fmt.Sprintf("%.2f×", c.Ratio), Met: c.Ratio >= targetCampaign,
			})
		}
	}
	if len(rep.Bytes) > 0 {
		var a, b int64
		for _, r := range rep.Bytes {
			a, b = a+r.ABytes, b+r.BBytes
		}
		ratio := float64(a) / float64(max(b, 1))
		out = append(out, targetRow{
			Target:   fmt.Sprintf("tile bytes ≤ %.2f× optipng -o2 of the same tiles, all dates", targetBytes),
			Measured: fmt.Sprintf("%.3f×", ratio), Met: ratio <= targetBytes,
		})
	}
	for _, s := range rep.Seed {
		if s.Speedup > 0 {
			out = append(out, targetRow{
				Target:   fmt.Sprintf("xiang seed with 2 workers ≥ %.1f× one worker", targetSeed),
				Measured: fmt.Sprintf("%.2f×", s.Speedup), Met: s.Speedup >= targetSeed,
			})
		}
	}
	for _, s := range rep.Serving {
		if s.Ratio > 0 {
			out = append(out, targetRow{
				Target:   fmt.Sprintf("warm serving ≥ %.1f× nginx req/s, p99 no worse, %s", targetServe, loadName(s.Load, rep)),
				Measured: fmt.Sprintf("%.2f× req/s, p99 %.2f×", s.Ratio, s.P99X), Met: s.Ratio >= targetServe && s.P99X <= 1,
			})
		}
	}
	for _, m := range rep.Memory {
		if m.Server == "xiang" {
			out = append(out, targetRow{
				Target:   "xiang serve -cache 128MB: ≤ 200 MB RSS under the serving load",
				Measured: fmt.Sprintf("%.1f MB", mb(m.LoadHWM)), Met: m.LoadHWM > 0 && m.LoadHWM <= targetRSS,
			})
		}
	}
	return out
}

func loadName(load string, rep *report) string {
	switch load {
	case "hot":
		if rep.Fetch != nil {
			return fmt.Sprintf("one hot tile (%.1f KB)", float64(rep.Fetch.HotBytes)/1e3)
		}
		return "one hot tile"
	case "spread":
		if rep.Fetch != nil {
			return fmt.Sprintf("cycling %d tiles", rep.Fetch.Tiles)
		}
		return "cycling the tile list"
	}
	return load
}

func writeTable(w io.Writer, rep *report) {
	e := rep.Env
	fmt.Fprintf(w, "# xiang benchmark: %s\n\n", rep.Time)
	fmt.Fprintf(w, "`%s` on %s (%s cores), %s; commit %s.  \n", rep.Command, e["cpu"], e["cores"], e["kernel"], e["commit"])
	fmt.Fprintf(w, "Go %s, Mapnik %s (python3-mapnik), nginx %s, wrk %s; load average %s at the start, %s at the end.  \n",
		e["go"], e["mapnik"], e["nginx"], e["wrk"], e["load_start"], e["load_end"])
	var ds []string
	for _, d := range rep.Data.Datasets {
		ds = append(ds, fmt.Sprintf("×%d: %d features, %d vertices", d.Density, d.Features, d.Vertices))
	}
	fmt.Fprintf(w, "Synthetic campaign %s; %d tiles (z6–z10 over lon 109–114.5, lat 25.5–29.5, and 200 seeded z12 tiles).\n\n", strings.Join(ds, "; "), rep.Data.Tiles)

	fmt.Fprintf(w, "## Cold render, one thread, PNG out (median of %d runs; fresh process and renderer each)\n\n", maxRuns(rep))
	fmt.Fprintln(w, "| data | renderer | tiles | tiles/s | runs | mean ms | p95 ms | empty | mean ms, drawn tiles | PNG MB | xiang/Mapnik |")
	fmt.Fprintln(w, "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
	var renderOnly []string
	for _, c := range rep.Cold {
		ratio := ""
		if c.Ratio > 0 {
			ratio = fmt.Sprintf("**%.2f×**", c.Ratio)
		}
		fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %s | %.2f | %.2f | %.0f %% | %.2f | %.1f | %s |\n",
			c.Data, displayName(c.Renderer), num(c.Median, "timing", "tiles"), c.TilesPerS, runList(c.Runs),
			c.MeanMs, c.P95Ms, 100*c.Empty, c.DrawnMs, c.MB, ratio)
		if v := num(c.Median, "render_only_tiles_per_s"); v > 0 {
			renderOnly = append(renderOnly, fmt.Sprintf("%.0f tiles/s on %s", v, c.Data))
		}
	}
	if len(renderOnly) > 0 {
		fmt.Fprintf(w, "\nMapnik without PNG encoding (mapnik.render alone, same run): %s.\n", strings.Join(renderOnly, ", "))
	}
	if len(rep.Compare) > 0 {
		fmt.Fprintln(w, "\nSame picture? xiang's tiles against Mapnik's, composited over white:")
		for _, name := range sortedKeys(rep.Compare) {
			c, _ := rep.Compare[name].(map[string]any)
			fmt.Fprintf(w, "%s: %.2f %% of pixels differ by more than 64/255; empty in both %.0f, only in xiang %.0f, only in Mapnik %.0f.  \n",
				name, 100*num(c, "pixels_off_ratio"), num(c, "both_empty"), num(c, "only_a_empty"), num(c, "only_b_empty"))
		}
	}

	if len(rep.Scaling) > 0 {
		fmt.Fprintln(w, "\n## Scaling: xiang, GOMAXPROCS 2, wall-clock throughput (median)")
		fmt.Fprintln(w, "\n| data | workers | tiles/s | runs | speed-up |")
		fmt.Fprintln(w, "|---|---:|---:|---|---:|")
		for _, s := range rep.Scaling {
			sp := ""
			if s.Speedup > 0 {
				sp = fmt.Sprintf("%.2f×", s.Speedup)
			}
			fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s |\n", s.Data, s.Workers, s.Median, runList(s.Runs), sp)
		}
	}

	writeCampaign(w, rep)

	if len(rep.Serving) > 0 {
		fmt.Fprintf(w, "\n## Warm serving: wrk -t2 -c64 -d%ss --latency on 127.0.0.1, same bytes, %s rounds (median; ratios: median of the rounds' pairs)\n\n",
			cmp.Or(e["wrk_seconds"], "?"), cmp.Or(e["serve_rounds"], "1"))
		if f := rep.Fetch; f != nil {
			fmt.Fprintf(w, "xiang serve rendered the %d tiles on first request at %.0f tiles/s (%.1f MB, %d distinct bodies); nginx serves the saved bytes from disk.\n\n",
				f.Tiles, f.Cold.WallPerS, float64(f.Bytes)/1e6, f.Distinct)
		}
		fmt.Fprintln(w, "| load | server | req/s | rounds | p50 ms | p99 ms | errors | xiang/nginx req/s | p99 xiang/nginx |")
		fmt.Fprintln(w, "|---|---|---:|---|---:|---:|---:|---:|---:|")
		for _, s := range rep.Serving {
			ratio, p99 := "", ""
			if s.Ratio > 0 {
				ratio, p99 = fmt.Sprintf("**%.2f×**", s.Ratio), fmt.Sprintf("%.2f×", s.P99X)
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %s | %.2f | %.2f | %d | %s | %s |\n",
				loadName(s.Load, rep), s.Server, s.Wrk.RPS, runList(s.RunsRPS), s.Wrk.P50Us/1e3, s.Wrk.P99Us/1e3, s.Wrk.errorCount(), ratio, p99)
		}
	}
	if len(rep.Memory) > 0 {
		fmt.Fprintln(w, "\n| memory (VmHWM, all processes) | peak RSS during the loads | peak RSS over its life | RSS after |")
		fmt.Fprintln(w, "|---|---:|---:|---:|")
		for _, m := range rep.Memory {
			name := "xiang serve -cache 128MB"
			if m.Server == "nginx" {
				name = fmt.Sprintf("nginx (%d processes)", m.Procs)
			}
			load := fmt.Sprintf("%.1f MB", mb(m.LoadHWM))
			if !m.ResetHWM {
				load = "n/a"
			}
			fmt.Fprintf(w, "| %s | %s | %.1f MB | %.1f MB |\n", name, load, mb(m.LifeHWM), mb(m.EndRSS))
		}
		if rep.CacheMax > 0 {
			fmt.Fprintf(w, "\nxiang's tile cache held %.1f MB of its %.0f MB bound after the loads: these loads do not fill it.\n",
				rep.CacheBytes/(1<<20), rep.CacheMax/(1<<20))
		}
	}
	if len(rep.Targets) > 0 {
		fmt.Fprintln(w, "\n## Targets")
		fmt.Fprintln(w, "\n| target | measured | met |")
		fmt.Fprintln(w, "|---|---|---|")
		for _, t := range rep.Targets {
			met := "no"
			if t.Met {
				met = "yes"
			}
			fmt.Fprintf(w, "| %s | %s | %s |\n", t.Target, t.Measured, met)
		}
	}
	for _, wn := range rep.Warnings {
		fmt.Fprintf(w, "\nwarning: %s\n", wn)
	}
}

// readRuns reads the JSON files matching a glob under dir, in name order.
func readRuns(dir, pattern string) []map[string]any {
	names, _ := filepath.Glob(filepath.Join(dir, pattern))
	slices.Sort(names)
	var out []map[string]any
	for _, n := range names {
		var m map[string]any
		if readJSON(n, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// readEnv reads "key=value" lines.
func readEnv(path string, into map[string]string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			into[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return sc.Err()
}

// num digs a number out of decoded JSON; 0 when absent.
func num(m map[string]any, keys ...string) float64 {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return 0
		}
		v = mm[k]
	}
	f, _ := v.(float64)
	return f
}

func str(v any) string { s, _ := v.(string); return s }

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[(len(s)-1)/2] // the lower median: always one of the runs
}

func runList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, ", ")
}

func maxRuns(rep *report) int {
	n := 0
	for _, c := range rep.Cold {
		n = max(n, len(c.Runs))
	}
	return n
}

func sortedKeys(m map[string]any) []string {
	k := make([]string, 0, len(m))
	for x := range m {
		k = append(k, x)
	}
	slices.Sort(k)
	return k
}

func displayName(renderer string) string {
	if renderer == "mapnik" {
		return "Mapnik"
	}
	return renderer
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
