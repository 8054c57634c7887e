package atlas

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// Atlas is an atlas laid out and ready to write: its sheets, the phases
// they show (when derived from events) and the sources they cite. Build it
// with New, write it with WritePDF. An Atlas is single-goroutine.
type Atlas struct {
	// Request is the normalized request.
	Request Request
	// Title and Subtitle are the cover's.
	Title, Subtitle string
	// Sheets are laid out but not drawn; Sheets[i] is on page i+2.
	Sheets []*sheet.Sheet
	// Phases, when the dates were derived from events, holds the phase
	// of each sheet.
	Phases []Phase
	// Sources are the works cited on any sheet, each once.
	Sources []Cited
	// Attribution credits the selected layers.
	Attribution string

	r     *tiles.Renderer
	pages int // total, cover and sources included
	// sourcePages are the cited works on each page of sources.
	sourcePages [][]Cited
}

// Cited is a work cited on the atlas's sheets, with the numbers of the
// sheets (1 for the first) that cite it.
type Cited struct {
	overlays.Source
	Sheets []int
}

// New lays out an atlas of the selected layers for req; nothing is drawn
// yet. A bad request is a *sheet.RequestError; phases of layers without
// events are one naming "phases".
func New(r *tiles.Renderer, sel overlays.Selection, req Request) (*Atlas, error) {
	if err := req.Check(); err != nil {
		return nil, err
	}
	req = req.Normalize()
	a := &Atlas{Request: req, r: r, Attribution: sel.Attribution()}
	days := req.Days
	if len(days) == 0 {
		a.Phases = Phases(sel, req.Phases, geo.All)
		if len(a.Phases) == 0 {
			return nil, bad("phases", fmt.Sprint(req.Phases), fmt.Errorf("%w: the layers %s have no dated events to derive phases from; give dates", ErrPhases, sel))
		}
		for _, p := range a.Phases {
			days = append(days, p.Day())
		}
	}
	total := len(days) + 1
	for i, d := range days {
		sr := req.sheet(d)
		if sr.Auto() {
			if b, ok := dayBound(sel, d); ok {
				sr.BBox = b
			}
		}
		s, err := sheet.New(r, sel, sr)
		if err != nil {
			return nil, err
		}
		a.Sheets = append(a.Sheets, s)
		for _, src := range s.Sources {
			a.cite(src, i+1)
		}
	}
	slices.SortFunc(a.Sources, func(x, y Cited) int {
		return cmp.Or(cmp.Compare(strings.ToLower(sourceText(x.Source)), strings.ToLower(sourceText(y.Source))), cmp.Compare(x.URL, y.URL))
	})
	a.Title = req.Title
	if a.Title == "" {
		a.Title = coverTitle(sel, days)
	}
	a.Subtitle = "Campaign atlas: " + plural(len(days), "sheet") + ", " + spanText(days[0], days[len(days)-1])
	a.layoutSources()
	total += len(a.sourcePages)
	a.pages = total
	for i, s := range a.Sheets {
		s.Folio = fmt.Sprintf("Sheet %d of %d · page %d of %d", i+1, len(a.Sheets), i+2, total)
	}
	return a, nil
}

// cite adds src, cited on sheet n, to the atlas's sources: works are the
// same when their titles are (layers number their sources apart, so the
// same id may name different works).
func (a *Atlas) cite(src overlays.Source, n int) {
	for i := range a.Sources {
		if c := &a.Sources[i]; sourceText(c.Source) == sourceText(src) {
			if c.URL == "" {
				c.URL = src.URL
			}
			if c.Sheets[len(c.Sheets)-1] != n {
				c.Sheets = append(c.Sheets, n)
			}
			return
		}
	}
	a.Sources = append(a.Sources, Cited{Source: src, Sheets: []int{n}})
}

// Pages returns the number of pages: the cover, the sheets and the pages
// of sources.
func (a *Atlas) Pages() int { return a.pages }

// Write lays out an atlas of the selected layers and writes it to w as
// PDF: the one call a server or a command needs. A bad request is a
// *sheet.RequestError before anything is written.
func Write(ctx context.Context, w io.Writer, r *tiles.Renderer, sel overlays.Selection, req Request) error {
	a, err := New(r, sel, req)
	if err != nil {
		return err
	}
	return a.WritePDF(ctx, w)
}

// WritePDF writes the atlas as one PDF: the cover, the sheets, the sources.
// Sheets are drawn one at a time, each in bounded memory (see
// tiles/sheet); the output is deterministic.
func (a *Atlas) WritePDF(ctx context.Context, w io.Writer) error {
	d, err := sheet.NewDocument(a.r.Fonts(), a.Request.DPI, a.Title, a.Subtitle)
	if err != nil {
		return err
	}
	if err := a.drawCover(ctx, d); err != nil {
		return err
	}
	for _, s := range a.Sheets {
		if err := d.AddSheet(ctx, s); err != nil {
			return err
		}
	}
	for i := range a.sourcePages {
		a.drawSources(d, i)
	}
	if err := d.Err(); err != nil {
		return err
	}
	_, err = d.WriteTo(w)
	return err
}

// dayBound is the lon/lat bound, grown by a tenth on each side (at least
// 0.15°, so that a day of one event still shows its surroundings), of the
// features of the selection that have a side and dates and
// are on the map on day d: what happens that day, without the undated
// features (airfields, garrisons) that stand all campaign long far from
// it. ok is false when there are none; the sheet then fits itself.
func dayBound(sel overlays.Selection, d geo.Day) (b orb.Bound, ok bool) {
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Side == overlays.SideNone || f.Span == geo.All {
				continue
			}
			st := f.At(d)
			if !st.Visible {
				continue
			}
			g := f.GeometryAt(st)
			if g == nil {
				continue
			}
			if !ok {
				b, ok = g.Bound(), true
			} else {
				b = b.Union(g.Bound())
			}
		}
	}
	if !ok {
		return b, false
	}
	dx := max(b.Max[0]-b.Min[0], 0.1) / 10
	dy := max(b.Max[1]-b.Min[1], 0.1) / 10
	b.Min = orb.Point{max(b.Min[0]-max(dx, 0.15), -180), max(b.Min[1]-max(dy, 0.15), -overlays.MaxLat)}
	b.Max = orb.Point{min(b.Max[0]+max(dx, 0.15), 180), min(b.Max[1]+max(dy, 0.15), overlays.MaxLat)}
	return b, true
}

// coverTitle joins the titles of the selected layers whose dates reach one
// of the atlas's days, else of every selected layer.
func coverTitle(sel overlays.Selection, days []geo.Day) string {
	var titles []string
	for _, l := range sel {
		for _, d := range days {
			if l.Extent != (geo.Span{}) && l.Extent.Contains(d) {
				titles = append(titles, cmp.Or(l.Title, l.ID))
				break
			}
		}
	}
	if len(titles) == 0 {
		for _, l := range sel {
			titles = append(titles, cmp.Or(l.Title, l.ID))
		}
	}
	return strings.Join(titles, " · ")
}

// spanText writes the days from a to b as "18 June – 8 August 1944".
func spanText(a, b geo.Day) string {
	ta, tb := a.Time(), b.Time()
	switch {
	case a == b:
		return a.Long()
	case ta.Year() == tb.Year():
		return ta.Format("2 January") + " – " + b.Long()
	}
	return a.Long() + " – " + b.Long()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// sourceText is how a source is listed: its title, or its id.
func sourceText(s overlays.Source) string { return cmp.Or(s.Title, s.ID) }
