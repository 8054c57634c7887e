package tiles

import (
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"

	"github.com/xiang-maps/xiang/overlays"
)

// halo is the outline drawn around symbols and text so they read on any
// base map.
var halo = color.NRGBA{0xff, 0xff, 0xff, 0xe6}

// Draw rasterizes the plan into a new transparent image.
func (p *Plan) Draw(fonts *Fonts) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, p.Frame.Width, p.Frame.Height))
	p.DrawOn(gg.NewContextForRGBA(img), fonts)
	return img
}

// DrawOn draws the plan onto dc, whose pixel (0,0) is the frame's top-left
// corner, setting labels in fonts. dc must draw on an *image.RGBA (as
// gg.NewContext and gg.NewContextForRGBA do) with the identity transform.
func (p *Plan) DrawOn(dc *gg.Context, fonts *Fonts) {
	faces := map[faceKey]font.Face{}
	pt := &painter{dst: dc.Image().(*image.RGBA)}
	for _, pr := range p.prims {
		switch pr.op {
		case opFill:
			pt.fill(pr.geom, pr.color)
		case opStroke:
			pt.stroke(pr.geom, pr.color, pr.width)
		case opSymbol:
			drawSymbol(dc, pr.sym, pr.geom.(orb.Point))
		case opText:
			drawLabel(dc, fonts, faces, pr.label)
		}
	}
}

func strokePath(dc *gg.Context, c color.NRGBA, width float64) {
	if width <= 0 || c.A == 0 {
		dc.ClearPath()
		return
	}
	dc.SetColor(c)
	dc.SetLineWidth(width)
	dc.SetLineCapRound()
	dc.SetLineJoinRound()
	dc.Stroke()
}

func linePath(dc *gg.Context, ps []orb.Point) {
	for i, pt := range ps {
		if i == 0 {
			dc.MoveTo(pt[0], pt[1])
		} else {
			dc.LineTo(pt[0], pt[1])
		}
	}
}

