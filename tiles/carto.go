package tiles

import (
	"image/color"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/decorate"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// frameCtx is what shaping needs to know of a frame.
type frameCtx struct {
	f     geo.Frame
	ppw   float64
	zl    int     // simplification level
	sz    float64 // symbol scale × device pixel ratio
	frame orb.Bound
}

func newFrameCtx(f geo.Frame) *frameCtx {
	return &frameCtx{
		f: f, ppw: f.PixelsPerWorld(),
		zl:    int(math.Floor(f.Zoom + math.Log2(f.Scale) + 1e-9)),
		sz:    paint.ZoomScale(f.Zoom) * f.Scale,
		frame: orb.Bound{Max: orb.Point{float64(f.Width), float64(f.Height)}},
	}
}

func (c *frameCtx) px(w orb.Point) orb.Point {
	return orb.Point{w[0]*c.ppw - c.f.X, w[1]*c.ppw - c.f.Y}
}

// pxLine maps a world line to frame pixels, unquantized.
func (c *frameCtx) pxLine(ls []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ls))
	for i, p := range ls {
		out[i] = c.px(p)
	}
	return out
}

// clipWorld clips world geometry to the frame grown by margin pixels and
// maps it to quantized frame pixels; nil when nothing is left.
func (c *frameCtx) clipWorld(g orb.Geometry, margin float64) orb.Geometry {
	bound := c.f.Bound(margin)
	if g == nil || !bound.Intersects(g.Bound()) {
		return nil
	}
	switch g.(type) {
	case orb.Polygon, orb.MultiPolygon, orb.Ring:
		g = orb.Clone(g) // clip uses polygons as scratch space
	}
	g = clip.Geometry(bound, g)
	if g == nil {
		return nil
	}
	return toPixels(g, c.f, c.ppw)
}

// clipPx clips frame-pixel geometry to the frame grown by margin and
// quantizes it; nil when nothing is left. g is modified.
func (c *frameCtx) clipPx(g orb.Geometry, margin float64) orb.Geometry {
	g = clip.Geometry(c.frame.Pad(margin), g)
	if g == nil {
		return nil
	}
	return project.Geometry(g, quantize)
}

