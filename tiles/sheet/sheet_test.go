package sheet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// The test campaign has no dashed symbols (retreats, battle areas), so the
// tests run on any version of the tiles package.
var (
	testOnce     sync.Once
	testCampaign *overlays.Campaign
	testRend     *tiles.Renderer
	testErr      error
)

func testRenderer(t testing.TB) (*tiles.Renderer, overlays.Selection) {
	t.Helper()
	testOnce.Do(func() {
		testCampaign, testErr = overlays.LoadDir("testdata/campaign")
		if testErr == nil {
			testRend = tiles.New(testCampaign)
		}
	})
	if testErr != nil {
		t.Fatal(testErr)
	}
	sel, err := testCampaign.Select("all")
	if err != nil {
		t.Fatal(err)
	}
	return testRend, sel
}

// siegeDay is a day the test campaign's siege is on.
var siegeDay = geo.Date(1944, 7, 1)

func TestLayout(t *testing.T) {
	r, sel := testRenderer(t)
	for _, p := range Papers() {
		for _, o := range []Orientation{Landscape, Portrait} {
			t.Run(fmt.Sprintf("%s %s", p, o), func(t *testing.T) {
				s, err := New(r, sel, Request{Day: siegeDay, Paper: p, Orientation: o, DPI: 100})
				if err != nil {
					t.Fatal(err)
				}
				l := s.Layout
				pw, ph, _ := PageSize(p, o)
				if l.Page != (Rect{0, 0, pw, ph}) {
					t.Errorf("page %+v, want %gx%g", l.Page, pw, ph)
				}
				inner := l.Page.Inset(28)
				blocks := map[string]Rect{"header": l.Header, "frame": l.Frame, "locator": l.Locator, "legend": l.Legend,
					"scale": l.Scale, "sources": l.Sources, "footer": l.Footer}
				for name, b := range blocks {
					if b.Empty() || b.X < inner.X || b.Y < inner.Y || b.Right() > inner.Right() || b.Bottom() > inner.Bottom() {
						t.Errorf("%s %+v is empty or outside the margins %+v", name, b, inner)
					}
					for other, o := range blocks {
						if other < name && b.Intersects(o) {
							t.Errorf("%s %+v overlaps %s %+v", name, b, other, o)
						}
					}
				}
				m := l.Map
				if m.X <= l.Frame.X || m.Right() >= l.Frame.Right() || m.Y <= l.Frame.Y || m.Bottom() >= l.Frame.Bottom() {
					t.Errorf("map %+v not inside its frame %+v", m, l.Frame)
				}
				k := 100.0 / 72
				for _, v := range []float64{m.X * k, m.Y * k, m.W * k, m.H * k} {
					if math.Abs(v-math.Round(v)) > 1e-6 {
						t.Errorf("map %+v is not on whole pixels at 100 dpi", m)
					}
				}
				if s.Frame.Width != int(math.Round(m.W*k)) || s.Frame.Height != int(math.Round(m.H*k)) {
					t.Errorf("frame %dx%d for a map of %gx%g pt", s.Frame.Width, s.Frame.Height, m.W, m.H)
				}
				sb := l.ScaleBar
				if sb.X < l.Scale.X || sb.Right() > l.Scale.Right() || sb.Y < l.Scale.Y || sb.Bottom() > l.Scale.Bottom() {
					t.Errorf("scale bar %+v outside its block %+v", sb, l.Scale)
				}
				if sb.W != s.Scale.Length || sb.W < 0.4*(l.Scale.W-l.North.W) {
					t.Errorf("scale bar %g pt long for %g pt; block %g wide", sb.W, s.Scale.Length, l.Scale.W)
				}
				if l.North.X < l.Scale.X || l.North.Right() > sb.X {
					t.Errorf("north arrow %+v not left of the bar %+v", l.North, sb)
				}
				if s.legend.more != 0 {
					t.Errorf("legend left out %d entries", s.legend.more)
				}
			})
		}
	}
}

