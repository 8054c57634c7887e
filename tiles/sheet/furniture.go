package sheet

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// furniture draws everything but the map image: header, map frame and
// graticule labels, locator, legend, scale and north arrow, sources and
// footer.
func (s *Sheet) furniture(c canvas) {
	s.drawHeader(c)
	s.drawFrame(c)
	s.drawLocator(c)
	s.drawLegend(c)
	s.drawScale(c)
	s.drawSources(c)
	s.drawFooter(c)
}

// text sets s with its left edge at x and its baseline at y.
func (s *Sheet) text(c canvas, str string, x, y float64, st textStyle) {
	if str == "" {
		return
	}
	var spans []span
	for _, r := range s.ts.runs(str) {
		spans = append(spans, span{r, x})
		x += s.ts.width(r.text, st.size, st.bold && !r.cjk)
	}
	c.text(spans, y, st)
}

// textAt sets s aligned on x: ax 0 left, 0.5 centred, 1 right.
func (s *Sheet) textAt(c canvas, str string, x, y, ax float64, st textStyle) {
	s.text(c, str, x-ax*s.ts.width(str, st.size, st.bold), y, st)
}

// heading draws a block's heading — small bold capitals over a hairline —
// at the top of box.
func (s *Sheet) heading(c canvas, box Rect, title string) {
	size := s.m.heading
	s.text(c, strings.ToUpper(title), box.X, box.Y+size*0.95, textStyle{size: size, bold: true, color: ink})
	y := box.Y + size*1.45
	c.line([]orb.Point{{box.X, y}, {box.Right(), y}}, rule, 0.35*s.m.u)
}

func (s *Sheet) drawHeader(c canvas) {
	h, m := s.Layout.Header, s.m
	size := m.title
	for size > m.title*0.65 && s.ts.width(s.Title, size, true) > h.W {
		size *= 0.95
	}
	y := h.Y + m.title*0.8
	s.text(c, s.ts.fit(s.Title, size, true, h.W), h.X, y, textStyle{size: size, bold: true, color: ink})
	y += 5*m.u + m.subtitle*1.05
	s.text(c, s.ts.fit(s.Subtitle, m.subtitle, false, h.W), h.X, y, textStyle{size: m.subtitle, color: grey})
	if s.DateLine != "" {
		y += m.dateLine * 1.45
		s.text(c, s.ts.fit(s.DateLine, m.dateLine, false, h.W), h.X, y, textStyle{size: m.dateLine, color: grey})
	}
	// A double rule under the header, as atlases have.
	ry := h.Bottom() + m.gap*0.45
	c.line([]orb.Point{{h.X, ry}, {h.Right(), ry}}, ink, 1.1*m.u)
	c.line([]orb.Point{{h.X, ry + 2.2*m.u}, {h.Right(), ry + 2.2*m.u}}, ink, 0.35*m.u)
}

func (s *Sheet) drawFooter(c canvas) {
	f, m := s.Layout.Footer, s.m
	st := textStyle{size: m.tiny, color: grey}
	y := f.Bottom() - m.tiny*0.3
	right := "Web Mercator · " + strconv.Itoa(s.Request.DPI) + " dpi · made with xiang"
	if s.Folio != "" {
		right = s.Folio + " · " + right
	}
	rw := s.ts.width(right, st.size, false)
	s.textAt(c, right, f.Right(), y, 1, st)
	credit := "Map data: " + s.Attribution
	if s.Attribution == "" {
		credit = "Map data: the campaign's layers"
	}
	credit = strings.TrimRight(credit, ". ") + ". " + LocatorCredit + "."
	s.text(c, s.ts.fit(credit, st.size, false, f.W-rw-12*m.u), f.X, y, st)
}

// drawFrame draws the neatline, the outer border and the graticule's ticks
// and degree labels between them.
func (s *Sheet) drawFrame(c canvas) {
	mp, fr, m := s.Layout.Map, s.Layout.Frame, s.m
	c.rect(fr, none, ink, 0.4*m.u)
	c.rect(mp, none, ink, 0.9*m.u)
	tick := 3.2 * m.u
	st := textStyle{size: m.tiny, color: ink}
	gm := m.gratMargin
	for i, x := range s.grat.x {
		label := dms(s.grat.lons[i], "E", "W")
		w := s.ts.width(label, st.size, false)
		c.line([]orb.Point{{x, mp.Y}, {x, mp.Y - tick}}, ink, 0.4*m.u)
		c.line([]orb.Point{{x, mp.Bottom()}, {x, mp.Bottom() + tick}}, ink, 0.4*m.u)
		if x-w/2 < mp.X+1 || x+w/2 > mp.Right()-1 {
			continue
		}
		s.textAt(c, label, x, mp.Y-gm*0.42, 0.5, st)
		s.textAt(c, label, x, mp.Bottom()+gm*0.72, 0.5, st)
	}
	for i, y := range s.grat.y {
		label := dms(s.grat.lat[i], "N", "S")
		w := s.ts.width(label, st.size, false)
		c.line([]orb.Point{{mp.X, y}, {mp.X - tick, y}}, ink, 0.4*m.u)
		c.line([]orb.Point{{mp.Right(), y}, {mp.Right() + tick, y}}, ink, 0.4*m.u)
		if y-w/2 < mp.Y+1 || y+w/2 > mp.Bottom()-1 {
			continue
		}
		c.textUp(label, mp.X-gm*0.42, y+w/2, st)
		c.textUp(label, mp.Right()+gm*0.42+st.size*0.72, y+w/2, st)
	}
}

