package tiles

import (
	"context"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/cache"
	"github.com/xiang-maps/xiang/tiles/paint"
)

func TestGeneralizeUnits(t *testing.T) {
	fc := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"kind":"unit","side":"china","source":"T","name":"3rd Division","echelon":"division"},"geometry":{"type":"Point","coordinates":[112.605,26.895]}},
		{"type":"Feature","properties":{"kind":"unit","side":"china","source":"T","name":"10th Army","echelon":"corps"},"geometry":{"type":"Point","coordinates":[112.62,26.89]}},
		{"type":"Feature","properties":{"kind":"unit","side":"china","source":"T","name":"570th Regiment","echelon":"regiment"},"geometry":{"type":"Point","coordinates":[112.61,26.88]}},
		{"type":"Feature","properties":{"kind":"unit","side":"china","source":"T","name":"62nd Army","echelon":"corps"},"geometry":{"type":"Point","coordinates":[112.0,26.5]}},
		{"type":"Feature","properties":{"kind":"unit","side":"japan","source":"T","name":"68th Division","echelon":"division"},"geometry":{"type":"Point","coordinates":[112.615,26.885]}}
	]}`
	c, err := overlays.Load(fstest.MapFS{"u.geojson": {Data: []byte(fc)}})
	if err != nil {
		t.Fatal(err)
	}
	r := New(c)
	sel := overlays.Selection(c.Layers)
	symbols := func(zoom float64) (names []string) {
		f := geo.CenterFrame(orb.Point{112.35, 26.7}, zoom, 1, 4000, 4000)
		p, err := r.Plan(context.Background(), sel, geo.NoDay, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range p.prims {
			if pr.Op == paint.OpSymbol {
				side := "china"
				if pr.Sym.Color == overlays.ColorJapan {
					side = "japan"
				}
				names = append(names, side+" "+pr.Sym.Echelon)
			}
		}
		slices.Sort(names)
		return names
	}
	// At zoom 7 the three Chinese units at Hengyang overlap: the corps
	// stays, the division and regiment give way; the distant army stays, and
	// so does the Japanese division on top of them: sides never hide each
	// other.
	if got, want := symbols(7), []string{"china corps", "china corps", "japan division"}; !slices.Equal(got, want) {
		t.Errorf("zoom 7 symbols %v, want %v", got, want)
	}
	// From zoom 10 every unit is drawn.
	if got, want := symbols(10), []string{"china corps", "china corps", "china division", "china regiment", "japan division"}; !slices.Equal(got, want) {
		t.Errorf("zoom 10 symbols %v, want %v", got, want)
	}
}

func TestLayoutCacheBound(t *testing.T) {
	lc := cache.New(2000, layoutSize)
	mk := func(n int) *layout {
		lay := &layout{}
		for range n {
			lay.labels = append(lay.labels, &paint.Label{Lines: []paint.TextLine{{Text: "Hengyang"}}})
		}
		return lay
	}
	for d := range 50 {
		lc.Do(context.Background(), layoutKey{sel: "all", day: geo.Day(d)}, func(context.Context) (*layout, error) { return mk(3), nil })
		if st := lc.Stats(); st.Bytes > st.MaxBytes {
			t.Fatalf("after %d layouts the cache holds %d bytes, over its bound %d", d+1, st.Bytes, st.MaxBytes)
		}
	}
	if n := lc.Stats().Entries; n < 2 || n > 10 {
		t.Errorf("%d layouts kept", n)
	}
	// The most recent layout is kept, the oldest gone.
	built := false
	lc.Do(context.Background(), layoutKey{sel: "all", day: 49}, func(context.Context) (*layout, error) { built = true; return mk(3), nil })
	if built {
		t.Error("the most recent layout was evicted")
	}
	lc.Do(context.Background(), layoutKey{sel: "all", day: 0}, func(context.Context) (*layout, error) { built = true; return mk(3), nil })
	if !built {
		t.Error("the oldest layout was kept")
	}
}