// shape returns the drawing operations of one feature in state st.
func (r *Renderer) shape(it *item, st overlays.State, c *frameCtx, lay *layout) []paint.Prim {
	f := it.f
	stl := f.Style
	sc := c.f.Scale
	side := stl.Stroke
	var out []paint.Prim
	add := func(p paint.Prim) {
		if p.Geom != nil {
			out = append(out, p)
		}
	}
	switch f.Kind {
	case overlays.KindMovement:
		return r.arrow(it, st, c)

	case overlays.KindPlace, overlays.KindUnit, overlays.KindArtillery, overlays.KindEvent, overlays.KindAirfield:
		if pg, ok := f.World.(orb.Polygon); ok { // an airfield drawn as its outline, symbol at its centre
			g := c.clipWorld(pg, stl.Width*sc)
			add(paint.Prim{Op: paint.OpFill, Geom: g, Color: scaleAlpha(side, 0.25)})
			add(paint.Prim{Op: paint.OpStroke, Geom: g, Color: side, Width: stl.Width * sc})
		}
		sym := paint.FeatureSymbol(f, c.sz, sc)
		reach := sym.Reach()
		for i, w := range symbolPoints(f.World) {
			k := symKey{it.seq, i}
			if lay.dropped[k] {
				continue
			}
			p := c.px(w)
			if m, ok := lay.moved[k]; ok {
				// Moved aside: a leader from the true position, marked by a
				// dot, to the symbol drawn where the layout put it.
				q := orb.Point{m[0] - c.f.X, m[1] - c.f.Y}
				lead := c.clipPx(orb.LineString{p, q}, 2*sc)
				add(paint.Prim{Op: paint.OpStroke, Geom: lead, Color: paint.Halo, Width: 3 * sc})
				add(paint.Prim{Op: paint.OpStroke, Geom: lead, Color: side, Width: 1.2 * sc})
				if c.frame.Pad(3 * sc).Contains(p) {
					add(paint.Prim{Op: paint.OpFill, Geom: circleAt(quantize(p), 2.6*sc), Color: paint.Halo})
					add(paint.Prim{Op: paint.OpFill, Geom: circleAt(quantize(p), 1.8*sc), Color: side})
				}
				p = q
			}
			if f.Approximate() && c.frame.Pad(reach*approxHalo).Contains(p) {
				// An estimated position: a soft halo of the side's colour.
				q := quantize(p)
				add(paint.Prim{Op: paint.OpFill, Geom: circleAt(q, reach*approxHalo), Color: scaleAlpha(f.Style.Marker, 0.10)})
				add(paint.Prim{Op: paint.OpFill, Geom: circleAt(q, reach*(1+approxHalo)/2), Color: scaleAlpha(f.Style.Marker, 0.14)})
			}
			if c.frame.Pad(reach).Contains(p) {
				out = append(out, paint.Prim{Op: paint.OpSymbol, Geom: quantize(p), Sym: sym})
			}
		}

	case overlays.KindArea, overlays.KindLake:
		g := it.geometry(c.zl)
		width := stl.Width * sc
		role := f.Role()
		tick := 0.0
		if f.Encircles() {
			width, tick = 2.4*sc, 5*c.sz
		}
		margin := width/2 + tick + 1
		clipped := c.clipWorld(g, margin)
		if clipped == nil {
			return nil
		}
		add(paint.Prim{Op: paint.OpFill, Geom: clipped, Color: stl.Fill})
		if role == "battle" || tick > 0 {
			// Dashed outlines and ticks are cut from whole rings, so they continue across tiles.
			keep := c.frame.Pad(margin)
			var lines orb.MultiLineString
			paint.Walk(g, func(tag byte, ring []orb.Point) {
				ps := c.pxLine(ring)
				if role == "battle" {
					lines = append(lines, decorate.Dashes(ps, 7*sc, 4*sc, keep)...)
					return
				}
				lines = append(lines, decorate.NearRuns(ps, keep)...)
				inward := -sideOf(ps) // teeth point into the area: into the outer ring, out of a hole
				if tag == 'i' {
					inward = -inward
				}
				lines = append(lines, decorate.Ticks(ps, 9*c.sz, tick, inward, keep)...)
			})
			add(paint.Prim{Op: paint.OpStroke, Geom: c.clipPx(lines, margin), Color: side, Width: width})
		} else {
			add(paint.Prim{Op: paint.OpStroke, Geom: clipped, Color: stl.Stroke, Width: width})
		}

	case overlays.KindRiver, overlays.KindFront:
		add(paint.Prim{Op: paint.OpStroke, Geom: c.clipWorld(it.geometry(c.zl), stl.Width*sc/2+1), Color: stl.Stroke, Width: stl.Width * sc})

	case overlays.KindRailway, overlays.KindFortification:
		g := it.geometry(c.zl)
		width := stl.Width * sc
		tickLen, spacing, tickSide := 3.5*c.sz, 11*c.sz, 0
		if f.Kind == overlays.KindFortification {
			tickLen, spacing, tickSide = 4.5*c.sz, 7*c.sz, 1
		}
		margin := width/2 + tickLen + 1
		if pg, ok := g.(orb.Polygon); ok && f.Kind == overlays.KindFortification {
			add(paint.Prim{Op: paint.OpFill, Geom: c.clipWorld(pg, margin), Color: stl.Fill})
		}
		if !c.f.Bound(margin).Intersects(g.Bound()) {
			break
		}
		keep := c.frame.Pad(margin)
		var lines, marks orb.MultiLineString
		paint.Walk(g, func(tag byte, ls []orb.Point) {
			ps := c.pxLine(ls)
			lines = append(lines, decorate.NearRuns(ps, keep)...)
			s := tickSide
			if tag == 'r' || tag == 'i' { // fortified perimeters: teeth outward
				s = sideOf(ps)
			}
			marks = append(marks, decorate.Ticks(ps, spacing, tickLen, s, keep)...)
		})
		add(paint.Prim{Op: paint.OpStroke, Geom: c.clipPx(lines, margin), Color: stl.Stroke, Width: width})
		add(paint.Prim{Op: paint.OpStroke, Geom: c.clipPx(marks, margin), Color: stl.Stroke, Width: math.Max(1, width*0.6)})
	}
	return out
}

