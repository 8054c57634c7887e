package seed

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/maptile"
)

// FuzzJournal reads arbitrary bytes after a valid journal head: whatever
// it keeps must read back, lie within the file, and survive a reopen.
func FuzzJournal(f *testing.F) {
	dir := f.TempDir()
	seedPath := filepath.Join(dir, "seed")
	j, _, err := openJournal(seedPath, "job")
	if err != nil {
		f.Fatal(err)
	}
	j.add(maptile.New(1, 0, 1), []byte("tile one"))
	j.add(maptile.New(3, 2, 2), []byte("tile two"))
	j.close()
	b, _ := os.ReadFile(seedPath)
	head := len(journalMagic + "job\n")
	f.Add(b[head:])
	f.Add(b[head : len(b)-3])
	f.Fuzz(func(t *testing.T, records []byte) {
		path := filepath.Join(t.TempDir(), "j")
		os.WriteFile(path, append([]byte(journalMagic+"job\n"), records...), 0o644)
		j, reset, err := openJournal(path, "job")
		if err != nil || reset {
			t.Fatalf("open: %v, reset %v", err, reset)
		}
		kept := map[maptile.Tile][]byte{}
		for tile, r := range j.done {
			data, err := j.read(r)
			if err != nil || r.off+int64(r.n) > j.size || !tile.Valid() {
				t.Fatalf("tile %v: %v, ref %+v, size %d", tile, err, r, j.size)
			}
			kept[tile] = data
		}
		j.close()
		again, _, err := openJournal(path, "job")
		if err != nil || len(again.done) != len(kept) {
			t.Fatalf("reopened: %v, %d tiles, want %d", err, len(again.done), len(kept))
		}
		for tile, r := range again.done {
			if data, _ := again.read(r); !bytes.Equal(data, kept[tile]) {
				t.Fatalf("tile %v changed on reopen", tile)
			}
		}
		again.close()
	})
}
