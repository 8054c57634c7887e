package pmtiles

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/internal/testkit"
)

func TestID(t *testing.T) {
	// The first tile IDs, as the spec lists them.
	tests := []struct {
		z, x, y uint32
		id      uint64
	}{
		{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4},
		{2, 0, 0, 5}, {12, 3423, 1763, 19078479},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d/%d/%d", tc.z, tc.x, tc.y), func(t *testing.T) {
			tile := maptile.New(tc.x, tc.y, maptile.Zoom(tc.z))
			if got := ID(tile); got != tc.id {
				t.Errorf("ID = %d, want %d", got, tc.id)
			}
			if back, err := Tile(tc.id); err != nil || back != tile {
				t.Errorf("Tile(%d) = %v, %v", tc.id, back, err)
			}
		})
	}
	for z := maptile.Zoom(0); z <= 6; z++ {
		seen := map[uint64]bool{}
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				tile := maptile.New(x, y, z)
				id := ID(tile)
				if back, _ := Tile(id); back != tile || seen[id] {
					t.Fatalf("%v: id %d, back %v, seen %v", tile, id, back, seen[id])
				}
				seen[id] = true
			}
		}
	}
}

// archive writes tiles (added in ID order) and returns the archive's bytes.
func archive(t *testing.T, tiles map[maptile.Tile][]byte, info Info) []byte {
	t.Helper()
	w, err := NewWriter(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tile := range sortedTiles(tiles) {
		if err := w.Add(tile, tiles[tile]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Finish(&buf, info); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sortedTiles(m map[maptile.Tile][]byte) []maptile.Tile {
	byID := map[uint64]maptile.Tile{}
	var ids []uint64
	for tile := range m {
		byID[ID(tile)] = tile
		ids = append(ids, ID(tile))
	}
	slices.Sort(ids)
	out := make([]maptile.Tile, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	same := []byte("same bytes")
	cases := map[string]map[maptile.Tile][]byte{
		"one tile": {maptile.New(0, 0, 0): []byte("root")},
		"shared and runs": func() map[maptile.Tile][]byte {
			m := map[maptile.Tile][]byte{}
			for x := uint32(0); x < 8; x++ {
				for y := uint32(0); y < 8; y++ {
					m[maptile.New(x, y, 3)] = same
				}
			}
			m[maptile.New(2, 5, 3)] = []byte("different")
			m[maptile.New(1, 1, 1)] = []byte("z1")
			return m
		}(),
		"leaf directories": func() map[maptile.Tile][]byte {
			m := map[maptile.Tile][]byte{}
			for x := uint32(0); x < 256; x++ {
				for y := uint32(0); y < 256; y++ {
					m[maptile.New(x, y, 8)] = binary.LittleEndian.AppendUint32(nil, x*7919+y*104729)
				}
			}
			return m
		}(),
	}
	for name, tiles := range cases {
		t.Run(name, func(t *testing.T) {
			info := Info{TileType: TypePNG, Bounds: orb.Bound{Min: orb.Point{112.35, 26.7}, Max: orb.Point{112.9, 27.1}},
				Metadata: []byte(`{"name":"test"}`)}
			b := archive(t, tiles, info)
			rd, err := Open(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			for tile, want := range tiles {
				got, ok, err := rd.Tile(tile)
				if err != nil || !ok || !bytes.Equal(got, want) {
					t.Fatalf("tile %v: %q, %v, %v; want %q", tile, got, ok, err, want)
				}
			}
			if _, ok, _ := rd.Tile(maptile.New(0, 0, 9)); ok {
				t.Error("a tile never added was found")
			}
			if rd.Len() != len(tiles) || int(rd.Header().AddressedTiles) != len(tiles) {
				t.Errorf("Len %d, addressed %d; want %d", rd.Len(), rd.Header().AddressedTiles, len(tiles))
			}
			if string(rd.Metadata()) != `{"name":"test"}` {
				t.Errorf("metadata %q", rd.Metadata())
			}
			if got := rd.Bounds(); got.Min.Lon() != 112.35 || got.Max.Lat() != 27.1 {
				t.Errorf("bounds %v", got)
			}
			verify(t, b)
		})
	}
}

// verify runs `go-pmtiles verify` on the archive b.
func verify(t *testing.T, b []byte) {
	t.Helper()
	tool := testkit.GoTool(t, "go-pmtiles", "github.com/protomaps/go-pmtiles@v1.31.2")
	name := filepath.Join(t.TempDir(), "a.pmtiles")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tool, "verify", name).CombinedOutput(); err != nil {
		t.Errorf("go-pmtiles verify: %v\n%s", err, out)
	}
}

func TestAddOutOfOrder(t *testing.T) {
	w, err := NewWriter(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(maptile.New(1, 1, 1), []byte("a")); err != nil {
		t.Fatal(err)
	}
	if err := w.Add(maptile.New(0, 0, 1), []byte("b")); err == nil {
		t.Error("a tile before the last one was accepted")
	}
	if err := w.Finish(&bytes.Buffer{}, Info{}); err != nil {
		t.Error(err)
	}
}

func TestOpenErrors(t *testing.T) {
	good := archive(t, map[maptile.Tile][]byte{maptile.New(0, 0, 0): []byte("x")}, Info{})
	bad := map[string][]byte{
		"empty":     {},
		"not magic": bytes.Repeat([]byte("x"), HeaderLen),
		"version 2": append(append([]byte("PMTiles"), 2), good[8:]...),
		"truncated": good[:HeaderLen+3],
	}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := Open(bytes.NewReader(b)); err == nil {
				t.Error("no error")
			} else if name != "empty" && name != "truncated" && !errors.Is(err, ErrFormat) {
				t.Errorf("%v: want ErrFormat", err)
			}
		})
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(archiveBytes(f, map[maptile.Tile][]byte{maptile.New(0, 0, 0): []byte("x"), maptile.New(1, 1, 1): []byte("y")}))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := Open(bytes.NewReader(b))
		if err != nil {
			return
		}
		// A valid archive has increasing entries, and every tile it
		// addresses reads back (or fails with an error), without a panic.
		for i, e := range rd.entries {
			if i > 0 && e.TileID < rd.entries[i-1].TileID+uint64(rd.entries[i-1].RunLength) {
				t.Fatalf("entries out of order: %v", rd.entries)
			}
			if tile, err := Tile(e.TileID); err == nil {
				rd.Tile(tile)
			}
		}
	})
}

func archiveBytes(f *testing.F, tiles map[maptile.Tile][]byte) []byte {
	w, err := NewWriter(f.TempDir(), "")
	if err != nil {
		f.Fatal(err)
	}
	defer w.Close()
	for _, tile := range sortedTiles(tiles) {
		w.Add(tile, tiles[tile])
	}
	var buf bytes.Buffer
	w.Finish(&buf, Info{})
	return buf.Bytes()
}

func TestWriterSpoolName(t *testing.T) {
	for _, tc := range []struct{ pattern, glob string }{
		{"", ".pmtiles-data-*"},
		{".a.pmtiles.tmp-data-*", ".a.pmtiles.tmp-*"},
	} {
		t.Run(tc.glob, func(t *testing.T) {
			dir := t.TempDir()
			w, err := NewWriter(dir, tc.pattern)
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := filepath.Glob(filepath.Join(dir, tc.glob)); len(got) != 1 {
				t.Errorf("spool files matching %s: %v, want one", tc.glob, got)
			}
			w.Close()
			if got, _ := filepath.Glob(filepath.Join(dir, "*")); len(got) != 0 {
				t.Errorf("files left after Close: %v", got)
			}
		})
	}
}
