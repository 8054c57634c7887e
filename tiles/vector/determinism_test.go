package vector

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// TestEncodeLeavesDataAlone encodes the pyramid z6–z10 twice: the bytes
// must be equal, and the campaign's geometry unchanged (clipping must not
// write into the features, which the raster renderer shares).
func TestEncodeLeavesDataAlone(t *testing.T) {
	c, s := set(t)
	dump := func() string {
		var b bytes.Buffer
		for _, l := range c.Layers {
			for _, f := range l.Features {
				fmt.Fprint(&b, f.World)
			}
		}
		return b.String()
	}
	before := dump()
	tiles := pyramid(s, 6, 10)
	first := make([][]byte, len(tiles))
	for i, tl := range tiles {
		b, err := s.Encode(context.Background(), tl)
		if err != nil {
			t.Fatal(err)
		}
		first[i] = b
	}
	if dump() != before {
		t.Fatal("encoding changed the campaign's world geometry")
	}
	for i, tl := range tiles {
		b, _ := s.Encode(context.Background(), tl)
		if !bytes.Equal(b, first[i]) {
			t.Fatalf("tile %v: %d bytes, then %d", tl, len(first[i]), len(b))
		}
	}
}
