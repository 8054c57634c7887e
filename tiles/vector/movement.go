package vector

import (
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// cut is a day on which a movement has got further than the day before,
// and how far, in metres along its route.
type cut struct {
	day  geo.Day
	dist float64
}

// cuts returns the first visible day of f with its distance, then every
// later day of its span on which the distance grows. Only the days of the
// advance are visited (from its first time to its last): before and after,
// the time model holds the distance still, so an open or undated movement
// costs one cut. When the advance lasts more than maxDays days it is
// visited every ⌈days/maxDays⌉ days (and on its last day).
func cuts(f *overlays.Feature, maxDays int) []cut {
	from, to := f.Span.From, f.Span.To
	if from > to {
		return nil
	}
	out := []cut{{from, f.At(from).Distance}}
	// The advance: the days after its first time up to its last, on which
	// the distance may change.
	var a, b geo.Day
	switch {
	case len(f.Times) > 0:
		a, b = f.Times[0]+1, f.Times[len(f.Times)-1]
	case from != geo.MinDay && to != geo.MaxDay && from < to:
		a, b = from+1, to
	default:
		return out
	}
	a, b = max(a, from+1), min(b, to)
	if a > b {
		return out
	}
	days := int64(b) - int64(a) + 1
	step := int64(1)
	if days > int64(maxDays) {
		step = (days + int64(maxDays) - 1) / int64(maxDays)
	}
	for d := int64(a); d <= int64(b); d += step {
		if d+step > int64(b) {
			d = int64(b) // the last step lands on the last day
		}
		dist := f.At(geo.Day(d)).Distance
		if dist > out[len(out)-1].dist {
			out = append(out, cut{geo.Day(d), dist})
		}
	}
	return out
}

// movementPieces cuts a movement into route pieces and arrowheads (see
// docs/vector.md): the piece reached on a cut's day runs from the
// distance of the cut before to the cut's, from that day to the
// movement's end; the head at a cut's position lasts until the day before
// the next cut, the last one (final) until the end.
func movementPieces(f *overlays.Feature, props geojson.Properties, maxDays int) []piece {
	cs := cuts(f, maxDays)
	r := f.Route
	var out []piece
	route := routeProps(props, routeKeys)
	wl := newWorldLine(r)
	// The body per tile zoom: it stops BodyTrim head lengths before the
	// head, as the raster's, and a head length is a number of pixels. The
	// zooms' pieces share their properties.
	shared := map[[2]float64]geojson.Properties{}
	for z := 0; z <= MaxZoom; z++ {
		out = append(out, bodyPieces(f, cs, route, wl, z, shared)...)
	}
	arrow := "arrow-" + hexColor(f.Style.Stroke)[1:] + hexAlpha(f.Style.Stroke.A)
	for i, c := range cs {
		end := f.Span.To
		if i+1 < len(cs) {
			end = cs[i+1].day - 1
		}
		pos, seg := r.Locate(c.dist)
		final := i == len(cs)-1
		var p geojson.Properties
		if final {
			p = maps.Clone(props)
			setDays(p, c.day, end)
		} else {
			p = routeProps(props, headKeys)
			p["start_day"], p["end_day"] = int64(c.day), int64(end)
		}
		bs := headBearings(wl, geo.World(pos), seg, progress(r, c.dist), Bearing(r, seg))
		p["bearing"] = bs[MaxZoom]
		p["progress"] = progress(r, c.dist)
		p["symbol"] = arrow
		p["final"] = final
		out = append(out, piece{layer: heads, geom: geo.World(pos), props: p, bearings: bs})
	}
	return append(out, datePieces(f, props)...)
}

// datePieces returns the day labels of a route with coordTimes, as the
// raster writes them: at each dated point ("2 Jan"), from its day to the
// movement's end; a point dated as the one before it has none.
func datePieces(f *overlays.Feature, props geojson.Properties) []piece {
	line := f.Route.Line()
	var out []piece
	for i, t := range f.Times {
		if i >= len(line) || t > f.Span.To || (i > 0 && t == f.Times[i-1]) {
			continue
		}
		p := routeProps(props, dateKeys)
		setDays(p, t, f.Span.To)
		p["label"] = t.Time().Format("2 Jan")
		p["date"] = t.String()
		out = append(out, piece{layer: dates, geom: geo.World(line[i]), props: p})
	}
	return out
}

// bodyPieces returns the route pieces of f (cut at cs) for tiles of zoom
// z, untrimmed for z < 0: the piece reached on a cut's day runs from where
// the body ended the cut before to where it ends on that day, cut again
// where the route crosses a width class (TaperClasses), so that a style
// can taper the body by progress even along one long piece. A piece's
// progress is that of the end of its day and class, untrimmed, so the
// zooms' pieces share their properties (through shared).
func bodyPieces(f *overlays.Feature, cs []cut, route geojson.Properties, wl worldLine, z int, shared map[[2]float64]geojson.Properties) []piece {
	r := f.Route
	var out []piece
	prev := 0.0
	for _, c := range cs {
		end := c.dist
		if z >= 0 {
			end = trimmedEnd(r, wl, c.dist, progress(r, c.dist), z)
		}
		for a := prev; a < end; {
			next := nextClass(r, a)
			b := min(end, next)
			key := [2]float64{float64(c.day), min(c.dist, next)}
			p, ok := shared[key]
			if !ok {
				p = maps.Clone(route)
				p["start_day"], p["end_day"] = int64(c.day), int64(f.Span.To)
				p["progress"] = progress(r, key[1])
				if len(f.Times) > 0 {
					p["leg_end_day"] = int64(legEnd(f, c.dist))
				}
				shared[key] = p
			}
			out = append(out, piece{layer: movements, geom: geo.ToWorld(between(r, a, b)), props: p, zoom: int8(z) + 1})
			a = b
		}
		prev = max(prev, end)
	}
	return out
}

// TaperClasses is the number of width classes a route is cut into: a
// route piece never spans the boundary k/TaperClasses of its route's
// length, so a style that widens the line with progress draws the
// raster's tapered body in steps of at most 1/TaperClasses of its range.
const TaperClasses = 8

// nextClass returns the distance along r of the first class boundary
// beyond d (the route's length at the last).
func nextClass(r *geo.Route, d float64) float64 {
	l := r.Length()
	k := math.Floor(d/l*TaperClasses+1e-9) + 1
	return min(l, k*l/TaperClasses)
}

// routeKeys are the properties route pieces keep of their movement's:
// what the style's filters and paint read, and the id that joins a piece
// to its head (which carries all of them). Days (start_day and end_day,
// not the dates), progress and leg_end_day are set per piece.
var routeKeys = []string{"id", "layer", "kind", "side", "stroke", "stroke_opacity", "outcome", "hollow", "approximate"}

// headKeys are the properties the heads before the final one keep of
// their movement's: routeKeys and the names. The final head, which the
// summary map draws, carries all of them.
var headKeys = append(slices.Clone(routeKeys), "name", "name_zh", "unit")

// dateKeys are the properties a route's day labels keep of their
// movement's.
var dateKeys = []string{"id", "layer", "kind", "side", "stroke", "unit", "source"}

// routeProps returns the properties of props named by keys, booleans
// only when true (a style's ["==", ["get", k], true] is false without
// them).
func routeProps(props geojson.Properties, keys []string) geojson.Properties {
	out := make(geojson.Properties, len(keys)+8)
	for _, k := range keys {
		if v, ok := props[k]; ok && v != false {
			out[k] = v
		}
	}
	return out
}

// progress is the fraction of r's length at distance d, to 4 decimals.
func progress(r *geo.Route, d float64) float64 {
	if r.Length() == 0 {
		return 1
	}
	return math.Round(d/r.Length()*1e4) / 1e4
}

// legEnd returns the day the leg of f's route holding distance d is
// completed: the time of the first vertex at or beyond d. Until that day
// the raster renderer draws the part of the leg already covered lighter.
func legEnd(f *overlays.Feature, d float64) geo.Day {
	for i, t := range f.Times {
		if f.Route.VertexDistance(i) >= d {
			return t
		}
	}
	return f.Times[len(f.Times)-1]
}

// between returns the part of r from distance a to distance b (a < b):
// the point at a, the vertices passed after it, and the point at b. The
// pieces between successive distances join end to end into r.Cut.
func between(r *geo.Route, a, b float64) orb.LineString {
	pa, i := r.Locate(a)
	pb, j := r.Locate(b)
	line := r.Line()
	out := orb.LineString{pa}
	for k := i + 1; k <= j; k++ {
		if line[k] != out[len(out)-1] {
			out = append(out, line[k])
		}
	}
	if pb != out[len(out)-1] || len(out) == 1 {
		out = append(out, pb)
	}
	return out
}

// Bearing returns the direction of route r on its segment seg (as
// geo.Route.Locate returns it), in degrees clockwise from north to a
// tenth, as a map draws it: the direction of the segment in Web Mercator,
// which keeps angles. A segment of zero length takes the direction of the
// nearest one before it, else after it.
func Bearing(r *geo.Route, seg int) float64 {
	line := r.Line()
	for _, s := range append(down(seg), up(seg+1, len(line)-1)...) {
		a, b := geo.World(line[s]), geo.World(line[s+1])
		if a == b {
			continue
		}
		// World y grows southwards.
		deg := math.Atan2(b[0]-a[0], -(b[1]-a[1])) * 180 / math.Pi
		if deg < 0 {
			deg += 360
		}
		return math.Round(deg*10) / 10
	}
	return 0
}

// down returns i, i-1, …, 0; up returns i, i+1, …, n-1.
func down(i int) []int {
	out := make([]int, 0, i+1)
	for ; i >= 0; i-- {
		out = append(out, i)
	}
	return out
}

func up(i, n int) []int {
	var out []int
	for ; i < n; i++ {
		out = append(out, i)
	}
	return out
}

// hexAlpha formats an alpha as two hex digits.
func hexAlpha(a uint8) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[a>>4], digits[a&15]})
}

