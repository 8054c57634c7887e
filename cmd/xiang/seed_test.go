package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/tiles/seed"
)

func TestSeedUsage(t *testing.T) {
	tests := map[string]struct {
		args []string
		has  string
	}{
		"no -o":             {[]string{"seed"}, "-o: want an output directory"},
		"bad format":        {[]string{"seed", "-o", "x", "-format", "tiff"}, `format "tiff"`},
		"bad zoom":          {[]string{"seed", "-o", "x", "-zoom", "9-3"}, `-zoom: "9-3"`},
		"bad dates":         {[]string{"seed", "-o", "x", "-dates", "1944-07-10/1944-07-01/P1D"}, "before start"},
		"bad period":        {[]string{"seed", "-o", "x", "-dates", "1944-07-10/1944-07-12/P1Y"}, "period"},
		"bad bbox":          {[]string{"seed", "-o", "x", "-bbox", "1,2,3"}, "-bbox"},
		"too many":          {[]string{"seed", "-o", "x", "-bbox", "-180,-85,180,85", "-zoom", "0-14"}, "more than"},
		"bad scale":         {[]string{"seed", "-o", "x", "-scale", "3"}, "-scale 3"},
		"bad workers":       {[]string{"seed", "-o", "x", "-workers", "0"}, "-workers 0"},
		"archives and data": {[]string{"serve", "-archives", "x", "-data", "y"}, "-archives and -data"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := runCmd(t, tc.args...)
			if code != 2 || !strings.Contains(out+errOut, tc.has) {
				t.Errorf("xiang %v: exit %d (want 2), output lacks %q:\n%s%s", tc.args, code, tc.has, out, errOut)
			}
		})
	}
}

// buildXiang builds the command into a temporary directory.
func buildXiang(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "xiang")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestSeedKilled kills the real binary with SIGKILL a second into a seed,
// runs it again, and wants the archive a run never interrupted writes.
func TestSeedKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildXiang(t)
	// Ten dates, about 8,000 tiles: several seconds for one worker even
	// on a fast idle machine.
	var dates []string
	for d := 10; d <= 19; d++ {
		dates = append(dates, fmt.Sprintf("1944-07-%02d", d))
	}
	var dir string
	var args []string
	// SIGKILL at a moment when a journal holds tiles (not just the header
	// of an archive begun a moment before): poll for it, kill, and check.
	// On a loaded machine the seed may move on to the next date between
	// the poll and the kill; that attempt is then made again.
	for attempt := 1; ; attempt++ {
		dir = t.TempDir()
		args = []string{"seed", "-dates", strings.Join(dates, ","), "-bbox", "112.35,26.7,112.9,27.1", "-zoom", "6-14", "-workers", "1", "-o", dir}
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			js, _ := filepath.Glob(filepath.Join(dir, ".*.journal"))
			if len(js) == 1 {
				if fi, err := os.Stat(js[0]); err == nil && fi.Size() >= 100 {
					break
				}
			}
		}
		cmd.Process.Kill() // SIGKILL
		cmd.Wait()
		if _, err := os.Stat(filepath.Join(dir, dates[len(dates)-1]+".pmtiles")); err == nil {
			t.Fatalf("the seed finished within a second; give it more work\n%s", stderr.String())
		}
		journals, _ := filepath.Glob(filepath.Join(dir, ".*.journal"))
		if len(journals) > 1 {
			t.Fatalf("journals after the kill: %v\n%s", journals, stderr.String())
		}
		if len(journals) == 1 {
			if fi, err := os.Stat(journals[0]); err == nil && fi.Size() >= 100 {
				break
			}
		}
		if attempt == 3 {
			t.Fatalf("no journal holding tiles after the kill, in 3 attempts: %v\n%s", journals, stderr.String())
		}
		t.Logf("attempt %d: killed between two dates (journals %v); again", attempt, journals)
	}

	out, err := exec.Command(bin, append(args, "-v")...).CombinedOutput()
	if err != nil {
		t.Fatalf("resumed seed: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`; [1-9][0-9]* from the journal`).Match(out) {
		t.Errorf("the resumed seed took nothing from the journal:\n%s", out)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("files left after the seed finished: %v", left)
	}
	fresh := t.TempDir()
	freshArgs := append([]string{}, args...)
	freshArgs[len(freshArgs)-1] = fresh
	freshArgs[len(freshArgs)-3] = "2"
	if code, o, e := runCmd(t, freshArgs...); code != 0 {
		t.Fatalf("fresh seed: exit %d\n%s%s", code, o, e)
	}
	tool := goPMTiles(t)
	for _, d := range dates {
		archive := filepath.Join(dir, d+".pmtiles")
		a, _ := os.ReadFile(archive)
		b, _ := os.ReadFile(filepath.Join(fresh, d+".pmtiles"))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: the resumed archive (%d bytes) differs from an uninterrupted one (%d bytes)", d, len(a), len(b))
		}
		if out, err := exec.Command(tool, "verify", archive).CombinedOutput(); err != nil {
			t.Errorf("go-pmtiles verify %s: %v\n%s", d, err, out)
		}
	}
}

