package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// printData is a campaign without dashed symbols, so the test does not
// depend on the tiles package's dash code.
const printData = "../../tiles/sheet/testdata/campaign"

func TestPrintUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		has  string
	}{
		{[]string{"print", "-h"}, 0, "-orientation"},
		{[]string{"print", "-paper", "B5"}, 2, `-paper "B5": unknown paper size`},
		{[]string{"print", "-orientation", "up"}, 2, "want landscape or portrait"},
		{[]string{"print", "-dpi", "1000"}, 2, `-dpi: dpi "1000": resolution out of range: want 72 to 600`},
		{[]string{"print", "-paper", "A3", "-dpi", "600"}, 2, "sheet too large"},
		{[]string{"print", "-bbox", "113,28,112,29"}, 2, "min must be below max"},
		{[]string{"print", "-format", "svg"}, 2, `-format "svg": unknown format`},
		{[]string{"print", "-date", "1944-13-01"}, 2, "-date"},
		{[]string{"print", "-data", printData, "-layers", "nope"}, 2, `layer "nope"`},
		{[]string{"print", "extra"}, 2, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		code, out, errOut := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.has) {
			t.Errorf("xiang %v: exit %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.has, out, errOut)
		}
	}
}

func TestPrintCommand(t *testing.T) {
	dir := t.TempDir()
	pdf, pngFile := filepath.Join(dir, "siege.pdf"), filepath.Join(dir, "siege.png")
	args := []string{"print", "-data", printData, "-date", "1944-07-01", "-dpi", "72", "-paper", "Letter", "-orientation", "portrait"}
	if code, _, errOut := runCmd(t, append(args, "-o", pdf)...); code != 0 {
		t.Fatalf("print PDF: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s: %v, starts %q", pdf, err, b[:min(len(b), 8)])
	}
	// The format follows -o's extension.
	if code, _, errOut := runCmd(t, append(args, "-o", pngFile)...); code != 0 {
		t.Fatalf("print PNG: exit %d: %s", code, errOut)
	}
	f, err := os.Open(pngFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 612 || cfg.Height != 792 {
		t.Errorf("%s: %dx%d, %v; want 612x792 (Letter at 72 dpi)", pngFile, cfg.Width, cfg.Height, err)
	}
	code, out, errOut := runCmd(t, "print", "-data", printData, "-dpi", "72", "-format", "png", "-date", "1950-01-01")
	if code != 0 || !strings.HasPrefix(out, "\x89PNG") || !strings.Contains(errOut, "outside the campaign's dates") {
		t.Errorf("print to stdout: exit %d, %d bytes, stderr %q", code, len(out), errOut)
	}
}
