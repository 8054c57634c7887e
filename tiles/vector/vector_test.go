package vector

import (
	"context"
	"maps"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	orbgeo "github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/paint"
)

var loaded = sync.OnceValues(hunan.Load)

// campaignSet compiles the whole embedded campaign once.
var campaignSet = sync.OnceValues(func() (*Set, error) {
	c, err := loaded()
	if err != nil {
		return nil, err
	}
	return Compile(context.Background(), overlays.Selection(c.Layers), tiles.New(c), Limits{})
})

func set(t testing.TB) (*overlays.Campaign, *Set) {
	t.Helper()
	c, err := loaded()
	if err != nil {
		t.Fatal(err)
	}
	s, err := campaignSet()
	if err != nil {
		t.Fatal(err)
	}
	return c, s
}

// metres converts a distance between world coordinates near latitude lat
// to metres.
func metres(d, lat float64) float64 {
	const circumference = 40075016.686
	return d * circumference * math.Cos(lat*math.Pi/180)
}

// distTo returns the world distance from p to the nearest of lines.
func distTo(p orb.Point, lines []orb.LineString) float64 {
	best := math.Inf(1)
	for _, ls := range lines {
		if len(ls) == 1 {
			best = min(best, planar.Distance(p, ls[0]))
			continue
		}
		best = min(best, planar.DistanceFrom(ls, p))
	}
	return best
}

// tolMetres is how far a day's arrowhead may lie from the day's position,
// the end of the day's pieces from the end of the day's cut route, and
// their lengths apart. The pieces use the very points geo.Route.Locate
// returns, so the gap is rounding.
const tolMetres = 0.01

// sagitta bounds how far the great circle between the ends of a segment of
// a route strays from the straight line a map draws between them (Web
// Mercator): L²·tan|φ|/(8R) for the route's longest segment L at its
// latitude φ, plus a tenth. Geo.Route.Locate puts a day's position on the
// great circle; the union of the pieces passes through every earlier
// day's position, where the day's cut route draws the straight chord. This
// is the tolerance for the pieces' interior points.
func sagitta(r *geo.Route) float64 {
	const earth = 6371008.8
	longest, lat := 0.0, 0.0
	for i := 1; i < len(r.Line()); i++ {
		if l := r.VertexDistance(i) - r.VertexDistance(i-1); l > longest {
			longest, lat = l, r.Line()[i].Lat()
		}
	}
	return 1.1*longest*longest*math.Abs(math.Tan(lat*math.Pi/180))/(8*earth) + tolMetres
}

// TestMovementDays checks, for every movement of the embedded campaign and
// every day from before its start to after its end, that the pieces a
// day's filter keeps are exactly the route the time model draws that day,
// and that exactly one arrowhead is kept, at the day's position, with the
// route's bearing there.
func TestMovementDays(t *testing.T) {
	c, s := set(t)
	n, labels := 0, 0
	for _, l := range c.Layers {
		for _, f := range l.Features {
			if f.Kind != overlays.KindMovement {
				continue
			}
			n++
			var routes [MaxZoom + 1][]piece
			var hs, ds []piece
			id := f.ID()
			for _, p := range s.pieces {
				if p.props["id"] != id {
					continue
				}
				switch p.layer {
				case movements:
					if p.zoom < 1 || int(p.zoom) > MaxZoom+1 {
						t.Fatalf("%s: a route piece for tile zoom %d, want one zoom 0 to %d", f, int(p.zoom)-1, MaxZoom)
					}
					routes[p.zoom-1] = append(routes[p.zoom-1], p)
				case heads:
					hs = append(hs, p)
				case dates:
					ds = append(ds, p)
				default:
					t.Fatalf("%s: a piece in layer %s", f, Layers[p.layer])
				}
			}
			from, to := f.Span.From, f.Span.To
			if from == geo.MinDay {
				from = c.Extent.From
			}
			if to == geo.MaxDay {
				to = c.Extent.To
			}
			for z := range routes {
				reach := 0.0
				for d := from - 2; d <= to+2; d++ {
					checkDay(t, f, d, routes[z], hs, z, &reach)
				}
			}
			for d := from - 2; d <= to+2; d++ {
				checkDates(t, f, d, ds)
			}
			labels += len(ds)
		}
	}
	if n < 5 || labels < 10 {
		t.Fatalf("only %d movements and %d day labels in the campaign", n, labels)
	}
	t.Logf("%d movements, %d day labels; pieces at most %.2f m from the day's route (%s, tolerance %.2f m)", n, labels, worstSeen.m, worstSeen.f, worstSeen.tol)
}

