package sheet

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/view"
)

// Sheet is a print laid out and ready to write: the map's frame, the place
// of every element on the page and what each shows. Build it with New,
// write it with WritePDF or WritePNG. A Sheet is single-goroutine; the
// Renderer it draws with may serve others at the same time.
type Sheet struct {
	// Request is the normalized request.
	Request Request
	Layout  Layout
	// Frame is the map: Layout.Map at the sheet's resolution, with a
	// scale (device pixel ratio) of DPI/96, so that the map's lines and
	// labels have the size on paper they have on a screen at 100 %.
	Frame geo.Frame
	Scale ScaleBar
	// Title, Subtitle and DateLine are the header's text; DateLine is
	// printed only when Subtitle is not the date line already.
	Title, Subtitle, DateLine string
	// Legend holds the entries for the symbols drawn on this sheet.
	Legend []tiles.LegendEntry
	// Sources are the works cited by the features visible in the frame
	// on the day, as many as fit printed in Layout.Sources.
	Sources     []overlays.Source
	Attribution string
	// Folio is printed in the footer, before the note of projection and
	// resolution: a page number in an atlas ("Page 2 of 5"). Empty prints
	// nothing; set it before writing the sheet.
	Folio string

	r      *tiles.Renderer
	sel    overlays.Selection
	ts     *typeset
	m      metrics
	k      float64 // pixels per point
	legend legendLayout
	grat   graticule
	loc    locator
	// stripPixels bounds the pixels rendered at once (a strip of the map,
	// a band of a PNG sheet), and so the memory a sheet takes.
	stripPixels int
}

// defaultStripPixels is the size of a strip or band: 2 Mpx, 8 MB of RGBA.
const defaultStripPixels = 2 << 20

// New lays out a sheet of the selected layers for req. A bad request is a
// *RequestError; nothing is drawn yet.
func New(r *tiles.Renderer, sel overlays.Selection, req Request) (*Sheet, error) {
	if err := req.Check(); err != nil {
		return nil, err
	}
	req = req.Normalize()
	pw, ph, _ := PageSize(req.Paper, req.Orientation)
	s := &Sheet{Request: req, r: r, sel: sel, ts: newTypeset(r.Fonts()), k: float64(req.DPI) / 72, stripPixels: defaultStripPixels}
	s.m = newMetrics(pw, ph, req.Subtitle != "")
	s.Layout = pageLayout(pw, ph, s.k, req.Orientation, s.m)

	w, h := int(math.Round(s.Layout.Map.W*s.k)), int(math.Round(s.Layout.Map.H*s.k))
	scale := float64(req.DPI) / 96
	if req.Auto() {
		b, ok := fitBound(sel, req.Day, r.Campaign())
		if !ok {
			return nil, badParam("bbox", "auto", fmt.Errorf("%w: the layers have no features to fit; give a box", view.ErrBBox))
		}
		s.Frame = view.FitAuto(b, w, h, scale, 16*scale)
	} else {
		s.Frame = view.FitBox(req.BBox, w, h, scale)
	}
	// Whole world pixels: strips of the map are then offset by whole
	// pixels, and their geometry rounds exactly as the whole map's would.
	s.Frame.X, s.Frame.Y = math.Round(s.Frame.X), math.Round(s.Frame.Y)
	if err := s.Frame.Check(); err != nil {
		return nil, fmt.Errorf("sheet map: %w", err)
	}
	s.Scale = newScaleBar(s.Frame, s.Layout.Map)

	view := s.viewBound()
	shown := visible(sel, req.Day, view)
	s.Title = req.Title
	if s.Title == "" {
		s.Title = sel.Title(shown, req.Day)
	}
	s.DateLine = dateLine(sel, req.Day)
	s.Subtitle = req.Subtitle
	if s.Subtitle == "" {
		s.Subtitle, s.DateLine = s.DateLine, ""
	}
	s.Legend = legendFor(shown, req.Day)
	s.Sources = sources(shown)
	s.Attribution = sel.Attribution()

	s.legend = s.layoutLegend(s.Layout.Legend)
	s.Layout.flow(req.Orientation, s.m, s.legend.height)
	s.Layout.ScaleBar = s.placeScaleBar()
	s.grat = newGraticule(s.Frame, s.Layout.Map, 52*s.m.u)
	loc, err := newLocator(s.locatorBox(), view)
	if err != nil {
		return nil, err
	}
	s.loc = loc
	return s, nil
}