func goPMTiles(t *testing.T) string {
	return testkit.GoTool(t, "go-pmtiles", "github.com/protomaps/go-pmtiles@v1.31.2")
}

func TestSeedCommand(t *testing.T) {
	dir := t.TempDir()
	box := "112.55,26.85,112.65,26.95"
	for _, format := range []string{"pmtiles", "mbtiles"} {
		if code, out, errOut := runCmd(t, "seed", "-bbox", box, "-zoom", "9-10", "-format", format, "-o", dir, "-v"); code != 0 || !strings.Contains(errOut, "summary."+format) {
			t.Fatalf("seed -format %s: exit %d\n%s%s", format, code, out, errOut)
		}
		if _, err := os.Stat(filepath.Join(dir, "summary."+format)); err != nil {
			t.Error(err)
		}
	}
	// Again: nothing to do; with other zooms: refused without -force.
	if code, _, errOut := runCmd(t, "seed", "-bbox", box, "-zoom", "9-10", "-o", dir, "-v"); code != 0 || !strings.Contains(errOut, "already seeded") {
		t.Errorf("second seed: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "seed", "-bbox", box, "-zoom", "9-9", "-o", dir); code != 1 || !strings.Contains(errOut, "-force") {
		t.Errorf("another job: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runCmd(t, "seed", "-bbox", box, "-zoom", "9-9", "-o", dir, "-force"); code != 0 {
		t.Errorf("forced: exit %d\n%s", code, errOut)
	}
}

// TestSweep checks the order of reports, the bound on jobs in flight, and
// that an error stops the reports and returns only after the jobs running
// have ended.
func TestSweep(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, flight int
		failAt    int // the report of this job fails; -1: none
	}{
		{"one at a time", 5, 1, -1},
		{"two at a time", 6, 2, -1},
		{"error stops", 8, 2, 2},
		{"error at the first", 4, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var running, most, started atomic.Int32
			second := make(chan struct{}) // closed when job 1 starts
			run := func(ctx context.Context, i int) (seed.Stats, error) {
				started.Add(1)
				now := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
				}
				switch {
				case i == 1:
					close(second)
				case i == 0 && tc.flight > 1:
					<-second // job 1 runs while job 0 does: two in flight
				}
				return seed.Stats{Tiles: i}, ctx.Err()
			}
			var order []int
			err := sweep(context.Background(), tc.n, tc.flight, run, func(i int, st seed.Stats, err error) error {
				if running.Load() > int32(tc.flight) {
					t.Errorf("%d jobs running, want at most %d", running.Load(), tc.flight)
				}
				order = append(order, i)
				if st.Tiles != i {
					t.Errorf("job %d reported the stats of job %d", i, st.Tiles)
				}
				if i == tc.failAt {
					return errors.New("bad job")
				}
				return err
			})
			if r := running.Load(); r != 0 {
				t.Errorf("%d jobs still running after sweep returned", r)
			}
			if most.Load() > int32(tc.flight) {
				t.Errorf("%d jobs at once, want at most %d", most.Load(), tc.flight)
			}
			if tc.failAt < 0 {
				if err != nil || len(order) != tc.n || started.Load() != int32(tc.n) {
					t.Fatalf("err %v, %d reports, %d started; want nil, %d, %d", err, len(order), started.Load(), tc.n, tc.n)
				}
			} else {
				if err == nil || err.Error() != "bad job" {
					t.Fatalf("err %v, want the failing report's", err)
				}
				if len(order) != tc.failAt+1 {
					t.Errorf("%d reports after a failure at job %d", len(order), tc.failAt)
				}
			}
			for k, i := range order {
				if i != k {
					t.Fatalf("reports in order %v", order)
				}
			}
		})
	}
}
