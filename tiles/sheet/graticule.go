package sheet

import (
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

// graticuleSteps returns the spacings a graticule may have, in degrees,
// finest first: whole and half degrees on regional maps, down to whole
// minutes on town plans.
func graticuleSteps() []float64 {
	return []float64{1.0 / 60, 2.0 / 60, 5.0 / 60, 10.0 / 60, 15.0 / 60, 0.5, 1, 2, 5, 10, 15, 30}
}

// graticule is the set of meridians and parallels drawn across a map. In
// Web Mercator both are straight: meridians vertical, parallels
// horizontal; X and Y are their places on the page, in points.
type graticule struct {
	step      float64
	lons, lat []float64
	x, y      []float64
}

// newGraticule picks the finest step whose meridians lie at least minGap
// points apart on the map in rect m, and lists the lines inside it.
func newGraticule(f geo.Frame, m Rect, minGap float64) graticule {
	ppw := f.PixelsPerWorld()
	k := float64(f.Width) / m.W
	nw := geo.FromWorld(orb.Point{f.X / ppw, f.Y / ppw})
	se := geo.FromWorld(orb.Point{(f.X + float64(f.Width)) / ppw, (f.Y + float64(f.Height)) / ppw})
	ptPerDeg := m.W / (se[0] - nw[0])
	steps := graticuleSteps()
	g := graticule{step: steps[len(steps)-1]}
	for _, s := range steps {
		if s*ptPerDeg >= minGap {
			g.step = s
			break
		}
	}
	toPage := func(lon, lat float64) orb.Point {
		p := f.Pixel(geo.World(orb.Point{lon, lat}))
		return orb.Point{m.X + p[0]/k, m.Y + p[1]/k}
	}
	for i := math.Ceil(nw[0]/g.step - 1e-9); i*g.step <= se[0]+1e-9; i++ {
		lon := i * g.step
		if x := toPage(lon, 0)[0]; x > m.X+0.5 && x < m.Right()-0.5 {
			g.lons, g.x = append(g.lons, lon), append(g.x, x)
		}
	}
	for i := math.Ceil(se[1]/g.step - 1e-9); i*g.step <= nw[1]+1e-9; i++ {
		lat := i * g.step
		if y := toPage(0, lat)[1]; y > m.Y+0.5 && y < m.Bottom()-0.5 {
			g.lat, g.y = append(g.lat, lat), append(g.y, y)
		}
	}
	return g
}

// drawRaster draws the lines on dc, whose pixel (0,0) is the page point
// origin, at k pixels per point: under the map's features, so they never
// hide a symbol.
func (g graticule) drawRaster(dc *gg.Context, m Rect, k, width float64, origin orb.Point) {
	dc.SetColor(gratInk)
	dc.SetLineWidth(width * k)
	dc.SetLineCapButt()
	for _, x := range g.x {
		px := (x - origin[0]) * k
		dc.DrawLine(px, (m.Y-origin[1])*k, px, (m.Bottom()-origin[1])*k)
	}
	for _, y := range g.y {
		py := (y - origin[1]) * k
		dc.DrawLine((m.X-origin[0])*k, py, (m.Right()-origin[0])*k, py)
	}
	dc.Stroke()
}
