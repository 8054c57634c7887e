package overlays

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/xiang-maps/xiang/geo"
)

func day(t testing.TB, s string) geo.Day {
	t.Helper()
	d, err := geo.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestVisibilityInclusive(t *testing.T) {
	c := loadGood(t)
	ring := c.Layers[1].Features[3] // 1944-06-23 .. 1944-08-08
	for _, tc := range []struct {
		day  string
		want bool
	}{{"1944-06-22", false}, {"1944-06-23", true}, {"1944-07-15", true}, {"1944-08-08", true}, {"1944-08-09", false}} {
		if got := ring.At(day(t, tc.day)).Visible; got != tc.want {
			t.Errorf("%s visible on %s = %v, want %v", ring, tc.day, got, tc.want)
		}
	}
	if !ring.At(geo.NoDay).Visible {
		t.Error("summary must show every feature")
	}
	river := c.Layers[0].Features[0]
	if !river.At(day(t, "0500-01-01")).Visible {
		t.Error("an undated feature must be visible on any day")
	}
}

func TestMovementHalfway(t *testing.T) {
	c := loadGood(t)
	m := c.Layers[1].Features[0] // coordTimes 1944-06-10, 1944-06-12
	length := orbgeo.LengthHaversine(m.Geometry)
	tests := []struct {
		day      string
		fraction float64
		moving   bool
	}{
		{"1944-06-05", 0, false}, {"1944-06-10", 0, false}, {"1944-06-11", 0.5, true},
		{"1944-06-12", 1, false}, {"1944-06-30", 1, false},
	}
	for _, tc := range tests {
		s := m.At(day(t, tc.day))
		if !s.Visible || s.Moving != tc.moving {
			t.Errorf("%s: state %+v", tc.day, s)
		}
		cut := m.GeometryAt(s).(orb.LineString)
		got := orbgeo.LengthHaversine(cut)
		if math.Abs(got-tc.fraction*length) > 0.01*length {
			t.Errorf("%s: drawn %.0f m of %.0f m, want %.0f%%", tc.day, got, length, tc.fraction*100)
		}
		p, _ := m.Position(s)
		if p != cut[len(cut)-1] {
			t.Errorf("%s: position %v is not the end of the cut line %v", tc.day, p, cut)
		}
	}
	if s := m.At(geo.NoDay); m.Progress(s) != 1 {
		t.Errorf("summary progress = %f", m.Progress(s))
	}
}

func TestMovementUniformAndHalts(t *testing.T) {
	c := loadGood(t)
	uniform := c.Layers[1].Features[1] // 1944-06-01 .. 1944-06-30, no coordTimes, 2 equal segments
	s := uniform.At(day(t, "1944-06-15"))
	want := float64(14) / 29
	if got := uniform.Progress(s); math.Abs(got-want) > 1e-9 || !s.Moving {
		t.Errorf("uniform progress on 06-15 = %f (moving %v), want %f", got, s.Moving, want)
	}
	halting := c.Layers[1].Features[2] // vertex 1 and 2 both on 07-05
	s = halting.At(day(t, "1944-07-05"))
	p, _ := halting.Position(s)
	if math.Abs(p[0]-111) > 1e-9 {
		t.Errorf("on the day two vertices share, position = %v, want the later vertex (111, 26)", p)
	}
	if a, b := halting.At(day(t, "1944-07-03")), halting.At(day(t, "1944-07-04")); !(a.Distance < b.Distance) || a == b {
		t.Errorf("states must advance day by day: %+v, %+v", a, b)
	}
}

func TestExport(t *testing.T) {
	c := loadGood(t)
	fc := Export(Selection(c.Layers), day(t, "1944-06-11"))
	if len(fc.Features) != 4 { // river, two movements, place
		t.Fatalf("export on 1944-06-11 has %d features", len(fc.Features))
	}
	var moving int
	for _, f := range fc.Features {
		if f.Properties["kind"] == "movement" && f.Properties["name"] == "Two-day march" {
			moving++
			if f.Properties["progress"] != 0.5 {
				t.Errorf("progress = %v", f.Properties["progress"])
			}
		}
	}
	if moving != 1 || fc.ExtraMembers["date"] != "1944-06-11" {
		t.Errorf("export: %d moving, date %v", moving, fc.ExtraMembers["date"])
	}
	if c.Layers[1].Features[0].Properties["progress"] != nil {
		t.Error("Export modified the campaign's properties")
	}
}

func FuzzLoadFeature(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","properties":{"kind":"movement","side":"japan","source":"x","coordTimes":["1944-06-01","1944-06-03"]},"geometry":{"type":"LineString","coordinates":[[112,28],[113,28]]}}`))
	f.Add([]byte(`{"type":"Feature","properties":{"kind":"area"},"geometry":{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}}`))
	f.Add([]byte(`{"type":"Feature","properties":{"kind":"place","stroke":"#abc","rank":2},"geometry":{"type":"Point","coordinates":[1,1]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		ft, errs := decodeFeature(data) // never panics
		if len(errs) > 0 {
			return
		}
		// A valid feature has a known kind, a geometry of an allowed type, and
		// a state on any day that can be drawn.
		if !ft.Kind.Known() || ft.Geometry == nil {
			t.Fatalf("accepted %s with kind %q, geometry %v", data, ft.Kind, ft.Geometry)
		}
		ft.Layer = &Layer{ID: "f"}
		for _, d := range []geo.Day{geo.NoDay, 0, geo.Date(1944, 6, 2)} {
			s := ft.At(d)
			if s.Visible && ft.GeometryAt(s) == nil {
				t.Fatalf("visible feature without geometry: %s", data)
			}
			if p := ft.Progress(s); p < 0 || p > 1 || math.IsNaN(p) {
				t.Fatalf("progress %f: %s", p, data)
			}
		}
	})
}
