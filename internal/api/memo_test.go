package api

import (
	"fmt"
	"testing"
)

// TestTileMemoBounds checks that the memo remembers what it is given and
// starts over at its bounds in number and in bytes.
func TestTileMemoBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		len  int // of each target
		n    int // targets put
		want int // remembered at the end
	}{
		{"short targets, bounded in number", 40, MemoMax + 10, 10},
		{"long targets, bounded in bytes", 2000, MemoBytes/2000 + 5, 5},
		{"few", 40, 100, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m TileMemo
			for i := range tc.n {
				target := fmt.Sprintf("/%0*d", tc.len-1, i)
				m.Put(target, ParsedTile{MaxZoom: 5})
				if _, ok := m.Get([]byte(target), 5); !ok {
					t.Fatalf("target %d not remembered", i)
				}
			}
			if len(m.m) != tc.want || m.bytes != tc.want*tc.len {
				t.Errorf("%d targets, %d bytes; want %d, %d", len(m.m), m.bytes, tc.want, tc.want*tc.len)
			}
			if len(m.m) > MemoMax || m.bytes > MemoBytes {
				t.Errorf("over the bounds: %d targets, %d bytes", len(m.m), m.bytes)
			}
		})
	}
}