// worldLine is a route in world coordinates with the distance along it
// (in world units) at each vertex: the line the map draws.
type worldLine struct {
	pts orb.LineString
	at  []float64
}

func newWorldLine(r *geo.Route) worldLine {
	pts := geo.ToWorld(r.Line()).(orb.LineString)
	at := make([]float64, len(pts))
	for i := 1; i < len(pts); i++ {
		at[i] = at[i-1] + math.Hypot(pts[i][0]-pts[i-1][0], pts[i][1]-pts[i-1][1])
	}
	return worldLine{pts, at}
}

// point returns the point at distance d along the line (clamped).
func (w worldLine) point(d float64) orb.Point {
	n := len(w.pts)
	if d <= 0 || n == 1 {
		return w.pts[0]
	}
	i := sort.SearchFloat64s(w.at, d)
	if i >= n {
		return w.pts[n-1]
	}
	seg := w.at[i] - w.at[i-1]
	if seg == 0 {
		return w.pts[i]
	}
	t := (d - w.at[i-1]) / seg
	a, b := w.pts[i-1], w.pts[i]
	return orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}
}

// HeadLength returns the length, in pixels, of the raster's arrowhead on
// a route covered to fraction progress, at zoom scale sz: 1.2 times its
// width, which is 2.2 times the body's there, and at least 9 × sz
// (tiles' arrow).
func HeadLength(progress, sz float64) float64 {
	return 1.2 * math.Max(2.2*(2.2+4.3*progress), 9) * sz
}

