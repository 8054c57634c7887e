package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/bench"
)

// runMerc reads a GeoJSON FeatureCollection (`xiang export`) and writes the
// same features in Web Mercator, for Mapnik.
func runMerc(args []string, stdout io.Writer) error {
	fs := flagSet("merc")
	in := fs.String("in", "", "GeoJSON `file` in longitude, latitude")
	out := fs.String("out", "", "write the Web Mercator copy to this `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "in", "out"); err != nil {
		return err
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	n, err := writeGeoJSON(*out, bench.Mercator(fc))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d features, %d vertices, %.1f MB\n", filepath.Base(*out), len(fc.Features), bench.Vertices(fc), float64(n)/1e6)
	return nil
}

// bytesResult compares the sizes of the same tiles from two directories:
// xiang's and a lossless recompression of them (optipng).
type bytesResult struct {
	Tiles  int     `json:"tiles"`
	ABytes int64   `json:"a_bytes"`
	BBytes int64   `json:"b_bytes"`
	Ratio  float64 `json:"ratio"` // ABytes / BBytes
	// Drawn counts the tiles that are not the one empty tile (in A) and
	// ADrawn, BDrawn their bytes.
	Drawn  int   `json:"drawn"`
	ADrawn int64 `json:"a_drawn_bytes"`
	BDrawn int64 `json:"b_drawn_bytes"`
	// Unequal counts the tiles whose decoded pixels differ: 0 when the
	// recompression is lossless, as it must be.
	Unequal int `json:"unequal"`
}

// runBytes sums the sizes of dir/z/x/y.png in two directories over a tile
// list and checks that both decode to the same pixels.
func runBytes(args []string, stdout io.Writer) error {
	a, b, tl, jsonOut, err := pairArgs("bytes", "first tile `directory` (xiang)", "second tile `directory` (the recompressed copy)", args)
	if err != nil {
		return err
	}
	var res bytesResult
	var smallest int64 = -1
	sizes := make([][2]int64, len(tl))
	for i, t := range tl {
		p := bench.TilePath(t) + ".png"
		ba, err := os.ReadFile(filepath.Join(*a, p))
		if err != nil {
			return err
		}
		bb, err := os.ReadFile(filepath.Join(*b, p))
		if err != nil {
			return err
		}
		ia, err := decodeBytes(ba)
		if err != nil {
			return fmt.Errorf("%s in %s: %w", p, *a, err)
		}
		ib, err := decodeBytes(bb)
		if err != nil {
			return fmt.Errorf("%s in %s: %w", p, *b, err)
		}
		if !samePixels(ia, ib) {
			res.Unequal++
		}
		sizes[i] = [2]int64{int64(len(ba)), int64(len(bb))}
		res.ABytes += int64(len(ba))
		res.BBytes += int64(len(bb))
		if smallest < 0 || int64(len(ba)) < smallest {
			smallest = int64(len(ba))
		}
	}
	for _, s := range sizes {
		if s[0] > smallest {
			res.Drawn++
			res.ADrawn += s[0]
			res.BDrawn += s[1]
		}
	}
	res.Tiles = len(tl)
	if res.BBytes > 0 {
		res.Ratio = float64(res.ABytes) / float64(res.BBytes)
	}
	fmt.Fprintf(stdout, "%d tiles: %d bytes against %d (%.2f×); %d with different pixels\n",
		res.Tiles, res.ABytes, res.BBytes, res.Ratio, res.Unequal)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

func decodeBytes(b []byte) (image.Image, error) {
	im, _, err := image.Decode(bytes.NewReader(b))
	return im, err
}

// samePixels reports whether two images have the same size and the same
// non-premultiplied colours, fully transparent pixels being alike whatever
// their colour.
func samePixels(a, b image.Image) bool {
	r := a.Bounds()
	if r != b.Bounds() {
		return false
	}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			if aa != ba || (aa != 0 && (ar != br || ag != bg || ab != bb)) {
				return false
			}
		}
	}
	return true
}

// seedResult is one timed run of `xiang seed`.
type seedResult struct {
	Workers  int      `json:"workers"`
	Args     []string `json:"args"`
	Archives int      `json:"archives"`
	Tiles    int      `json:"tiles"`   // tiles rendered, over every archive
	WallMs   float64  `json:"wall_ms"` // the whole command, start-up included
	TilesPS  float64  `json:"tiles_per_s"`
	RenderMs float64  `json:"render_ms"` // the sum of the archives' render times, as seed prints them
}

