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

// layout is the set of labels placed for one key.
type layout struct {
	labels []*paint.Label
	// hidden holds the items (by seq) whose unit symbol gives way to a
	// higher echelon's at this zoom.
	hidden map[uint32]bool
}

type layoutKey struct {
	sel         string
	day         geo.Day
	zoom, scale float64
}

// DefaultLayoutBytes bounds the memory of a Renderer's cache of label
// layouts (one per layers, day, zoom and scale asked for).
const DefaultLayoutBytes = 32 << 20

// layoutSize approximates the memory of a layout and its key.
func layoutSize(k layoutKey, lay *layout) int64 {
	n := int64(256 + len(k.sel) + 48*len(lay.hidden))
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
	centred     bool      // areas: centred on the anchor only
	lines       []paint.TextLine
	color       color.NRGBA
}

// layout places the labels of the selection on day d at a zoom and scale,
// once for every caller: layouts are kept in a byte-bounded cache, and
// concurrent requests for one wait for a single placement.
func (r *Renderer) layout(ctx context.Context, sel overlays.Selection, d geo.Day, zoom, scale float64) (*layout, error) {
	k := layoutKey{sel.String(), d, zoom, scale}
	lay, _, err := r.layouts.Do(ctx, k, func(ctx context.Context) (*layout, error) { return r.place(ctx, sel, d, zoom, scale) })
	return lay, err
}

// checkEvery is how many features planning and placement handle between
// looks at their context.
const checkEvery = 256

func (r *Renderer) place(ctx context.Context, sel overlays.Selection, d geo.Day, zoom, scale float64) (*layout, error) {
	ppw := geo.Frame{Zoom: zoom, Scale: scale}.PixelsPerWorld()
	sz := paint.ZoomScale(zoom) * scale
	_, cjk := r.fonts.HasCJK()
	var cands []candidate
	var obstacles []orb.Bound
	want := make([]bool, len(r.campaign.Layers))
	for _, l := range sel {
		want[l.Index] = true
	}
	hidden := r.generalize(want, d, zoom, ppw, sz, scale)
	for i, it := range r.ix.items {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f := it.f
		if !want[f.Layer.Index] || hidden[it.seq] {
			continue
		}
		st := f.At(d)
		if !st.Visible {
			continue
		}
		var ls labelStyle
		var text string
		col := f.Style.Marker
		var anchor orb.Point
		gap := 0.0
		centred := false
		switch f.Kind {
		case overlays.KindPlace, overlays.KindUnit, overlays.KindAirfield, overlays.KindArtillery, overlays.KindEvent:
			sym := paint.FeatureSymbol(f, sz, scale)
			var pts []orb.Point
			switch g := f.World.(type) {
			case orb.Point:
				pts = []orb.Point{g}
			case orb.MultiPoint:
				pts = g
			case orb.Polygon:
				pts = []orb.Point{g.Bound().Center()}
			}
			reach := sym.Reach()
			for _, w := range pts {
				p := orb.Point{w[0] * ppw, w[1] * ppw}
				obstacles = append(obstacles, orb.Bound{Min: p, Max: p}.Pad(reach*0.8))
			}
			if len(pts) == 0 {
				continue
			}
			anchor = orb.Point{pts[0][0] * ppw, pts[0][1] * ppw}
			gap = reach + 2*scale
			switch f.Kind {
			case overlays.KindPlace:
				ls, text, col = placeLabelStyle(sym.Rank), f.Name, paint.Ink
			case overlays.KindUnit:
				ls, text = unitLabel, f.Designation()
				gap = sym.Size*0.55 + 3*scale
			case overlays.KindAirfield:
				ls, text = airfieldLabel, f.Name
			case overlays.KindArtillery:
				ls, text = artilleryLabel, f.Name
			default:
				continue // events are listed by the viewer, not labelled on the map
			}
		case overlays.KindArea:
			switch f.Role() {
			case "siege", "encirclement", "occupied", "defence":
			default:
				continue
			}
			c := f.World.Bound().Center()
			anchor, ls, text, centred = orb.Point{c[0] * ppw, c[1] * ppw}, areaLabel, f.Name, true
			col = f.Style.Stroke
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
					anchor: orb.Point{w[0] * ppw, w[1] * ppw}, gap: 4 * sz,
					lines: []paint.TextLine{{Text: t.Time().Format("2 Jan"), Style: dateLabel.style, Size: dateLabel.size * scale}},
					color: f.Style.Stroke,
				})
			}
			continue
		default:
			continue
		}
		if text == "" || zoom < ls.minZoom {
			continue
		}
		lines := []paint.TextLine{{Text: text, Style: ls.style, Size: ls.size * scale}}
		zhZoom := float64(cjkMinZoom)
		if f.Kind == overlays.KindUnit {
			zhZoom = cjkUnitMinZoom
		}
		if cjk && f.NameZh != "" && zoom >= zhZoom && f.Kind != overlays.KindArea {
			lines = append(lines, paint.TextLine{Text: f.NameZh, Style: fonts.CJK, Size: ls.size * 0.95 * scale})
		}
		cands = append(cands, candidate{prio: ls.prio, order: int(it.seq) * 1024, anchor: anchor, gap: gap, centred: centred, lines: lines, color: col})
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if a.prio != b.prio {
			return a.prio - b.prio
		}
		return a.order - b.order
	})
	out := layout{hidden: hidden}
	var taken []orb.Bound
	halo := 1.6 * scale
	collides := func(b orb.Bound, own orb.Point, prio int) bool {
		for _, t := range taken {
			if t.Intersects(b) {
				return true
			}
		}
		if prio == 0 {
			return false // city names may cover symbols: they must not go missing
		}
		for _, o := range obstacles {
			if o.Intersects(b) && !o.Contains(own) {
				return true
			}
		}
		return false
	}
	for _, c := range cands {
		w, h := 0.0, 0.0
		for _, l := range c.lines {
			w = max(w, r.fonts.Width(l.Style, l.Size, l.Text))
			h += l.Size * 1.15
		}
		var origins []orb.Point // top-left corners to try, in order
		if c.centred {
			origins = []orb.Point{{c.anchor[0] - w/2, c.anchor[1] - h/2}}
		} else {
			origins = []orb.Point{
				{c.anchor[0] + c.gap, c.anchor[1] - h/2},     // right
				{c.anchor[0] - c.gap - w, c.anchor[1] - h/2}, // left
				{c.anchor[0] - w/2, c.anchor[1] - c.gap - h}, // above
				{c.anchor[0] - w/2, c.anchor[1] + c.gap},     // below
			}
		}
		for _, o := range origins {
			box := orb.Bound{Min: o, Max: orb.Point{o[0] + w, o[1] + h}}.Pad(halo + 1)
			if collides(box, c.anchor, c.prio) {
				continue
			}
			p := &paint.Label{Color: c.color, Halo: halo, Box: box}
			y := o[1]
			for _, l := range c.lines {
				lw := r.fonts.Width(l.Style, l.Size, l.Text)
				y += l.Size * 1.15
				l.X, l.Y = o[0]+(w-lw)/2, y-l.Size*0.25
				if !c.centred && o[0] > c.anchor[0] {
					l.X = o[0] // left-aligned right of the symbol
				} else if !c.centred && o[0]+w < c.anchor[0] {
					l.X = o[0] + w - lw // right-aligned left of it
				}
				p.Lines = append(p.Lines, l)
			}
			taken = append(taken, box)
			out.labels = append(out.labels, p)
			break
		}
	}
	return &out, nil
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