// locatorBox is the locator map's frame, under its heading.
func (s *Sheet) locatorBox() Rect {
	l := s.Layout.Locator
	top := s.m.heading * 2.1
	return Rect{l.X, l.Y + top, l.W, l.H - top}
}

func (s *Sheet) drawLocator(c canvas) {
	s.heading(c, s.Layout.Locator, "Location")
	l, m := s.loc, s.m
	c.rect(l.box, sea, none, 0)
	c.polygon(l.rings, land, coast, 0.35*m.u)
	e := l.extent
	if min := 4 * m.u; e.W < min || e.H < min {
		cx, cy := e.X+e.W/2, e.Y+e.H/2
		e = Rect{cx - math.Max(e.W, min)/2, cy - math.Max(e.H, min)/2, math.Max(e.W, min), math.Max(e.H, min)}
	}
	c.rect(e, none, extentFx, 1.1*m.u)
	c.rect(l.box, none, rule, 0.4*m.u)
}

// placeScaleBar returns the scale bar's rectangle in the scale block, and
// sets the bar's length to the longest round distance that fits.
func (s *Sheet) placeScaleBar() Rect {
	sb, n, u := s.Layout.Scale, s.Layout.North, s.m.u
	x := n.Right() + 12*u
	s.Scale = s.Scale.withLength(sb.Right() - x - 14*u)
	return Rect{x, sb.Y + s.m.heading*2.1 + s.m.small*1.5, s.Scale.Length, 4.2 * u}
}

func (s *Sheet) drawScale(c canvas) {
	box, bar, m := s.Layout.Scale, s.Layout.ScaleBar, s.m
	s.heading(c, box, "Scale")
	s.drawNorth(c, s.Layout.North)
	// The bar is filled, not stroked, so that its ink ends exactly at its
	// ends in any renderer: dark, then the white parts inside a hairline
	// border, then the hairline that closes its right end on top.
	const parts = 4
	seg, hair := bar.W/parts, 0.45*m.u
	c.rect(bar, ink, none, 0)
	for i := 1; i < parts; i += 2 {
		c.rect(Rect{bar.X + float64(i)*seg, bar.Y + hair, seg, bar.H - 2*hair}, white, none, 0)
	}
	c.rect(Rect{bar.Right() - hair, bar.Y, hair, bar.H}, ink, none, 0)
	st := textStyle{size: m.small, color: ink}
	ly := bar.Y - m.small*0.45
	s.textAt(c, "0", bar.X, ly, 0.5, st)
	s.textAt(c, s.Scale.Label(s.Scale.Metres/2, false), bar.X+bar.W/2, ly, 0.5, st)
	end := s.Scale.Label(s.Scale.Metres, false)
	s.textAt(c, end, bar.Right(), ly, 0.5, st)
	unit := strings.TrimPrefix(s.Scale.Label(s.Scale.Metres, true), end)
	s.text(c, unit, bar.Right()+s.ts.width(end, st.size, false)/2, ly, st)
	ty := bar.Bottom() + m.small*1.6
	s.text(c, "Scale "+s.Scale.Fraction()+" at "+formatLat(s.Scale.Lat), bar.X, ty, textStyle{size: m.small, color: ink})
	s.text(c, "true at the map's centre latitude", bar.X, ty+m.tiny*1.35, textStyle{size: m.tiny, color: grey})
}

// drawNorth draws a north arrow in r: an "N" over a split arrowhead, the
// west half dark and the east half light. Web Mercator keeps north up
// everywhere on the map.
func (s *Sheet) drawNorth(c canvas, r Rect) {
	u := s.m.u
	cx := r.X + r.W/2
	s.textAt(c, "N", cx, r.Y+8*u, 0.5, textStyle{size: 8.5 * u, bold: true, color: ink})
	top, bot := r.Y+10.5*u, r.Bottom()-2*u
	half := 5.5 * u
	notch := bot - 6*u
	c.polygon([][]orb.Point{{{cx, top}, {cx - half, bot}, {cx, notch}}}, ink, ink, 0.5*u)
	c.polygon([][]orb.Point{{{cx, top}, {cx + half, bot}, {cx, notch}}}, white, ink, 0.5*u)
}

func (s *Sheet) drawSources(c canvas) {
	box, m := s.Layout.Sources, s.m
	s.heading(c, box, "Sources")
	size := m.tiny
	lh := size * 1.32
	top := box.Y + m.heading*2.1 + size*0.9
	n := int((box.Bottom() - top + size*0.9) / lh)
	if n <= 0 {
		return
	}
	list := s.Sources
	if len(list) == 0 {
		s.text(c, "No cited features in this view.", box.X, top, textStyle{size: size, color: grey})
		return
	}
	more := 0
	if len(list) > n {
		more = len(list) - (n - 1)
		list = list[:n-1]
	}
	st := textStyle{size: size, color: ink}
	for i, src := range list {
		s.text(c, s.ts.fit(sourceText(src), size, false, box.W), box.X, top+float64(i)*lh, st)
	}
	if more > 0 {
		s.text(c, moreText(more, "source"), box.X, top+float64(len(list))*lh, textStyle{size: size, color: grey})
	}
}
