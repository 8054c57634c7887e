package seed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/mbtiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
)

// hengyang is the box of the siege of Hengyang.
var hengyang = orb.Bound{Min: orb.Point{112.35, 26.7}, Max: orb.Point{112.9, 27.1}}

var (
	campaignOnce sync.Once
	campaign     *overlays.Campaign
	renderer     *tiles.Renderer
)

func setup(t testing.TB) (*tiles.Renderer, overlays.Selection) {
	t.Helper()
	campaignOnce.Do(func() {
		c, err := hunan.Load()
		if err != nil {
			panic(err)
		}
		campaign, renderer = c, tiles.New(c)
	})
	return renderer, overlays.Selection(campaign.Layers)
}

func TestCover(t *testing.T) {
	tests := map[string]struct {
		b          orb.Bound
		minZ, maxZ int
		want       int
	}{
		"world at 0-2":        {orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 0, 2, 1 + 4 + 16},
		"one tile at z1":      {orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{2, 2}}, 1, 1, 1},
		"edge on tile edge":   {orb.Bound{Min: orb.Point{-10, 1}, Max: orb.Point{0, 2}}, 1, 1, 1},
		"across the meridian": {orb.Bound{Min: orb.Point{-1, 1}, Max: orb.Point{1, 2}}, 1, 1, 2},
		"hengyang 8-12":       {hengyang, 8, 12, 75},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			list, err := Cover(tc.b, tc.minZ, tc.maxZ)
			if err != nil || len(list) != tc.want {
				t.Fatalf("%d tiles, %v; want %d", len(list), err, tc.want)
			}
			for _, tile := range list {
				if !tile.Valid() || !tile.Bound().Intersects(tc.b) {
					t.Errorf("tile %v outside %v", tile, tc.b)
				}
			}
		})
	}
	bad := map[string]struct {
		b          orb.Bound
		minZ, maxZ int
	}{
		"empty box":     {orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{1, 1}}, 0, 1},
		"reversed":      {orb.Bound{Min: orb.Point{2, 1}, Max: orb.Point{1, 2}}, 0, 1},
		"zooms":         {hengyang, 5, 4},
		"too deep":      {hengyang, 0, 25},
		"too many":      {orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}, 0, 14},
		"not a number?": {orb.Bound{Min: orb.Point{-200, 1}, Max: orb.Point{1, 2}}, 0, 1},
	}
	for name, tc := range bad {
		t.Run("bad "+name, func(t *testing.T) {
			if _, err := Cover(tc.b, tc.minZ, tc.maxZ); err == nil {
				t.Error("no error")
			}
		})
	}
}

