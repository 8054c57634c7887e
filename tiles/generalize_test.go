package tiles

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
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
		f := CenterFrame(orb.Point{112.35, 26.7}, zoom, 1, 4000, 4000)
		p, err := r.Plan(sel, geo.NoDay, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range p.prims {
			if pr.op == opSymbol {
				side := "china"
				if pr.sym.color == overlays.ColorJapan {
					side = "japan"
				}
				names = append(names, side+" "+pr.sym.echelon)
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
