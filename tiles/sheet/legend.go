package sheet

import (
	"math"
	"strconv"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// legendFor returns the legend entries for the features shown on day d.
// tiles.Legend matches symbols regardless of the day, so the entry for a
// leg in progress is dropped unless a movement is under way on d.
func legendFor(shown overlays.Selection, d geo.Day) []tiles.LegendEntry {
	moving := false
	for _, l := range shown {
		for _, f := range l.Features {
			moving = moving || f.Kind == overlays.KindMovement && f.At(d).Moving
		}
	}
	var out []tiles.LegendEntry
	for _, e := range tiles.Legend(shown) {
		if e.ID == "in-progress" && !moving {
			continue
		}
		out = append(out, e)
	}
	return out
}

// legendLayout is the legend set in its block: the type size, the swatch
// size and where each heading and entry goes, relative to the block's
// top-left corner.
type legendLayout struct {
	size       float64 // label type size, points
	swW, swH   float64 // swatch size, points
	rows       []legendRow
	more       int // entries left out for want of room
	moreX      float64
	moreY      float64 // where the line counting them goes (its top)
	height     float64
	lineHeight float64
}

// legendRow is a group heading (entry nil) or an entry with its label's
// lines.
type legendRow struct {
	heading string
	entry   *tiles.LegendEntry
	lines   []string
	x, y, h float64
}

// layoutLegend sets the sheet's legend in box, trying smaller type and two
// columns until it fits; what still does not fit is counted in more.
func (s *Sheet) layoutLegend(box Rect) legendLayout {
	u := s.m.u
	top := s.m.heading * 2.1 // the block heading
	type try struct{ size, sw, cols float64 }
	tries := []try{{s.m.body, 0.62, 1}, {s.m.small, 0.52, 1}, {s.m.body, 0.55, 2}, {s.m.small, 0.48, 2}}
	if s.Request.Orientation == Portrait {
		tries = []try{{s.m.body, 0.55, 1}, {s.m.small, 0.48, 1}, {s.m.small, 0.48, 2}, {s.m.tiny, 0.42, 2}}
	}
	var l legendLayout
	for i, t := range tries {
		l = s.setLegend(box, t.size, t.sw, int(t.cols), top, u)
		if l.more == 0 || i == len(tries)-1 {
			break
		}
	}
	return l
}

// setLegend places the legend's rows in columns of box at one size.
func (s *Sheet) setLegend(box Rect, size, sw float64, cols int, top, u float64) legendLayout {
	l := legendLayout{size: size, swW: tiles.SwatchWidth * sw * u, swH: tiles.SwatchHeight * sw * u, lineHeight: size * 1.18}
	gut := 10 * u
	colW := (box.W - float64(cols-1)*gut) / float64(cols)
	textW := colW - l.swW - 4*u
	var rows []legendRow
	group := ""
	for i := range s.Legend {
		e := &s.Legend[i]
		if e.Group != group {
			group = e.Group
			rows = append(rows, legendRow{heading: group, h: size * 1.75})
		}
		lines := s.ts.wrap(e.Label, size, false, textW, 4)
		h := math.Max(l.swH, float64(len(lines))*l.lineHeight) + 2.2*u
		rows = append(rows, legendRow{entry: e, lines: lines, h: h})
	}
	total := 0.0
	for _, r := range rows {
		total += r.h
	}
	// Columns break near an equal share, never right after a heading.
	target := total / float64(cols)
	col, y := 0, top
	height := top
	for i := range rows {
		r := &rows[i]
		need := r.h
		if r.entry == nil && i+1 < len(rows) {
			need += rows[i+1].h
		}
		orphan := i > 0 && rows[i-1].entry == nil
		if col < cols-1 && y > top && !orphan && (y-top >= target-1e-6 || y+need > box.H) {
			col, y = col+1, top
		}
		if y+r.h > box.H {
			// Out of room: count the entries left, keeping a line to say so.
			n := 0
			for _, rr := range rows[i:] {
				if rr.entry != nil {
					n++
				}
			}
			l.more = n
			break
		}
		r.x, r.y = float64(col)*(colW+gut), y
		y += r.h
		height = math.Max(height, y)
		l.rows = append(l.rows, *r)
	}
	if l.more > 0 {
		// Make room for the "and N more" line by dropping rows as needed.
		for len(l.rows) > 0 {
			last := l.rows[len(l.rows)-1]
			if last.y+last.h+l.lineHeight <= box.H && last.entry != nil {
				break
			}
			if last.entry != nil {
				l.more++
			}
			l.rows = l.rows[:len(l.rows)-1]
		}
		height, l.moreY = top, top
		for _, r := range l.rows {
			height = math.Max(height, r.y+r.h)
			l.moreX, l.moreY = r.x, r.y+r.h
		}
		height = math.Max(height, l.moreY+l.lineHeight)
	}
	l.height = height
	return l
}

// moreText is the line that counts what a list left out.
func moreText(n int, what string) string {
	if n == 1 {
		return "… and 1 more " + what
	}
	return "… and " + strconv.Itoa(n) + " more " + what + "s"
}

// drawLegend draws the legend block.
func (s *Sheet) drawLegend(c canvas) {
	box := s.Layout.Legend
	s.heading(c, box, "Legend")
	l := s.legend
	u := s.m.u
	for _, r := range l.rows {
		x, y := box.X+r.x, box.Y+r.y
		if r.entry == nil {
			s.text(c, strings.ToUpper(r.heading), x, y+r.h*0.72, textStyle{size: l.size * 0.86, bold: true, color: grey})
			continue
		}
		c.swatch(*r.entry, Rect{x, y, l.swW, l.swH})
		tx := x + l.swW + 4*u
		th := float64(len(r.lines)) * l.lineHeight
		ty := y + (math.Max(l.swH, th)-th)/2 + l.size*0.9
		for i, line := range r.lines {
			s.text(c, line, tx, ty+float64(i)*l.lineHeight, textStyle{size: l.size, color: ink})
		}
	}
	if l.more > 0 {
		s.text(c, moreText(l.more, "symbol"), box.X+l.moreX, box.Y+l.moreY+l.size*0.9, textStyle{size: l.size, color: grey})
	}
}