// want renders tile t as `xiang serve` would answer it.
func want(t *testing.T, r *tiles.Renderer, sel overlays.Selection, d geo.Day, tile maptile.Tile, scale int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Tile(context.Background(), &buf, sel, d, tile, scale); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readBack returns every tile of an archive of the job.
func readBack(t *testing.T, job Job) map[maptile.Tile][]byte {
	t.Helper()
	list, _ := Cover(job.Bounds, job.MinZoom, job.MaxZoom)
	out := map[maptile.Tile][]byte{}
	switch job.Format {
	case PMTiles:
		f, err := os.Open(job.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rd, err := pmtiles.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, tile := range list {
			b, ok, err := rd.Tile(tile)
			if err != nil || !ok {
				t.Fatalf("tile %v: %v, %v", tile, ok, err)
			}
			out[tile] = b
		}
	case MBTiles:
		rd, err := mbtiles.Open(job.Path)
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		for _, tile := range list {
			b, ok, err := rd.Tile(context.Background(), tile)
			if err != nil || !ok {
				t.Fatalf("tile %v: %v, %v", tile, ok, err)
			}
			out[tile] = b
		}
	}
	return out
}

func TestRun(t *testing.T) {
	r, sel := setup(t)
	siege := geo.Date(1944, 7, 15)
	for _, tc := range []struct {
		format Format
		day    geo.Day
		scale  int
	}{
		{PMTiles, siege, 1}, {MBTiles, siege, 1}, {PMTiles, geo.NoDay, 2}, {MBTiles, geo.NoDay, 2},
	} {
		t.Run(fmt.Sprintf("%s %s @%dx", tc.format, tc.day, tc.scale), func(t *testing.T) {
			job := Job{Renderer: r, Selection: sel, Day: tc.day, Bounds: hengyang, MinZoom: 9, MaxZoom: 11,
				Scale: tc.scale, Format: tc.format, Path: filepath.Join(t.TempDir(), "a."+string(tc.format)), Workers: 2}
			st, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := Count(hengyang, 9, 11)
			if st.Tiles != n || st.Rendered != n || st.Distinct == 0 || st.Distinct > n || st.Bytes == 0 {
				t.Errorf("stats %+v; want %d tiles", st, n)
			}
			for tile, got := range readBack(t, job) {
				if w := want(t, r, sel, tc.day, tile, tc.scale); !bytes.Equal(got, w) {
					t.Errorf("tile %v: %d bytes differ from the %d served", tile, len(got), len(w))
				}
			}
			m, err := ReadMetadata(job.Path, job.Format)
			wantDate := ""
			if tc.day != geo.NoDay {
				wantDate = tc.day.String()
			}
			if err != nil || m.Layers != sel.String() || m.Date != wantDate || m.Scale != tc.scale || m.Job == "" {
				t.Errorf("metadata %+v, %v", m, err)
			}
			if _, err := os.Stat(sidePath(job.Path, ".journal")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("journal left behind: %v", err)
			}
			checkArchive(t, job)

			// Again: nothing to do. Another job on the same file: refused,
			// unless forced.
			if st, err := Run(context.Background(), job); err != nil || !st.Skipped {
				t.Errorf("second run: %+v, %v", st, err)
			}
			other := job
			other.MaxZoom = 10
			if _, err := Run(context.Background(), other); !errors.Is(err, ErrExists) {
				t.Errorf("another job: %v, want ErrExists", err)
			}
			other.Force = true
			if st, err := Run(context.Background(), other); err != nil || st.Skipped || st.Rendered == 0 {
				t.Errorf("forced: %+v, %v", st, err)
			}
		})
	}
}

// checkArchive has third-party tools read the archive: go-pmtiles verify,
// GDAL for MBTiles.
func checkArchive(t *testing.T, job Job) {
	t.Helper()
	switch job.Format {
	case PMTiles:
		tool := testkit.GoTool(t, "go-pmtiles", "github.com/protomaps/go-pmtiles@v1.31.2")
		if out, err := exec.Command(tool, "verify", job.Path).CombinedOutput(); err != nil {
			t.Errorf("go-pmtiles verify: %v\n%s", err, out)
		}
	case MBTiles:
		gdalinfo := testkit.Tool(t, "gdalinfo", "gdal-bin")
		out, err := exec.Command(gdalinfo, job.Path).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Driver: MBTiles") || !strings.Contains(string(out), "Band 4") {
			t.Errorf("gdalinfo: %v\n%s", err, out)
		}
		png := filepath.Join(t.TempDir(), "box.png")
		gt := testkit.Tool(t, "gdal_translate", "gdal-bin")
		out, err = exec.Command(gt, "-of", "PNG", "-projwin", "112.5", "27.0", "112.7", "26.8", "-projwin_srs", "EPSG:4326", job.Path, png).CombinedOutput()
		if err != nil {
			t.Errorf("gdal_translate: %v\n%s", err, out)
		} else if fi, err := os.Stat(png); err != nil || fi.Size() < 1000 {
			t.Errorf("gdal_translate wrote %v, %v", fi, err)
		}
	}
}

func TestResume(t *testing.T) {
	r, sel := setup(t)
	dir := t.TempDir()
	job := Job{Renderer: r, Selection: sel, Day: geo.Date(1944, 7, 20), Bounds: hengyang, MinZoom: 9, MaxZoom: 11,
		Format: PMTiles, Path: filepath.Join(dir, "a.pmtiles"), Workers: 2}
	fresh := job
	fresh.Path = filepath.Join(dir, "fresh.pmtiles")
	if _, err := Run(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}

	// Stop after 5 tiles, then tear the journal's last record as a kill
	// in the middle of a write would.
	ctx, cancel := context.WithCancel(context.Background())
	stopped := job
	stopped.Progress = func(done, total int) {
		if done >= 5 {
			cancel()
		}
	}
	if _, err := Run(ctx, stopped); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped run: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(job.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an archive exists after a stopped run: %v", err)
	}
	jp := sidePath(job.Path, ".journal")
	fi, err := os.Stat(jp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(jp, fi.Size()-7); err != nil {
		t.Fatal(err)
	}
	// A kill during the build leaves the archive's temporary file and the
	// spool of its tile data; the next run removes both.
	stale := []string{tempPrefix(job.Path) + "123", tempPrefix(job.Path) + "data-456"}
	for _, name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("torn"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := Run(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("files left after the resumed run: %v", left)
	}
	if st.Rendered >= st.Tiles || st.Rendered == 0 {
		t.Errorf("resumed run rendered %d of %d tiles", st.Rendered, st.Tiles)
	}
	a, _ := os.ReadFile(job.Path)
	b, _ := os.ReadFile(fresh.Path)
	if !bytes.Equal(a, b) {
		t.Errorf("resumed archive (%d bytes) differs from a fresh one (%d bytes)", len(a), len(b))
	}
}

func TestJournalOfAnotherJob(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j")
	j, reset, err := openJournal(path, "one")
	if err != nil || reset {
		t.Fatal(err, reset)
	}
	j.add(maptile.New(1, 1, 1), []byte("tile"))
	j.close()
	j, reset, err = openJournal(path, "one")
	if err != nil || reset || len(j.done) != 1 {
		t.Fatalf("same job: %v, reset %v, %d tiles", err, reset, len(j.done))
	}
	if b, err := j.read(j.done[maptile.New(1, 1, 1)]); err != nil || string(b) != "tile" {
		t.Errorf("read %q, %v", b, err)
	}
	j.close()
	j, reset, err = openJournal(path, "two")
	if err != nil || !reset || len(j.done) != 0 {
		t.Fatalf("another job: %v, reset %v, %d tiles", err, reset, len(j.done))
	}
	j.close()
}
