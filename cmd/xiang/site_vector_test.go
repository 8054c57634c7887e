package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteVector builds a one-archive vector site of the siege of Hengyang
// and checks what it holds and the flags it refuses.
func TestSiteVector(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "site", "-vector", "-layers", "hengyang,context", "-dates", "1944-06-23/1944-08-08/P1D",
		"-bbox", "112.45,26.8,112.75,27.0", "-zoom", "8-11", "-o", dir, "-v")
	if code != 0 || !strings.Contains(errOut, "campaign.pmtiles") {
		t.Fatalf("site -vector: exit %d\n%s%s", code, out, errOut)
	}
	for _, name := range []string{"index.html", "campaign.pmtiles", "style.json", "sprite.png", "sprite@2x.json", "site.json"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("site lacks %s: %v", name, err)
		}
	}
	var m struct{ Dates []string }
	if b, err := os.ReadFile(filepath.Join(dir, "site.json")); err != nil || json.Unmarshal(b, &m) != nil ||
		strings.Join(m.Dates, ",") != "1944-06-23,1944-08-08" {
		t.Errorf("site.json dates %v (%v)", m.Dates, err)
	}
	for _, args := range [][]string{{"-scale", "2"}, {"-zoom", "8-15"}} {
		if code, _, errOut := runCmd(t, append([]string{"site", "-vector", "-dates", "1944-07-15", "-o", dir}, args...)...); code != 2 || !strings.Contains(errOut, "-vector") {
			t.Errorf("site -vector %v: exit %d, %s", args, code, errOut)
		}
	}
}
