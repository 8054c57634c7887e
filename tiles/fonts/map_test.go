package fonts

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
)

func TestReadFont(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "font.ttf")
	if err := os.WriteFile(full, goregular.TTF, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.ttf")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		ok         bool
	}{
		{"font", full, true},
		{"empty file", empty, false},
		{"directory", dir, false},
		{"missing", filepath.Join(dir, "none.ttf"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, release, err := readFont(tc.path)
			if (err == nil) != tc.ok {
				t.Fatalf("readFont(%s): error %v, want ok=%v", tc.path, err, tc.ok)
			}
			if err != nil {
				return
			}
			if !bytes.Equal(data, goregular.TTF) {
				t.Errorf("read %d bytes, not the file's %d", len(data), len(goregular.TTF))
			}
			release()
		})
	}
}
