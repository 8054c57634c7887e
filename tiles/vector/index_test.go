package vector

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
)

// TestIndex checks that the grid finds, in order, exactly the pieces whose
// bound meets each tile of the campaign's pyramid, z0 to z12, as a scan of
// every piece does.
func TestIndex(t *testing.T) {
	_, s := set(t)
	for _, tl := range pyramid(s, 0, 12) {
		b := worldBound(tl)
		var got, want []int32
		s.index.query(b, s.bounds, func(i int32) { got = append(got, i) })
		for i, pb := range s.bounds {
			if pb.Intersects(b) {
				want = append(want, int32(i))
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("tile %v: the index finds %d pieces, a scan %d", tl, len(got), len(want))
		}
		if s.Empty(tl) != (len(want) == 0) {
			t.Fatalf("tile %v: Empty %v with %d pieces", tl, s.Empty(tl), len(want))
		}
	}
}

// TestConcurrentEncode encodes the z6–z9 pyramid from four goroutines at
// once (run with -race) and checks each gets the bytes of a lone encode.
func TestConcurrentEncode(t *testing.T) {
	_, s := set(t)
	tiles := pyramid(s, 6, 9)
	want := make([][]byte, len(tiles))
	for i, tl := range tiles {
		want[i], _ = s.Encode(context.Background(), tl)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(tiles); i += 2 {
				got, err := s.Encode(context.Background(), tiles[i])
				if err != nil || !bytes.Equal(got, want[i]) {
					t.Errorf("tile %v: differs when encoded concurrently (%v)", tiles[i], err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
