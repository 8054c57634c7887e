package tiles

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// halo is the outline drawn around symbols and text so they read on any
// base map.
var halo = color.NRGBA{0xff, 0xff, 0xff, 0xe6}

// Draw rasterizes the plan into a new transparent image.
func (p *Plan) Draw(fs *fonts.Set) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.Frame.Width, p.Frame.Height))
	p.DrawOn(gg.NewContextForRGBA(img), fs)
	return img
}

// DrawOn draws the plan onto dc, whose pixel (0,0) is the frame's top-left
// corner, setting labels in fonts. dc must draw on an *image.RGBA (as
// gg.NewContext and gg.NewContextForRGBA do) with the identity transform.
func (p *Plan) DrawOn(dc *gg.Context, fs *fonts.Set) {
	faces := map[faceKey]font.Face{}
	pt := &painter{dst: dc.Image().(*image.RGBA)}
	for _, pr := range p.prims {
		switch pr.op {
		case opFill:
			pt.fill(pr.geom, pr.color)
		case opStroke:
			pt.stroke(pr.geom, pr.color, pr.width)
		case opSymbol:
			drawSymbol(pt, pr.sym, pr.geom.(orb.Point))
		case opText:
			drawLabel(pt.dst, fs, faces, pr.label)
		}
	}
}

// tint mixes c with white: the light fill of unit frames.
func tint(c color.NRGBA, k float64) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(float64(v)*k + 255*(1-k) + 0.5) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// rect returns the rectangle with top-left corner x, y as a polygon.
func rect(x, y, w, h float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}
}

// ellipse returns an ellipse around x, y as a polygon.
func ellipse(x, y, rx, ry float64) orb.Polygon {
	n := min(max(int(math.Ceil(2*math.Pi*max(rx, ry)/1.5)), 12), 64)
	ring := make(orb.Ring, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring[i] = orb.Point{x + rx*math.Cos(a), y + ry*math.Sin(a)}
	}
	ring[n] = ring[0]
	return orb.Polygon{ring}
}

func circle(x, y, r float64) orb.Polygon { return ellipse(x, y, r, r) }

// drawSymbol draws a point symbol centred on pt with the painter, whose
// rasterizer handles shapes crossing the image's edges exactly as inside
// them (symbolBox gives the extent of what it paints).
func drawSymbol(p *painter, s symbol, pt orb.Point) {
	x, y, sc := pt[0], pt[1], s.scale
	line := func(width float64, ps ...orb.Point) { p.stroke(orb.LineString(ps), s.color, width) }
	switch s.kind {
	case overlays.KindUnit, overlays.KindArtillery:
		w := s.size
		h := w * 2 / 3
		if s.kind == overlays.KindArtillery {
			h = w * 0.7
		}
		lw := math.Max(1.2*sc, w/14)
		// Halo, frame, branch mark, echelon: APP-6 land unit.
		p.fill(rect(x-w/2-lw, y-h/2-lw, w+2*lw, h+2*lw), halo)
		frame := rect(x-w/2, y-h/2, w, h)
		p.fill(frame, tint(s.color, 0.22))
		p.stroke(frame[0], s.color, lw)
		x0, y0, x1, y1 := x-w/2, y-h/2, x+w/2, y+h/2
		mark := lw * 0.9
		switch s.branch {
		case "infantry":
			line(mark, orb.Point{x0, y0}, orb.Point{x1, y1})
			line(mark, orb.Point{x0, y1}, orb.Point{x1, y0})
		case "cavalry":
			line(mark, orb.Point{x0, y1}, orb.Point{x1, y0})
		case "armour":
			p.stroke(ellipse(x, y, w*0.3, h*0.24)[0], s.color, mark)
		case "artillery":
			p.fill(circle(x, y, h*0.17), s.color)
		case "engineer":
			bx0, bx1, by0, by1 := x-w*0.25, x+w*0.25, y-h*0.12, y+h*0.15
			line(mark, orb.Point{bx0, by1}, orb.Point{bx0, by0}, orb.Point{bx1, by0}, orb.Point{bx1, by1})
			line(mark, orb.Point{x, by0}, orb.Point{x, by1})
		case "air":
			p.stroke(ellipse(x-w*0.12, y, w*0.12, h*0.16)[0], s.color, mark)
			p.stroke(ellipse(x+w*0.12, y, w*0.12, h*0.16)[0], s.color, mark)
		case "hq":
			line(lw, orb.Point{x0, y1}, orb.Point{x0, y1 + h*0.6})
		}
		drawEchelon(p, s, x, y0-lw-1.5*sc, h)
	case overlays.KindAirfield:
		r := s.size / 2
		p.fill(circle(x, y, r+1.2*sc), halo)
		disc := circle(x, y, r)
		p.fill(disc, tint(s.color, 0.22))
		p.stroke(disc[0], s.color, math.Max(1.2*sc, r/7))
		// An aeroplane: wings, fuselage, tail.
		lw := math.Max(1.2*sc, r/5)
		line(lw, orb.Point{x - r*0.7, y - r*0.1}, orb.Point{x + r*0.7, y - r*0.1})
		line(lw, orb.Point{x, y - r*0.6}, orb.Point{x, y + r*0.6})
		line(lw, orb.Point{x - r*0.3, y + r*0.5}, orb.Point{x + r*0.3, y + r*0.5})
	case overlays.KindEvent:
		r := s.size / 2
		star := func(rr float64) orb.Polygon {
			ring := make(orb.Ring, 11)
			for i := range 10 {
				a := -math.Pi/2 + float64(i)*math.Pi/5
				k := rr
				if i%2 == 1 {
					k = rr * 0.45
				}
				ring[i] = orb.Point{x + k*math.Cos(a), y + k*math.Sin(a)}
			}
			ring[10] = ring[0]
			return orb.Polygon{ring}
		}
		p.fill(star(r+1.5*sc), halo)
		p.fill(star(r), s.color)
	case overlays.KindPlace:
		r := s.size
		shape := circle(x, y, r)
		if s.rank == 1 {
			shape = rect(x-r, y-r, 2*r, 2*r)
		}
		p.fill(shape, color.NRGBA{0xff, 0xff, 0xff, 0xff})
		p.stroke(shape[0], labelInk, math.Max(1.1*sc, r/3))
		if s.rank == 1 {
			p.fill(rect(x-r*0.4, y-r*0.4, r*0.8, r*0.8), labelInk)
		}
	default:
		p.fill(circle(x, y, s.size/2), s.color)
	}
}