// generalizeBelow is the zoom from which every unit symbol is drawn; below
// it, a unit whose symbol would overlap a higher echelon's of its own side
// (or an earlier one's of the same echelon) gives way, as on an atlas's
// overview maps. Opposing units never hide each other.
const generalizeBelow = 10

// generalize returns the units hidden at this zoom: decided over the whole
// campaign, like labels, so that every tile agrees.
func (r *Renderer) generalize(want []bool, d geo.Day, zoom, ppw, sz, scale float64) map[uint32]bool {
	if zoom >= generalizeBelow {
		return nil
	}
	var units []*item
	for _, it := range r.ix.items {
		if it.f.Kind == overlays.KindUnit && want[it.f.Layer.Index] && it.f.At(d).Visible {
			if _, ok := it.f.World.(orb.Point); ok {
				units = append(units, it)
			}
		}
	}
	slices.SortStableFunc(units, func(a, b *item) int {
		if ra, rb := a.f.EchelonRank(), b.f.EchelonRank(); ra != rb {
			return rb - ra
		}
		return int(a.seq) - int(b.seq)
	})
	hidden := map[uint32]bool{}
	kept := map[overlays.Side][]orb.Bound{} // each side's units give way only to their own
	for _, it := range units {
		w := it.f.World.(orb.Point)
		p := orb.Point{w[0] * ppw, w[1] * ppw}
		box := (&paint.Prim{Op: paint.OpSymbol, Geom: p, Sym: paint.FeatureSymbol(it.f, sz, scale)}).Bound()
		clash := false
		for _, k := range kept[it.f.Side] {
			if k.Intersects(box) {
				clash = true
				break
			}
		}
		if clash {
			hidden[it.seq] = true
			continue
		}
		kept[it.f.Side] = append(kept[it.f.Side], box)
	}
	return hidden
}