// checkDates checks that the day labels a day's filter keeps are those the
// raster writes that day: one at each point of the route dated that day or
// before (none for a point dated as the one before it), while the
// movement is shown.
func checkDates(t *testing.T, f *overlays.Feature, d geo.Day, ds []piece) {
	t.Helper()
	want := map[string]orb.Point{}
	if f.At(d).Visible {
		line := f.Route.Line()
		for i, tm := range f.Times {
			if tm <= d && (i == 0 || tm != f.Times[i-1]) {
				want[tm.Time().Format("2 Jan")] = geo.World(line[i])
			}
		}
	}
	got := map[string]orb.Point{}
	for _, p := range ds {
		if on(p, d) {
			label := p.props["label"].(string)
			if _, dup := got[label]; dup {
				t.Errorf("%s on %s: two labels %q", f, d, label)
			}
			got[label] = p.geom.(orb.Point)
			if p.props["date"] != p.props["start_date"] {
				t.Errorf("%s: label %q dated %v, shown from %v", f, label, p.props["date"], p.props["start_date"])
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s on %s: %d day labels, want %d (%v, want %v)", f, d, len(got), len(want), got, want)
		return
	}
	for label, w := range want {
		if g, ok := got[label]; !ok || g != w {
			t.Errorf("%s on %s: label %q at %v, want %v", f, d, label, g, w)
		}
	}
}

// worstSeen is the largest gap TestMovementDays found, for its log.
var worstSeen struct {
	m, tol float64
	f      string
}

func on(p piece, d geo.Day) bool {
	return geo.Day(p.props["start_day"].(int64)) <= d && d <= geo.Day(p.props["end_day"].(int64))
}

// At tile zoom z the pieces end BodyTrim head lengths before the head, as
// the raster's body: the day's route is cut there, or where a day before
// was cut if that is further (reach, the longest body drawn so far, in
// world units). The heads are checked at the deepest zoom.
func checkDay(t *testing.T, f *overlays.Feature, d geo.Day, routes, hs []piece, z int, reach *float64) {
	t.Helper()
	st := f.At(d)
	var got []orb.LineString
	for _, p := range routes {
		if on(p, d) {
			got = append(got, p.geom.(orb.LineString))
			checkLight(t, f, d, st, p)
		}
	}
	var head []piece
	for _, p := range hs {
		if on(p, d) {
			head = append(head, p)
		}
	}
	if !st.Visible {
		if len(got) > 0 || len(head) > 0 {
			t.Errorf("%s on %s: not visible, but %d pieces and %d heads pass the filter", f, d, len(got), len(head))
		}
		return
	}
	full := geo.ToWorld(f.GeometryAt(st)).(orb.LineString)
	prog := 1.0 // to 4 decimals, as the pieces' progress
	if f.Route.Length() > 0 {
		prog = math.Round(st.Distance/f.Route.Length()*1e4) / 1e4
	}
	*reach = max(*reach, planar.Length(full)-BodyTrim*HeadLength(prog, paint.ZoomScale(float64(z)+1.5))/(512*math.Exp2(float64(z)+0.5)))
	want := cutAt(full, *reach)
	lat := f.Route.Line()[0].Lat()
	wantLen := metres(planar.Length(want), lat)
	if len(got) == 0 {
		if wantLen > tolMetres {
			t.Errorf("%s on %s: no piece, want a route of %.0f m", f, d, wantLen)
		}
	} else {
		worst := 0.0
		for _, ls := range got {
			for _, p := range ls {
				worst = max(worst, distTo(p, []orb.LineString{want}))
			}
		}
		for _, p := range want {
			worst = max(worst, distTo(p, got))
		}
		gotLen := 0.0
		for _, ls := range got {
			gotLen += metres(planar.Length(ls), lat)
		}
		m := metres(worst, lat)
		if m > worstSeen.m {
			worstSeen.m, worstSeen.tol, worstSeen.f = m, sagitta(f.Route), f.String()
		}
		if tol := sagitta(f.Route); m > tol {
			t.Errorf("%s on %s: pieces %.2f m from the route, more than %.2f m", f, d, m, tol)
		}
		if math.Abs(gotLen-wantLen) > max(tolMetres, wantLen*1e-6) {
			t.Errorf("%s on %s: pieces %.3f m long, the route %.3f m", f, d, gotLen, wantLen)
		}
		last := got[len(got)-1]
		// A body cut short ends on the route's great circle, the want
		// above on the Mercator chord: up to the sagitta apart.
		endTol := tolMetres
		if planar.Length(want) < planar.Length(full) {
			endTol = sagitta(f.Route)
		}
		if m := metres(planar.Distance(last[len(last)-1], want[len(want)-1]), lat); m > endTol {
			t.Errorf("%s on %s: the last piece ends %.4f m from the route's end", f, d, m)
		}
	}
	if z != MaxZoom {
		return
	}
	want = full
	if len(head) != 1 {
		t.Errorf("%s on %s: %d heads pass the filter, want 1", f, d, len(head))
		return
	}
	pos, _ := f.Position(st)
	if m := metres(planar.Distance(head[0].geom.(orb.Point), geo.World(pos)), lat); m > tolMetres {
		t.Errorf("%s on %s: head %.4f m from the position", f, d, m)
	}
	// The bearing kept is the deepest zoom's: along the chord from one
	// head length back on the day's route (Feature.GeometryAt, in world
	// units) to its end, as the raster aims it.
	zoom := float64(MaxZoom) + 0.5
	hl := HeadLength(head[0].props["progress"].(float64), paint.ZoomScale(zoom+1)) / (512 * math.Exp2(zoom))
	if back, tip, ok := chord(want, hl); ok {
		want0 := math.Mod(math.Atan2(tip[0]-back[0], back[1]-tip[1])*180/math.Pi+360, 360)
		if got := head[0].props["bearing"].(float64); angleDiff(got, want0) > 0.5 {
			t.Errorf("%s on %s: head bearing %.1f°, want %.1f° (the chord over the head's %.0f m)", f, d, got, want0, metres(hl, lat))
		}
	}
	if final := head[0].props["final"].(bool); final != (st.Distance == f.Route.Length() && !st.Moving) && d >= lastTime(f) {
		t.Errorf("%s on %s: final %v at distance %.0f of %.0f m", f, d, final, st.Distance, f.Route.Length())
	}
}

// checkLight checks that piece p of movement f, kept by day d's filter,
// is drawn lighter on d (d < leg_end_day) exactly when the raster renderer
// draws its part of the route lighter: a movement with coordTimes under
// way, and the piece beyond the last vertex passed.
func checkLight(t *testing.T, f *overlays.Feature, d geo.Day, st overlays.State, p piece) {
	t.Helper()
	passed := 0.0
	for i := range f.Times {
		if v := f.Route.VertexDistance(i); v <= st.Distance {
			passed = v
		}
	}
	end := f.At(geo.Day(p.props["start_day"].(int64))).Distance
	want := st.Moving && len(f.Times) > 0 && end > passed+1e-6
	leg, ok := p.props["leg_end_day"].(int64)
	if got := ok && int64(d) < leg; got != want {
		t.Errorf("%s on %s: piece of day %v light %v, want %v (leg_end_day %v)", f, d, p.props["start_day"], got, want, p.props["leg_end_day"])
	}
}

// lastTime is the day a movement arrives.
func lastTime(f *overlays.Feature) geo.Day {
	if len(f.Times) > 0 {
		return f.Times[len(f.Times)-1]
	}
	return f.Span.To
}

func angleDiff(a, b float64) float64 {
	d := math.Mod(math.Abs(a-b), 360)
	return min(d, 360-d)
}

// orbBearing is the geodesic initial bearing from a to b, independent of
// Bearing's Mercator direction: the two agree to well under a degree on
// the segments of a campaign map.
func orbBearing(a, b orb.Point) float64 {
	return math.Mod(geoBearing(a, b)+360, 360)
}

func TestDecodeTile(t *testing.T) {
	_, s := set(t)
	// Hengyang at z9: the siege, movements, rivers, places.
	tile := maptile.At(orb.Point{112.57, 26.89}, 9)
	ls := decodeTile(t, s, tile)
	byName := map[string]*mvt.Layer{}
	for _, l := range ls {
		byName[l.Name] = l
		if l.Extent != Extent {
			t.Errorf("layer %s: extent %d", l.Name, l.Extent)
		}
	}
	for _, name := range Layers {
		if byName[name] == nil || len(byName[name].Features) == 0 {
			t.Errorf("layer %s: no features at Hengyang", name)
		}
	}
	for _, l := range ls {
		for _, f := range l.Features {
			p := f.Properties
			for _, key := range []string{"id", "layer", "kind", "side", "stroke", "start_day", "end_day"} {
				if _, ok := p[key]; !ok {
					t.Fatalf("layer %s, feature %v: no %s", l.Name, p["id"], key)
				}
			}
			from := geo.Day(p["start_day"].(float64))
			if sd, ok := p["start_date"]; ok && sd != from.String() {
				t.Errorf("%v: start_date %v, start_day %v is %s", p["id"], sd, from, from)
			}
			switch l.Name {
			case LayerHeads:
				if _, ok := p["bearing"]; !ok {
					t.Errorf("%v: head without bearing", p["id"])
				}
				if s, _ := p["symbol"].(string); len(s) != len("arrow-rrggbbaa") {
					t.Errorf("%v: head symbol %q", p["id"], s)
				}
			case LayerPoints:
				if s, _ := p["symbol"].(string); s == "" {
					t.Errorf("%v: point without symbol", p["id"])
				}
			}
			if f.Geometry == nil {
				t.Errorf("%v: no geometry", p["id"])
			}
		}
	}
}

func geoBearing(a, b orb.Point) float64 { return orbgeo.Bearing(a, b) }

func selAll(c *overlays.Campaign) overlays.Selection { return overlays.Selection(c.Layers) }

// TestSchemaCoversProperties checks that TileJSON's vector_layers name
// every property the campaign's pieces carry, layer by layer.
func TestSchemaCoversProperties(t *testing.T) {
	_, s := set(t)
	fields := map[string]map[string]string{}
	for _, l := range Schema() {
		fields[l.ID] = l.Fields
	}
	missing := map[string]bool{}
	for _, p := range s.pieces {
		name := Layers[p.layer]
		for k := range p.props {
			if _, ok := fields[name][k]; !ok && !missing[name+"."+k] {
				missing[name+"."+k] = true
				t.Errorf("layer %s: property %s (of %v) is not in the schema", name, k, p.props["id"])
			}
		}
	}
}

// chord returns the point hl back from the end of ls, walking along it
// (its start if ls is shorter), and its end; ok is false when they
// coincide.
func chord(ls orb.LineString, hl float64) (back, tip orb.Point, ok bool) {
	tip = ls[len(ls)-1]
	back = ls[0]
	for i := len(ls) - 1; i > 0; i-- {
		seg := planar.Distance(ls[i-1], ls[i])
		if seg >= hl {
			t := hl / seg
			back = orb.Point{ls[i][0] + (ls[i-1][0]-ls[i][0])*t, ls[i][1] + (ls[i-1][1]-ls[i][1])*t}
			break
		}
		hl -= seg
	}
	return back, tip, back != tip
}

// cutAt returns the first length l (world units) of line ls: its first
// point alone when l ≤ 0.
func cutAt(ls orb.LineString, l float64) orb.LineString {
	out := orb.LineString{ls[0]}
	for i := 1; i < len(ls); i++ {
		seg := planar.Distance(ls[i-1], ls[i])
		if seg >= l {
			if seg > 0 && l > 0 {
				k := l / seg
				out = append(out, orb.Point{ls[i-1][0] + (ls[i][0]-ls[i-1][0])*k, ls[i-1][1] + (ls[i][1]-ls[i-1][1])*k})
			}
			return out
		}
		out = append(out, ls[i])
		l -= seg
	}
	return out
}

// TestKeyTowns: the places that name a layer of the campaign carry key,
// so that a style sets their names first and always, as the raster does;
// other places do not.
func TestKeyTowns(t *testing.T) {
	c, s := set(t)
	keys := selAll(c).KeyTowns()
	if len(keys) < 4 {
		t.Fatalf("the campaign has %d key towns, want Changsha, Yuelu Mountain, Hengyang and Zhijiang at least", len(keys))
	}
	seen := map[string]bool{}
	for _, p := range s.pieces {
		if p.props["kind"] != "place" {
			continue
		}
		name, _ := p.props["name"].(string)
		key, _ := p.props["key"].(bool)
		switch want := slices.ContainsFunc(slices.Collect(maps.Keys(keys)), func(f *overlays.Feature) bool { return f.ID() == p.props["id"] }); {
		case key != want:
			t.Errorf("place %s (%s): key %v, want %v", name, p.props["id"], key, want)
		case key:
			seen[name] = true
		}
	}
	for _, name := range []string{"Changsha", "Yuelu Mountain", "Hengyang", "Zhijiang"} {
		if !seen[name] {
			t.Errorf("%s is not a key town in the tiles (key towns: %v)", name, seen)
		}
	}
}

// decodeTile encodes tile tl of s and decodes it back.
func decodeTile(t *testing.T, s *Set, tl maptile.Tile) mvt.Layers {
	t.Helper()
	body, err := s.Encode(context.Background(), tl)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return layers
}
