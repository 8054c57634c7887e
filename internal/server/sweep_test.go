package server

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// TestDateSweep requests one tile on 60 consecutive days while the test
// campaign's march crosses it (it enters the tile, z8 208/108 around
// Hengyang, about 19 June 1944 and stops inside it on 30 June) and a siege
// ring appears in it for 15–20 July. A tile is rendered only for a content
// not seen before: the number of renders equals the number of distinct
// PNGs, and the ETag repeats exactly when the bytes do.
func TestDateSweep(t *testing.T) {
	s, ts := newServer(t, "", Config{})
	const days = 60
	first := geo.Date(1944, 6, 1)
	etags := make([]string, days)
	bodies := make([]string, days)
	distinct := map[string]bool{}
	empty := 0
	for i := range days {
		path := fmt.Sprintf("/tiles/all/%s/8/208/108.png", first+geo.Day(i))
		res := get(t, ts, path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, res.status, res.body)
		}
		etags[i], bodies[i] = res.header.Get("Etag"), string(res.body)
		distinct[bodies[i]] = true
		if metric(t, ts, "xiang_tiles_empty_total") > float64(empty) {
			empty++
		}
	}
	if empty > 0 {
		t.Fatalf("%d empty days: the tile must show something every day for this test", empty)
	}
	// The server renders once per distinct plan key…
	d := s.data.Load()
	keys := map[tiles.Key]bool{}
	for i := range days {
		p, err := d.renderer.Plan(context.Background(), overlays.Selection(d.campaign.Layers), first+geo.Day(i), geo.TileFrame(maptile.New(208, 108, 8), 1))
		if err != nil {
			t.Fatal(err)
		}
		keys[p.Key()] = true
	}
	got := renders(t, ts)
	if got != len(keys) {
		t.Errorf("%d renders for %d distinct plan keys over %d days", got, len(keys), days)
	}
	// …and a key must change only when the pixels do.
	if got != len(distinct) {
		t.Errorf("%d renders for %d distinct contents over %d days: %d plan keys draw the same bytes as another "+
			"(tiles.Plan.Key counts drawing that paints nothing in the tile, e.g. a movement within its overhang of the edge)",
			got, len(distinct), days, len(keys)-len(distinct))
	}
	for i := range days {
		for j := i + 1; j < days; j++ {
			if (etags[i] == etags[j]) != (bodies[i] == bodies[j]) {
				t.Errorf("%s and %s: ETags %s, %s; same bytes: %v", first+geo.Day(i), first+geo.Day(j),
					etags[i], etags[j], bodies[i] == bodies[j])
			}
		}
	}
	// The content must both change (the march moves through the tile) and
	// stay (before the march, after it stops, after the siege) for the
	// test to mean anything.
	unchanged := 0
	for i := 1; i < days; i++ {
		if etags[i] == etags[i-1] {
			unchanged++
		}
	}
	t.Logf("%d days, %d distinct contents, %d days unchanged from the day before", days, len(distinct), unchanged)
	if len(distinct) < 8 || unchanged < 20 {
		t.Errorf("%d distinct contents and %d unchanged days: the sweep does not cross the march", len(distinct), unchanged)
	}
	// 1 July (march over, no siege) and 25 July (siege over) look alike.
	if etags[30] != etags[54] {
		t.Errorf("1 July and 25 July differ: %s, %s", etags[30], etags[54])
	}
	if etags[30] == etags[45] {
		t.Errorf("the siege ring of 16 July does not show")
	}

	// A second sweep renders nothing: every day is a hit.
	before := renders(t, ts)
	for i := range days {
		res := get(t, ts, fmt.Sprintf("/tiles/all/%s/8/208/108.png", first+geo.Day(i)))
		if res.header.Get("Etag") != etags[i] || string(res.body) != bodies[i] {
			t.Errorf("day %d changed on the second sweep", i)
		}
	}
	if after := renders(t, ts); after != before {
		t.Errorf("second sweep rendered %d tiles", after-before)
	}
}
