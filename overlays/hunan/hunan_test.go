package hunan_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// dataDoc is the dataset's documentation, relative to this package.
const dataDoc = "../../docs/data.md"

var loaded = sync.OnceValues(hunan.Load)

// campaign returns the embedded campaign, loaded once for all tests.
func campaign(t *testing.T) *overlays.Campaign {
	t.Helper()
	c, err := loaded()
	if err != nil {
		t.Fatalf("hunan.Load: %v", err)
	}
	return c
}

func day(t *testing.T, s string) geo.Day {
	t.Helper()
	d, err := geo.ParseDay(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// match picks features by their stable properties, never by index.
type match struct {
	layer string        // layer id; "" = any layer
	kind  overlays.Kind // "" = any kind
	side  string        // "japan", "china", "usa", "none" (no side); "" = any side
	role  string        // areas' role; "" = any
	name  string        // substring of the name; "" = any
}

func (m match) String() string {
	var parts []string
	for _, kv := range [][2]string{{"layer", m.layer}, {"kind", string(m.kind)}, {"side", m.side}, {"role", m.role}, {"name~", m.name}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+strconv.Quote(kv[1]))
		}
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// props reports whether a feature's properties (as loaded, or as exported
// with their "layer") match.
func (m match) props(layer string, p geojson.Properties) bool {
	side := p.MustString("side", "")
	if side == "" {
		side = "none"
	}
	return (m.layer == "" || m.layer == layer) &&
		(m.kind == "" || string(m.kind) == p.MustString("kind", "")) &&
		(m.side == "" || m.side == side) &&
		(m.role == "" || m.role == p.MustString("role", "")) &&
		strings.Contains(p.MustString("name", ""), m.name)
}

// features returns the campaign's features that match m.
func features(c *overlays.Campaign, m match) []*overlays.Feature {
	var out []*overlays.Feature
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if m.props(l.ID, f.Properties) {
				out = append(out, f)
			}
		}
	}
	return out
}

// one returns the single feature that matches m.
func one(t *testing.T, c *overlays.Campaign, m match) *overlays.Feature {
	t.Helper()
	fs := features(c, m)
	if len(fs) != 1 {
		t.Fatalf("%v matches %d features, want exactly 1: %v", m, len(fs), fs)
	}
	return fs[0]
}

// place returns the location of the place with exactly this name.
func place(t *testing.T, c *overlays.Campaign, name string) orb.Point {
	t.Helper()
	var found []*overlays.Feature
	for _, f := range features(c, match{kind: overlays.KindPlace, name: name}) {
		if f.Name == name {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d places named %q, want 1", len(found), name)
	}
	p, ok := found[0].Geometry.(orb.Point)
	if !ok {
		t.Fatalf("place %q has a %s", name, found[0].Geometry.GeoJSONType())
	}
	return p
}

// covers reports whether an area's polygon(s) contain p.
func covers(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}

func TestLoad(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatalf("hunan.Load: %v", err)
	}
	var ids []string
	for _, l := range c.Layers {
		ids = append(ids, l.ID)
		if l.Title == "" || l.Description == "" || l.Attribution == "" || len(l.Sources) == 0 || len(l.Features) == 0 {
			t.Errorf("layer %s: title %q, description %d bytes, attribution %q, %d sources, %d features: want all set",
				l.ID, l.Title, len(l.Description), l.Attribution, len(l.Sources), len(l.Features))
		}
	}
	if want := []string{"changsha", "context", "hengyang", "yuelu", "zhijiang"}; !slices.Equal(ids, want) {
		t.Errorf("layers %v, want %v", ids, want)
	}
	// Every layer file in the directory is embedded.
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name(), ".geojson") {
			n++
		}
	}
	if n != len(c.Layers) {
		t.Errorf("%d .geojson files here, %d layers embedded", n, len(c.Layers))
	}
	// The dated story runs from the 11th Army's plan (May 1944) to the end of
	// the surrender talks at Zhijiang.
	if want := (geo.Span{From: day(t, "1944-05-01"), To: day(t, "1945-08-23")}); c.Extent != want {
		t.Errorf("campaign extent %v, want %v", c.Extent, want)
	}
	if c.Layers[1].Extent != (geo.Span{}) {
		t.Errorf("context layer has dates: %v", c.Layers[1].Extent)
	}
}

