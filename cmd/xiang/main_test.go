package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