// sideOf returns the tick side (1 left, -1 right, y down) that points out
// of a ring.
func sideOf(ring []orb.Point) int {
	if paint.SignedArea(ring) > 0 { // clockwise on screen: the outside is on the left
		return 1
	}
	return -1
}

// scaleAlpha multiplies the opacity of c by a (overlays sets it outright).
func scaleAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(float64(c.A)*a + 0.5)
	return c
}

// arrow shapes a movement as a tapered arrow along its route up to the
// troops' position, its head there; the leg in progress is lighter than
// the completed legs, retreats are hollow with a dashed outline, and a
// failed attack ends in a bar across its head.
func (r *Renderer) arrow(it *item, st overlays.State, c *frameCtx) []paint.Prim {
	f := it.f
	route := f.Route
	sz, sc := c.sz, c.f.Scale
	col := f.Style.Stroke
	full := c.pxLine(f.World.(orb.LineString)) // the route, projected once at load
	total := decorate.LineLength(full)
	if total == 0 {
		return nil
	}
	// Distances along the route in pixels, at the position and at the last
	// dated vertex passed.
	frac := f.Progress(st)
	at := frac * total
	w0, w1 := 2.2*sz, 6.5*sz
	width := func(d float64) float64 { return w0 + (w1-w0)*math.Min(d/total, 1) }
	hw := math.Max(2.2*width(at), 9*sz)
	hl := math.Max(1.2*hw, 10*sz)
	margin := hl + 3*sc

	pos, _ := route.Locate(st.Distance)
	tip := c.px(geo.World(pos))
	// Direction at the tip: from the point hl back along the route.
	behind := cutAt(full, math.Max(at-hl, 0))
	dir := orb.Point{1, 0}
	if len(behind) > 0 {
		b := behind[len(behind)-1]
		if d := math.Hypot(tip[0]-b[0], tip[1]-b[1]); d > 1e-6 {
			dir = orb.Point{(tip[0] - b[0]) / d, (tip[1] - b[1]) / d}
		} else if len(full) >= 2 {
			a, b := full[0], full[1]
			if d := math.Hypot(b[0]-a[0], b[1]-a[1]); d > 0 {
				dir = orb.Point{(b[0] - a[0]) / d, (b[1] - a[1]) / d}
			}
		}
	}
	// Quick reject: nothing of the arrow near the frame.
	bodyBound := orb.MultiPoint(full).Bound().Union(orb.Bound{Min: tip, Max: tip})
	if !c.frame.Pad(margin + w1).Intersects(bodyBound) {
		return nil
	}
	hollow := f.Hollow()
	var out []paint.Prim
	addBody := func(from, to float64, fill color.NRGBA) {
		if to-from <= 0.5 {
			return
		}
		seg := subLine(full, from, to)
		ring := decorate.Taper(seg, func(d float64) float64 { return width(from + d) })
		if ring == nil {
			return
		}
		// The edges are cut from the ring before the fill is clipped: clipping
		// uses the polygon as scratch space.
		var edge orb.MultiLineString
		if hollow {
			edge = decorate.Dashes(ring, 5*sc, 3*sc, c.frame.Pad(margin))
		} else if f.Approximate() {
			// An estimated route: a dotted edge around the body.
			edge = decorate.Dashes(ring, approxDot*sc, approxGap*sc, c.frame.Pad(margin))
		}
		if g := c.clipPx(orb.Polygon{ring}, margin); g != nil {
			out = append(out, paint.Prim{Op: paint.OpFill, Geom: g, Color: fill})
		}
		if hollow {
			if g := c.clipPx(edge, margin); g != nil {
				out = append(out, paint.Prim{Op: paint.OpStroke, Geom: g, Color: col, Width: 1.3 * sc})
			}
		} else if f.Approximate() {
			if g := c.clipPx(edge, margin); g != nil {
				out = append(out, paint.Prim{Op: paint.OpStroke, Geom: g, Color: paint.Halo, Width: 1.4 * sc})
			}
		}
	}
	bodyEnd := math.Max(at-hl*0.7, 0)
	split := bodyEnd // completed legs end at the last dated vertex passed
	if st.Moving && len(f.Times) > 0 {
		split = math.Min(bodyEnd, passedDistance(f, st)/route.Length()*total)
	}
	solid, light := col, scaleAlpha(col, 0.5)
	if hollow {
		solid, light = color.NRGBA{0xff, 0xff, 0xff, 0xd9}, color.NRGBA{0xff, 0xff, 0xff, 0x99}
	}
	if !st.Moving {
		split = bodyEnd
	}
	addBody(0, split, solid)
	addBody(split, bodyEnd, light)

	// The head.
	back := orb.Point{tip[0] - dir[0]*hl, tip[1] - dir[1]*hl}
	head := orb.Ring{
		tip,
		{back[0] - dir[1]*hw/2, back[1] + dir[0]*hw/2},
		{back[0] + dir[1]*hw/2, back[1] - dir[0]*hw/2},
		tip,
	}
	headFill := col
	if hollow {
		headFill = solid
	}
	outline := orb.LineString(slices.Clone(head)) // before the fill's clipping uses head
	if g := c.clipPx(orb.Polygon{head}, margin); g != nil {
		out = append(out, paint.Prim{Op: paint.OpFill, Geom: g, Color: headFill})
		if hollow {
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: c.clipPx(outline, margin), Color: col, Width: 1.3 * sc})
		}
	}
	if f.Failed() {
		ahead := orb.Point{tip[0] + dir[0]*2.5*sc, tip[1] + dir[1]*2.5*sc}
		bar := orb.LineString{
			{ahead[0] - dir[1]*hw*0.6, ahead[1] + dir[0]*hw*0.6},
			{ahead[0] + dir[1]*hw*0.6, ahead[1] - dir[0]*hw*0.6},
		}
		if g := c.clipPx(bar, margin); g != nil {
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: g, Color: col, Width: 2.5 * sc})
		}
	}
	return out
}

