package main

import (
	"bytes"
	"encoding/json"
	"image/gif"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xiang-maps/xiang/overlays"
)

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(&env{stdout: &out, stderr: &errb, stdin: strings.NewReader("")}, args)
	return code, out.String(), errb.String()
}

const good = "../../overlays/testdata/good"

func TestValidate(t *testing.T) {
	code, out, _ := runCmd(t, "validate", good)
	if code != 0 || !strings.Contains(out, "ok: 2 layers, 7 features, 1944-06-01 to 1944-08-08") {
		t.Errorf("validate good: exit %d, %q", code, out)
	}
	code, out, errOut := runCmd(t, "validate", "../../overlays/testdata/broken")
	if code != 1 {
		t.Errorf("validate broken: exit %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 20 || !strings.Contains(errOut, "problem(s) found") {
		t.Errorf("validate broken printed %d lines; stderr %q", len(lines), errOut)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "../../overlays/testdata/broken/") {
			t.Errorf("problem line does not start with its file: %q", l)
		}
	}
	if code, out, _ := runCmd(t, "validate"); code != 0 || !strings.Contains(out, "embedded campaign: ok: 5 layers") {
		t.Errorf("validate embedded: exit %d, %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		has  string
	}{
		{nil, 2, "Commands:"},
		{[]string{"help"}, 0, "validate"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"tile", "-h"}, 0, "-scale"},
		{[]string{"validate", "-h"}, 0, "Usage: xiang validate"},
		{[]string{"export", "-h"}, 0, "-date"},
		{[]string{"tile", "-z", "3", "-x", "8", "-y", "0"}, 2, "-x 8 -y 0: want 0 to 7"},
		{[]string{"tile", "-z", "30", "-x", "0", "-y", "0"}, 2, "-z 30"},
		{[]string{"tile", "-z", "1", "-x", "0", "-y", "0", "-scale", "3"}, 2, "-scale 3"},
		{[]string{"tile", "-z", "1", "-x", "0", "-y", "0", "-date", "1944-02-30"}, 2, "day out of range"},
		{[]string{"tile", "-z", "1", "-x", "0", "-y", "0", "-data", good, "-layers", "nope"}, 2, `layer "nope"`},
		{[]string{"tile", "-bogus"}, 2, "flag provided but not defined"},
		{[]string{"export", "-date", "June"}, 2, "-date"},
		{[]string{"validate", "a", "b"}, 2, "at most one directory"},
		{[]string{"validate", "/nonexistent"}, 1, "campaign directory"},
	}
	for _, tc := range tests {
		code, out, errOut := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.has) {
			t.Errorf("xiang %v: exit %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.has, out, errOut)
		}
	}
}

func TestTileCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "t.png")
	// Hengyang at z8 is tile 208/108 (orb maptile.At); the test data's siege ring is there on 1944-07-01.
	for _, scale := range []string{"1", "2"} {
		code, _, errOut := runCmd(t, "tile", "-data", good, "-date", "1944-07-01", "-z", "8", "-x", "208", "-y", "108", "-scale", scale, "-o", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		want := 256
		if scale == "2" {
			want = 512
		}
		if img.Bounds().Dx() != want {
			t.Errorf("scale %s: %v", scale, img.Bounds())
		}
		opaque := 0
		for y := range want {
			for x := range want {
				if _, _, _, a := img.At(x, y).RGBA(); a > 0 {
					opaque++
				}
			}
		}
		if opaque == 0 {
			t.Errorf("scale %s: tile over the siege ring is empty", scale)
		}
	}
}

func TestExportCommand(t *testing.T) {
	code, out, errOut := runCmd(t, "export", "-data", good, "-date", "1944-06-11", "-layers", "march")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(out), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 3 {
		t.Errorf("export: %s with %d features, want 3", fc.Type, len(fc.Features))
	}
}

func TestStaticAndAnimateCommands(t *testing.T) {
	dir := t.TempDir()
	png1 := filepath.Join(dir, "s.png")
	code, _, errOut := runCmd(t, "static", "-data", good, "-date", "1944-07-01", "-bbox", "112.4,26.7,112.9,27.1", "-size", "300x200", "-scale", "2", "-o", png1)
	if code != 0 {
		t.Fatalf("static: exit %d: %s", code, errOut)
	}
	f, _ := os.Open(png1)
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds().Dx() != 600 || img.Bounds().Dy() != 400 {
		t.Fatalf("static: %v, %v", img.Bounds(), err)
	}
	gifPath := filepath.Join(dir, "a.gif")
	code, _, errOut = runCmd(t, "animate", "-data", good, "-from", "1944-06-01", "-to", "1944-06-30", "-step", "P7D", "-size", "200x150", "-o", gifPath)
	if code != 0 {
		t.Fatalf("animate: exit %d: %s", code, errOut)
	}
	gf, _ := os.Open(gifPath)
	g, err := gif.DecodeAll(gf)
	gf.Close()
	if err != nil || len(g.Image) != 5 {
		t.Fatalf("animate: %d frames, %v; want 5 (1, 8, 15, 22, 29 June)", len(g.Image), err)
	}
	for _, tc := range []struct {
		args []string
		has  string
	}{
		{[]string{"static", "-size", "3000x10"}, "more than 2048"},
		{[]string{"static", "-size", "big"}, "WIDTHxHEIGHT"},
		{[]string{"static", "-bbox", "113,27,112,28"}, "min < max"},
		{[]string{"static", "-center", "112,95,8"}, "-center"},
		{[]string{"static", "-center", "112,27,8", "-bbox", "1,1,2,2"}, "not both"},
		{[]string{"animate", "-step", "P1Y"}, "ISO 8601"},
		{[]string{"animate", "-from", "1944-01-01", "-to", "1945-12-31", "-step", "P1D"}, "too many frames"},
		{[]string{"animate", "-from", "1944-07-01", "-to", "1944-06-01"}, "after"},
	} {
		if code, out, errOut := runCmd(t, tc.args...); code != 2 || !strings.Contains(out+errOut, tc.has) {
			t.Errorf("xiang %v: exit %d, output lacks %q: %s", tc.args, code, tc.has, errOut)
		}
	}
}

// TestValidateBounded: validate prints at most the first
// overlays.MaxProblems problems and a count of the rest, and quotes file
// names that hold control characters.
func TestValidateBounded(t *testing.T) {
	tests := map[string]struct {
		dir      string
		features int
		more     string
	}{
		"many problems":  {dir: "data", features: 3_000_000, more: "… and 299900 more problem(s), not listed"},
		"escape in name": {dir: "\x1b[2J\x1b[31mdata", features: 1},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), tc.dir)
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			body := `{"type":"FeatureCollection","features":[{}` + strings.Repeat(",{}", tc.features-1) + "]}"
			if err := os.WriteFile(filepath.Join(dir, "big.geojson"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCmd(t, "validate", dir)
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) > overlays.MaxProblems+2 {
				t.Errorf("printed %d lines", len(lines))
			}
			if tc.more != "" && lines[len(lines)-1] != tc.more {
				t.Errorf("last line %q", lines[len(lines)-1])
			}
			if strings.ContainsRune(out+errOut, '\x1b') {
				t.Errorf("raw escape sequence in the output: %q", out)
			}
		})
	}
}
