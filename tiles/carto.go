package tiles

import (
	"image/color"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// op is the kind of a drawing operation.
type op uint8

const (
	opFill   op = iota // fill polygon geometry (even-odd)
	opStroke           // stroke line geometry with round caps and joins
	opSymbol           // draw a point symbol
	opText             // draw a label
)

// prim is one drawing operation in frame pixels, quantized to 1/64 pixel.
type prim struct {
	op    op
	geom  orb.Geometry
	color color.NRGBA
	width float64
	sym   symbol
	label *placed
}

// symbol is a point symbol: an APP-6 style unit frame, an artillery
// position, an airfield, a town or an event.
type symbol struct {
	kind    overlays.Kind
	branch  string
	echelon string
	color   color.NRGBA
	size    float64 // nominal size in pixels (frame width, disc diameter)
	scale   float64 // device pixel ratio, for line widths
	rank    int
}

// symbolScale grows symbols and arrows with the zoom, from 0.55 at zoom 5
// and below to 1.15 at zoom 12 and above.
func symbolScale(z float64) float64 { return math.Min(math.Max(0.55+0.09*(z-5), 0.55), 1.15) }

// Nominal symbol sizes, in pixels at symbol scale 1.
const (
	unitWidth     = 22.0
	artilleryWide = 14.0
	airfieldSize  = 16.0
	eventSize     = 12.0
)

func placeRadius(rank int) float64 {
	switch rank {
	case 1:
		return 4.5
	case 2:
		return 3.6
	case 3:
		return 2.8
	}
	return 2.2
}

// symbolBox returns the extent, around its point at the origin, of the
// pixels a symbol paints: halo, frame, echelon marks, staff. It follows
// drawSymbol.
func symbolBox(s symbol) orb.Bound {
	sc := s.scale
	box := func(hw, hh float64) orb.Bound { return orb.Bound{Min: orb.Point{-hw, -hh}, Max: orb.Point{hw, hh}} }
	switch s.kind {
	case overlays.KindUnit, overlays.KindArtillery:
		w := s.size
		h := w * 2 / 3
		if s.kind == overlays.KindArtillery {
			h = w * 0.7
		}
		lw := math.Max(1.2*sc, w/14)
		b := box(w/2+lw, h/2+lw)
		if marks := echelonMarks[s.echelon]; marks != "" {
			mh := h * 0.34
			mw := mh * 0.8
			total := float64(len(marks))*mw + float64(len(marks)-1)*mw*0.3
			hs := math.Max(1, sc) * 1.5 // half the halo stroke
			b = b.Union(orb.Bound{Min: orb.Point{-total/2 - hs, -h/2 - lw - 1.5*sc - mh - hs}, Max: orb.Point{total/2 + hs, 0}})
		}
		if s.branch == "hq" {
			b = b.Union(orb.Bound{Min: orb.Point{-w/2 - lw, 0}, Max: orb.Point{-w/2 + lw, h/2 + h*0.6 + lw}})
		}
		return b
	case overlays.KindAirfield:
		return box(s.size/2+1.2*sc, s.size/2+1.2*sc)
	case overlays.KindEvent:
		return box(s.size/2+1.5*sc, s.size/2+1.5*sc)
	case overlays.KindPlace:
		r := s.size + math.Max(1.1*sc, s.size/3)/2
		return box(r, r)
	}
	return box(s.size/2, s.size/2)
}

// symbolReach returns how far a point symbol's pixels reach from its point.
func symbolReach(sym symbol) float64 {
	b := symbolBox(sym)
	return math.Max(math.Max(-b.Min[0], b.Max[0]), math.Max(-b.Min[1], b.Max[1]))
}

// paints reports whether a drawing operation can paint a pixel of a
// width×height frame: whether the extent of its ink — geometry, half the
// stroke width, the symbol's box, the label's text and halo — overlaps the
// frame. Operations that cannot are left out of plans, so that a plan's key
// changes only when its pixels can.
func (pr *prim) paints(width, height int) bool {
	var b orb.Bound
	switch pr.op {
	case opFill:
		b = pr.geom.Bound()
	case opStroke:
		b = pr.geom.Bound().Pad(pr.width / 2)
	case opSymbol:
		p := pr.geom.(orb.Point)
		sb := symbolBox(pr.sym)
		b = orb.Bound{Min: orb.Point{p[0] + sb.Min[0], p[1] + sb.Min[1]}, Max: orb.Point{p[0] + sb.Max[0], p[1] + sb.Max[1]}}
	case opText:
		b = pr.label.box.Pad(-1) // the box has a pixel of clearance around the halo
	}
	return b.Max[0] > 0 && b.Min[0] < float64(width) && b.Max[1] > 0 && b.Min[1] < float64(height)
}

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
		sz:    symbolScale(f.Zoom) * f.Scale,
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
func (r *Renderer) shape(it *item, st overlays.State, c *frameCtx) []prim {
	f := it.f
	stl := f.Style
	sc := c.f.Scale
	side := stl.Stroke
	var out []prim
	add := func(p prim) {
		if p.geom != nil {
			out = append(out, p)
		}
	}
	switch f.Kind {
	case overlays.KindMovement:
		return r.arrow(it, st, c)

	case overlays.KindPlace, overlays.KindUnit, overlays.KindArtillery, overlays.KindEvent, overlays.KindAirfield:
		if pg, ok := f.World.(orb.Polygon); ok { // an airfield drawn as its outline, symbol at its centre
			g := c.clipWorld(pg, stl.Width*sc)
			add(prim{op: opFill, geom: g, color: scaleAlpha(side, 0.25)})
			add(prim{op: opStroke, geom: g, color: side, width: stl.Width * sc})
		}
		sym := pointSymbol(f, c.sz, sc)
		reach := symbolReach(sym)
		var pts []orb.Point
		switch g := f.World.(type) {
		case orb.Point:
			pts = []orb.Point{g}
		case orb.MultiPoint:
			pts = g
		case orb.Polygon:
			pts = []orb.Point{g.Bound().Center()}
		}
		for _, w := range pts {
			p := c.px(w)
			if c.frame.Pad(reach).Contains(p) {
				out = append(out, prim{op: opSymbol, geom: quantize(p), sym: sym})
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
		add(prim{op: opFill, geom: clipped, color: stl.Fill})
		if role == "battle" || tick > 0 {
			// Dashed outlines and ticks are cut from whole rings, so they continue across tiles.
			keep := c.frame.Pad(margin)
			var lines orb.MultiLineString
			walk(g, func(tag byte, ring []orb.Point) {
				ps := c.pxLine(ring)
				if role == "battle" {
					lines = append(lines, dashes(ps, 7*sc, 4*sc, keep)...)
					return
				}
				lines = append(lines, orb.LineString(ps))
				inward := -sideOf(ps) // teeth point into the area: into the outer ring, out of a hole
				if tag == 'i' {
					inward = -inward
				}
				lines = append(lines, ticks(ps, 9*c.sz, tick, inward, keep)...)
			})
			add(prim{op: opStroke, geom: c.clipPx(lines, margin), color: side, width: width})
		} else {
			add(prim{op: opStroke, geom: clipped, color: stl.Stroke, width: width})
		}

	case overlays.KindRiver, overlays.KindFront:
		add(prim{op: opStroke, geom: c.clipWorld(it.geometry(c.zl), stl.Width*sc/2+1), color: stl.Stroke, width: stl.Width * sc})

	case overlays.KindRailway, overlays.KindFortification:
		g := it.geometry(c.zl)
		width := stl.Width * sc
		tickLen, spacing, tickSide := 3.5*c.sz, 11*c.sz, 0
		if f.Kind == overlays.KindFortification {
			tickLen, spacing, tickSide = 4.5*c.sz, 7*c.sz, 1
		}
		margin := width/2 + tickLen + 1
		if pg, ok := g.(orb.Polygon); ok && f.Kind == overlays.KindFortification {
			add(prim{op: opFill, geom: c.clipWorld(pg, margin), color: stl.Fill})
		}
		if !c.f.Bound(margin).Intersects(g.Bound()) {
			break
		}
		keep := c.frame.Pad(margin)
		var lines, marks orb.MultiLineString
		walk(g, func(tag byte, ls []orb.Point) {
			ps := c.pxLine(ls)
			lines = append(lines, orb.LineString(ps))
			s := tickSide
			if tag == 'r' || tag == 'i' { // fortified perimeters: teeth outward
				s = sideOf(ps)
			}
			marks = append(marks, ticks(ps, spacing, tickLen, s, keep)...)
		})
		add(prim{op: opStroke, geom: c.clipPx(lines, margin), color: stl.Stroke, width: width})
		add(prim{op: opStroke, geom: c.clipPx(marks, margin), color: stl.Stroke, width: math.Max(1, width*0.6)})
	}
	return out
}

// sideOf returns the tick side (1 left, -1 right, y down) that points out
// of a ring.
func sideOf(ring []orb.Point) int {
	if signedArea(ring) > 0 { // clockwise on screen: the outside is on the left
		return 1
	}
	return -1
}

// scaleAlpha multiplies the opacity of c by a (overlays sets it outright).
func scaleAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(float64(c.A)*a + 0.5)
	return c
}

// pointSymbol describes the symbol of a point feature at symbol scale sz.
func pointSymbol(f *overlays.Feature, sz, scale float64) symbol {
	s := symbol{kind: f.Kind, color: f.Style.Marker, scale: scale, branch: f.Branch(), echelon: f.Echelon()}
	switch f.Kind {
	case overlays.KindUnit:
		s.size = unitWidth * sz
		if s.branch == "" {
			s.branch = "infantry"
		}
	case overlays.KindArtillery:
		s.size, s.branch = artilleryWide*sz, "artillery"
	case overlays.KindAirfield:
		s.size = airfieldSize * sz
	case overlays.KindEvent:
		s.size = eventSize * sz
	case overlays.KindPlace:
		s.rank = f.Rank()
		s.size = placeRadius(s.rank) * scale
	}
	return s
}

// arrow shapes a movement as a tapered arrow along its route up to the
// troops' position, its head there; the leg in progress is lighter than
// the completed legs, retreats are hollow with a dashed outline, and a
// failed attack ends in a bar across its head.
func (r *Renderer) arrow(it *item, st overlays.State, c *frameCtx) []prim {
	f := it.f
	route := f.Route
	sz, sc := c.sz, c.f.Scale
	col := f.Style.Stroke
	full := c.pxLine(f.World.(orb.LineString)) // the route, projected once at load
	total := lineLength(full)
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
	var out []prim
	addBody := func(from, to float64, fill color.NRGBA) {
		if to-from <= 0.5 {
			return
		}
		seg := subLine(full, from, to)
		ring := taper(seg, func(d float64) float64 { return width(from + d) })
		if ring == nil {
			return
		}
		if g := c.clipPx(orb.Polygon{ring}, margin); g != nil {
			out = append(out, prim{op: opFill, geom: g, color: fill})
		}
		if hollow {
			if g := c.clipPx(dashes(ring, 5*sc, 3*sc, c.frame.Pad(margin)), margin); g != nil {
				out = append(out, prim{op: opStroke, geom: g, color: col, width: 1.3 * sc})
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
	if g := c.clipPx(orb.Polygon{head}, margin); g != nil {
		out = append(out, prim{op: opFill, geom: g, color: headFill})
		if hollow {
			out = append(out, prim{op: opStroke, geom: c.clipPx(orb.LineString(head), margin), color: col, width: 1.3 * sc})
		}
	}
	if f.Failed() {
		ahead := orb.Point{tip[0] + dir[0]*2.5*sc, tip[1] + dir[1]*2.5*sc}
		bar := orb.LineString{
			{ahead[0] - dir[1]*hw*0.6, ahead[1] + dir[0]*hw*0.6},
			{ahead[0] + dir[1]*hw*0.6, ahead[1] - dir[0]*hw*0.6},
		}
		if g := c.clipPx(bar, margin); g != nil {
			out = append(out, prim{op: opStroke, geom: g, color: col, width: 2.5 * sc})
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
	walkSegments(ls, func(a, b orb.Point, at, l float64) {
		end := at + l
		if end < from || at > to {
			return
		}
		s := math.Max(from, at)
		e := math.Min(to, end)
		if len(out) == 0 {
			out = append(out, lerp(a, b, (s-at)/l))
		}
		out = append(out, lerp(a, b, (e-at)/l))
	})
	if len(out) == 0 && len(ls) > 0 {
		out = append(out, ls[0])
	}
	return out
}