// BodyTrim is how many head lengths before the tip the raster ends a
// movement's body (under the head).
const BodyTrim = 0.7

// tileHeadLength returns the length in world units of the raster's head
// of a route covered to fraction prog in a tile of zoom z, taken as
// headBearings takes it: at map zoom z+0.5, with the zoom scale of the
// raster's zoom z+1.5.
func tileHeadLength(prog float64, z int) float64 {
	zoom := float64(z) + 0.5
	return HeadLength(prog, paint.ZoomScale(zoom+1)) / (512 * math.Exp2(zoom))
}

// worldAlong returns the distance along the world line w (of route r) of
// the route's point at distance d.
func worldAlong(r *geo.Route, w worldLine, d float64) float64 {
	pos, seg := r.Locate(d)
	p, a := geo.World(pos), w.pts[seg]
	return w.at[seg] + math.Hypot(p[0]-a[0], p[1]-a[1])
}

// trimmedEnd returns the route distance where the body of a route drawn
// to distance d (covered to fraction prog) ends in a tile of zoom z:
// BodyTrim head lengths before d along the drawn line, at least 0.
func trimmedEnd(r *geo.Route, w worldLine, d, prog float64, z int) float64 {
	s := worldAlong(r, w, d) - BodyTrim*tileHeadLength(prog, z)
	if s <= 0 {
		return 0
	}
	// The vertex segment where the line reaches s brackets the answer;
	// within it the distance along the line grows with the route's, near
	// linearly: false position (Illinois) finds it in a few steps.
	i := max(sort.SearchFloat64s(w.at, s)-1, 0)
	lo, hi := r.VertexDistance(i), d
	if i+1 < len(w.at) {
		hi = min(d, r.VertexDistance(i+1))
	}
	flo, fhi := worldAlong(r, w, lo)-s, worldAlong(r, w, hi)-s
	side := 0
	for range 60 {
		if fhi <= flo || hi-lo < 1e-4 { // a tenth of a millimetre
			break
		}
		x := hi - fhi*(hi-lo)/(fhi-flo)
		fx := worldAlong(r, w, x) - s
		switch {
		case fx == 0:
			return x
		case fx < 0:
			lo, flo = x, fx
			if side < 0 {
				fhi /= 2
			}
			side = -1
		default:
			hi, fhi = x, fx
			if side > 0 {
				flo /= 2
			}
			side = 1
		}
		if math.Abs(fx) < 1e-13 { // about 4 µm
			return x
		}
	}
	return (lo + hi) / 2
}