// TestStory checks the campaign day by day, through the export users get
// (overlays.Export, with each movement's "progress").
func TestStory(t *testing.T) {
	c := campaign(t)
	sel, err := c.Select("all")
	if err != nil {
		t.Fatal(err)
	}
	const (
		present = iota // at least one match is visible
		absent         // no match is visible
		moving         // at least one match is a movement with 0 < progress < 1
		done           // every match is visible with progress 1
	)
	jp, cn := "japan", "china"
	tests := []struct {
		date   string
		what   string
		m      match
		want   int
		covers string // present: a visible match covers this place
	}{
		{"1944-05-27", "the 11th Army offensive opens", match{layer: "changsha", kind: overlays.KindEvent, side: jp, name: "offensive opens"}, present, ""},
		{"1944-05-27", "Changsha is held", match{layer: "changsha", kind: overlays.KindArea, side: cn, role: "defence", name: "Changsha"}, present, "Changsha"},
		{"1944-06-01", "a Japanese movement on Changsha is under way", match{layer: "changsha", kind: overlays.KindMovement, side: jp, name: "Changsha"}, moving, ""},
		{"1944-06-01", "the centre divisions are under way", match{layer: "changsha", kind: overlays.KindMovement, side: jp, name: "68th Division"}, moving, ""},
		{"1944-06-01", "Changsha is not yet occupied", match{layer: "changsha", kind: overlays.KindArea, role: "occupied"}, absent, ""},
		{"1944-06-01", "nothing yet at Hengyang", match{layer: "hengyang", kind: overlays.KindArea}, absent, ""},
		{"1944-06-14", "Liuyang falls", match{layer: "changsha", kind: overlays.KindEvent, name: "Liuyang falls"}, present, ""},
		{"1944-06-15", "Liuyang's defence has ended", match{layer: "changsha", kind: overlays.KindArea, role: "defence", name: "Liuyang"}, absent, ""},
		{"1944-06-17", "the Yuelu artillery is in action", match{layer: "yuelu", kind: overlays.KindArtillery, side: cn}, present, ""},
		{"1944-06-17", "Yuelu is defended", match{layer: "yuelu", kind: overlays.KindArea, side: cn, role: "defence"}, present, "Yuelu Mountain"},
		{"1944-06-17", "the 4th Army crosses the Xiang by night", match{layer: "yuelu", kind: overlays.KindMovement, side: cn, name: "night crossing"}, present, ""},
		{"1944-06-18", "Changsha falls", match{layer: "changsha", kind: overlays.KindEvent, side: jp, name: "Changsha falls"}, present, ""},
		{"1944-06-19", "Changsha is occupied", match{layer: "changsha", kind: overlays.KindArea, side: jp, role: "occupied"}, present, "Changsha"},
		{"1944-06-19", "Changsha's defence has ended", match{layer: "changsha", kind: overlays.KindArea, side: cn, role: "defence"}, absent, ""},
		{"1944-06-19", "the Yuelu artillery is gone", match{layer: "yuelu", kind: overlays.KindArtillery}, absent, ""},
		{"1944-06-19", "Yuelu is in Japanese hands", match{layer: "yuelu", kind: overlays.KindArea, side: jp, role: "occupied"}, present, "Yuelu Mountain"},
		{"1944-06-19", "the drive on Changsha is complete", match{layer: "changsha", kind: overlays.KindMovement, side: jp, name: "Changsha"}, absent, ""},
		{"1944-06-22", "the divisions march on Hengyang", match{layer: "hengyang", kind: overlays.KindMovement, side: jp, name: "south of Hengyang"}, moving, ""},
		{"1944-06-26", "the US airfield is still shown", match{layer: "hengyang", kind: overlays.KindAirfield, side: "usa"}, present, ""},
		{"1944-06-27", "the airfield has been lost", match{layer: "hengyang", kind: overlays.KindAirfield}, absent, ""},
		{"1944-06-30", "the first general assault is under way", match{layer: "hengyang", kind: overlays.KindMovement, side: jp, name: "First general assault"}, moving, ""},
		{"1944-07-15", "Hengyang is besieged", match{layer: "hengyang", kind: overlays.KindArea, side: jp, role: "siege"}, present, "Hengyang"},
		{"1944-07-15", "the 10th Army holds the city", match{layer: "hengyang", kind: overlays.KindArea, side: cn, role: "defence", name: "10th Army"}, present, "Hengyang"},
		{"1944-07-15", "the defenders hold the second line", match{layer: "hengyang", kind: overlays.KindFortification, side: cn, name: "Second line"}, present, ""},
		{"1944-07-15", "Hengyang is not yet occupied", match{layer: "hengyang", kind: overlays.KindArea, role: "occupied"}, absent, ""},
		{"1944-07-15", "the first assault is over", match{layer: "hengyang", kind: overlays.KindMovement, name: "First general assault"}, absent, ""},
		{"1944-07-18", "the Tōjō cabinet resigns", match{layer: "hengyang", kind: overlays.KindEvent, name: "Tōjō"}, present, ""},
		{"1944-08-06", "the 58th Division breaks in", match{layer: "hengyang", kind: overlays.KindEvent, side: jp, name: "58th Division breaks"}, present, ""},
		{"1944-08-08", "Hengyang falls after 47 days", match{layer: "hengyang", kind: overlays.KindEvent, side: jp, name: "47 days"}, present, ""},
		{"1944-08-09", "the siege is over", match{layer: "hengyang", kind: overlays.KindArea, role: "siege"}, absent, ""},
		{"1944-08-09", "the defence is over", match{layer: "hengyang", kind: overlays.KindArea, side: cn}, absent, ""},
		{"1944-08-09", "Hengyang is occupied", match{layer: "hengyang", kind: overlays.KindArea, side: jp, role: "occupied"}, present, "Hengyang"},
		{"1945-04-09", "the West Hunan offensive opens", match{layer: "zhijiang", kind: overlays.KindEvent, side: jp, name: "offensive begins"}, present, ""},
		{"1945-05-01", "the West Hunan offensive is under way", match{layer: "zhijiang", kind: overlays.KindMovement, side: jp, name: "116th Division: Shaoyang"}, moving, ""},
		{"1945-05-01", "the battle in the Xuefeng Mountains", match{layer: "zhijiang", kind: overlays.KindArea, role: "battle", name: "Xuefeng"}, present, "Dongkou"},
		{"1945-05-18", "the Qingyan pocket", match{layer: "zhijiang", kind: overlays.KindArea, side: cn, role: "encirclement", name: "Qingyan"}, present, "Qingyan"},
		{"1945-06-07", "the Japanese are back at their start lines", match{layer: "zhijiang", kind: overlays.KindMovement, side: jp, name: "withdraw"}, done, ""},
		{"1945-06-15", "no West Hunan movement is left", match{layer: "zhijiang", kind: overlays.KindMovement}, absent, ""},
		{"1945-06-15", "no battle area is left", match{layer: "zhijiang", kind: overlays.KindArea, role: "battle"}, absent, ""},
		{"1945-06-15", "no encirclement is left", match{layer: "zhijiang", kind: overlays.KindArea, role: "encirclement"}, absent, ""},
		{"1945-06-15", "no unit is left", match{layer: "zhijiang", kind: overlays.KindUnit}, absent, ""},
		{"1945-06-15", "no front is left", match{layer: "zhijiang", kind: overlays.KindFront}, absent, ""},
		{"1945-06-15", "the Zhijiang air base is still shown", match{layer: "zhijiang", kind: overlays.KindAirfield, name: "Zhijiang"}, present, ""},
		{"1945-06-15", "Hengyang is still occupied", match{layer: "hengyang", kind: overlays.KindArea, side: jp, role: "occupied"}, present, "Hengyang"},
		{"1945-08-15", "Changsha is occupied to the end", match{layer: "changsha", kind: overlays.KindArea, side: jp, role: "occupied"}, present, "Changsha"},
		{"1945-08-16", "the occupation areas end with Japan's acceptance of the Potsdam terms", match{kind: overlays.KindArea, role: "occupied"}, absent, ""},
		{"1945-08-21", "the Japanese envoy lands at Zhijiang", match{layer: "zhijiang", kind: overlays.KindEvent, side: jp, name: "envoy lands"}, present, ""},
		{"1945-08-21", "the surrender talks at Qiliqiao", match{layer: "zhijiang", kind: overlays.KindEvent, name: "Surrender talks"}, present, ""},
		{"1945-08-24", "the talks are over", match{kind: overlays.KindEvent}, absent, ""},
	}
	exports := map[string]*geojson.FeatureCollection{}
	for _, tc := range tests {
		t.Run(tc.date+" "+tc.what, func(t *testing.T) {
			fc, ok := exports[tc.date]
			if !ok {
				fc = overlays.Export(sel, day(t, tc.date))
				exports[tc.date] = fc
			}
			if got := fc.ExtraMembers.MustString("date", ""); got != tc.date {
				t.Errorf("export date %q, want %q", got, tc.date)
			}
			var hits []*geojson.Feature
			for _, f := range fc.Features {
				if tc.m.props(f.Properties.MustString("layer", ""), f.Properties) {
					hits = append(hits, f)
				}
			}
			names := func() []string {
				var s []string
				for _, f := range hits {
					s = append(s, fmt.Sprintf("%q (progress %v)", f.Properties.MustString("name", ""), f.Properties["progress"]))
				}
				return s
			}
			switch tc.want {
			case absent:
				if len(hits) > 0 {
					t.Errorf("%v: %d visible, want none: %v", tc.m, len(hits), names())
				}
				return
			case present:
				if len(hits) == 0 {
					t.Fatalf("%v: none visible", tc.m)
				}
			case moving:
				n := 0
				for _, f := range hits {
					if p, ok := f.Properties["progress"].(float64); ok && p > 0 && p < 1 {
						n++
					}
				}
				if n == 0 {
					t.Errorf("%v: no movement in progress (0 < progress < 1) among %v", tc.m, names())
				}
			case done:
				if len(hits) == 0 {
					t.Fatalf("%v: none visible", tc.m)
				}
				for _, f := range hits {
					if p, ok := f.Properties["progress"].(float64); !ok || p != 1 {
						t.Errorf("%v: progress %v, want 1", tc.m, f.Properties["progress"])
					}
				}
			}
			if tc.covers != "" {
				p := place(t, c, tc.covers)
				if !slices.ContainsFunc(hits, func(f *geojson.Feature) bool { return covers(f.Geometry, p) }) {
					t.Errorf("%v: no visible match covers %s %v: %v", tc.m, tc.covers, p, names())
				}
			}
		})
	}
}