func TestScaleBarGeodesic(t *testing.T) {
	r, sel := testRenderer(t)
	tests := map[string]Request{
		"auto":      {Day: siegeDay, DPI: 100},
		"north":     {Day: geo.NoDay, BBox: orb.Bound{Min: orb.Point{10, 60}, Max: orb.Point{12, 61}}, DPI: 150},
		"equator":   {Day: geo.NoDay, BBox: orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}, DPI: 72, Paper: Letter},
		"town":      {Day: siegeDay, BBox: orb.Bound{Min: orb.Point{112.58, 26.86}, Max: orb.Point{112.66, 26.92}}, DPI: 300, Orientation: Portrait},
		"a country": {Day: geo.NoDay, BBox: orb.Bound{Min: orb.Point{73, 18}, Max: orb.Point{135, 53}}, DPI: 100, Paper: A3},
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := New(r, sel, req)
			if err != nil {
				t.Fatal(err)
			}
			// Two points Length points apart across the map's centre.
			m := s.Layout.Map
			cx, cy := m.X+m.W/2, m.Y+m.H/2
			a, b := s.fromPage(cx-s.Scale.Length/2, cy), s.fromPage(cx+s.Scale.Length/2, cy)
			d := orbgeo.Distance(a, b)
			if math.Abs(d-s.Scale.Metres)/s.Scale.Metres > 0.001 {
				t.Errorf("bar of %g pt says %g m; the points %v and %v are %g m apart", s.Scale.Length, s.Scale.Metres, a, b, d)
			}
			if math.Abs(s.Scale.Lat-(a[1]+b[1])/2) > 1e-6 {
				t.Errorf("scale latitude %g, map centre %g", s.Scale.Lat, (a[1]+b[1])/2)
			}
			if f := s.Scale.Metres / 1000 / math.Pow(10, math.Floor(math.Log10(s.Scale.Metres/1000))); f != 1 && f != 2 && f != 5 {
				t.Errorf("bar of %g m is not 1, 2 or 5 times a power of ten", s.Scale.Metres)
			}
		})
	}
}

// fromPage inverts toPage: the lon/lat of a page point.
func (s *Sheet) fromPage(x, y float64) orb.Point {
	k := s.pxPerPt()
	ppw := s.Frame.PixelsPerWorld()
	return geo.FromWorld(orb.Point{(s.Frame.X + (x-s.Layout.Map.X)*k) / ppw, (s.Frame.Y + (y-s.Layout.Map.Y)*k) / ppw})
}

func TestScaleBarLabels(t *testing.T) {
	tests := []struct {
		metresPerPoint, max float64
		metres              float64
		end, half, fraction string
	}{
		{1000, 150, 100_000, "100 km", "50", "1:2,830,000"},
		{350, 150, 50_000, "50 km", "25", "1:992,000"},
		{12, 130, 1000, "1 km", "0.5", "1:34,000"},
		{5, 130, 500, "500 m", "250", "1:14,200"},
		{30000, 160, 2_000_000, "2000 km", "1000", "1:85,000,000"},
	}
	for _, tc := range tests {
		b := ScaleBar{MetresPerPoint: tc.metresPerPoint, Denominator: tc.metresPerPoint / (metresPerInch / 72)}.withLength(tc.max)
		if b.Metres != tc.metres || b.Label(b.Metres, true) != tc.end || b.Label(b.Metres/2, false) != tc.half || b.Fraction() != tc.fraction {
			t.Errorf("%g m/pt in %g pt: %g m, %q, %q, %q; want %g, %q, %q, %q", tc.metresPerPoint, tc.max,
				b.Metres, b.Label(b.Metres, true), b.Label(b.Metres/2, false), b.Fraction(), tc.metres, tc.end, tc.half, tc.fraction)
		}
		if b.Length > tc.max || b.Length < 0.4*tc.max {
			t.Errorf("%g m/pt: bar %g pt long for %g", tc.metresPerPoint, b.Length, tc.max)
		}
	}
}