// echelonMarks maps an echelon to its APP-6 mark above the frame.
var echelonMarks = map[string]string{
	"army-group": "XXXXX", "army": "XXXX", "corps": "XXX", "division": "XX", "brigade": "X",
	"regiment": "III", "battalion": "II",
}

// drawEchelon draws X and | marks centred above the frame, their bottom at
// y, on a halo.
func drawEchelon(p *painter, s symbol, x, y, h float64) {
	marks := echelonMarks[s.echelon]
	if marks == "" {
		return
	}
	mh := h * 0.34
	mw := mh * 0.8
	gap := mw * 0.3
	total := float64(len(marks))*mw + float64(len(marks)-1)*gap
	left := x - total/2
	var strokes orb.MultiLineString
	for i, m := range marks {
		cx := left + float64(i)*(mw+gap)
		if m == 'X' {
			strokes = append(strokes, orb.LineString{{cx, y - mh}, {cx + mw, y}}, orb.LineString{{cx, y}, {cx + mw, y - mh}})
		} else {
			strokes = append(strokes, orb.LineString{{cx + mw/2, y - mh}, {cx + mw/2, y}})
		}
	}
	w := math.Max(1, s.scale)
	p.stroke(strokes, halo, w*3)
	p.stroke(strokes, s.color, w*1.2)
}

// drawLabel draws a label's lines with a halo. Each line is rasterized once
// into an alpha mask at its subpixel position; the halo is that mask
// dilated by the halo's radius (a max filter over a disc, soft at its rim),
// drawn first. Both are composited with image/draw's glyph fast path.
func drawLabel(dst *image.RGBA, fs *fonts.Set, faces map[faceKey]font.Face, l *placed) {
	for _, tl := range l.lines {
		k := faceKey{tl.style, tl.size}
		face, ok := faces[k]
		if !ok {
			face = fs.Face(tl.style, tl.size)
			faces[k] = face
		}
		if face == nil {
			continue // a CJK line with no CJK font
		}
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(tl.x * 64)), Y: fixed.Int26_6(math.Round(tl.y * 64))}
		b, _ := font.BoundString(face, tl.text)
		r := int(math.Ceil(l.halo)) + 1
		rect := image.Rect((dot.X+b.Min.X).Floor()-r, (dot.Y+b.Min.Y).Floor()-r, (dot.X+b.Max.X).Ceil()+r, (dot.Y+b.Max.Y).Ceil()+r)
		if !rect.Overlaps(dst.Rect) {
			continue
		}
		mask := image.NewAlpha(rect)
		(&font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: dot}).DrawString(tl.text)
		draw.DrawMask(dst, rect, image.NewUniform(halo), image.Point{}, dilate(mask, l.halo), rect.Min, draw.Over)
		draw.DrawMask(dst, rect, image.NewUniform(l.color), image.Point{}, mask, rect.Min, draw.Over)
	}
}

// dilate returns mask grown by radius pixels: each pixel takes the largest
// value within the disc around it, weighted down over the disc's last
// half pixel so that the halo's edge stays antialiased.
func dilate(mask *image.Alpha, radius float64) *image.Alpha {
	type offset struct {
		dx, dy int
		w      float64
	}
	var offs []offset
	n := int(math.Ceil(radius + 0.5))
	for dy := -n; dy <= n; dy++ {
		for dx := -n; dx <= n; dx++ {
			w := math.Min(math.Max(radius+0.5-math.Hypot(float64(dx), float64(dy)), 0), 1)
			if w > 0 {
				offs = append(offs, offset{dx, dy, w})
			}
		}
	}
	out := image.NewAlpha(mask.Rect)
	b := mask.Rect
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			best := 0.0
			for _, o := range offs {
				sx, sy := x+o.dx, y+o.dy
				if sx < b.Min.X || sy < b.Min.Y || sx >= b.Max.X || sy >= b.Max.Y {
					continue
				}
				if v := float64(mask.Pix[mask.PixOffset(sx, sy)]) * o.w; v > best {
					best = v
				}
			}
			out.Pix[out.PixOffset(x, y)] = uint8(best + 0.5)
		}
	}
	return out
}

// faceKey names a face of one draw call's cache.
type faceKey struct {
	style fonts.Style
	size  float64
}
