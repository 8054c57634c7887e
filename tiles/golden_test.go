package tiles

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite the golden tiles in testdata/golden")

// goldenDir holds the reference tiles and the key version they were drawn
// under.
const goldenDir = "testdata/golden"

// goldenTiles are the reference tiles: every kind of symbol, arrows in
// progress and complete, rings with teeth, dashed areas, labels in both
// scripts, at both scales.
var goldenTiles = []struct {
	day   string // "" for the summary map
	at    orb.Point
	zoom  maptile.Zoom
	scale int
}{
	{"1944-07-01", orb.Point{112.62, 26.89}, 9, 1},
	{"1944-07-01", orb.Point{112.62, 26.89}, 11, 2},
	{"1944-06-28", orb.Point{112.62, 26.89}, 10, 1},
	{"", orb.Point{112.6, 26.9}, 8, 1},
	{"", orb.Point{112.0, 27.5}, 12, 2},
}

// TestGolden fails when what the reference tiles draw changes while
// keyVersion stays the same: tile ETags are plan keys, so an HTTP cache
// or CDN would otherwise serve the old drawing under a valid ETag for
// ever. When a change of drawing is meant, bump keyVersion and run
// `go test ./tiles -run TestGolden -update`.
func TestGolden(t *testing.T) {
	r, sel := testRenderer(t)
	_, hasCJK := r.fonts.HasCJK()
	testkit.Require(t, hasCJK, "a CJK font (Debian package fonts-noto-cjk), which the reference tiles were drawn with")
	versionFile := filepath.Join(goldenDir, "key-version")
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(versionFile, []byte(strconv.Itoa(keyVersion)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(versionFile)
	if err != nil {
		t.Fatalf("%v: run go test ./tiles -run TestGolden -update", err)
	}
	goldenVersion, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatalf("%s: %v", versionFile, err)
	}
	for _, g := range goldenTiles {
		tl := maptile.At(g.at, g.zoom)
		label := g.day
		if label == "" {
			label = "summary"
		}
		name := fmt.Sprintf("%s-%d-%d-%d@%dx.png", label, tl.Z, tl.X, tl.Y, g.scale)
		t.Run(name, func(t *testing.T) {
			d := geo.NoDay
			if g.day != "" {
				d = day(t, g.day)
			}
			p, err := r.Plan(context.Background(), sel, d, geo.TileFrame(tl, g.scale))
			if err != nil {
				t.Fatal(err)
			}
			if p.Empty() {
				t.Fatal("reference tile is empty; choose one that draws")
			}
			// Both sides go through a PNG, so that both are rounded alike.
			var buf bytes.Buffer
			if err := png.Encode(&buf, p.Draw(r.fonts)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(goldenDir, name)
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			golden, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v: run go test ./tiles -run TestGolden -update", err)
			}
			got, want := decodeRGBA(t, buf.Bytes()), decodeRGBA(t, golden)
			if want.Rect != got.Rect {
				t.Fatalf("size %v, golden %v", got.Rect, want.Rect)
			}
			diff, vis := testkit.Compare(got, want)
			switch {
			case diff.MaxDelta != 0 && goldenVersion == keyVersion:
				testkit.Save(t, "golden-got-"+name, got)
				testkit.Save(t, "golden-diff-"+name, vis)
				t.Errorf("the drawing changed (%v) but keyVersion is still %d: caches would keep the old tiles; bump keyVersion in plan.go, then run go test ./tiles -run TestGolden -update", diff, keyVersion)
			case goldenVersion != keyVersion:
				t.Errorf("golden tiles are of key version %d, the code's is %d: run go test ./tiles -run TestGolden -update", goldenVersion, keyVersion)
			}
		})
	}
}

// decodeRGBA decodes a PNG into an RGBA image.
func decodeRGBA(t *testing.T, b []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Rect, img, img.Bounds().Min, draw.Src)
	return out
}
