package fastpng

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler: runs added with repeat and bytes added with write give
// hash/adler32's checksum of the same bytes, long runs included.
func TestAdler(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		size, maxRun, runs int
	}{{1, 3, 1000}, {4, 3, 1000}, {4, 300, 200}, {1, 70000, 5}, {4, 70000, 3}, {2, 9, 100}, {3, 1000, 50}} {
		t.Run(fmt.Sprintf("size=%d/run<=%d", tc.size, tc.maxRun), func(t *testing.T) {
			a := newAdler()
			var all bytes.Buffer
			for r := range tc.runs {
				if r%7 == 3 { // some plain bytes between the runs
					p := []byte{byte(rnd.Uint32()), 0xff, 0}
					a.write(p)
					all.Write(p)
					continue
				}
				pat := rnd.Uint32()
				if r%5 == 0 {
					pat = 0xffffffff
				}
				n := 1 + rnd.IntN(tc.maxRun)
				if n == 1 && tc.size == 4 {
					a.pixel(pat)
				} else {
					a.repeat(pat, tc.size, n)
				}
				var b [4]byte
				binary.LittleEndian.PutUint32(b[:], pat)
				for range n {
					all.Write(b[:tc.size])
				}
			}
			if got, want := a.sum(), adler32.Checksum(all.Bytes()); got != want {
				t.Errorf("%d bytes: checksum %08x, want %08x", all.Len(), got, want)
			}
		})
	}
}