func TestDMS(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{112, "112°E"}, {112.5, "112°30′E"}, {-0.25, "0°15′W"}, {0, "0°"}, {27.999999, "28°E"}, {112 + 1.0/6, "112°10′E"},
	}
	for _, tc := range tests {
		if got := dms(tc.v, "E", "W"); got != tc.want {
			t.Errorf("dms(%g) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestGraticule(t *testing.T) {
	r, sel := testRenderer(t)
	tests := map[string]struct {
		box  orb.Bound
		step float64
	}{
		"province": {orb.Bound{Min: orb.Point{109, 25}, Max: orb.Point{115, 30}}, 1},
		"region":   {orb.Bound{Min: orb.Point{112, 26.5}, Max: orb.Point{114, 28}}, 0.25},
		"town":     {orb.Bound{Min: orb.Point{112.58, 26.86}, Max: orb.Point{112.66, 26.92}}, 1.0 / 60},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := New(r, sel, Request{Day: siegeDay, BBox: tc.box, DPI: 72})
			if err != nil {
				t.Fatal(err)
			}
			g := s.grat
			if math.Abs(g.step-tc.step) > 1e-9 || len(g.x) < 3 || len(g.y) < 2 {
				t.Fatalf("step %g with %d meridians and %d parallels; want step %g", g.step, len(g.x), len(g.y), tc.step)
			}
			for i, lon := range g.lons {
				if v := lon / g.step; math.Abs(v-math.Round(v)) > 1e-9 {
					t.Errorf("meridian %g is not a multiple of %g", lon, g.step)
				}
				if p := s.toPage(orb.Point{lon, 27}); math.Abs(p[0]-g.x[i]) > 1e-9 {
					t.Errorf("meridian %g at x %g, projects to %g", lon, g.x[i], p[0])
				}
			}
			for i, lat := range g.lat {
				if p := s.toPage(orb.Point{112, lat}); math.Abs(p[1]-g.y[i]) > 1e-9 {
					t.Errorf("parallel %g at y %g, projects to %g", lat, g.y[i], p[1])
				}
			}
		})
	}
}

func TestSheetText(t *testing.T) {
	r, sel := testRenderer(t)
	s, err := New(r, sel, Request{Day: siegeDay, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	if s.Title != "Siege of Hengyang (test), June–August 1944" || s.Subtitle != "Situation on 1 July 1944" || s.DateLine != "" {
		t.Errorf("title %q, subtitle %q, date line %q", s.Title, s.Subtitle, s.DateLine)
	}
	if s.Attribution != "Natural Earth; GeoNames; xiang test data" {
		t.Errorf("attribution %q", s.Attribution)
	}
	var ids []string
	for _, e := range s.Legend {
		ids = append(ids, e.ID)
	}
	// The airfield ended on 25 June and no movement is under way on 1 July.
	if got := fmt.Sprint(ids); got != "[unit-japan unit-china advance-japan siege fortification place river railway]" {
		t.Errorf("legend %s", got)
	}
	var src []string
	for _, x := range s.Sources {
		src = append(src, x.ID)
	}
	// S2 is cited by three features; S99 belongs to a unit of 1945.
	if got := fmt.Sprint(src); got != "[S2 S1 S3 S4 S5 S6 S7 S10 S11 S12 S13 S14]" {
		t.Errorf("sources %s", got)
	}

	custom, err := New(r, sel, Request{Day: geo.NoDay, DPI: 72, Title: "My map", Subtitle: "For the class"})
	if err != nil {
		t.Fatal(err)
	}
	if custom.Title != "My map" || custom.Subtitle != "For the class" ||
		custom.DateLine != "Summary, 1 June 1944 – 1 February 1945: every feature, every movement complete" {
		t.Errorf("custom: title %q, subtitle %q, date line %q", custom.Title, custom.Subtitle, custom.DateLine)
	}
}

func TestNewErrors(t *testing.T) {
	r, sel := testRenderer(t)
	tests := map[string]struct {
		sel overlays.Selection
		req Request
		err error
	}{
		"bad paper":   {sel, Request{Day: geo.NoDay, Paper: "B5"}, ErrPaper},
		"bad dpi":     {sel, Request{Day: geo.NoDay, DPI: 1000}, ErrDPI},
		"bad format":  {sel, Request{Day: geo.NoDay, Format: "svg"}, ErrFormat},
		"bad box":     {sel, Request{Day: geo.NoDay, BBox: orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{1, 2}}}, ErrBBox},
		"too large":   {sel, Request{Day: geo.NoDay, Paper: Tabloid, DPI: 600}, ErrTooLarge},
		"nothing fit": {overlays.Selection{}, Request{Day: geo.NoDay}, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(r, tc.sel, tc.req)
			var re *RequestError
			if tc.err == nil {
				// An empty selection falls back to the campaign's bound.
				if err != nil {
					t.Errorf("New: %v", err)
				}
				return
			}
			if !errors.As(err, &re) || !errors.Is(err, tc.err) {
				t.Errorf("New: %v; want a *RequestError wrapping %v", err, tc.err)
			}
		})
	}
}

func TestWriteCancelled(t *testing.T) {
	r, sel := testRenderer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, f := range []Format{PDF, PNG} {
		var buf bytes.Buffer
		if err := Write(ctx, &buf, r, sel, Request{Day: siegeDay, DPI: 72, Format: f}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: %v, want context.Canceled", f, err)
		}
	}
}

