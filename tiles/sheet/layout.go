package sheet

import "math"

// Rect is a rectangle on the page in points (1/72 inch), measured from the
// page's top-left corner with y growing down, as the page is read.
type Rect struct{ X, Y, W, H float64 }

// Right returns the x of the right edge.
func (r Rect) Right() float64 { return r.X + r.W }

// Bottom returns the y of the bottom edge.
func (r Rect) Bottom() float64 { return r.Y + r.H }

// Inset returns r shrunk by d on every side (grown for negative d).
func (r Rect) Inset(d float64) Rect { return Rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

// Empty reports whether r has no area.
func (r Rect) Empty() bool { return !(r.W > 0 && r.H > 0) }

// Intersects reports whether r and o overlap.
func (r Rect) Intersects(o Rect) bool {
	return r.X < o.Right() && o.X < r.Right() && r.Y < o.Bottom() && o.Y < r.Bottom()
}

// Contains reports whether the point x, y lies in r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && x < r.Right() && y >= r.Y && y < r.Bottom()
}

// Layout is where each element of a sheet is, in points. Landscape sheets
// put the map on the left and a column on the right with, from the top,
// the locator map, the legend, the scale and the sources; portrait sheets
// put the map on top and those blocks in three columns below it. The
// header (title, subtitle, date) runs across the top and the footer
// (attribution) across the bottom.
type Layout struct {
	Page   Rect
	Header Rect
	// Frame is the outer border of the map: the neatline of Map grown by
	// the margin that holds the graticule's degree labels.
	Frame Rect
	// Map is the map image, on whole pixels of the sheet's resolution.
	Map     Rect
	Locator Rect
	Legend  Rect
	// Scale is the block of the north arrow, the scale bar and its text;
	// North and ScaleBar lie in it. ScaleBar's width is the distance the
	// bar stands for (ScaleBar.Metres of the Sheet).
	Scale    Rect
	North    Rect
	ScaleBar Rect
	Sources  Rect
	Footer   Rect
}

// metrics are the type sizes and spacings of a sheet, in points, grown
// with the paper so a larger sheet keeps its proportions.
type metrics struct {
	u                             float64 // 1 on A4, √(short side / A4's short side) otherwise
	margin, gap, gratMargin       float64
	title, subtitle, dateLine     float64 // type sizes
	heading, body, small, tiny    float64
	headerH, footerH, scaleH, col float64
}

func newMetrics(pw, ph float64, dateLine bool) metrics {
	u := math.Sqrt(math.Min(pw, ph) / 595.28)
	m := metrics{
		u: u, margin: 28.35, gap: 10 * u, gratMargin: 13 * u,
		title: 20 * u, subtitle: 10.5 * u, dateLine: 9 * u,
		heading: 7.5 * u, body: 7.2 * u, small: 6 * u, tiny: 5.5 * u,
		scaleH: 46 * u, col: 200 * u,
	}
	m.headerH = m.title*1.05 + 5*u + m.subtitle*1.2
	if dateLine {
		m.headerH += m.dateLine * 1.45
	}
	m.footerH = 8 * u
	return m
}

// pageLayout places the fixed blocks of a page of pw×ph points printed at
// k pixels per point. The legend, scale and sources share the space the
// sidebar leaves, which the sheet divides once it knows their content
// (see flow).
func pageLayout(pw, ph, k float64, o Orientation, m metrics) Layout {
	l := Layout{Page: Rect{0, 0, pw, ph}}
	inner := l.Page.Inset(m.margin)
	l.Header = Rect{inner.X, inner.Y, inner.W, m.headerH}
	l.Footer = Rect{inner.X, inner.Bottom() - m.footerH, inner.W, m.footerH}
	body := Rect{inner.X, l.Header.Bottom() + m.gap, inner.W, 0}
	body.H = l.Footer.Y - m.gap*0.6 - body.Y
	if o == Portrait {
		panel := math.Max(0.34*body.H, 190*m.u)
		l.Frame = Rect{body.X, body.Y, body.W, body.H - panel - m.gap}
		py := l.Frame.Bottom() + m.gap
		gut := 12 * m.u
		aw := 0.29 * (body.W - 2*gut)
		bw := 0.40 * (body.W - 2*gut)
		cw := body.W - 2*gut - aw - bw
		l.Locator = Rect{body.X, py, aw, aw * 0.66}
		l.Scale = Rect{body.X, l.Locator.Bottom() + m.gap, aw, m.scaleH}
		l.Legend = Rect{body.X + aw + gut, py, bw, body.Bottom() - py}
		l.Sources = Rect{l.Legend.Right() + gut, py, cw, body.Bottom() - py}
	} else {
		gut := 16 * m.u
		l.Frame = Rect{body.X, body.Y, body.W - m.col - gut, body.H}
		sx := l.Frame.Right() + gut
		l.Locator = Rect{sx, body.Y, m.col, m.col * 0.58}
		// The legend takes what the scale and the sources leave; flow
		// shrinks it to its content.
		l.Legend = Rect{sx, l.Locator.Bottom() + m.gap, m.col, 0}
		l.Legend.H = body.Bottom() - l.Legend.Y - m.gap - m.scaleH - m.gap - 60*m.u
		l.Scale = Rect{sx, l.Legend.Bottom() + m.gap, m.col, m.scaleH}
		l.Sources = Rect{sx, l.Scale.Bottom() + m.gap, m.col, body.Bottom() - l.Scale.Bottom() - m.gap}
	}
	l.Map = snap(l.Frame.Inset(m.gratMargin), k)
	l.North = Rect{l.Scale.X, l.Scale.Y + 12*m.u, 18 * m.u, l.Scale.H - 12*m.u}
	return l
}

// flow shrinks a landscape sidebar's legend to the height it needs and
// moves the scale and the sources up under it.
func (l *Layout) flow(o Orientation, m metrics, legendH float64) {
	if o == Portrait || legendH >= l.Legend.H {
		return
	}
	bottom := l.Sources.Bottom()
	l.Legend.H = legendH
	l.Scale.Y = l.Legend.Bottom() + m.gap
	l.North.Y = l.Scale.Y + 12*m.u
	l.Sources.Y = l.Scale.Bottom() + m.gap
	l.Sources.H = bottom - l.Sources.Y
}

// snap moves r's edges inward to whole pixels at k pixels per point.
func snap(r Rect, k float64) Rect {
	x0, y0 := math.Ceil(r.X*k), math.Ceil(r.Y*k)
	x1, y1 := math.Floor(r.Right()*k), math.Floor(r.Bottom()*k)
	return Rect{x0 / k, y0 / k, (x1 - x0) / k, (y1 - y0) / k}
}
