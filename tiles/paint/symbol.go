package paint

import (
	"fmt"
	"image/color"
	"math"
	"sync"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
)

// Halo is the outline drawn around symbols and text so they read on any
// base map.
var Halo = color.NRGBA{0xff, 0xff, 0xff, 0xe6}

// Ink is the colour of towns and their labels.
var Ink = color.NRGBA{0x22, 0x22, 0x22, 0xff}

// Symbol is a point symbol: an APP-6 style unit frame, an artillery
// position, an airfield, a town or an event. It is comparable.
type Symbol struct {
	Kind    overlays.Kind
	Branch  string // units: infantry, armour, …, hq
	Echelon string // units: division, army, …
	Color   color.NRGBA
	Size    float64 // nominal size in pixels (frame width, disc diameter, town radius)
	Scale   float64 // device pixel ratio, for line widths
	Rank    int     // towns: 1 (city, square) to 4
}

// Nominal symbol sizes, in pixels at zoom scale 1.
const (
	unitWidth     = 22.0
	artilleryWide = 14.0
	airfieldSize  = 16.0
	eventSize     = 12.0
)

// ZoomScale grows symbols and arrows with the zoom, from 0.55 at zoom 5
// and below to 1.15 at zoom 12 and above.
func ZoomScale(z float64) float64 { return math.Min(math.Max(0.55+0.09*(z-5), 0.55), 1.15) }

// NewSymbol returns the symbol of a kind of point feature in colour c, at
// zoom scale sz (ZoomScale times the device pixel ratio) and device pixel
// ratio scale: a unit is infantry unless told otherwise, a town of rank 3.
func NewSymbol(k overlays.Kind, c color.NRGBA, sz, scale float64) Symbol {
	s := Symbol{Kind: k, Color: c, Scale: scale}
	switch k {
	case overlays.KindUnit:
		s.Size, s.Branch = unitWidth*sz, "infantry"
	case overlays.KindArtillery:
		s.Size, s.Branch = artilleryWide*sz, "artillery"
	case overlays.KindAirfield:
		s.Size = airfieldSize * sz
	case overlays.KindEvent:
		s.Size = eventSize * sz
	case overlays.KindPlace:
		s = s.WithRank(3)
	}
	return s
}

// WithRank returns a town symbol of another rank.
func (s Symbol) WithRank(rank int) Symbol {
	s.Rank = rank
	r := 2.2
	switch rank {
	case 1:
		r = 4.5
	case 2:
		r = 3.6
	case 3:
		r = 2.8
	}
	s.Size = r * s.Scale
	return s
}

// FeatureSymbol returns the symbol of a point feature: NewSymbol in its
// marker colour, with its branch, echelon and rank.
func FeatureSymbol(f *overlays.Feature, sz, scale float64) Symbol {
	s := NewSymbol(f.Kind, f.Style.Marker, sz, scale)
	switch f.Kind {
	case overlays.KindUnit:
		if b := f.Branch(); b != "" {
			s.Branch = b
		}
		s.Echelon = f.Echelon()
	case overlays.KindPlace:
		s = s.WithRank(f.Rank())
	}
	return s
}

// canvas is what a symbol is drawn on: the painter, or a recorder of the
// extent of what it would paint.
type canvas interface {
	fill(g orb.Geometry, c color.NRGBA)
	stroke(g orb.Geometry, c color.NRGBA, width float64)
}

// extent records the bound of the ink of fills and strokes.
type extent struct {
	b   orb.Bound
	set bool
}

func (e *extent) add(b orb.Bound) {
	if !e.set {
		e.b, e.set = b, true
		return
	}
	e.b = e.b.Union(b)
}
func (e *extent) fill(g orb.Geometry, c color.NRGBA) {
	if c.A != 0 && g != nil {
		e.add(g.Bound())
	}
}
func (e *extent) stroke(g orb.Geometry, c color.NRGBA, width float64) {
	if c.A != 0 && width > 0 && g != nil {
		e.add(g.Bound().Pad(width / 2))
	}
}

// boxes memoizes Box: symbols come in few sizes. A map under a lock, not
// a sync.Map, so that looking a Symbol up does not box it on the heap.
var boxes struct {
	sync.RWMutex
	m map[Symbol]orb.Bound
}

// maxBoxes bounds the memo of symbol boxes.
const maxBoxes = 4096

// Box returns the extent, around its point at the origin, of the pixels
// the symbol paints (halo, frame, echelon marks, staff): the bound of what
// draw draws, so the two cannot disagree.
func (s Symbol) Box() orb.Bound {
	boxes.RLock()
	b, ok := boxes.m[s]
	boxes.RUnlock()
	if ok {
		return b
	}
	var e extent
	s.draw(&e, orb.Point{})
	boxes.Lock()
	if boxes.m == nil {
		boxes.m = map[Symbol]orb.Bound{}
	}
	if len(boxes.m) < maxBoxes {
		boxes.m[s] = e.b
	}
	boxes.Unlock()
	return e.b
}

// Reach returns how far the symbol's pixels reach from its point.
func (s Symbol) Reach() float64 {
	b := s.Box()
	return math.Max(math.Max(-b.Min[0], b.Max[0]), math.Max(-b.Min[1], b.Max[1]))
}

