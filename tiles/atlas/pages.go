package atlas

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/tiles/sheet"
)

// page is the geometry of the atlas's own pages (cover, sources), in
// points: the paper of the sheets, their margin and a unit u that grows
// type with the paper as a sheet's does.
type page struct {
	w, h, margin, u float64
	top, bottom     float64 // the body, under the header and over the footer
}

func (a *Atlas) page() page {
	w, h, _ := sheet.PageSize(a.Request.Paper, a.Request.Orientation)
	u := math.Sqrt(math.Min(w, h) / 595.28)
	p := page{w: w, h: h, margin: 28.35, u: u}
	p.top = p.margin + p.headerH()
	p.bottom = h - p.margin - 16*u
	return p
}

func (p page) headerH() float64 { return 26*p.u*1.05 + 6*p.u + 12*p.u*1.2 + 14*p.u }

// Sizes of the entries of the sources page, in units of u.
const (
	sourceSize, urlSize = 7.5, 6.0
	sourceLead          = 17.0 // one entry: its title and its URL
	sourceGutter        = 18.0
)

// sourceColumns is the number of columns of the sources page: two on
// landscape paper, one on portrait.
func (p page) sourceColumns() int {
	if p.w > p.h {
		return 2
	}
	return 1
}

// sourceRows is the number of entries in a column of the sources page.
func (p page) sourceRows() int { return max(1, int((p.bottom-p.top-6*p.u)/(sourceLead*p.u))) }

// layoutSources cuts the cited works into pages.
func (a *Atlas) layoutSources() {
	p := a.page()
	per := p.sourceRows() * p.sourceColumns()
	list := a.Sources
	if len(list) == 0 {
		a.sourcePages = [][]Cited{nil}
		return
	}
	for len(list) > 0 {
		n := min(per, len(list))
		a.sourcePages = append(a.sourcePages, list[:n])
		list = list[n:]
	}
}

// header sets a page's title and subtitle under a double rule.
func (a *Atlas) header(d *sheet.Document, p page, title, subtitle string) {
	x, width := p.margin, p.w-2*p.margin
	size := 26 * p.u
	for size > 14*p.u && d.Width(title, size, true) > width {
		size *= 0.95
	}
	y := p.margin + 26*p.u*0.8
	d.Text(d.Fit(title, size, true, width), x, y, 0, sheet.TextStyle{Size: size, Bold: true, Color: sheet.Ink})
	y += 6*p.u + 12*p.u*1.05
	d.Text(d.Fit(subtitle, 12*p.u, false, width), x, y, 0, sheet.TextStyle{Size: 12 * p.u, Color: sheet.Grey})
	ry := y + 8*p.u
	d.Line([]orb.Point{{x, ry}, {x + width, ry}}, sheet.Ink, 1.1*p.u)
	d.Line([]orb.Point{{x, ry + 2.2*p.u}, {x + width, ry + 2.2*p.u}}, sheet.Ink, 0.35*p.u)
}

// footer sets the page number at the right of the footer and note at its
// left.
func (a *Atlas) footer(d *sheet.Document, p page, n int, note string) {
	st := sheet.TextStyle{Size: 7 * p.u, Color: sheet.Grey}
	y := p.h - p.margin
	right := fmt.Sprintf("Page %d of %d · made with xiang", n, a.pages)
	d.Text(right, p.w-p.margin, y, 1, st)
	width := p.w - 2*p.margin - d.Width(right, st.Size, false) - 12*p.u
	d.Text(d.Fit(note, st.Size, false, width), p.margin, y, 0, st)
}

