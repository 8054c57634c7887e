package tiles

import (
	"context"
	"image/color"
	"slices"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// Labels are placed once per (layers, day, zoom, scale) over the whole
// campaign, in world pixels, and then drawn by every frame their box
// touches: a label crossing a tile edge is drawn whole, at the same place,
// in both tiles — never cut, never doubled. Collisions are resolved
// greedily by priority, then campaign order, so the result is deterministic.
// The names of key towns (cities, and the towns that name a layer) are
// placed first and never dropped; units that would overlap are then moved
// aside (declutter.go); every other label gives way to both.
//
// A picture — a static image, a GIF frame, a printed map — has edges and
// furniture of its own: its labels are placed for it, wholly inside it and
// clear of its caption and attribution.

// layout is the set of labels placed for one key.
type layout struct {
	labels []*paint.Label
	// hidden holds the items (by seq) whose unit symbol gives way to a
	// higher echelon's at this zoom.
	hidden map[uint32]bool
	// moved holds where, in world pixels, the symbols of units moved
	// aside are drawn; dropped, the symbols of a unit's several points that
	// found no free place.
	moved   map[symKey]orb.Point
	dropped map[symKey]bool
}

type layoutKey struct {
	sel         string
	day         geo.Day
	zoom, scale float64
	pic         picture
}

// DefaultLayoutBytes bounds the memory of a Renderer's cache of label
// layouts (one per layers, day, zoom and scale asked for).
const DefaultLayoutBytes = 32 << 20

// layoutSize approximates the memory of a layout and its key.
func layoutSize(k layoutKey, lay *layout) int64 {
	n := int64(256 + len(k.sel) + 48*len(lay.hidden) + 64*len(lay.moved) + 48*len(lay.dropped))
	for _, l := range lay.labels {
		n += 160
		for _, tl := range l.Lines {
			n += 64 + int64(len(tl.Text))
		}
	}
	return n
}

// Label styles: minimum zoom, size in pixels at scale 1, font, priority.
type labelStyle struct {
	minZoom float64
	size    float64
	style   fonts.Style
	prio    int
}

func placeLabelStyle(rank int) labelStyle {
	switch rank {
	case 1:
		return labelStyle{5, 13, fonts.Bold, 0}
	case 2:
		return labelStyle{7, 12, fonts.Regular, 3}
	case 3:
		return labelStyle{8, 11, fonts.Regular, 5}
	}
	return labelStyle{10, 10, fonts.Regular, 8}
}

var (
	unitLabel      = labelStyle{7, 10.5, fonts.Bold, 1}
	areaLabel      = labelStyle{9, 10.5, fonts.Regular, 2}
	airfieldLabel  = labelStyle{9, 10, fonts.Regular, 4}
	artilleryLabel = labelStyle{10, 9.5, fonts.Regular, 6}
	dateLabel      = labelStyle{8, 9, fonts.Regular, 7}
)

// cjkMinZoom is the zoom from which Chinese names are added under Latin
// ones; unit designations get theirs from cjkUnitMinZoom.
const (
	cjkMinZoom     = 8
	cjkUnitMinZoom = 10
)

// candidate is a label looking for a place.
type candidate struct {
	prio, order int
	anchor      orb.Point // world pixels
	gap         float64   // clearance from the anchor (the symbol's reach)
	above       float64   // clearance above the anchor, when more than gap (echelon marks)
	centred     bool      // areas: centred on the anchor only
	lines       []paint.TextLine
	color       color.NRGBA
	item        *item // the feature labelled (nil for dates)
	unit        bool  // a unit's designation: follows the unit when it moves
}

// layout places the labels of the selection on day d at a zoom and scale,
// once for every caller: layouts are kept in a byte-bounded cache, and
// concurrent requests for one wait for a single placement.
func (r *Renderer) layout(ctx context.Context, sel overlays.Selection, d geo.Day, zoom, scale float64, pic picture) (*layout, error) {
	k := layoutKey{sel.String(), d, zoom, scale, pic}
	lay, _, err := r.layouts.Do(ctx, k, func(ctx context.Context) (*layout, error) { return r.place(ctx, sel, d, zoom, scale, pic) })
	return lay, err
}

// checkEvery is how many features planning and placement handle between
// looks at their context.
const checkEvery = 256

// labelEnv is what shaping a label candidate needs: the zoom, the
// scale and what follows from them.
type labelEnv struct {
	zoom, scale, ppw, sz float64
	cjk                  bool
	keyTowns             map[*overlays.Feature]bool
}

// pointCandidate returns the symbols of a point feature (places, units,
// airfields, artillery, events) at their true positions and its label
// candidate, if it has one at this zoom. A key town's candidate has
// priority -1.
func (e labelEnv) pointCandidate(it *item) ([]placedSym, candidate, bool) {
	f := it.f
	sym, syms := e.symbols(it)
	pts := symbolPoints(f.World)
	if len(pts) == 0 {
		return nil, candidate{}, false
	}
	c := candidate{order: int(it.seq) * 1024, anchor: orb.Point{pts[0][0] * e.ppw, pts[0][1] * e.ppw},
		gap: sym.Reach() + 2*e.scale, color: f.Style.Marker, item: it, unit: Displaces(f)}
	var ls labelStyle
	var text string
	key := false
	switch f.Kind {
	case overlays.KindPlace:
		ls, text, c.color = placeLabelStyle(sym.Rank), f.Name, paint.Ink
		key = sym.Rank == 1 || e.keyTowns[f]
	case overlays.KindUnit:
		ls, text = unitLabel, f.Designation()
		c.gap = sym.Size*0.55 + 3*e.scale
		c.above = -sym.Box().Min[1] + 2*e.scale // over the echelon marks
	case overlays.KindAirfield:
		ls, text = airfieldLabel, f.Name
	case overlays.KindArtillery:
		ls, text = artilleryLabel, f.Name
	default:
		return syms, candidate{}, false // events are listed by the viewer, not labelled on the map
	}
	c, ok := e.finish(c, ls, text, f)
	if key {
		c.prio = -1 // placed before units move, never dropped
	}
	return syms, c, ok
}

// symbols returns a point feature's symbol and its placed symbols at their
// true positions.
func (e labelEnv) symbols(it *item) (paint.Symbol, []placedSym) {
	sym := paint.FeatureSymbol(it.f, e.sz, e.scale)
	box := sym.Box()
	var syms []placedSym
	for i, w := range symbolPoints(it.f.World) {
		syms = append(syms, placedSym{it: it, i: i, at: orb.Point{w[0] * e.ppw, w[1] * e.ppw}, box: box, unit: Displaces(it.f)})
	}
	return sym, syms
}

// finish gives a candidate its style's priority and lines: text, and the
// Chinese name under it from the style's zoom; false when the label is
// not shown at this zoom.
func (e labelEnv) finish(c candidate, ls labelStyle, text string, f *overlays.Feature) (candidate, bool) {
	if text == "" || e.zoom < ls.minZoom {
		return c, false
	}
	c.prio = ls.prio
	c.lines = []paint.TextLine{{Text: text, Style: ls.style, Size: ls.size * e.scale}}
	zhZoom := float64(cjkMinZoom)
	if f.Kind == overlays.KindUnit {
		zhZoom = cjkUnitMinZoom
	}
	if e.cjk && f.NameZh != "" && e.zoom >= zhZoom && f.Kind != overlays.KindArea {
		c.lines = append(c.lines, paint.TextLine{Text: f.NameZh, Style: fonts.CJK, Size: ls.size * 0.95 * e.scale})
	}
	return c, true
}

// decluttered is the first half of a layout, all that moving units aside
// depends on: the units hidden, the key towns' names (placed first,
// never dropped) and where crowded unit and artillery symbols are moved.
// Both the raster's layouts (place) and Renderer.Declutter are made from
// it, so that they agree.
type decluttered struct {
	env    labelEnv
	want   []bool
	hidden map[uint32]bool
	// labels are the key towns' names; pl holds them as taken.
	labels  []*paint.Label
	pl      *placer
	units   []placedSym // unit and artillery symbols, at their true positions
	moved   map[symKey]orb.Point
	dropped map[symKey]bool
}

// declutter decides the units hidden, the key towns' names and the units
// moved aside for the selection on day d at a zoom and scale, in picture
// pic.
func (r *Renderer) declutter(ctx context.Context, sel overlays.Selection, d geo.Day, zoom, scale float64, pic picture) (*decluttered, error) {
	_, cjk := r.fonts.HasCJK()
	want := make([]bool, len(r.campaign.Layers))
	for _, l := range sel {
		want[l.Index] = true
	}
	e := labelEnv{zoom: zoom, scale: scale, ppw: geo.Frame{Zoom: zoom, Scale: scale}.PixelsPerWorld(),
		sz: paint.ZoomScale(zoom) * scale, cjk: cjk, keyTowns: sel.KeyTowns()}
	hidden := r.generalize(want, d, zoom, e.ppw, e.sz, scale)
	if hidden == nil {
		hidden = map[uint32]bool{}
	}
	out := &decluttered{env: e, want: want, hidden: hidden, pl: &placer{r: r, pic: pic, halo: 1.6 * scale}}
	var keys []candidate
	for i, it := range r.ix.points {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f := it.f
		if !want[f.Layer.Index] || hidden[it.seq] || (f.Kind != overlays.KindPlace && !Displaces(f)) || !f.At(d).Visible {
			continue
		}
		if Displaces(f) {
			_, syms := e.symbols(it)
			out.units = append(out.units, syms...)
			continue
		}
		if f.Rank() != 1 && !e.keyTowns[f] {
			continue // only key towns' names are placed before units move
		}
		if _, c, ok := e.pointCandidate(it); ok && c.prio < 0 {
			keys = append(keys, c)
		}
	}
	// Key towns first: their names are never dropped and nothing moves onto
	// them.
	for _, c := range keys {
		if l := out.pl.place(c, true); l != nil {
			out.labels = append(out.labels, l)
		}
	}
	// Then units that would overlap are moved aside, clear of each other
	// and of those names.
	out.moved, out.dropped = displace(out.units, out.pl.taken, scale, hidden)
	return out, nil
}

// place makes a layout: declutter, then every other label clear of them.
func (r *Renderer) place(ctx context.Context, sel overlays.Selection, d geo.Day, zoom, scale float64, pic picture) (*layout, error) {
	dc, err := r.declutter(ctx, sel, d, zoom, scale, pic)
	if err != nil {
		return nil, err
	}
	e, hidden, pl := dc.env, dc.hidden, dc.pl
	out := layout{labels: dc.labels, hidden: hidden, moved: dc.moved, dropped: dc.dropped}
	syms := dc.units
	for i := range syms {
		if p, ok := out.moved[syms[i].key()]; ok {
			syms[i].at = p
		}
	}
	var cands []candidate
	for i, it := range r.ix.items {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f := it.f
		if !dc.want[f.Layer.Index] || hidden[it.seq] || !f.At(d).Visible {
			continue
		}
		switch f.Kind {
		case overlays.KindPlace, overlays.KindUnit, overlays.KindAirfield, overlays.KindArtillery, overlays.KindEvent:
			ss, c, ok := e.pointCandidate(it)
			if !Displaces(f) {
				syms = append(syms, ss...)
			}
			if ok && c.prio >= 0 { // key towns are placed
				cands = append(cands, c)
			}
		case overlays.KindArea:
			switch f.Role() {
			case "siege", "encirclement", "occupied", "defence":
			default:
				continue
			}
			ctr := f.World.Bound().Center()
			c := candidate{order: int(it.seq) * 1024, anchor: orb.Point{ctr[0] * e.ppw, ctr[1] * e.ppw}, centred: true, color: f.Style.Stroke, item: it}
			if c, ok := e.finish(c, areaLabel, f.Name, f); ok {
				cands = append(cands, c)
			}
		case overlays.KindMovement:
			if zoom < dateLabel.minZoom || d == geo.NoDay {
				continue
			}
			line := f.Route.Line()
			for i, t := range f.Times {
				if t > d || (i > 0 && t == f.Times[i-1]) {
					continue
				}
				w := geo.World(line[i])
				cands = append(cands, candidate{
					prio: dateLabel.prio, order: int(it.seq)*1024 + i,
					anchor: orb.Point{w[0] * e.ppw, w[1] * e.ppw}, gap: 4 * e.sz,
					lines: []paint.TextLine{{Text: t.Time().Format("2 Jan"), Style: dateLabel.style, Size: dateLabel.size * scale}},
					color: f.Style.Stroke,
				})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if a.prio != b.prio {
			return a.prio - b.prio
		}
		return a.order - b.order
	})
	for _, s := range syms {
		if hidden[s.it.seq] || out.dropped[s.key()] {
			continue
		}
		pl.obstacles = append(pl.obstacles, s.bound().Pad(-(s.box.Max[0]-s.box.Min[0])*0.1))
	}
	// Then every other label, by priority, clear of names and symbols.
	for _, c := range cands {
		if c.unit {
			if p, ok := out.moved[symKey{c.item.seq, 0}]; ok {
				c.anchor = p
			}
		}
		if l := pl.place(c, false); l != nil {
			out.labels = append(out.labels, l)
		}
	}
	return &out, nil
}

// placer places labels one after another, each clear of those placed
// before it and of the obstacles.
type placer struct {
	r         *Renderer
	pic       picture
	halo      float64
	taken     []orb.Bound
	obstacles []orb.Bound
}

// place finds the first free place for a label around its anchor, or nil.
// A forced label (a key town) takes its first place inside the picture
// when every place collides.
func (pl *placer) place(c candidate, force bool) *paint.Label {
	w, h := 0.0, 0.0
	for _, l := range c.lines {
		w = max(w, pl.r.fonts.Width(l.Style, l.Size, l.Text))
		h += l.Size * 1.15
	}
	var origins []orb.Point // top-left corners to try, in order
	if c.centred {
		origins = []orb.Point{{c.anchor[0] - w/2, c.anchor[1] - h/2}}
	} else {
		g, d := c.gap, c.gap*0.7
		up, dUp := max(g, c.above), max(d, c.above)
		origins = []orb.Point{
			{c.anchor[0] + g, c.anchor[1] - h/2},      // right
			{c.anchor[0] - g - w, c.anchor[1] - h/2},  // left
			{c.anchor[0] - w/2, c.anchor[1] - up - h}, // above
			{c.anchor[0] - w/2, c.anchor[1] + g},      // below
			{c.anchor[0] + d, c.anchor[1] - dUp - h},  // above right
			{c.anchor[0] - d - w, c.anchor[1] - dUp - h},
			{c.anchor[0] + d, c.anchor[1] + d}, // below right
			{c.anchor[0] - d - w, c.anchor[1] + d},
		}
	}
	var fallback orb.Point
	fits := false
	for _, o := range origins {
		box := orb.Bound{Min: o, Max: orb.Point{o[0] + w, o[1] + h}}.Pad(pl.halo + 1)
		if !pl.pic.allows(box) {
			continue
		}
		if !fits {
			fallback, fits = o, true
		}
		if pl.collides(box, c.anchor) {
			continue
		}
		return pl.commit(c, o, w)
	}
	if force && fits {
		return pl.commit(c, fallback, w)
	}
	return nil
}

func (pl *placer) collides(b orb.Bound, own orb.Point) bool {
	for _, t := range pl.taken {
		if t.Intersects(b) {
			return true
		}
	}
	for _, o := range pl.obstacles {
		if o.Intersects(b) && !o.Contains(own) {
			return true
		}
	}
	return false
}

// commit places the label with its box's top-left text corner at o.
func (pl *placer) commit(c candidate, o orb.Point, w float64) *paint.Label {
	box := orb.Bound{Min: o, Max: orb.Point{o[0] + w, o[1]}}
	p := &paint.Label{Color: c.color, Halo: pl.halo}
	y := o[1]
	for _, l := range c.lines {
		lw := pl.r.fonts.Width(l.Style, l.Size, l.Text)
		y += l.Size * 1.15
		l.X, l.Y = o[0]+(w-lw)/2, y-l.Size*0.25
		if !c.centred && o[0] > c.anchor[0] {
			l.X = o[0] // left-aligned right of the symbol
		} else if !c.centred && o[0]+w < c.anchor[0] {
			l.X = o[0] + w - lw // right-aligned left of it
		}
		p.Lines = append(p.Lines, l)
	}
	box.Max[1] = y
	p.Box = box.Pad(pl.halo + 1)
	pl.taken = append(pl.taken, p.Box)
	return p
}

// labelsIn returns the layout's labels whose box touches the frame, moved to
// frame pixels.
func (lay *layout) labelsIn(f geo.Frame) []*paint.Label {
	fb := orb.Bound{Min: orb.Point{f.X, f.Y}, Max: orb.Point{f.X + float64(f.Width), f.Y + float64(f.Height)}}
	var out []*paint.Label
	for _, l := range lay.labels {
		if !l.Box.Intersects(fb) {
			continue
		}
		m := &paint.Label{Color: l.Color, Halo: l.Halo}
		m.Box = orb.Bound{Min: orb.Point{l.Box.Min[0] - f.X, l.Box.Min[1] - f.Y}, Max: orb.Point{l.Box.Max[0] - f.X, l.Box.Max[1] - f.Y}}
		for _, tl := range l.Lines {
			p := quantize(orb.Point{tl.X - f.X, tl.Y - f.Y})
			tl.X, tl.Y = p[0], p[1]
			m.Lines = append(m.Lines, tl)
		}
		out = append(out, m)
	}
	return out
}
