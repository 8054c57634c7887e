package sheet

import (
	"image"
	"image/color"
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"
	"golang.org/x/image/font"

	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// The inks of the furniture. Those drawn on a canvas are opaque: the PDF
// is drawn without transparency. gratInk is drawn on the map's raster.
var (
	ink      = color.NRGBA{0x22, 0x22, 0x22, 0xff}
	grey     = color.NRGBA{0x5a, 0x5a, 0x5a, 0xff}
	rule     = color.NRGBA{0x99, 0x99, 0x99, 0xff}
	white    = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	land     = color.NRGBA{0xe6, 0xe0, 0xcf, 0xff}
	coast    = color.NRGBA{0x8f, 0x87, 0x70, 0xff}
	sea      = color.NRGBA{0xf7, 0xf7, 0xf5, 0xff}
	extentFx = color.NRGBA{0xc8, 0x10, 0x2e, 0xff}
	gratInk  = color.NRGBA{0x30, 0x30, 0x30, 0x60} // over the map's paper only
	none     = color.NRGBA{}
)

// textStyle is how a span of text is set.
type textStyle struct {
	size  float64 // points
	bold  bool
	color color.NRGBA
}

// span is a run of text placed on a line: its left edge in points.
type span struct {
	run
	x float64
}

// canvas is what the furniture is drawn on: a PDF page (vector shapes and
// text, raster swatches) or a band of a raster sheet. Coordinates are page
// points, y down.
type canvas interface {
	// rect fills and then strokes r; a colour with zero alpha skips that.
	rect(r Rect, fill, stroke color.NRGBA, width float64)
	// line strokes a polyline with butt caps.
	line(pts []orb.Point, c color.NRGBA, width float64)
	// polygon fills and then strokes closed rings.
	polygon(rings [][]orb.Point, fill, stroke color.NRGBA, width float64)
	// text sets spans on the baseline y.
	text(spans []span, y float64, st textStyle)
	// textUp sets Go-font text reading upwards, its baseline starting at
	// x, y.
	textUp(s string, x, y float64, st textStyle)
	// swatch draws a legend entry's symbol filling r.
	swatch(e tiles.LegendEntry, r Rect)
}

// rasterCanvas draws on a horizontal band of a raster sheet: page point
// (x, y) is band pixel (x·k, y·k − top). Shapes wholly above or below the
// band are skipped.
type rasterCanvas struct {
	dc     *gg.Context
	img    *image.RGBA // what dc draws on
	fonts  *fonts.Set
	k      float64
	top    float64 // the band's first row, in sheet pixels
	y0, y1 float64 // the band, in points
	faces  map[faceKey]font.Face
}

func newRasterCanvas(img *image.RGBA, fs *fonts.Set, k float64, top int) *rasterCanvas {
	h := float64(img.Bounds().Dy())
	return &rasterCanvas{
		dc: gg.NewContextForRGBA(img), img: img, fonts: fs, k: k, top: float64(top),
		y0: float64(top) / k, y1: (float64(top) + h) / k, faces: map[faceKey]font.Face{},
	}
}

func (c *rasterCanvas) px(x, y float64) (float64, float64) { return x * c.k, y*c.k - c.top }

// skip reports whether the vertical extent y0..y1 (points) misses the band.
func (c *rasterCanvas) skip(y0, y1 float64) bool { return y1 < c.y0-2 || y0 > c.y1+2 }

func (c *rasterCanvas) rect(r Rect, fill, stroke color.NRGBA, width float64) {
	if c.skip(r.Y-width, r.Bottom()+width) {
		return
	}
	x, y := c.px(r.X, r.Y)
	if fill.A > 0 {
		c.dc.DrawRectangle(x, y, r.W*c.k, r.H*c.k)
		c.dc.SetColor(fill)
		c.dc.Fill()
	}
	if stroke.A > 0 && width > 0 {
		c.dc.DrawRectangle(x, y, r.W*c.k, r.H*c.k)
		c.stroke(stroke, width)
	}
}

func (c *rasterCanvas) stroke(col color.NRGBA, width float64) {
	c.dc.SetColor(col)
	c.dc.SetLineWidth(width * c.k)
	c.dc.SetLineCapButt()
	c.dc.SetLineJoinRound()
	c.dc.Stroke()
}

func (c *rasterCanvas) path(pts []orb.Point) {
	for i, p := range pts {
		x, y := c.px(p[0], p[1])
		if i == 0 {
			c.dc.MoveTo(x, y)
		} else {
			c.dc.LineTo(x, y)
		}
	}
}

func extentY(rings ...[]orb.Point) (y0, y1 float64) {
	y0, y1 = math.Inf(1), math.Inf(-1)
	for _, r := range rings {
		for _, p := range r {
			y0, y1 = math.Min(y0, p[1]), math.Max(y1, p[1])
		}
	}
	return y0, y1
}

func (c *rasterCanvas) line(pts []orb.Point, col color.NRGBA, width float64) {
	if y0, y1 := extentY(pts); len(pts) < 2 || c.skip(y0-width, y1+width) {
		return
	}
	c.dc.ClearPath()
	c.path(pts)
	c.stroke(col, width)
}

func (c *rasterCanvas) polygon(rings [][]orb.Point, fill, stroke color.NRGBA, width float64) {
	if y0, y1 := extentY(rings...); c.skip(y0-width, y1+width) {
		return
	}
	c.dc.ClearPath()
	for _, r := range rings {
		c.dc.NewSubPath()
		c.path(r)
		c.dc.ClosePath()
	}
	if fill.A > 0 {
		c.dc.SetFillRuleEvenOdd()
		c.dc.SetColor(fill)
		c.dc.FillPreserve()
	}
	if stroke.A > 0 && width > 0 {
		c.stroke(stroke, width)
	}
	c.dc.ClearPath()
}

func (c *rasterCanvas) face(size float64, bold, cjk bool) font.Face {
	k := faceKey{size * c.k, bold && !cjk, cjk}
	if f, ok := c.faces[k]; ok {
		return f
	}
	var f font.Face
	if cjk {
		f = c.fonts.Face(fonts.CJK, k.size)
	}
	if f == nil {
		f = c.fonts.Face(fonts.Latin(k.bold), k.size)
	}
	c.faces[k] = f
	return f
}

func (c *rasterCanvas) text(spans []span, y float64, st textStyle) {
	if c.skip(y-st.size, y+st.size*0.4) {
		return
	}
	c.dc.SetColor(st.color)
	for _, s := range spans {
		c.dc.SetFontFace(c.face(st.size, st.bold, s.cjk))
		x, py := c.px(s.x, y)
		c.dc.DrawString(s.text, math.Round(x), math.Round(py))
	}
}

func (c *rasterCanvas) textUp(s string, x, y float64, st textStyle) {
	if c.skip(y-st.size*float64(len(s)), y+1) {
		return
	}
	px, py := c.px(x, y)
	c.dc.Push()
	c.dc.RotateAbout(-math.Pi/2, px, py)
	c.dc.SetColor(st.color)
	c.dc.SetFontFace(c.face(st.size, st.bold, false))
	c.dc.DrawString(s, px, py)
	c.dc.Pop()
}

func (c *rasterCanvas) swatch(e tiles.LegendEntry, r Rect) {
	if c.skip(r.Y, r.Bottom()) {
		return
	}
	x, y := c.px(r.X, r.Y)
	e.DrawSwatch(c.img, c.fonts, x, y, r.W*c.k/tiles.SwatchWidth)
}
