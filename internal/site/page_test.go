package site

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestPage writes each viewer's page and checks what its index.html
// loads, in order, and that every file it names was written.
func TestPage(t *testing.T) {
	for _, c := range []struct {
		name    string
		write   func(dir string) (int64, error)
		styles  []string
		scripts []string
		icon    bool
	}{
		{"leaflet", writeAssets, []string{"leaflet/leaflet.css", "site.css"},
			[]string{"leaflet/leaflet.js", "pmtiles/pmtiles.js", "page.js", "site.js"}, false},
		{"vector", writeVectorAssets, []string{"maplibre/maplibre-gl.css", "site.css"},
			[]string{"maplibre/maplibre-gl.js", "pmtiles/pmtiles.js", "page.js", "vector.js"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			n, err := c.write(dir)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			index := string(b)
			var styles, scripts []string
			for _, m := range regexp.MustCompile(`<link rel="stylesheet" href="([^"]*)">`).FindAllStringSubmatch(index, -1) {
				styles = append(styles, m[1])
			}
			for _, m := range regexp.MustCompile(`<script src="([^"]*)"></script>`).FindAllStringSubmatch(index, -1) {
				scripts = append(scripts, m[1])
			}
			if !slices.Equal(styles, c.styles) || !slices.Equal(scripts, c.scripts) {
				t.Errorf("index.html loads styles %q and scripts %q; want %q and %q", styles, scripts, c.styles, c.scripts)
			}
			if icon := strings.Contains(index, `<link rel="icon" href="data:,">`); icon != c.icon {
				t.Errorf("empty icon %v, want %v", icon, c.icon)
			}
			for _, id := range []string{"map", "title", "play", "slider", "date", "events", "legend", "embed"} {
				if !strings.Contains(index, ` id="`+id+`"`) {
					t.Errorf("index.html lacks #%s", id)
				}
			}
			var size int64
			for _, f := range append(slices.Clone(c.styles), append(c.scripts, "pmtiles/LICENSE")...) {
				fi, err := os.Stat(filepath.Join(dir, f))
				if err != nil || fi.Size() == 0 {
					t.Errorf("%s not written: %v", f, err)
				}
			}
			filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					fi, _ := d.Info()
					size += fi.Size()
				}
				return err
			})
			if n != size {
				t.Errorf("reported %d bytes, wrote %d", n, size)
			}
		})
	}
}