// drawCover draws page 1: the title, the span of the sheets, and the
// contents — each sheet's date, title and page, with the events of its
// phase — then the sources' page.
func (a *Atlas) drawCover(ctx context.Context, d *sheet.Document) error {
	p := a.page()
	d.AddPage(p.w, p.h)
	a.header(d, p, a.Title, a.Subtitle)
	x, width := p.margin, p.w-2*p.margin
	y := p.top + 12*p.u
	d.Text("CONTENTS", x, y, 0, sheet.TextStyle{Size: 8 * p.u, Bold: true, Color: sheet.Ink})
	y += 5 * p.u
	d.Line([]orb.Point{{x, y}, {x + width, y}}, sheet.Grey, 0.35*p.u)

	lines := len(a.Sheets) + 1
	if a.Phases != nil {
		lines += len(a.Sheets)
	}
	lead := math.Min(18*p.u, (p.bottom-y-8*p.u)/float64(lines))
	size := math.Min(10*p.u, lead*0.62)
	st := sheet.TextStyle{Size: size, Color: sheet.Ink}
	bold := sheet.TextStyle{Size: size, Bold: true, Color: sheet.Ink}
	grey := sheet.TextStyle{Size: size * 0.85, Color: sheet.Grey}
	col1 := x + d.Width("Sheet 00", size, true) + 10*p.u
	col2 := col1 + d.Width("Situation on 30 September 1944", size, false) + 14*p.u
	pageW := d.Width("page 00", size, false)
	for i, s := range a.Sheets {
		y += lead
		d.Text("Sheet "+strconv.Itoa(i+1), x, y, 0, bold)
		d.Text(s.Request.Day.Long(), col1, y, 0, st)
		d.Text(d.Fit(s.Title, size, false, x+width-pageW-10*p.u-col2), col2, y, 0, st)
		d.Text("page "+strconv.Itoa(i+2), x+width, y, 1, st)
		if a.Phases != nil {
			ph := a.Phases[i]
			names := make([]string, len(ph.Events))
			for j, e := range ph.Events {
				names[j] = e.Name
			}
			text := "Phase " + strconv.Itoa(i+1) + ", " + spanText(ph.From, ph.To) + ": " + strings.Join(names, "; ")
			y += lead
			d.Text(d.Fit(text, grey.Size, false, x+width-col1), col1, y-lead*0.2, 0, grey)
		}
	}
	y += lead
	d.Text("Sources", x, y, 0, bold)
	d.Text("works cited on the sheets, each once", col1, y, 0, sheet.TextStyle{Size: size, Color: sheet.Grey})
	d.Text("page "+strconv.Itoa(len(a.Sheets)+2), x+width, y, 1, st)
	note := "Map data: " + a.Attribution
	if a.Attribution == "" {
		note = "Map data: the campaign's layers"
	}
	note += fmt.Sprintf(" · %s %s, %d dpi, Web Mercator", a.Request.Paper, a.Request.Orientation, a.Request.DPI)
	a.footer(d, p, 1, note)
	// The key map fills what the contents leave.
	top := y + lead*0.8
	if p.bottom-4*p.u-(top+13*p.u) < minKeyHeight {
		return nil
	}
	d.Text("KEY MAP", x, top+8*p.u, 0, sheet.TextStyle{Size: 8 * p.u, Bold: true, Color: sheet.Ink})
	d.Text("each sheet's map outlined and numbered", x+d.Width("KEY MAP", 8*p.u, true)+8*p.u, top+8*p.u, 0, sheet.TextStyle{Size: 7.5 * p.u, Color: sheet.Grey})
	top += 13 * p.u
	return a.drawKeyMap(ctx, d, x, top, width, p.bottom-4*p.u-top)
}

// drawSources draws the i-th page of sources.
func (a *Atlas) drawSources(d *sheet.Document, i int) {
	p := a.page()
	d.AddPage(p.w, p.h)
	title := "Sources"
	if len(a.sourcePages) > 1 {
		title = fmt.Sprintf("Sources (%d of %d)", i+1, len(a.sourcePages))
	}
	a.header(d, p, title, "The works cited by the features on the sheets, each once, with the sheets that cite it.")
	cols, rows := p.sourceColumns(), p.sourceRows()
	width := (p.w - 2*p.margin - float64(cols-1)*sourceGutter*p.u) / float64(cols)
	st := sheet.TextStyle{Size: sourceSize * p.u, Color: sheet.Ink}
	url := sheet.TextStyle{Size: urlSize * p.u, Color: sheet.Grey}
	if len(a.Sources) == 0 {
		d.Text("No feature on the sheets cites a source.", p.margin, p.top+sourceLead*p.u*0.5, 0, st)
	}
	for j, c := range a.sourcePages[i] {
		x := p.margin + float64(j/rows)*(width+sourceGutter*p.u)
		y := p.top + 2*p.u + float64(j%rows)*sourceLead*p.u
		y += sourceLead * p.u * 0.5
		cites := "sheet " + joinInts(c.Sheets)
		if len(c.Sheets) > 1 {
			cites = "sheets " + joinInts(c.Sheets)
		}
		cw := d.Width(cites, url.Size, false)
		d.Text(d.Fit(sourceText(c.Source), st.Size, false, width-cw-12*p.u), x, y, 0, st)
		d.Text(cites, x+width, y, 1, url)
		y += sourceLead * p.u * 0.5
		if c.URL != "" {
			d.Text(d.Fit(c.URL, url.Size, false, width-8*p.u), x+8*p.u, y-sourceLead*p.u*0.1, 0, url)
		}
	}
	a.footer(d, p, len(a.Sheets)+2+i, "Map data: "+a.Attribution)
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
