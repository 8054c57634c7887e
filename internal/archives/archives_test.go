package archives

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenErrors(t *testing.T) {
	empty := t.TempDir()
	junk := t.TempDir()
	os.WriteFile(filepath.Join(junk, "x.pmtiles"), []byte("not an archive"), 0o644)
	notXiang := t.TempDir()
	os.WriteFile(filepath.Join(notXiang, "y.mbtiles"), nil, 0o644)
	tests := map[string]struct{ dir, has string }{
		"no archives":    {empty, "holds no .pmtiles or .mbtiles"},
		"missing":        {filepath.Join(empty, "nope"), "no such file"},
		"not an archive": {junk, "x.pmtiles"},
		"not xiang's":    {notXiang, "y.mbtiles"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Open(tc.dir)
			if err == nil || !strings.Contains(err.Error(), tc.has) {
				t.Errorf("Open: %v; want an error saying %q", err, tc.has)
			}
		})
	}
}

func TestSetKey(t *testing.T) {
	for in, want := range map[string]string{"b,a": "a,b", "a": "a", "c,a,b,a": "a,b,c"} {
		if got := setKey(in); got != want {
			t.Errorf("setKey(%q) = %q, want %q", in, got, want)
		}
	}
}