// passedDistance returns the route distance, in metres, of the last dated
// vertex a moving movement has passed.
func passedDistance(f *overlays.Feature, st overlays.State) float64 {
	d := 0.0
	for i := range f.Times {
		if v := f.Route.VertexDistance(i); v <= st.Distance {
			d = v
		}
	}
	return d
}

// cutAt returns ls up to distance d.
func cutAt(ls []orb.Point, d float64) []orb.Point { return subLine(ls, 0, d) }

// subLine returns the part of ls between distances from and to.
func subLine(ls []orb.Point, from, to float64) []orb.Point {
	var out []orb.Point
	decorate.WalkSegments(ls, func(a, b orb.Point, at, l float64) {
		end := at + l
		if end < from || at > to {
			return
		}
		s := math.Max(from, at)
		e := math.Min(to, end)
		if len(out) == 0 {
			out = append(out, decorate.Lerp(a, b, (s-at)/l))
		}
		out = append(out, decorate.Lerp(a, b, (e-at)/l))
	})
	if len(out) == 0 && len(ls) > 0 {
		out = append(out, ls[0])
	}
	return out
}

// How approximate features look: estimated positions get a soft halo
// approxHalo times the symbol's reach; estimated routes a dotted edge of
// dots approxDot long every approxDot+approxGap pixels (at scale 1).
const (
	approxHalo = 1.6
	approxDot  = 1.5
	approxGap  = 2.5
)

// circleAt returns a disc of radius r around p as a polygon.
func circleAt(p orb.Point, r float64) orb.Polygon {
	const n = 16
	ring := make(orb.Ring, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		ring[i] = orb.Point{p[0] + r*math.Cos(a), p[1] + r*math.Sin(a)}
	}
	ring[n] = ring[0]
	return orb.Polygon{ring}
}
