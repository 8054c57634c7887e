package tiles

import (
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

// Plan is what one frame will show on one day: the drawing operations of
// the features and labels that reach it, in draw order, in frame pixels
// quantized to the 1/64 pixel gg rasterizes in. A Plan is immutable and may
// be drawn any number of times.
type Plan struct {
	Frame geo.Frame
	Day   geo.Day
	prims []prim
	key   Key
}

// Key identifies a drawing: equal keys draw equal pixels. It hashes the
// frame size and scale and every drawing operation — geometry, colours,
// widths, symbols, label text and positions — but not the tile's address or
// the date, so a tile whose content does not change from one day to the
// next keeps its key.
type Key [16]byte

// String returns the key in hex, for ETags and logs.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Empty reports whether the frame shows nothing.
func (p *Plan) Empty() bool { return len(p.prims) == 0 }

// Key returns the identity of the drawing.
func (p *Plan) Key() Key { return p.key }

// Len returns the number of drawing operations.
func (p *Plan) Len() int { return len(p.prims) }

// keyVersion changes whenever drawing code changes what a key draws.
const keyVersion = 3

// Plan prepares a frame of the selected layers on day d (geo.NoDay: the
// summary map).
func (r *Renderer) Plan(sel overlays.Selection, d geo.Day, f geo.Frame) (*Plan, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	return r.plan(sel, d, f, r.ix.query(nil, f)), nil
}

// plan builds the plan from candidate item positions, in draw order.
func (r *Renderer) plan(sel overlays.Selection, d geo.Day, f geo.Frame, candidates []int32) *Plan {
	want := make([]bool, len(r.campaign.Layers))
	for _, l := range sel {
		if l.Index < len(want) && r.campaign.Layers[l.Index] == l {
			want[l.Index] = true
		}
	}
	p := &Plan{Frame: f, Day: d}
	c := newFrameCtx(f)
	lay := r.layout(sel, d, f.Zoom, f.Scale)
	for _, i := range candidates {
		it := r.ix.items[i]
		if !want[it.f.Layer.Index] || lay.hidden[it.seq] {
			continue
		}
		st := it.f.At(d)
		if !st.Visible {
			continue
		}
		for _, pr := range r.shape(it, st, c) {
			if pr.paints(f.Width, f.Height) {
				p.prims = append(p.prims, pr)
			}
		}
	}
	for _, l := range lay.labelsIn(f) {
		if pr := (prim{op: opText, label: l}); pr.paints(f.Width, f.Height) {
			p.prims = append(p.prims, pr)
		}
	}
	p.key = p.hash()
	return p
}

// quantize rounds a pixel position to the 1/64 pixel of gg's rasterizer.
func quantize(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*64) / 64, math.Round(p[1]*64) / 64}
}

// toPixels maps world geometry into new, quantized frame-pixel geometry.
func toPixels(g orb.Geometry, f geo.Frame, ppw float64) orb.Geometry {
	return project.Geometry(orb.Clone(g), func(w orb.Point) orb.Point {
		return quantize(orb.Point{w[0]*ppw - f.X, w[1]*ppw - f.Y})
	})
}

// hash computes the plan's Key.
func (p *Plan) hash() Key {
	h := fnv.New128a()
	var buf []byte
	num := func(v float64) { buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v)) }
	str := func(s string) {
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(s)))
		buf = append(buf, s...)
	}
	buf = binary.LittleEndian.AppendUint32(buf, keyVersion)
	num(float64(p.Frame.Width))
	num(float64(p.Frame.Height))
	num(p.Frame.Scale)
	for _, pr := range p.prims {
		buf = append(buf, byte(pr.op), pr.color.R, pr.color.G, pr.color.B, pr.color.A)
		num(pr.width)
		walk(pr.geom, func(tag byte, ps []orb.Point) {
			buf = append(buf, tag)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(ps)))
			for _, pt := range ps {
				num(pt[0])
				num(pt[1])
			}
		})
		if pr.op == opSymbol {
			s := pr.sym
			str(string(s.kind))
			str(s.branch)
			str(s.echelon)
			buf = append(buf, s.color.R, s.color.G, s.color.B, s.color.A, byte(s.rank))
			num(s.size)
			num(s.scale)
		}
		if l := pr.label; l != nil {
			buf = append(buf, l.color.R, l.color.G, l.color.B, l.color.A)
			num(l.halo)
			for _, tl := range l.lines {
				str(tl.text)
				buf = append(buf, byte(tl.style))
				num(tl.size)
				num(tl.x)
				num(tl.y)
			}
		}
		h.Write(buf)
		buf = buf[:0]
	}
	h.Write(buf)
	var k Key
	h.Sum(k[:0])
	return k
}

// walk calls fn for every point sequence of g, tagged by its role:
// 'p' points, 'l' line, 'r' outer ring, 'i' inner ring.
func walk(g orb.Geometry, fn func(tag byte, ps []orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn('p', []orb.Point{g})
	case orb.MultiPoint:
		fn('p', g)
	case orb.LineString:
		fn('l', g)
	case orb.MultiLineString:
		for _, ls := range g {
			fn('l', ls)
		}
	case orb.Ring:
		fn('r', g)
	case orb.Polygon:
		for i, r := range g {
			if i == 0 {
				fn('r', r)
			} else {
				fn('i', r)
			}
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			walk(pg, fn)
		}
	}
}
