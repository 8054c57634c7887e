package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// TestOneEmptyETag: a tile found empty by its plan and a tile whose plan
// draws but paints nothing go out with the same bytes and the same ETag,
// at both scales.
func TestOneEmptyETag(t *testing.T) {
	s, ts := newServer(t, "", Config{Load: hunan.Load, Source: "hunan"})
	d := s.data.Load()
	day := geo.Date(1944, 7, 15)
	sel := overlays.Selection(d.campaign.Layers)
	for i, scale := range []string{"", "@2x"} {
		// Search the Hengyang block at z10 for tiles whose plans are not
		// empty but draw nothing (a feature's overhang reaches the tile,
		// its ink does not).
		var drawnEmpty []maptile.Tile
		for x := uint32(822); x <= 840; x++ {
			for y := uint32(422); y <= 442; y++ {
				tl := maptile.New(x, y, 10)
				p, err := d.renderer.Plan(context.Background(), sel, day, geo.TileFrame(tl, i+1))
				if err != nil {
					t.Fatal(err)
				}
				if p.Empty() {
					continue
				}
				if empty, err := d.renderer.Encode(io.Discard, p); err != nil {
					t.Fatal(err)
				} else if empty {
					drawnEmpty = append(drawnEmpty, tl)
				}
			}
		}
		if len(drawnEmpty) == 0 {
			t.Fatalf("no tile near Hengyang is drawn empty at scale %d; the test needs one", i+1)
		}
		far := get(t, ts, "/tiles/all/1944-07-15/10/0/0"+scale+".png")
		for _, tl := range drawnEmpty[:min(3, len(drawnEmpty))] {
			res := get(t, ts, fmt.Sprintf("/tiles/all/1944-07-15/%d/%d/%d%s.png", tl.Z, tl.X, tl.Y, scale))
			if res.status != 200 || far.status != 200 {
				t.Fatalf("statuses %d, %d", res.status, far.status)
			}
			if !bytes.Equal(res.body, far.body) {
				t.Errorf("%v%s: %d bytes, the plan-empty tile %d bytes", tl, scale, len(res.body), len(far.body))
			}
			if a, b := res.header.Get("ETag"), far.header.Get("ETag"); a != b || a == "" {
				t.Errorf("%v%s: ETag %s, the plan-empty tile's %s", tl, scale, a, b)
			}
		}
	}
}