// viewBound returns the lon/lat bound of the map.
func (s *Sheet) viewBound() orb.Bound {
	wb := s.Frame.Bound(0)
	nw, se := geo.FromWorld(wb.Min), geo.FromWorld(wb.Max)
	return orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}
}

// pxPerPt returns the map's pixels per point: the sheet's k, up to the
// rounding of the map to whole pixels.
func (s *Sheet) pxPerPt() float64 { return float64(s.Frame.Width) / s.Layout.Map.W }

// toPage returns the page point of a lon/lat point.
func (s *Sheet) toPage(ll orb.Point) orb.Point {
	p := s.Frame.Pixel(geo.World(ll))
	k := s.pxPerPt()
	return orb.Point{s.Layout.Map.X + p[0]/k, s.Layout.Map.Y + p[1]/k}
}

// fitBound is the lon/lat bound of the selection's historical features
// (those with a side) visible on day d, else of all its historical
// features, else of all its features, else of the campaign. A print shows
// one day, so it frames what happens that day.
func fitBound(sel overlays.Selection, d geo.Day, c *overlays.Campaign) (orb.Bound, bool) {
	var b orb.Bound
	n := 0
	add := func(g orb.Bound) {
		if n == 0 {
			b = g
		} else {
			b = b.Union(g)
		}
		n++
	}
	for _, l := range sel {
		for _, f := range l.Features {
			if st := f.At(d); f.Side != overlays.SideNone && st.Visible {
				if g := f.GeometryAt(st); g != nil {
					add(g.Bound())
				}
			}
		}
	}
	if n == 0 {
		for _, l := range sel {
			for _, f := range l.Features {
				if f.Side != overlays.SideNone {
					add(f.Geometry.Bound())
				}
			}
		}
	}
	if n == 0 {
		for _, l := range sel {
			if len(l.Features) > 0 {
				add(l.Bound)
			}
		}
	}
	if n == 0 && c != nil && c.Features() > 0 {
		add(c.Bound)
	}
	return b, n > 0
}

// visible returns, as a selection of copies of the selected layers, the
// features visible on day d that reach the lon/lat bound b. The legend and
// the list of sources are made from it, so they describe what the sheet
// shows rather than the whole campaign. The layers are not modified.
func visible(sel overlays.Selection, d geo.Day, b orb.Bound) overlays.Selection {
	var out overlays.Selection
	for _, l := range sel {
		cp := *l
		cp.Features = nil
		for _, f := range l.Features {
			st := f.At(d)
			if !st.Visible {
				continue
			}
			g := f.GeometryAt(st)
			if g == nil || !g.Bound().Intersects(b) {
				continue
			}
			cp.Features = append(cp.Features, f)
		}
		if len(cp.Features) > 0 {
			out = append(out, &cp)
		}
	}
	return out
}

// dateLine is "Situation on 18 June 1944", or for the summary map the span
// of the selected layers' dates.
func dateLine(sel overlays.Selection, d geo.Day) string {
	if d != geo.NoDay {
		return "Situation on " + d.Long()
	}
	var span geo.Span
	first := true
	for _, l := range sel {
		if l.Extent == (geo.Span{}) || l.Extent.Empty() {
			continue
		}
		if first {
			span, first = l.Extent, false
		} else {
			span = span.Union(l.Extent)
		}
	}
	if first || span.From == geo.MinDay || span.To == geo.MaxDay {
		return "Summary: every feature, every movement complete"
	}
	return "Summary, " + formatSpan(span) + ": every feature, every movement complete"
}

// formatSpan writes a span of days as "27 May – 18 June 1944" or
// "27 May 1944 – 1 June 1945".
func formatSpan(s geo.Span) string {
	a, b := s.From.Time(), s.To.Time()
	switch {
	case s.From == s.To:
		return s.From.Long()
	case a.Year() == b.Year():
		return a.Format("2 January") + " – " + s.To.Long()
	}
	return s.From.Long() + " – " + s.To.Long()
}
