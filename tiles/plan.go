package tiles

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"image"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// Plan is what one frame will show on one day: the drawing operations of
// the features and labels that reach it, in draw order, in frame pixels
// quantized to 1/64 pixel. A Plan is immutable and may
// be drawn any number of times.
type Plan struct {
	Frame geo.Frame
	Day   geo.Day
	prims []paint.Prim
	key   Key
	shown []*overlays.Feature // the features that paint in the frame
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

// keyVersion changes whenever drawing code changes what a key draws: tile
// ETags are plan keys, and an HTTP cache keeps a tile under its ETag for
// ever. TestGolden fails when reference tiles draw differently under the
// same version.
const keyVersion = 7

// Plan prepares a frame of the selected layers on day d (geo.NoDay: the
// summary map). It gives up with ctx's error when ctx ends first.
func (r *Renderer) Plan(ctx context.Context, sel overlays.Selection, d geo.Day, f geo.Frame) (*Plan, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	return r.plan(ctx, sel, d, f, r.ix.query(nil, f), picture{})
}

// PlanIn prepares frame f as part of a picture — a static image, a GIF
// frame, a printed map — whose whole frame is whole, and whose furniture
// covers the boxes avoid (in whole's pixels): its labels are placed for
// that picture, wholly inside it and clear of the furniture, instead of
// for the endless map of tiles.
func (r *Renderer) PlanIn(ctx context.Context, sel overlays.Selection, d geo.Day, f, whole geo.Frame, avoid ...orb.Bound) (*Plan, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	if len(avoid) > maxAvoid {
		return nil, fmt.Errorf("picture: %d boxes of furniture, at most %d", len(avoid), maxAvoid)
	}
	pic := picture{bound: orb.Bound{Min: orb.Point{whole.X, whole.Y}, Max: orb.Point{whole.X + float64(whole.Width), whole.Y + float64(whole.Height)}}}
	for i, a := range avoid {
		pic.avoid[i] = orb.Bound{Min: orb.Point{a.Min[0] + whole.X, a.Min[1] + whole.Y}, Max: orb.Point{a.Max[0] + whole.X, a.Max[1] + whole.Y}}
	}
	return r.plan(ctx, sel, d, f, r.ix.query(nil, f), pic)
}

// plan builds the plan from candidate item positions, in draw order.
func (r *Renderer) plan(ctx context.Context, sel overlays.Selection, d geo.Day, f geo.Frame, candidates []int32, pic picture) (*Plan, error) {
	want := make([]bool, len(r.campaign.Layers))
	for _, l := range sel {
		if l.Index < len(want) && r.campaign.Layers[l.Index] == l {
			want[l.Index] = true
		}
	}
	p := &Plan{Frame: f, Day: d}
	c := newFrameCtx(f)
	lay, err := r.layout(ctx, sel, d, f.Zoom, f.Scale, pic)
	if err != nil {
		return nil, err
	}
	for n, i := range candidates {
		if n%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		it := r.ix.items[i]
		if !want[it.f.Layer.Index] || lay.hidden[it.seq] {
			continue
		}
		st := it.f.At(d)
		if !st.Visible {
			continue
		}
		n := len(p.prims)
		for _, pr := range r.shape(it, st, c, lay) {
			if pr.Paints(f.Width, f.Height) {
				p.prims = append(p.prims, pr)
			}
		}
		if len(p.prims) > n {
			p.shown = append(p.shown, it.f)
		}
	}
	for _, l := range lay.labelsIn(f) {
		if pr := (paint.Prim{Op: paint.OpText, Label: l}); pr.Paints(f.Width, f.Height) {
			p.prims = append(p.prims, pr)
		}
	}
	p.key = p.hash()
	return p, nil
}

// quantize rounds a pixel position to 1/64 pixel, so that keys are stable
// under floating-point noise.
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
		buf = append(buf, byte(pr.Op), pr.Color.R, pr.Color.G, pr.Color.B, pr.Color.A)
		num(pr.Width)
		paint.Walk(pr.Geom, func(tag byte, ps []orb.Point) {
			buf = append(buf, tag)
			buf = binary.LittleEndian.AppendUint32(buf, uint32(len(ps)))
			for _, pt := range ps {
				num(pt[0])
				num(pt[1])
			}
		})
		if pr.Op == paint.OpSymbol {
			s := pr.Sym
			str(string(s.Kind))
			str(s.Branch)
			str(s.Echelon)
			buf = append(buf, s.Color.R, s.Color.G, s.Color.B, s.Color.A, byte(s.Rank))
			num(s.Size)
			num(s.Scale)
		}
		if l := pr.Label; l != nil {
			buf = append(buf, l.Color.R, l.Color.G, l.Color.B, l.Color.A)
			num(l.Halo)
			for _, tl := range l.Lines {
				str(tl.Text)
				buf = append(buf, byte(tl.Style))
				num(tl.Size)
				num(tl.X)
				num(tl.Y)
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

// Draw rasterizes the plan into a new transparent image, setting labels in
// fs.
func (p *Plan) Draw(fs *fonts.Set) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.Frame.Width, p.Frame.Height))
	p.DrawOn(img, fs)
	return img
}

// DrawOn draws the plan onto dst, whose pixel (0,0) is the frame's
// top-left corner.
func (p *Plan) DrawOn(dst *image.RGBA, fs *fonts.Set) { paint.Draw(dst, fs, p.prims) }

// LabelBoxes returns the boxes, in frame pixels, of the labels the plan
// draws (text, halo and a pixel of clearance).
func (p *Plan) LabelBoxes() []orb.Bound {
	var out []orb.Bound
	for _, pr := range p.prims {
		if pr.Op == paint.OpText {
			out = append(out, pr.Label.Box)
		}
	}
	return out
}