// Tint mixes c with white: the light fill of unit frames.
func Tint(c color.NRGBA, k float64) color.NRGBA {
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

// draw draws the symbol centred on pt on a canvas: the painter, whose
// rasterizer handles shapes crossing the image's edges exactly as inside
// them, or the recorder behind Box.
func (s Symbol) draw(p canvas, pt orb.Point) {
	x, y, sc := pt[0], pt[1], s.Scale
	line := func(width float64, ps ...orb.Point) { p.stroke(orb.LineString(ps), s.Color, width) }
	switch s.Kind {
	case overlays.KindUnit, overlays.KindArtillery:
		w := s.Size
		h := w * 2 / 3
		if s.Kind == overlays.KindArtillery {
			h = w * 0.7
		}
		lw := math.Max(1.2*sc, w/14)
		// Halo, frame, branch mark, echelon: APP-6 land unit.
		p.fill(rect(x-w/2-lw, y-h/2-lw, w+2*lw, h+2*lw), Halo)
		frame := rect(x-w/2, y-h/2, w, h)
		p.fill(frame, Tint(s.Color, 0.22))
		p.stroke(frame[0], s.Color, lw)
		x0, y0, x1, y1 := x-w/2, y-h/2, x+w/2, y+h/2
		mark := lw * 0.9
		switch s.Branch {
		case "infantry":
			line(mark, orb.Point{x0, y0}, orb.Point{x1, y1})
			line(mark, orb.Point{x0, y1}, orb.Point{x1, y0})
		case "cavalry":
			line(mark, orb.Point{x0, y1}, orb.Point{x1, y0})
		case "armour":
			p.stroke(ellipse(x, y, w*0.3, h*0.24)[0], s.Color, mark)
		case "artillery":
			p.fill(circle(x, y, h*0.17), s.Color)
		case "engineer":
			bx0, bx1, by0, by1 := x-w*0.25, x+w*0.25, y-h*0.12, y+h*0.15
			line(mark, orb.Point{bx0, by1}, orb.Point{bx0, by0}, orb.Point{bx1, by0}, orb.Point{bx1, by1})
			line(mark, orb.Point{x, by0}, orb.Point{x, by1})
		case "air":
			p.stroke(ellipse(x-w*0.12, y, w*0.12, h*0.16)[0], s.Color, mark)
			p.stroke(ellipse(x+w*0.12, y, w*0.12, h*0.16)[0], s.Color, mark)
		case "hq":
			line(lw, orb.Point{x0, y1}, orb.Point{x0, y1 + h*0.6})
		}
		drawEchelon(p, s, x, y0-lw-1.5*sc, h)
	case overlays.KindAirfield:
		r := s.Size / 2
		p.fill(circle(x, y, r+1.2*sc), Halo)
		disc := circle(x, y, r)
		p.fill(disc, Tint(s.Color, 0.22))
		p.stroke(disc[0], s.Color, math.Max(1.2*sc, r/7))
		// An aeroplane: wings, fuselage, tail.
		lw := math.Max(1.2*sc, r/5)
		line(lw, orb.Point{x - r*0.7, y - r*0.1}, orb.Point{x + r*0.7, y - r*0.1})
		line(lw, orb.Point{x, y - r*0.6}, orb.Point{x, y + r*0.6})
		line(lw, orb.Point{x - r*0.3, y + r*0.5}, orb.Point{x + r*0.3, y + r*0.5})
	case overlays.KindEvent:
		r := s.Size / 2
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
		p.fill(star(r+1.5*sc), Halo)
		p.fill(star(r), s.Color)
	case overlays.KindPlace:
		r := s.Size
		shape := circle(x, y, r)
		if s.Rank == 1 {
			shape = rect(x-r, y-r, 2*r, 2*r)
		}
		p.fill(shape, color.NRGBA{0xff, 0xff, 0xff, 0xff})
		p.stroke(shape[0], Ink, math.Max(1.1*sc, r/3))
		if s.Rank == 1 {
			p.fill(rect(x-r*0.4, y-r*0.4, r*0.8, r*0.8), Ink)
		}
	default:
		p.fill(circle(x, y, s.Size/2), s.Color)
	}
}

// echelonMarks maps an echelon to its APP-6 mark above the frame.
var echelonMarks = map[string]string{
	"army-group": "XXXXX", "army": "XXXX", "corps": "XXX", "division": "XX", "brigade": "X",
	"regiment": "III", "battalion": "II",
}

// drawEchelon draws X and | marks centred above the frame, their bottom at
// y, on a halo.
func drawEchelon(p canvas, s Symbol, x, y, h float64) {
	marks := echelonMarks[s.Echelon]
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
	w := math.Max(1, s.Scale)
	p.stroke(strokes, Halo, w*3)
	p.stroke(strokes, s.Color, w*1.2)
}

// Name returns a name for the symbol that is the same for every size and
// device pixel ratio: "unit-armour-division-c8102eff", "place-r2-222222ff".
// Sprites and vector tiles name icons by it.
func (s Symbol) Name() string {
	c := fmt.Sprintf("%02x%02x%02x%02x", s.Color.R, s.Color.G, s.Color.B, s.Color.A)
	switch s.Kind {
	case overlays.KindUnit:
		e := s.Echelon
		if e == "" {
			e = "none"
		}
		return fmt.Sprintf("unit-%s-%s-%s", s.Branch, e, c)
	case overlays.KindPlace:
		return fmt.Sprintf("place-r%d-%s", s.Rank, c)
	}
	return fmt.Sprintf("%s-%s", s.Kind, c)
}