// TestHandovers checks that each fall is one date throughout: the defence
// ends, the occupation starts and the event is dated on the same day.
func TestHandovers(t *testing.T) {
	c := campaign(t)
	tests := []struct {
		date         string
		ends, begins match // begins: the zero match when nothing begins
		event        match
		spanDays     int // the ending feature's length in days, inclusive; 0 = not checked
		alsoEnd      []match
	}{
		{
			date:   "1944-06-18",
			ends:   match{layer: "changsha", kind: overlays.KindArea, side: "china", role: "defence", name: "Defence of Changsha"},
			begins: match{layer: "changsha", kind: overlays.KindArea, side: "japan", role: "occupied"},
			event:  match{layer: "changsha", kind: overlays.KindEvent, name: "Changsha falls"},
		},
		{
			date:    "1944-06-18",
			ends:    match{layer: "yuelu", kind: overlays.KindArea, side: "china", role: "defence"},
			begins:  match{layer: "yuelu", kind: overlays.KindArea, side: "japan", role: "occupied"},
			event:   match{layer: "yuelu", kind: overlays.KindEvent, name: "Artillery silenced"},
			alsoEnd: []match{{layer: "yuelu", kind: overlays.KindArtillery, name: "Yuelu Mountain"}},
		},
		{
			date:    "1944-08-08",
			ends:    match{layer: "hengyang", kind: overlays.KindArea, side: "japan", role: "siege", name: "Siege of Hengyang"},
			begins:  match{layer: "hengyang", kind: overlays.KindArea, side: "japan", role: "occupied"},
			event:   match{layer: "hengyang", kind: overlays.KindEvent, name: "Hengyang falls"},
			alsoEnd: []match{{layer: "hengyang", kind: overlays.KindArea, side: "china", role: "defence", name: "north-west corner broken"}},
			// The 47 days (23 June – 8 August) are checked in TestHengyangRing.
		},
		{
			date:    "1945-06-07",
			ends:    match{layer: "zhijiang", kind: overlays.KindArea, role: "battle", name: "Xuefeng"},
			event:   match{layer: "zhijiang", kind: overlays.KindEvent, name: "campaign ends"},
			alsoEnd: []match{{layer: "zhijiang", kind: overlays.KindMovement, name: "116th Division withdraws"}, {layer: "zhijiang", kind: overlays.KindUnit, name: "20th Army"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.date+" "+tc.ends.layer, func(t *testing.T) {
			d := day(t, tc.date)
			for _, m := range append([]match{tc.ends}, tc.alsoEnd...) {
				f := one(t, c, m)
				if f.Span.To != d {
					t.Errorf("%v ends %v, want %v", f, f.Span.To, d)
				}
				if s := f.At(d + 1); s.Visible {
					t.Errorf("%v still visible the day after", f)
				}
			}
			if tc.begins != (match{}) {
				if f := one(t, c, tc.begins); f.Span.From != d {
					t.Errorf("%v starts %v, want %v", f, f.Span.From, d)
				}
			}
			if f := one(t, c, tc.event); f.Span.From != d {
				t.Errorf("%v dated %v, want %v", f, f.Span.From, d)
			}
			if tc.spanDays > 0 {
				if f := one(t, c, tc.ends); f.Span.Days() != tc.spanDays {
					t.Errorf("%v lasts %d days (%v), want %d", f, f.Span.Days(), f.Span, tc.spanDays)
				}
			}
		})
	}
}

// TestWestHunanSpearhead follows the 116th Division through Feature.At and
// Position: on 1 May 1945 it is between Dongkou (taken 29 April) and
// Jiangkou (reached 8 May), far short of Zhijiang.
func TestWestHunanSpearhead(t *testing.T) {
	c := campaign(t)
	f := one(t, c, match{layer: "zhijiang", kind: overlays.KindMovement, side: "japan", name: "116th Division: Shaoyang"})
	dongkou, jiangkou, zhijiang := place(t, c, "Dongkou"), place(t, c, "Jiangkou"), place(t, c, "Zhijiang")

	s := f.At(day(t, "1945-05-01"))
	if !s.Visible || !s.Moving {
		t.Fatalf("on 1945-05-01: %+v, want visible and moving", s)
	}
	pos, ok := f.Position(s)
	if !ok {
		t.Fatal("no position")
	}
	leg := orbgeo.DistanceHaversine(dongkou, jiangkou)
	if a, b := orbgeo.DistanceHaversine(pos, dongkou), orbgeo.DistanceHaversine(pos, jiangkou); a+b > leg*1.01 || a < 1000 || b < 1000 {
		t.Errorf("position %v is %.0f m from Dongkou and %.0f m from Jiangkou (%.0f m apart): want between them", pos, a, b, leg)
	}
	if line, ok := f.GeometryAt(s).(orb.LineString); !ok || line[len(line)-1] != pos {
		t.Errorf("drawn line %v does not end at the position %v", f.GeometryAt(s), pos)
	}
	if p := f.Progress(s); p <= 0.5 || p >= 1 {
		t.Errorf("progress %.3f, want past Dongkou and short of Jiangkou", p)
	}
	// Zhijiang itself was never reached: every Japanese advance and area of
	// the campaign lies east of the town.
	for _, g := range features(c, match{layer: "zhijiang", side: "japan"}) {
		if g.Kind == overlays.KindEvent {
			continue // the August 1945 envoys did land at Zhijiang
		}
		if b := g.Geometry.Bound(); b.Min[0] <= zhijiang[0]+0.3 {
			t.Errorf("%v reaches %.3f° E, within 0.3° of Zhijiang (%.3f° E)", g, b.Min[0], zhijiang[0])
		}
	}
	battle := one(t, c, match{layer: "zhijiang", kind: overlays.KindArea, role: "battle", name: "Xuefeng"})
	if b := battle.Geometry.Bound(); b.Min[0] <= zhijiang[0] {
		t.Errorf("%v extends west of Zhijiang: %v", battle, b)
	}
	for _, name := range []string{"Dongkou", "Jiangkou", "Qingyan", "Longtan", "Gaosha", "Chapuzi", "Wugang", "Wuyang"} {
		if p := place(t, c, name); !covers(battle.Geometry, p) {
			t.Errorf("%v does not cover %s %v", battle, name, p)
		}
	}
}

// TestPlaces checks the four key places against the fact sheet's
// coordinates (history.md §3a).
func TestPlaces(t *testing.T) {
	c := campaign(t)
	tests := []struct {
		name string
		want orb.Point
	}{
		{"Changsha", orb.Point{112.967, 28.200}},
		{"Yuelu Mountain", orb.Point{112.94333, 28.19472}},
		{"Hengyang", orb.Point{112.61888, 26.88946}},
		{"Zhijiang", orb.Point{109.678, 27.4409}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := place(t, c, tc.name)
			if d := orbgeo.DistanceHaversine(got, tc.want); d > 3000 {
				t.Errorf("%s at %v, %.0f m from %v: want within 3 km", tc.name, got, d, tc.want)
			}
		})
	}
}

// metres returns the distance in metres from p to the nearest point of ls,
// in a local equirectangular projection (good to well under 1 % over a few
// kilometres), and whether p lies left of the line's direction there.
func metres(ls orb.LineString, p orb.Point) (dist float64, left bool) {
	k := math.Cos(p[1] * math.Pi / 180)
	xy := func(q orb.Point) (float64, float64) {
		return (q[0] - p[0]) * k * 111320, (q[1] - p[1]) * 111320
	}
	dist = math.Inf(1)
	for i := 0; i+1 < len(ls); i++ {
		ax, ay := xy(ls[i])
		bx, by := xy(ls[i+1])
		dx, dy := bx-ax, by-ay
		u := 0.0
		if l2 := dx*dx + dy*dy; l2 > 0 {
			u = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
		}
		cx, cy := ax+u*dx, ay+u*dy
		if d := math.Hypot(cx, cy); d < dist {
			// p is at the origin; left of a→b when the cross product is positive.
			dist, left = d, dx*(-ay)-dy*(-ax) > 0
		}
	}
	return dist, left
}

// TestHengyangWestBank checks that the city centre is drawn where the sources
// put it: in the old city on the west bank of the Xiang, inside the 10th
// Army's perimeter and the siege ring, and clear of the river line, with
// Hengyang station and the airfield across the river on the east bank.
func TestHengyangWestBank(t *testing.T) {
	c := campaign(t)
	city := place(t, c, "Hengyang")
	xiang, ok := one(t, c, match{layer: "context", kind: overlays.KindRiver, name: "Xiang"}).Geometry.(orb.LineString)
	if !ok {
		t.Fatal("the Xiang is not a LineString")
	}
	// The Xiang flows north past Hengyang: the west bank is on its left.
	if d, left := metres(xiang, city); d < 150 || !left {
		t.Errorf("Hengyang %v is %.0f m from the Xiang line, left (west) bank %v: want at least 150 m, on the west bank", city, d, left)
	}
	station := orb.Point{112.62714, 26.89276} // history.md §3a, east bank
	airfield := one(t, c, match{layer: "hengyang", kind: overlays.KindAirfield, side: "usa"}).Geometry.(orb.Point)
	for name, p := range map[string]orb.Point{"Hengyang station": station, "the airfield": airfield} {
		if d, left := metres(xiang, p); left || d < 150 {
			t.Errorf("%s %v is %.0f m from the Xiang, west bank %v: want the east bank", name, p, d, left)
		}
	}
	// Every stage of the defended area covers the city centre.
	for _, m := range []match{
		{layer: "hengyang", kind: overlays.KindFortification, name: "main defence perimeter"},
		{layer: "hengyang", kind: overlays.KindArea, side: "china", role: "defence", name: "10th Army"},
		{layer: "hengyang", kind: overlays.KindArea, side: "japan", role: "siege", name: "Siege of Hengyang"},
		{layer: "hengyang", kind: overlays.KindArea, side: "japan", role: "occupied"},
	} {
		fs := features(c, m)
		if len(fs) == 0 {
			t.Errorf("%v matches nothing", m)
		}
		for _, f := range fs {
			if !covers(f.Geometry, city) {
				t.Errorf("%v does not cover the city centre %v", f, city)
			}
		}
	}
	// The siege areas are bounded east by the Xiang: they hold neither the
	// station nor the airfield.
	for _, siege := range features(c, match{layer: "hengyang", kind: overlays.KindArea, role: "siege"}) {
		for _, p := range []orb.Point{station, airfield} {
			if covers(siege.Geometry, p) {
				t.Errorf("%v covers %v on the east bank", siege, p)
			}
		}
	}
}

// TestAreaGeometry checks polygons against RFC 7946 and the dataset's own
// conventions: rings closed, exterior rings counter-clockwise, holes
// clockwise; estimated outlines marked approximate with a note; and no area
// drawn as a bare axis-aligned box.
func TestAreaGeometry(t *testing.T) {
	c := campaign(t)
	for _, l := range c.Layers {
		for _, f := range l.Features {
			var polys []orb.Polygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				polys = []orb.Polygon{g}
			case orb.MultiPolygon:
				polys = g
			default:
				continue
			}
			for i, pg := range polys {
				for j, r := range pg {
					if !r.Closed() {
						t.Errorf("%v: polygon %d ring %d is not closed", f, i, j)
					}
					want := orb.CCW
					if j > 0 {
						want = orb.CW
					}
					if o := r.Orientation(); o != want {
						t.Errorf("%v: polygon %d ring %d has orientation %v, want %v", f, i, j, o, want)
					}
				}
			}
			for i, pg := range polys {
				for j, r := range pg {
					if a, b, ok := selfIntersection(r); ok {
						t.Errorf("%v: polygon %d ring %d crosses itself: segments %d and %d", f, i, j, a, b)
					}
				}
			}
			if f.Kind != overlays.KindArea {
				continue
			}
			if f.Properties["approximate"] != true || f.Prop("note") == "" {
				t.Errorf("%v: estimated outline without approximate: true and a note", f)
			}
			for _, pg := range polys {
				ext := pg[0]
				lons, lats := map[float64]bool{}, map[float64]bool{}
				for _, p := range ext {
					lons[p[0]], lats[p[1]] = true, true
				}
				if len(lons) <= 2 && len(lats) <= 2 {
					t.Errorf("%v: an axis-aligned box %v", f, ext)
				}
				if n := len(ext) - 1; n < 8 || n > 60 {
					t.Errorf("%v: %d vertices, want 8 to 60", f, n)
				}
			}
		}
	}
}