// seedLine is the line `xiang seed -v` prints per archive.
var seedLine = regexp.MustCompile(`: (\d+) tiles \((\d+) rendered in ([0-9.]+)(µs|ms|s)`)

// runSeed runs `xiang seed -v -force -workers N ARGS…` into a fresh
// directory and times it: tiles/s is the tiles rendered over the command's
// wall-clock time.
func runSeed(args []string, stdout io.Writer) error {
	fs := flagSet("seed")
	bin := fs.String("xiang", "", "the xiang `binary`")
	workers := fs.Int("workers", 1, "xiang seed -workers")
	outDir := fs.String("o", "", "archive `directory` (emptied first)")
	jsonOut := fs.String("json", "", "write the result to this `file`")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := required(fs, "xiang", "o"); err != nil {
		return err
	}
	if err := os.RemoveAll(*outDir); err != nil {
		return err
	}
	cmdArgs := append([]string{"seed", "-v", "-force", "-workers", strconv.Itoa(*workers), "-o", *outDir}, fs.Args()...)
	cmd := exec.Command(*bin, cmdArgs...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	wall := time.Since(t0)
	if err != nil {
		return fmt.Errorf("%s %v: %w\n%s", *bin, cmdArgs, err, out.String())
	}
	res := seedResult{Workers: *workers, Args: cmdArgs, WallMs: float64(wall) / float64(time.Millisecond)}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		m := seedLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		res.Archives++
		n, _ := strconv.Atoi(m[2])
		res.Tiles += n
		v, _ := strconv.ParseFloat(m[3], 64)
		res.RenderMs += v * map[string]float64{"µs": 1e-3, "ms": 1, "s": 1e3}[m[4]]
	}
	if res.Archives == 0 || res.Tiles == 0 {
		return fmt.Errorf("xiang seed printed no archive lines:\n%s", out.String())
	}
	res.TilesPS = float64(res.Tiles) / wall.Seconds()
	fmt.Fprintf(stdout, "xiang seed, %d workers: %d archives, %d tiles in %.2f s: %.0f tiles/s\n",
		res.Workers, res.Archives, res.Tiles, wall.Seconds(), res.TilesPS)
	os.RemoveAll(*outDir)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

// campaignDates lists the dates of the full-cartography runs found in a
// run's results (campaign/xiang-D-r1.json), the summary map first.
func campaignDates(dir string) []string {
	names, _ := filepath.Glob(filepath.Join(dir, "campaign", "xiang-*-r1.json"))
	var dates []string
	for _, n := range names {
		d := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(n), "xiang-"), "-r1.json")
		dates = append(dates, d)
	}
	slices.SortFunc(dates, func(a, b string) int {
		if (a == "summary") != (b == "summary") {
			if a == "summary" {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	return dates
}

// collectCampaign reads the full-cartography, bytes and seeding results.
func collectCampaign(dir string, rep *report, warn func(string, ...any)) {
	for _, d := range campaignDates(dir) {
		name := "Hunan campaign, " + d
		if d == "summary" {
			name = "Hunan campaign, summary map"
		}
		var mapnik float64
		for _, rend := range []string{"mapnik", "xiang"} {
			runs := readRuns(dir, fmt.Sprintf("campaign/%s-%s-r*.json", rend, d))
			if len(runs) == 0 {
				warn("no %s full-cartography runs for %s", rend, d)
				continue
			}
			row := coldFromRuns(name, rend, runs)
			if rend == "mapnik" {
				mapnik = row.TilesPerS
			} else if mapnik > 0 {
				row.Ratio = row.TilesPerS / mapnik
			}
			rep.Campaign = append(rep.Campaign, row)
		}
		var b bytesResult
		if err := readJSON(filepath.Join(dir, "campaign", "bytes-"+d+".json"), &b); err == nil {
			rep.Bytes = append(rep.Bytes, bytesRow{Date: d, bytesResult: b})
			if b.Unequal > 0 {
				warn("optipng's copy of %d tiles on %s decodes to other pixels than xiang's", b.Unequal, d)
			}
		}
	}
	var one []float64
	for _, w := range []int{1, 2} {
		runs := readRuns(dir, fmt.Sprintf("seed/w%d-r*.json", w))
		if len(runs) == 0 {
			continue
		}
		row := scaleRow{Data: seedData(runs[0]), Workers: w}
		for _, r := range runs {
			row.Runs = append(row.Runs, num(r, "tiles_per_s"))
		}
		row.Median = median(row.Runs)
		if w == 1 {
			one = row.Runs
		} else {
			row.Speedup = pairedSpeedup(one, row.Runs)
		}
		rep.Seed = append(rep.Seed, row)
	}
}

// pairedSpeedup is the median over rounds of b's rate over a's in the
// same round. run.sh runs one worker and then two in each round, so a
// pair shares the machine's state of the moment (other load, the CPU's
// clock), which drifts over a run more than the two differ.
func pairedSpeedup(a, b []float64) float64 {
	var ratios []float64
	for i := range min(len(a), len(b)) {
		if a[i] > 0 {
			ratios = append(ratios, b[i]/a[i])
		}
	}
	if len(ratios) == 0 {
		return 0
	}
	return median(ratios)
}

// seedData describes a seeding run: its archives, tiles and flags.
func seedData(r map[string]any) string {
	var flags []string
	if a, ok := r["args"].([]any); ok {
		for i := 0; i < len(a); i++ {
			s := str(a[i])
			if s == "-bbox" || s == "-dates" || s == "-zoom" {
				if i+1 < len(a) {
					flags = append(flags, s+" "+str(a[i+1]))
				}
			}
		}
	}
	return fmt.Sprintf("%.0f archives, %.0f tiles (%s)", num(r, "archives"), num(r, "tiles"), strings.Join(flags, " "))
}

// writeCampaign writes the full-cartography, bytes and seeding tables.
func writeCampaign(w io.Writer, rep *report) {
	if len(rep.Campaign) > 0 {
		runs := 0
		for _, c := range rep.Campaign {
			runs = max(runs, len(c.Runs))
		}
		fmt.Fprintf(w, "\n## Full cartography, cold, one thread: xiang on the embedded campaign, Mapnik's plain style on `xiang export` of it (median of %d runs)\n\n", runs)
		fmt.Fprintln(w, "xiang draws everything a user sees (fills, hatching, symbols, arrows, dashes, labels); Mapnik draws the same features as plain fills, 2 px lines and discs. Same tile list as above, fresh process and renderer each run.")
		fmt.Fprintln(w, "\n| data | renderer | tiles | tiles/s | runs | mean ms | p95 ms | empty | mean ms, drawn tiles | PNG MB | xiang/Mapnik |")
		fmt.Fprintln(w, "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|")
		for _, c := range rep.Campaign {
			ratio := ""
			if c.Ratio > 0 {
				ratio = fmt.Sprintf("**%.2f×**", c.Ratio)
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %.0f | %s | %.2f | %.2f | %.0f %% | %.2f | %.2f | %s |\n",
				c.Data, displayName(c.Renderer), num(c.Median, "timing", "tiles"), c.TilesPerS, runList(c.Runs),
				c.MeanMs, c.P95Ms, 100*c.Empty, c.DrawnMs, c.MB, ratio)
		}
	}
	if len(rep.Bytes) > 0 {
		fmt.Fprintln(w, "\n## Bytes: xiang's full-cartography tiles against the same tiles recompressed losslessly by `optipng -o2`")
		fmt.Fprintln(w, "\n| date | tiles | xiang bytes | optipng bytes | xiang/optipng | drawn tiles | xiang/optipng, drawn | tiles with other pixels |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
		var a, b int64
		for _, r := range rep.Bytes {
			a, b = a+r.ABytes, b+r.BBytes
			fmt.Fprintf(w, "| %s | %d | %d | %d | **%.3f×** | %d | %.3f× | %d |\n", r.Date, r.Tiles, r.ABytes, r.BBytes, r.Ratio,
				r.Drawn, float64(r.ADrawn)/float64(max(r.BDrawn, 1)), r.Unequal)
		}
		fmt.Fprintf(w, "| all | | %d | %d | **%.3f×** | | | |\n", a, b, float64(a)/float64(max(b, 1)))
	}
	if len(rep.Seed) > 0 {
		fmt.Fprintln(w, "\n## Seeding: `xiang seed` tiles/s, wall-clock of the whole command (median; speed-up: median of the rounds' 2-worker/1-worker ratios)")
		fmt.Fprintln(w, "\n| sweep | workers | tiles/s | runs | speed-up |")
		fmt.Fprintln(w, "|---|---:|---:|---|---:|")
		for _, s := range rep.Seed {
			sp := ""
			if s.Speedup > 0 {
				sp = fmt.Sprintf("**%.2f×**", s.Speedup)
			}
			fmt.Fprintf(w, "| %s | %d | %.0f | %s | %s |\n", s.Data, s.Workers, s.Median, runList(s.Runs), sp)
		}
	}
}