// headBearings returns, per tile zoom, the bearing of the head at tip
// (on segment seg) of a route covered to fraction prog as the raster aims
// it: along the chord from the point one head length back along the
// route drawn up to the head (the segment's bearing segBearing when that chord
// has no length). A tile of zoom z is drawn by MapLibre from map zoom z
// to z+1 at 512 pixels; its head length is taken at zoom z+0.5, with the
// zoom scale of the raster's zoom z+1.5 (256-pixel tiles, same scale).
func headBearings(w worldLine, tip orb.Point, seg int, prog, segBearing float64) []float64 {
	// The route drawn up to the head: the vertices passed, then the head
	// (which lies on the great circle, off the Mercator segment).
	a := w.pts[seg]
	at := w.at[seg] + math.Hypot(tip[0]-a[0], tip[1]-a[1])
	w = worldLine{pts: append(slices.Clone(w.pts[:seg+1]), tip), at: append(slices.Clone(w.at[:seg+1]), at)}
	out := make([]float64, MaxZoom+1)
	for z := range out {
		hl := tileHeadLength(prog, z)
		b := w.point(at - hl)
		if b == tip {
			out[z] = segBearing
			continue
		}
		deg := math.Atan2(tip[0]-b[0], -(tip[1]-b[1])) * 180 / math.Pi
		if deg < 0 {
			deg += 360
		}
		out[z] = math.Round(deg*10) / 10
	}
	return out
}