// selfIntersection returns two non-adjacent segments of a closed ring that
// touch or cross, if any.
func selfIntersection(r orb.Ring) (int, int, bool) {
	n := len(r) - 1 // segments
	orient := func(a, b, c orb.Point) float64 {
		return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
	}
	sign := func(v float64) int {
		switch {
		case v > 0:
			return 1
		case v < 0:
			return -1
		}
		return 0
	}
	onSeg := func(a, b, p orb.Point) bool {
		return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
			math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
	}
	for i := 0; i < n; i++ {
		for j := i + 2; j < n; j++ {
			if i == 0 && j == n-1 {
				continue // the closing segment meets the first one
			}
			p1, p2, q1, q2 := r[i], r[i+1], r[j], r[j+1]
			d1, d2 := sign(orient(q1, q2, p1)), sign(orient(q1, q2, p2))
			d3, d4 := sign(orient(p1, p2, q1)), sign(orient(p1, p2, q2))
			if d1*d2 < 0 && d3*d4 < 0 ||
				d1 == 0 && onSeg(q1, q2, p1) || d2 == 0 && onSeg(q1, q2, p2) ||
				d3 == 0 && onSeg(p1, p2, q1) || d4 == 0 && onSeg(p1, p2, q2) {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// points returns every vertex of g.
func points(g orb.Geometry) []orb.Point {
	switch g := g.(type) {
	case orb.Point:
		return []orb.Point{g}
	case orb.MultiPoint:
		return g
	case orb.LineString:
		return g
	case orb.Ring:
		return g
	case orb.MultiLineString:
		var out []orb.Point
		for _, l := range g {
			out = append(out, l...)
		}
		return out
	case orb.Polygon:
		var out []orb.Point
		for _, r := range g {
			out = append(out, r...)
		}
		return out
	case orb.MultiPolygon:
		var out []orb.Point
		for _, pg := range g {
			out = append(out, points(pg)...)
		}
		return out
	}
	return nil
}

// TestAreaNesting checks that areas drawn inside others stay inside them:
// every inner match inside every outer match shown at the same time, or, with
// a date, those visible that day.
func TestAreaNesting(t *testing.T) {
	c := campaign(t)
	tests := []struct {
		inner, outer match
		on           string // "" = every pair whose spans overlap
	}{
		{match{layer: "hengyang", kind: overlays.KindArea, role: "defence", name: "10th Army"}, match{layer: "hengyang", kind: overlays.KindArea, role: "siege", name: "Siege of Hengyang"}, ""},
		{match{layer: "hengyang", kind: overlays.KindFortification, name: "main defence perimeter"}, match{layer: "hengyang", kind: overlays.KindArea, role: "siege", name: "Siege of Hengyang"}, ""},
		{match{layer: "hengyang", kind: overlays.KindFortification, name: "Second line"}, match{layer: "hengyang", kind: overlays.KindArea, role: "defence", name: "10th Army"}, "1944-07-20"},
		{match{layer: "hengyang", kind: overlays.KindArea, role: "siege", name: "Siege of Hengyang"}, match{layer: "hengyang", kind: overlays.KindArea, role: "occupied"}, ""},
		{match{layer: "changsha", kind: overlays.KindArea, role: "defence", name: "59th Division"}, match{layer: "changsha", kind: overlays.KindArea, role: "defence", name: "Defence of Changsha"}, ""},
		{match{layer: "changsha", kind: overlays.KindArea, role: "defence", name: "Defence of Changsha"}, match{layer: "changsha", kind: overlays.KindArea, role: "occupied"}, ""},
		{match{layer: "yuelu", kind: overlays.KindArea, role: "defence"}, match{layer: "yuelu", kind: overlays.KindArea, role: "occupied"}, ""},
		{match{layer: "yuelu", kind: overlays.KindArea, role: "occupied"}, match{layer: "changsha", kind: overlays.KindArea, role: "occupied"}, ""},
		{match{layer: "yuelu", kind: overlays.KindArtillery, name: "Yuelu"}, match{layer: "yuelu", kind: overlays.KindArea, role: "defence"}, ""},
		{match{layer: "zhijiang", kind: overlays.KindArea, name: "Qingyan"}, match{layer: "zhijiang", kind: overlays.KindArea, name: "Xuefeng"}, ""},
		{match{layer: "zhijiang", kind: overlays.KindArea, name: "Chapuzi"}, match{layer: "zhijiang", kind: overlays.KindArea, name: "Xuefeng"}, ""},
	}
	for _, tc := range tests {
		ins, outs := features(c, tc.inner), features(c, tc.outer)
		if tc.on != "" {
			d := day(t, tc.on)
			hidden := func(f *overlays.Feature) bool { return !f.At(d).Visible }
			ins, outs = slices.DeleteFunc(ins, hidden), slices.DeleteFunc(outs, hidden)
		}
		pairs := 0
		for _, in := range ins {
			for _, out := range outs {
				if in.Span.To < out.Span.From || out.Span.To < in.Span.From {
					continue
				}
				pairs++
				n := 0
				for _, p := range points(in.Geometry) {
					if !covers(out.Geometry, p) {
						n++
						if n == 1 {
							t.Errorf("%v: point %v lies outside %v", in, p, out)
						}
					}
				}
				if n > 1 {
					t.Errorf("%v: %d points outside %v", in, n, out)
				}
			}
		}
		if pairs == 0 {
			t.Errorf("%v inside %v (on %q): nothing to compare", tc.inner, tc.outer, tc.on)
		}
	}
}

var sourceID = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// citedIDs splits a feature's source, e.g. "S14b; S5, NE".
func citedIDs(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' })
}

// docSources parses the Sources table of docs/data.md: id → url and layers.
func docSources(t *testing.T) map[string]struct {
	url    string
	layers []string
} {
	t.Helper()
	b, err := os.ReadFile(dataDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Sources\n")
	if !ok {
		t.Fatalf("%s has no Sources section", dataDoc)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	row := regexp.MustCompile(`(?m)^\| ([A-Za-z0-9]+) \| .* \| <(\S+)> \| ([a-z0-9, -]+) \|$`)
	out := map[string]struct {
		url    string
		layers []string
	}{}
	for _, m := range row.FindAllStringSubmatch(sec, -1) {
		var layers []string
		for _, l := range strings.Split(m[3], ",") {
			layers = append(layers, strings.TrimSpace(l))
		}
		out[m[1]] = struct {
			url    string
			layers []string
		}{m[2], layers}
	}
	if len(out) < 50 {
		t.Fatalf("%s: only %d rows parsed from the Sources table", dataDoc, len(out))
	}
	return out
}

// TestSources checks the citations: every historical feature has a source;
// every id it cites is in its layer's sources and in docs/data.md's Sources
// table, which names the layer and the same URL; every listed source is
// cited; every source a note names is listed.
func TestSources(t *testing.T) {
	c := campaign(t)
	doc := docSources(t)
	inNote := regexp.MustCompile(`\b(S\d+[a-z]?\d?|W\d+)\b`)
	used := map[string][]string{} // doc id → layers citing it
	for _, l := range c.Layers {
		listed := map[string]overlays.Source{}
		for _, s := range l.Sources {
			if _, dup := listed[s.ID]; dup {
				t.Errorf("%s: source %s listed twice", l.ID, s.ID)
			}
			listed[s.ID] = s
			if s.Title == "" || !strings.HasPrefix(s.URL, "http") {
				t.Errorf("%s: source %s: title %q, url %q", l.ID, s.ID, s.Title, s.URL)
			}
			used[s.ID] = append(used[s.ID], l.ID)
			d, ok := doc[s.ID]
			switch {
			case !ok:
				t.Errorf("%s: source %s is not in %s", l.ID, s.ID, dataDoc)
			case d.url != s.URL:
				t.Errorf("%s: source %s: url %s, %s has %s", l.ID, s.ID, s.URL, dataDoc, d.url)
			case !slices.Contains(d.layers, l.ID):
				t.Errorf("%s: source %s: %s lists it for %v only", l.ID, s.ID, dataDoc, d.layers)
			}
		}
		cited := map[string]bool{}
		for _, f := range l.Features {
			src := f.Prop("source")
			historical := f.Side != overlays.SideNone || f.Properties["start"] != nil || f.Properties["end"] != nil
			if historical && src == "" {
				t.Errorf("%v: historical feature without a source", f)
			}
			ids := citedIDs(src)
			if src != "" && len(ids) == 0 {
				t.Errorf("%v: source %q names no id", f, src)
			}
			for _, id := range ids {
				cited[id] = true
				if !sourceID.MatchString(id) {
					t.Errorf("%v: source %q: %q is not an id", f, src, id)
				} else if _, ok := listed[id]; !ok {
					t.Errorf("%v: cites %s, not in the layer's sources", f, id)
				}
				if _, ok := doc[id]; !ok {
					t.Errorf("%v: cites %s, not in %s", f, id, dataDoc)
				}
			}
			for _, id := range inNote.FindAllString(f.Prop("note")+" "+f.Prop("description"), -1) {
				cited[id] = true
				if _, ok := listed[id]; !ok {
					t.Errorf("%v: note names %s, not in the layer's sources", f, id)
				}
			}
		}
		for id := range listed {
			if !cited[id] {
				t.Errorf("%s: source %s is listed but no feature cites it", l.ID, id)
			}
		}
	}
	for id, d := range doc {
		slices.Sort(used[id])
		want := slices.Clone(d.layers)
		slices.Sort(want)
		if !slices.Equal(used[id], want) {
			t.Errorf("%s: %s is listed for %v, the layers list it in %v", dataDoc, id, want, used[id])
		}
	}
}

// TestDataDocLayers checks docs/data.md's Layers table against the data:
// feature counts, and counts by kind.
func TestDataDocLayers(t *testing.T) {
	c := campaign(t)
	b, err := os.ReadFile(dataDoc)
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\| ([a-z0-9-]+\\.geojson) \\| [^|]+ \\| ([0-9]+) \\| ([^|]+) \\|$")
	rows := row.FindAllStringSubmatch(string(b), -1)
	if len(rows) != len(c.Layers) {
		t.Fatalf("%s: %d layer rows, %d layers", dataDoc, len(rows), len(c.Layers))
	}
	total := 0
	for _, r := range rows {
		l, ok := c.Layer(r[1])
		if !ok {
			t.Errorf("%s: unknown layer %s", dataDoc, r[1])
			continue
		}
		if l.File != r[2] {
			t.Errorf("%s: layer %s in %s, file is %s", dataDoc, l.ID, r[2], l.File)
		}
		if n, _ := strconv.Atoi(r[3]); n != len(l.Features) {
			t.Errorf("%s: layer %s has %d features, the table says %d", dataDoc, l.ID, len(l.Features), n)
		}
		total += len(l.Features)
		got := map[string]int{}
		for _, f := range l.Features {
			got[string(f.Kind)]++
		}
		want := map[string]int{}
		for _, part := range strings.Split(r[4], ",") {
			var n int
			var kind string
			if _, err := fmt.Sscanf(strings.TrimSpace(part), "%d %s", &n, &kind); err != nil {
				t.Errorf("%s: layer %s: cannot read %q", dataDoc, l.ID, part)
			}
			want[kind] = n
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("layer %s by kind: %v, %s says %v", l.ID, got, dataDoc, want)
		}
	}
	if !strings.Contains(string(b), fmt.Sprintf("| **%d** |", total)) {
		t.Errorf("%s: total is not %d", dataDoc, total)
	}
}

func ExampleLoad() {
	c, err := hunan.Load()
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range c.Layers {
		span := "undated"
		if l.Extent != (geo.Span{}) {
			span = fmt.Sprintf("%v to %v", l.Extent.From, l.Extent.To)
		}
		fmt.Printf("%-8s %3d features  %s\n", l.ID, len(l.Features), span)
	}
	fmt.Println(c.Features(), "features from", c.Extent.From, "to", c.Extent.To)
	// Output:
	// changsha  55 features  1944-05-01 to 1945-08-15
	// context   57 features  undated
	// hengyang  82 features  1944-06-01 to 1945-08-15
	// yuelu     28 features  1944-06-01 to 1945-08-15
	// zhijiang  68 features  1945-04-01 to 1945-08-23
	// 290 features from 1944-05-01 to 1945-08-23
}

// visibleOn returns the features matching m that are visible on d.
func visibleOn(c *overlays.Campaign, m match, d geo.Day) []*overlays.Feature {
	return slices.DeleteFunc(features(c, m), func(f *overlays.Feature) bool { return !f.At(d).Visible })
}

// TestHengyangReliefBlocked checks that no relief reaches the garrison on the
// map (issue 18, item 1): the relief "was blocked outside the Japanese
// cordon and never joined the garrison" (S23). Each day of each relief
// movement, its head lies outside every siege area and every stage of the
// 10th Army's defended area shown that day; the "62nd Army blocked" event
// lies outside the ring; and Hengyang West station, about 5 km from the city,
// lies outside the 10th Army's perimeter.
func TestHengyangReliefBlocked(t *testing.T) {
	c := campaign(t)
	held := []match{
		{layer: "hengyang", kind: overlays.KindArea, role: "siege"},
		{layer: "hengyang", kind: overlays.KindArea, side: "china", role: "defence", name: "10th Army"},
		{layer: "hengyang", kind: overlays.KindFortification, name: "main defence perimeter"},
	}
	reliefs := slices.DeleteFunc(features(c, match{layer: "hengyang", kind: overlays.KindMovement, side: "china"}),
		func(f *overlays.Feature) bool { return f.Prop("action") != "relief" })
	if len(reliefs) < 5 {
		t.Fatalf("%d relief movements, want at least 5", len(reliefs))
	}
	for _, f := range reliefs {
		t.Run(f.Name, func(t *testing.T) {
			for d := f.Span.From; d <= f.Span.To; d++ {
				pos, ok := f.Position(f.At(d))
				if !ok {
					t.Fatalf("no position on %v", d)
				}
				for _, m := range held {
					for _, a := range visibleOn(c, m, d) {
						if covers(a.Geometry, pos) {
							t.Fatalf("on %v its head %v is inside %v", d, pos, a)
						}
					}
				}
			}
		})
	}
	t.Run("62nd Army blocked", func(t *testing.T) {
		ev := one(t, c, match{layer: "hengyang", kind: overlays.KindEvent, name: "62nd Army blocked"})
		p := ev.Geometry.(orb.Point)
		for _, m := range held {
			for _, a := range visibleOn(c, m, ev.Span.From) {
				if covers(a.Geometry, p) {
					t.Errorf("%v at %v is inside %v", ev, p, a)
				}
			}
		}
	})
	t.Run("Hengyang West station", func(t *testing.T) {
		st, city := place(t, c, "Hengyang West station"), place(t, c, "Hengyang")
		if d := orbgeo.DistanceHaversine(st, city); d < 4000 || d > 7000 {
			t.Errorf("Hengyang West station %v is %.0f m from the city, want about 5 km", st, d)
		}
		for _, f := range features(c, held[2]) {
			if covers(f.Geometry, st) {
				t.Errorf("Hengyang West station %v is inside %v", st, f)
			}
		}
	})
}

// TestHengyangDefenceShrinks checks that the 10th Army's defended area is
// drawn shrinking on the sourced dates (issue 18, item 2): Huxingchao lost on
// 12 July, Zhangjiashan by 15 July (the second line), the north-west corner
// broken on 6 August (S11, S53b, S13). Every day of the siege exactly one
// stage is shown, it covers the city centre, and it never grows.
func TestHengyangDefenceShrinks(t *testing.T) {
	c := campaign(t)
	m := match{layer: "hengyang", kind: overlays.KindArea, side: "china", role: "defence", name: "10th Army"}
	stage := func(t *testing.T, d geo.Day) *overlays.Feature {
		t.Helper()
		fs := visibleOn(c, m, d)
		if len(fs) != 1 {
			t.Fatalf("on %v %d stages of %v are shown, want 1: %v", d, len(fs), m, fs)
		}
		return fs[0]
	}
	event := func(name string) orb.Point {
		return one(t, c, match{layer: "hengyang", kind: overlays.KindEvent, name: name}).Geometry.(orb.Point)
	}
	tests := []struct {
		date, what string
		p          orb.Point
		held       bool
	}{
		{"1944-07-11", "Huxingchao", place(t, c, "Huxingchao"), true},
		{"1944-07-12", "Huxingchao", place(t, c, "Huxingchao"), false},
		{"1944-07-14", "Zhangjiashan", place(t, c, "Zhangjiashan"), true},
		{"1944-07-15", "Zhangjiashan", place(t, c, "Zhangjiashan"), false},
		{"1944-07-15", "Xichansi", place(t, c, "Xichansi"), true},
		{"1944-08-05", "Xiaoximen", place(t, c, "Xiaoximen"), true},
		{"1944-08-06", "the north-west break-in", event("58th Division breaks into the north-west corner"), false},
		{"1944-08-07", "Qingshan Street", event("Breakthrough at Qingshan Street"), false},
		{"1944-08-08", "the city centre", place(t, c, "Hengyang"), true},
	}
	for _, tc := range tests {
		t.Run(tc.date+" "+tc.what, func(t *testing.T) {
			if f := stage(t, day(t, tc.date)); covers(f.Geometry, tc.p) != tc.held {
				t.Errorf("%v covers %s %v: %v, want %v", f, tc.what, tc.p, !tc.held, tc.held)
			}
		})
	}
	t.Run("never grows", func(t *testing.T) {
		city := place(t, c, "Hengyang")
		prev := math.Inf(1)
		for d := day(t, "1944-06-23"); d <= day(t, "1944-08-08"); d++ {
			f := stage(t, d)
			if !covers(f.Geometry, city) {
				t.Errorf("on %v %v does not cover the city", d, f)
			}
			a := planar.Area(f.Geometry)
			if a > prev*1.0001 {
				t.Errorf("on %v %v grows: %.3g > %.3g", d, f, a, prev)
			}
			prev = a
		}
		if s := visibleOn(c, m, day(t, "1944-08-09")); len(s) != 0 {
			t.Errorf("defence still shown after the fall: %v", s)
		}
	})
}

// TestHengyangRing checks that the siege ring is built up as the divisions
// arrive (issue 18, item 3): the city is invested on three sides by 27 June
// (S14b), not on 23 June while the 116th Division is still far north. On the
// day each siege area first appears, every vertex of it is within 8 km of a
// Japanese unit or movement head shown that day; no siege area holds the city
// before 27 June; and the battle still counts 47 days, 23 June – 8 August.
func TestHengyangRing(t *testing.T) {
	c := campaign(t)
	city := place(t, c, "Hengyang")
	japanAt := func(d geo.Day) []orb.Point {
		var ps []orb.Point
		for _, f := range visibleOn(c, match{layer: "hengyang", side: "japan"}, d) {
			switch f.Kind {
			case overlays.KindUnit:
				ps = append(ps, f.Geometry.(orb.Point))
			case overlays.KindMovement:
				if p, ok := f.Position(f.At(d)); ok && d >= f.Span.From {
					ps = append(ps, p)
				}
			}
		}
		return ps
	}
	sieges := features(c, match{layer: "hengyang", kind: overlays.KindArea, side: "japan", role: "siege"})
	for _, f := range sieges {
		t.Run(f.Name, func(t *testing.T) {
			d := f.Span.From
			ps := japanAt(d)
			far := 0
			for _, v := range points(f.Geometry) {
				near := math.Inf(1)
				for _, p := range ps {
					near = math.Min(near, orbgeo.DistanceHaversine(v, p))
				}
				if near > 8000 {
					if far++; far == 1 {
						t.Errorf("on %v (its first day) vertex %v is %.1f km from every Japanese unit shown that day", d, v, near/1000)
					}
				}
			}
			if far > 1 {
				t.Errorf("%d vertices more than 8 km from the Japanese on %v", far, d)
			}
		})
	}
	for _, tc := range []struct {
		date string
		held bool
	}{{"1944-06-23", false}, {"1944-06-24", false}, {"1944-06-26", false}, {"1944-06-27", true}, {"1944-08-08", true}} {
		t.Run(tc.date, func(t *testing.T) {
			d := day(t, tc.date)
			got := slices.ContainsFunc(sieges, func(f *overlays.Feature) bool { return f.At(d).Visible && covers(f.Geometry, city) })
			if got != tc.held {
				t.Errorf("on %v a siege area covers the city: %v, want %v", d, got, tc.held)
			}
		})
	}
	begins := one(t, c, match{layer: "hengyang", kind: overlays.KindEvent, name: "battle of Hengyang begins"})
	falls := one(t, c, match{layer: "hengyang", kind: overlays.KindEvent, name: "Hengyang falls"})
	if n := (geo.Span{From: begins.Span.From, To: falls.Span.From}).Days(); n != 47 {
		t.Errorf("the battle lasts %d days (%v to %v), want 47", n, begins.Span.From, falls.Span.From)
	}
}

// TestNames checks the readings of names the audit found garbled (issue 18,
// item 4; history.md §1e, §2a): 岩永汪 is Iwanaga Hiroshi, 七里桥 is
// Qiliqiao, 古港 is Gugang. The garbles may be named only in a note, as the
// old reading.
func TestNames(t *testing.T) {
	c := campaign(t)
	garbles := []string{"Iwanaga Wang", "Qilijiao", "Guxiang"}
	for _, l := range c.Layers {
		texts := map[string]string{"title": l.Title, "description": l.Description}
		for _, s := range l.Sources {
			texts["source "+s.ID] = s.Title
		}
		for _, f := range l.Features {
			for k, v := range f.Properties {
				if s, ok := v.(string); ok && k != "note" {
					texts[f.ID()+" "+k] = s
				}
			}
		}
		for where, s := range texts {
			for _, g := range garbles {
				if strings.Contains(s, g) {
					t.Errorf("%s: %s: %q", l.ID, where, g)
				}
			}
		}
	}
	for _, tc := range []struct{ name, zh string }{{"Gugang", "古港"}, {"Qiliqiao", "七里桥"}} {
		t.Run(tc.name, func(t *testing.T) {
			place(t, c, tc.name)
			if f := one(t, c, match{kind: overlays.KindPlace, name: tc.name}); f.NameZh != tc.zh {
				t.Errorf("%v: name_zh %q, want %q", f, f.NameZh, tc.zh)
			}
		})
	}
	t.Run("116th Division 1944", func(t *testing.T) {
		n := 0
		for _, f := range features(c, match{side: "japan", name: "116th Division"}) {
			if cmd := f.Prop("commander"); cmd != "" && f.Layer.ID != "zhijiang" {
				n++
				if !strings.Contains(cmd, "Iwanaga Hiroshi") {
					t.Errorf("%v: commander %q, want Iwanaga Hiroshi", f, cmd)
				}
			}
		}
		if n == 0 {
			t.Error("no 1944 116th Division feature names its commander")
		}
	})
	t.Run("surrender talks", func(t *testing.T) {
		if ev := one(t, c, match{layer: "zhijiang", kind: overlays.KindEvent, name: "Surrender talks"}); !strings.Contains(ev.Name, "Qiliqiao") {
			t.Errorf("%v: want the talks at Qiliqiao", ev)
		}
	})
}

// TestWestHunanWithdrawal times the 116th Division's May 1945 withdrawal by
// the sourced dates (issue 18, item 7): it is in the Qingyan pocket from the
// day it slips out of Jiangkou (9 May, S34) until the pocket closes (19 May),
// and it is past the road cut east of Dongkou by the day the pincer cuts it
// (about 24 May, S37).
func TestWestHunanWithdrawal(t *testing.T) {
	c := campaign(t)
	f := one(t, c, match{layer: "zhijiang", kind: overlays.KindMovement, side: "japan", name: "116th Division withdraws"})
	pocket := one(t, c, match{layer: "zhijiang", kind: overlays.KindArea, role: "encirclement", name: "Qingyan"})
	closed := one(t, c, match{layer: "zhijiang", kind: overlays.KindEvent, name: "Qingyan pocket closed"})
	cut := one(t, c, match{layer: "zhijiang", kind: overlays.KindEvent, name: "Road cut"})
	head := func(d geo.Day) orb.Point {
		p, ok := f.Position(f.At(d))
		if !ok {
			t.Fatalf("%v: no position on %v", f, d)
		}
		return p
	}
	for d := f.Span.From; d <= closed.Span.From; d++ {
		if p := head(d); !covers(pocket.Geometry, p) {
			t.Errorf("on %v the withdrawal's head %v is outside %v, which closes on %v", d, p, pocket, closed.Span.From)
		}
	}
	// The road runs east from Dongkou: past the cut means east of it.
	at := cut.Geometry.(orb.Point)
	if p := head(cut.Span.From); p[0] <= at[0] {
		t.Errorf("on %v (%v) the withdrawal's head %v is not yet past the road cut at %v", cut.Span.From, cut, p, at)
	}
	if s := f.At(day(t, "1945-06-07")); f.Progress(s) != 1 {
		t.Errorf("on 1945-06-07 progress %v, want back at the start lines", f.Progress(s))
	}
}

// crossings returns the indexes of the segments of a that cross line b.
func crossings(a, b orb.LineString) []int {
	orient := func(p, q, r orb.Point) float64 {
		return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
	}
	var out []int
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			p1, p2, q1, q2 := a[i], a[i+1], b[j], b[j+1]
			if orient(q1, q2, p1)*orient(q1, q2, p2) < 0 && orient(p1, p2, q1)*orient(p1, p2, q2) < 0 {
				out = append(out, i)
			}
		}
	}
	return out
}

// TestXiangAndRailway checks the redrawn Xiang and Canton–Hankou railway
// (issue 18, item 5): the railway runs on the east bank from Zhuzhou to
// Hengyang station without crossing the Xiang, and the Xiang runs past
// Xiangyin, on whose east bank the 34th Division took the town and crossed
// on 10 June 1944 (S17, S18).
func TestXiangAndRailway(t *testing.T) {
	c := campaign(t)
	xiang := one(t, c, match{layer: "context", kind: overlays.KindRiver, name: "Xiang"}).Geometry.(orb.LineString)
	rail := one(t, c, match{layer: "context", kind: overlays.KindRailway, name: "Canton–Hankou"}).Geometry.(orb.LineString)
	t.Run("railway", func(t *testing.T) {
		if n := crossings(rail, xiang); len(n) > 0 {
			t.Errorf("the Canton–Hankou railway crosses the Xiang %d times, on segments %v; want none", len(n), n)
		}
		for _, tc := range []struct {
			name string
			p    orb.Point
		}{{"Zhuzhou", place(t, c, "Zhuzhou")}, {"Hengyang station", orb.Point{112.62714, 26.89276}}, {"Changsha", place(t, c, "Changsha")}} {
			if d, _ := metres(rail, tc.p); d > 1500 {
				t.Errorf("the railway passes %.0f m from %s, want through it", d, tc.name)
			}
			// The Xiang runs north: its right is the east bank.
			if _, left := metres(xiang, tc.p); left {
				t.Errorf("%s %v is on the west bank", tc.name, tc.p)
			}
		}
	})
	t.Run("Xiangyin", func(t *testing.T) {
		p := place(t, c, "Xiangyin")
		if d, left := metres(xiang, p); d > 2000 || left {
			t.Errorf("Xiangyin %v is %.0f m from the Xiang, west bank %v: want within 2 km, on the east bank", p, d, left)
		}
		m := one(t, c, match{layer: "changsha", kind: overlays.KindMovement, name: "34th Division"})
		route := m.Geometry.(orb.LineString)
		n := crossings(route, xiang)
		if len(n) != 1 {
			t.Fatalf("%v crosses the Xiang %d times (segments %v), want once", m, len(n), n)
		}
		if i := n[0]; m.Times[i] != day(t, "1944-06-10") || m.Times[i+1] != day(t, "1944-06-10") {
			t.Errorf("%v crosses the Xiang between %v and %v, want on 1944-06-10 at Xiangyin", m, m.Times[i], m.Times[i+1])
		}
	})
}

// TestZhengRiver checks the Zheng River (蒸水), which notes cite (issue 18,
// item 6): it joins the Xiang at the north end of the old city of Hengyang,
// bounds the 10th Army's perimeter on the north and passes Jinlansi.
func TestZhengRiver(t *testing.T) {
	c := campaign(t)
	z := one(t, c, match{layer: "context", kind: overlays.KindRiver, name: "Zheng"})
	if z.NameZh != "蒸水" {
		t.Errorf("%v: name_zh %q, want 蒸水", z, z.NameZh)
	}
	line := z.Geometry.(orb.LineString)
	xiang := one(t, c, match{layer: "context", kind: overlays.KindRiver, name: "Xiang"}).Geometry.(orb.LineString)
	city := place(t, c, "Hengyang")
	mouth := line[len(line)-1]
	if d, _ := metres(xiang, mouth); d > 300 {
		t.Errorf("the Zheng ends %.0f m from the Xiang", d)
	}
	if d := orbgeo.DistanceHaversine(mouth, city); mouth[1] <= city[1] || d > 5000 {
		t.Errorf("the Zheng's mouth %v is %.0f m from Hengyang %v: want north of the city, within 5 km", mouth, d, city)
	}
	if d, _ := metres(line, place(t, c, "Jinlansi")); d > 3000 {
		t.Errorf("Jinlansi is %.0f m from the Zheng, want on it", d)
	}
	for _, f := range features(c, match{layer: "hengyang", kind: overlays.KindFortification, name: "main defence perimeter"}) {
		for _, p := range line {
			if covers(f.Geometry, p) {
				t.Errorf("the Zheng runs inside %v at %v: want it to bound the perimeter on the north", f, p)
			}
		}
	}
}

// TestSmallerCorrections checks the smaller corrections of the audit (issue
// 18, item 8).
func TestSmallerCorrections(t *testing.T) {
	c := campaign(t)
	city := place(t, c, "Hengyang")
	t.Run("Wuliting is 10 km out and the sortie's date conflict is noted", func(t *testing.T) {
		s := one(t, c, match{layer: "hengyang", kind: overlays.KindMovement, name: "Cao Huating"})
		ev := one(t, c, match{layer: "hengyang", kind: overlays.KindEvent, name: "Sortie finds no relief"})
		line := s.Geometry.(orb.LineString)
		for _, p := range []orb.Point{line[len(line)-1], ev.Geometry.(orb.Point)} {
			if d := orbgeo.DistanceHaversine(p, city); d < 9000 || d > 11000 {
				t.Errorf("Wuliting at %v is %.1f km from the city, want about 10 km (S66c)", p, d/1000)
			}
		}
		for _, f := range []*overlays.Feature{s, ev} {
			if n := f.Prop("note"); !strings.Contains(n, "S23") || !strings.Contains(n, "2 August") {
				t.Errorf("%v: the note does not give S23's date (about 2 August): %q", f, n)
			}
		}
	})
	t.Run("the 58th Army is in the 1st Army Group", func(t *testing.T) {
		f := one(t, c, match{layer: "hengyang", kind: overlays.KindMovement, name: "East-side pincer"})
		u := f.Prop("unit")
		thirtieth, _, _ := strings.Cut(u, ";")
		if !strings.Contains(u, "1st Army Group's 58th Army") || strings.Contains(thirtieth, "58th") {
			t.Errorf("%v: unit %q, want the 58th Army under the 1st Army Group (S17)", f, u)
		}
	})
	t.Run("the Japanese use the Hengyang airfield from July", func(t *testing.T) {
		us := one(t, c, match{layer: "hengyang", kind: overlays.KindAirfield, side: "usa"})
		fs := visibleOn(c, match{layer: "hengyang", kind: overlays.KindAirfield, side: "japan"}, day(t, "1944-07-15"))
		if len(fs) != 1 {
			t.Fatalf("%d Japanese airfields shown on 1944-07-15, want 1 (S53b)", len(fs))
		}
		if fs[0].Geometry != us.Geometry {
			t.Errorf("%v at %v, want at the airfield %v", fs[0], fs[0].Geometry, us.Geometry)
		}
		if fs[0].Span.From != day(t, "1944-07-01") {
			t.Errorf("%v from %v, want July 1944", fs[0], fs[0].Span.From)
		}
	})
	t.Run("the 68th Division does not jump between the layers", func(t *testing.T) {
		north := one(t, c, match{layer: "changsha", kind: overlays.KindMovement, name: "68th Division: Xinqiang"})
		south := one(t, c, match{layer: "hengyang", kind: overlays.KindMovement, name: "68th Division: Lu River"})
		at := func(f *overlays.Feature, d string) orb.Point {
			p, ok := f.Position(f.At(day(t, d)))
			if !ok {
				t.Fatalf("%v not shown on %s", f, d)
			}
			return p
		}
		// 18 June in the changsha layer, 19 June in the hengyang layer.
		if d := orbgeo.DistanceHaversine(at(north, "1944-06-18"), at(south, "1944-06-19")); d > 15000 {
			t.Errorf("the 68th Division moves %.0f km between 18 and 19 June, from one layer to the next", d/1000)
		}
		if d := orbgeo.DistanceHaversine(at(north, "1944-06-19"), at(south, "1944-06-19")); d > 1000 {
			t.Errorf("on 19 June the two 68th Division arrows are %.0f m apart, want joined at Shiting", d)
		}
		if p, qp := at(north, "1944-06-16"), place(t, c, "Qingjiangpu"); orbgeo.DistanceHaversine(p, qp) > 1000 {
			t.Errorf("on 1944-06-16 the 68th Division is at %v, want at Qingjiangpu %v (S17)", p, qp)
		}
	})
	t.Run("off-map events are marked", func(t *testing.T) {
		for _, tc := range []struct{ name, where string }{
			{"Tōjō cabinet resigns", "Tokyo"},
			{"Zhang Deneng executed", "Chongqing"},
			{"Chinese Military Council orders Hengyang held", "Chongqing"},
		} {
			f := one(t, c, match{kind: overlays.KindEvent, name: tc.name})
			if f.Prop("offmap") != tc.where || !strings.Contains(f.Name, "(in "+tc.where+")") || f.Prop("marker-color") == "" {
				t.Errorf("%v: offmap %q, marker-color %q: want it marked as happening in %s", f, f.Prop("offmap"), f.Prop("marker-color"), tc.where)
			}
		}
		for _, f := range features(c, match{kind: overlays.KindEvent}) {
			if w := f.Prop("offmap"); w != "" && (!strings.Contains(f.Name, "(in "+w+")") || f.Prop("marker-color") != "#8c8c8c") {
				t.Errorf("%v: off-map event without its name suffix or grey marker", f)
			}
		}
	})
}

// TestCoverage checks the units and dated events the audit found missing
// (issue 18, item 9): the Japanese 47th Division in West Hunan and the 27th
// and 64th Divisions of 1944 are drawn; the fact sheet's dated events that
// have a place are on the map at their date; and docs/data.md lists those
// that have none.
func TestCoverage(t *testing.T) {
	c := campaign(t)
	tests := []struct {
		date string
		m    match
	}{
		{"1945-05-01", match{layer: "zhijiang", kind: overlays.KindUnit, side: "japan", name: "47th Division"}},
		{"1944-05-27", match{kind: overlays.KindUnit, side: "japan", name: "27th Division"}},
		{"1944-08-06", match{kind: overlays.KindUnit, side: "japan", name: "27th Division"}},
		{"1944-07-15", match{kind: overlays.KindUnit, side: "japan", name: "64th Division"}},
		{"1944-06-22", match{layer: "hengyang", kind: overlays.KindEvent, name: "ordered to take Hengyang"}},
		{"1944-09-01", match{layer: "hengyang", kind: overlays.KindEvent, name: "toward Shaoyang"}},
		{"1944-09-01", match{layer: "hengyang", kind: overlays.KindEvent, name: "from Leiyang"}},
	}
	for _, tc := range tests {
		t.Run(tc.date+" "+tc.m.name, func(t *testing.T) {
			if fs := visibleOn(c, tc.m, day(t, tc.date)); len(fs) == 0 {
				t.Errorf("%v: nothing shown on %s", tc.m, tc.date)
			}
		})
	}
	b, err := os.ReadFile(dataDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n### Dated events with no place on the map\n")
	if !ok {
		t.Fatalf("%s has no section on dated events with no place", dataDoc)
	}
	sec, _, _ = strings.Cut(sec, "\n#")
	for _, d := range []string{"1944-06-07", "1944-07-29", "1945-04-19", "1945-08-15", "1945-08-16", "1945-08-17", "1945-09-09"} {
		if !strings.Contains(sec, "| "+d) {
			t.Errorf("%s: the events with no place do not list %s", dataDoc, d)
		}
	}
}

// TestSeedGarbles checks that docs/data.md explains each of the seed story's
// remaining garbles (issue 18, item 10).
func TestSeedGarbles(t *testing.T) {
	b, err := os.ReadFile(dataDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n### The seed story's remaining garbles\n")
	if !ok {
		t.Fatalf("%s has no section on the seed story's remaining garbles", dataDoc)
	}
	sec, _, _ = strings.Cut(sec, "\n#")
	for _, g := range []string{"wang wei", "Tang Ju", "three generals", "Chinese troops to the north", "withdraw from the northeast"} {
		row := regexp.MustCompile(`(?m)^\| "\*\*` + regexp.QuoteMeta(g) + `\*\*.*\|.*\|.*\|.*\|$`)
		if !row.MatchString(sec) {
			t.Errorf("%s: no row for %q", dataDoc, g)
		}
	}
	for _, want := range []string{"汪伪", "塘沽协定", "Tanggu Truce"} {
		if !strings.Contains(sec, want) {
			t.Errorf("%s: the garbles section does not name %s", dataDoc, want)
		}
	}
}