// tint mixes c with white: the light fill of unit frames.
func tint(c color.NRGBA, k float64) color.NRGBA {
	mix := func(v uint8) uint8 { return uint8(float64(v)*k + 255*(1-k) + 0.5) }
	return color.NRGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// drawSymbol draws a point symbol centred on pt.
func drawSymbol(dc *gg.Context, s symbol, pt orb.Point) {
	x, y, sc := pt[0], pt[1], s.scale
	dc.ClearPath()
	switch s.kind {
	case overlays.KindUnit, overlays.KindArtillery:
		w := s.size
		h := w * 2 / 3
		if s.kind == overlays.KindArtillery {
			h = w * 0.7
		}
		lw := math.Max(1.2*sc, w/14)
		// Halo, frame, branch mark, echelon: APP-6 land unit.
		dc.DrawRectangle(x-w/2-lw, y-h/2-lw, w+2*lw, h+2*lw)
		dc.SetColor(halo)
		dc.Fill()
		dc.DrawRectangle(x-w/2, y-h/2, w, h)
		dc.SetColor(tint(s.color, 0.22))
		dc.FillPreserve()
		strokePath(dc, s.color, lw)
		dc.SetColor(s.color)
		x0, y0, x1, y1 := x-w/2, y-h/2, x+w/2, y+h/2
		mark := lw * 0.9
		switch s.branch {
		case "infantry":
			dc.MoveTo(x0, y0)
			dc.LineTo(x1, y1)
			dc.MoveTo(x0, y1)
			dc.LineTo(x1, y0)
			strokePath(dc, s.color, mark)
		case "cavalry":
			dc.MoveTo(x0, y1)
			dc.LineTo(x1, y0)
			strokePath(dc, s.color, mark)
		case "armour":
			dc.DrawEllipse(x, y, w*0.3, h*0.24)
			strokePath(dc, s.color, mark)
		case "artillery":
			dc.DrawCircle(x, y, h*0.17)
			dc.SetColor(s.color)
			dc.Fill()
		case "engineer":
			bx0, bx1, by0, by1 := x-w*0.25, x+w*0.25, y-h*0.12, y+h*0.15
			dc.MoveTo(bx0, by1)
			dc.LineTo(bx0, by0)
			dc.LineTo(bx1, by0)
			dc.LineTo(bx1, by1)
			dc.MoveTo(x, by0)
			dc.LineTo(x, by1)
			strokePath(dc, s.color, mark)
		case "air":
			dc.DrawEllipse(x-w*0.12, y, w*0.12, h*0.16)
			dc.DrawEllipse(x+w*0.12, y, w*0.12, h*0.16)
			strokePath(dc, s.color, mark)
		case "hq":
			dc.MoveTo(x0, y1)
			dc.LineTo(x0, y1+h*0.6)
			strokePath(dc, s.color, lw)
		}
		drawEchelon(dc, s, x, y0-lw-1.5*sc, h)
	case overlays.KindAirfield:
		r := s.size / 2
		dc.DrawCircle(x, y, r+1.2*sc)
		dc.SetColor(halo)
		dc.Fill()
		dc.DrawCircle(x, y, r)
		dc.SetColor(tint(s.color, 0.22))
		dc.FillPreserve()
		strokePath(dc, s.color, math.Max(1.2*sc, r/7))
		// An aeroplane: wings, fuselage, tail.
		dc.MoveTo(x-r*0.7, y-r*0.1)
		dc.LineTo(x+r*0.7, y-r*0.1)
		dc.MoveTo(x, y-r*0.6)
		dc.LineTo(x, y+r*0.6)
		dc.MoveTo(x-r*0.3, y+r*0.5)
		dc.LineTo(x+r*0.3, y+r*0.5)
		strokePath(dc, s.color, math.Max(1.2*sc, r/5))
	case overlays.KindEvent:
		r := s.size / 2
		star := func(rr float64) {
			for i := range 10 {
				a := -math.Pi/2 + float64(i)*math.Pi/5
				k := rr
				if i%2 == 1 {
					k = rr * 0.45
				}
				px, py := x+k*math.Cos(a), y+k*math.Sin(a)
				if i == 0 {
					dc.MoveTo(px, py)
				} else {
					dc.LineTo(px, py)
				}
			}
			dc.ClosePath()
		}
		star(r + 1.5*sc)
		dc.SetColor(halo)
		dc.Fill()
		star(r)
		dc.SetColor(s.color)
		dc.Fill()
	case overlays.KindPlace:
		r := s.size
		if s.rank == 1 {
			dc.DrawRectangle(x-r, y-r, 2*r, 2*r)
		} else {
			dc.DrawCircle(x, y, r)
		}
		dc.SetColor(color.White)
		dc.FillPreserve()
		strokePath(dc, labelInk, math.Max(1.1*sc, r/3))
		if s.rank == 1 {
			dc.DrawRectangle(x-r*0.4, y-r*0.4, r*0.8, r*0.8)
			dc.SetColor(labelInk)
			dc.Fill()
		}
	default:
		dc.DrawCircle(x, y, s.size/2)
		dc.SetColor(s.color)
		dc.Fill()
	}
}

// echelonMarks maps an echelon to its APP-6 mark above the frame.
var echelonMarks = map[string]string{
	"army-group": "XXXXX", "army": "XXXX", "corps": "XXX", "division": "XX", "brigade": "X",
	"regiment": "III", "battalion": "II",
}

// drawEchelon draws X and | marks centred above the frame, their bottom at y.
func drawEchelon(dc *gg.Context, s symbol, x, y, h float64) {
	marks := echelonMarks[s.echelon]
	if marks == "" {
		return
	}
	mh := h * 0.34
	mw := mh * 0.8
	gap := mw * 0.3
	total := float64(len(marks))*mw + float64(len(marks)-1)*gap
	left := x - total/2
	for i, m := range marks {
		cx := left + float64(i)*(mw+gap)
		if m == 'X' {
			dc.MoveTo(cx, y-mh)
			dc.LineTo(cx+mw, y)
			dc.MoveTo(cx, y)
			dc.LineTo(cx+mw, y-mh)
		} else {
			dc.MoveTo(cx+mw/2, y-mh)
			dc.LineTo(cx+mw/2, y)
		}
	}
	dc.SetLineCapButt()
	dc.SetColor(halo)
	dc.SetLineWidth(math.Max(1, s.scale) * 3)
	dc.StrokePreserve()
	dc.SetColor(s.color)
	dc.SetLineWidth(math.Max(1, s.scale) * 1.2)
	dc.Stroke()
}

// drawLabel draws a label's lines with a halo.
func drawLabel(dc *gg.Context, fonts *Fonts, faces map[faceKey]font.Face, l *placed) {
	for _, tl := range l.lines {
		k := faceKey{tl.style, tl.size}
		face, ok := faces[k]
		if !ok {
			if tl.style == fontCJK && fonts.cjk == nil {
				continue
			}
			face = fonts.face(tl.style, tl.size)
			faces[k] = face
		}
		dc.SetFontFace(face)
		dc.SetColor(halo)
		n := 8
		if l.halo > 2 {
			n = 12
		}
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			dc.DrawString(tl.text, tl.x+l.halo*math.Cos(a), tl.y+l.halo*math.Sin(a))
		}
		dc.SetColor(l.color)
		dc.DrawString(tl.text, tl.x, tl.y)
	}
}
