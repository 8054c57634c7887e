// Package testkit holds what xiang's tests share: finding the external
// tools they drive (skipped under plain `go test` when missing, a failure
// under `make test`), comparing images with a stated tolerance, and saving
// renders for inspection. Only tests import it.
package testkit

import (
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireEnv is the environment variable, set by `make test`, that turns a
// missing tool from a skip into a failure, so that CI skips nothing.
const RequireEnv = "XIANG_REQUIRE_TOOLS"

// Keep is the -keep flag: write test renders to testdata/out even when
// the test passes.
var Keep = flag.Bool("keep", false, "write test renders to testdata/out for inspection")

// Require skips the test when ok is false — or fails it under `make test`
// — saying what is missing.
func Require(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s is missing (%s=1 turns this skip into a failure)", what, RequireEnv)
	}
	t.Skipf("%s is missing; skipped", what)
}

// Tool returns the path of an external program, or skips the test (fails
// it under `make test`) naming the Debian package to install.
func Tool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	Require(t, err == nil, fmt.Sprintf("%s (install the Debian package %s)", name, debianPackage))
	return path
}

// Browser returns the path of Chromium for a test that drives it. Browser
// tests are slow: they are skipped under `go test -short`, but never under
// `make test`, which does not pass -short.
func Browser(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	return Tool(t, "chromium", "chromium")
}

// Diff is how two images of one size differ: the largest difference of
// any channel, and how many pixels (and which fraction) differ by more
// than 2/255 in some channel.
type Diff struct {
	MaxDelta int
	Over     int
	Fraction float64
}

// String describes the difference.
func (d Diff) String() string {
	return fmt.Sprintf("max channel difference %d/255; %d pixels (%.4f%%) off by more than 2", d.MaxDelta, d.Over, 100*d.Fraction)
}

// Compare compares got with want, which must have the same size, and
// returns an image of the differences: red where a pixel is off by more
// than 2, a faint trace of want's ink elsewhere.
func Compare(got, want *image.RGBA) (Diff, *image.RGBA) {
	var d Diff
	vis := image.NewRGBA(want.Rect)
	for i := 0; i < len(want.Pix); i += 4 {
		worst := 0
		for c := range 4 {
			worst = max(worst, int(math.Abs(float64(got.Pix[i+c])-float64(want.Pix[i+c]))))
		}
		d.MaxDelta = max(d.MaxDelta, worst)
		if worst > 2 {
			d.Over++
			vis.Pix[i], vis.Pix[i+3] = 255, 255
		} else if want.Pix[i+3] > 0 {
			vis.Pix[i+3] = 40
		}
	}
	d.Fraction = float64(d.Over) / float64(max(len(want.Pix)/4, 1))
	return d, vis
}

// Save writes img as testdata/out/name when the test has failed or -keep
// is set, and logs where.
func Save(t testing.TB, name string, img image.Image) {
	t.Helper()
	if !*Keep && !t.Failed() {
		return
	}
	dir := filepath.Join("testdata", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Log(err)
		return
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Log(err)
		return
	}
	t.Logf("wrote %s", f.Name())
}

// GoTool returns the path of a program installed with `go install` (on
// PATH, or in $(go env GOPATH)/bin, where `make deps` puts it), or skips
// the test (fails it under `make test`) naming the module to install.
func GoTool(t testing.TB, name, module string) string {
	t.Helper()
	if path, err := exec.LookPath(name); err == nil {
		return path
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			path := filepath.Join(dir, "bin", name)
			if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
				return path
			}
		}
	}
	Require(t, false, fmt.Sprintf("%s (go install %s)", name, module))
	return ""
}