func TestSources(t *testing.T) {
	l := &overlays.Layer{Sources: []overlays.Source{{ID: "S2", Title: "Two"}, {ID: "S10", Title: "Ten"}, {ID: "S10b", Title: "Ten b"}, {ID: "X", Title: "Two"}}}
	feat := func(src string) *overlays.Feature {
		return &overlays.Feature{Layer: l, Properties: map[string]any{"source": src}}
	}
	l.Features = []*overlays.Feature{feat("S10b; S10"), feat("S2;S10;;"), feat("X"), feat("S404"), feat(""), {Layer: l, Properties: map[string]any{"source": 7}}}
	got := sources(overlays.Selection{l})
	want := []overlays.Source{{ID: "S2", Title: "Two"}, {ID: "S10", Title: "Ten"}, {ID: "S10b", Title: "Ten b"}, {ID: "S404"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("sources = %v\nwant %v", got, want)
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{{"S2", "S10", -1}, {"S10", "S10b", -1}, {"S10b", "S9", 1}, {"T1", "S99", 1}, {"S01", "S1", 0}, {"", "S", -1}} {
		if got := compareIDs(tc.a, tc.b); got != tc.want {
			t.Errorf("compareIDs(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestTypeset(t *testing.T) {
	ts := newTypeset(fonts.Default())
	if _, ok := fonts.Default().HasCJK(); ok {
		runs := ts.runs("krzzjn.com (抗日战争纪念网), 衡阳 and more")
		if len(runs) != 5 || !runs[1].cjk || runs[1].text != "抗日战争纪念网" || runs[2].text != "), " || !runs[3].cjk {
			t.Errorf("runs: %+v", runs)
		}
	}
	if runs := ts.runs("112°30′E – Hengyang · 1:2,000"); len(runs) != 1 || runs[0].cjk {
		t.Errorf("the Go fonts should set %+v", runs)
	}
	long := "Japanese advance; head where the troops are on the date"
	lines := ts.wrap(long, 7, false, 80, 4)
	if len(lines) < 2 {
		t.Fatalf("wrap: %q", lines)
	}
	for _, l := range lines {
		if w := ts.width(l, 7, false); w > 80 {
			t.Errorf("line %q is %g pt wide, more than 80", l, w)
		}
	}
	if got := ts.wrap(long, 7, false, 80, 2); len(got) != 2 || got[1][len(got[1])-len("…"):] != "…" {
		t.Errorf("wrap to 2 lines: %q", got)
	}
	if got := ts.fit(long, 7, true, 60); ts.width(got, 7, true) > 60 || got[len(got)-len("…"):] != "…" {
		t.Errorf("fit: %q", got)
	}
	if got := ts.fit("short", 7, false, 60); got != "short" {
		t.Errorf("fit short: %q", got)
	}
}

// TestMapLabelsInside: the map of a sheet places its labels inside itself,
// so that none is cut at the map's edge, and strips agree with the whole.
func TestMapLabelsInside(t *testing.T) {
	r, sel := testRenderer(t)
	for _, req := range []Request{
		{Day: siegeDay, DPI: 96},
		{Day: siegeDay, DPI: 96, BBox: orb.Bound{Min: orb.Point{112.55, 26.85}, Max: orb.Point{112.7, 26.95}}},
		// Boxes whose edges cross labels placed for the endless map.
		{Day: siegeDay, DPI: 96, BBox: orb.Bound{Min: orb.Point{112.44, 26.8}, Max: orb.Point{112.56, 26.98}}},
		{Day: siegeDay, DPI: 96, BBox: orb.Bound{Min: orb.Point{112.52, 26.8}, Max: orb.Point{112.64, 26.98}}},
		{Day: siegeDay, DPI: 96, BBox: orb.Bound{Min: orb.Point{112.66, 26.8}, Max: orb.Point{112.78, 26.98}}},
	} {
		s, err := New(r, sel, req)
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.PlanIn(context.Background(), sel, req.Day, s.Frame, s.Frame)
		if err != nil {
			t.Fatal(err)
		}
		boxes := p.LabelBoxes()
		if len(boxes) == 0 {
			t.Fatalf("%v: no labels on the map; the test needs some", req.BBox)
		}
		for _, b := range boxes {
			if b.Min[0] < 0 || b.Min[1] < 0 || b.Max[0] > float64(s.Frame.Width) || b.Max[1] > float64(s.Frame.Height) {
				t.Errorf("%v: label box %v crosses the map's edge (%dx%d)", req.BBox, b, s.Frame.Width, s.Frame.Height)
			}
		}
	}
}
