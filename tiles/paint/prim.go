// Package paint is xiang's display list and its rasteriser: drawing
// operations in frame pixels (fills, strokes, point symbols, labels) and
// the painter that draws them onto an *image.RGBA with
// golang.org/x/image/vector. Every point symbol — unit frames, artillery,
// airfields, towns, events — is drawn here, and its extent is derived from
// that drawing, so what a plan thinks a symbol covers is what it paints.
//
// paint knows nothing of maps, days or tiles: tiles builds the operations,
// paint draws them.
package paint

import (
	"image"
	"image/color"
	"sync"

	"github.com/paulmach/orb"
	"golang.org/x/image/font"

	"github.com/xiang-maps/xiang/tiles/fonts"
)

// Op is the kind of a drawing operation.
type Op uint8

// The operations.
const (
	OpFill   Op = iota // fill polygon geometry; rings oriented so holes subtract
	OpStroke           // stroke line geometry with round caps and joins
	OpSymbol           // draw a point symbol at a point
	OpText             // draw a label
)

// Prim is one drawing operation in frame pixels.
type Prim struct {
	Op    Op
	Geom  orb.Geometry // OpFill, OpStroke: the geometry; OpSymbol: an orb.Point
	Color color.NRGBA  // OpFill, OpStroke
	Width float64      // OpStroke
	Sym   Symbol       // OpSymbol
	Label *Label       // OpText
}

// Paints reports whether the operation can paint a pixel of a width×height
// image: whether the extent of its ink — geometry, half the stroke width,
// the symbol's box, the label's text and halo — overlaps the image.
// Operations that cannot are left out of plans, so that a plan's key
// changes only when its pixels can.
func (pr *Prim) Paints(width, height int) bool {
	b := pr.Bound()
	return b.Max[0] > 0 && b.Min[0] < float64(width) && b.Max[1] > 0 && b.Min[1] < float64(height)
}

// Bound returns the extent of the operation's ink, in frame pixels.
func (pr *Prim) Bound() orb.Bound {
	switch pr.Op {
	case OpStroke:
		return pr.Geom.Bound().Pad(pr.Width / 2)
	case OpSymbol:
		p := pr.Geom.(orb.Point)
		sb := pr.Sym.Box()
		return orb.Bound{Min: orb.Point{p[0] + sb.Min[0], p[1] + sb.Min[1]}, Max: orb.Point{p[0] + sb.Max[0], p[1] + sb.Max[1]}}
	case OpText:
		return pr.Label.Box.Pad(-1) // the box has a pixel of clearance around the halo
	}
	return pr.Geom.Bound()
}

var painters = sync.Pool{New: func() any { return new(painter) }}

// Draw draws the operations in order onto dst, whose pixel (0,0) is the
// frame's top-left corner, setting labels in fs.
func Draw(dst *image.RGBA, fs *fonts.Set, prims []Prim) {
	faces := map[faceKey]font.Face{}
	// Painters are pooled: a rasteriser's and a mask's buffers are a quarter
	// of a megabyte each at 256 px, too much to allocate for every tile.
	pt := painters.Get().(*painter)
	pt.dst = dst
	defer func() { pt.dst = nil; painters.Put(pt) }()
	for _, pr := range prims {
		switch pr.Op {
		case OpFill:
			pt.fill(pr.Geom, pr.Color)
		case OpStroke:
			pt.stroke(pr.Geom, pr.Color, pr.Width)
		case OpSymbol:
			pr.Sym.draw(pt, pr.Geom.(orb.Point))
		case OpText:
			drawLabel(dst, fs, faces, pr.Label)
		}
	}
}
