package sheet

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"
	"github.com/signintech/gopdf"

	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// Font family names inside the PDF.
const (
	pdfRegular = "GoRegular"
	pdfBold    = "GoBold"
)

// WritePDF writes the sheet as a one-page PDF of the paper's exact size
// in points. The map is a raster image at the sheet's resolution, embedded
// as horizontal strips so that no more than a strip of it is in memory as
// pixels; the furniture is vector graphics and text in the embedded Go
// fonts, except the legend's swatches and any text the Go fonts cannot
// set (Chinese), which are small raster images at the same resolution.
// The output is deterministic: the same sheet gives the same bytes.
func (s *Sheet) WritePDF(ctx context.Context, w io.Writer) error {
	d, err := NewDocument(s.r.Fonts(), s.Request.DPI, s.Title, s.Subtitle)
	if err != nil {
		return err
	}
	if err := d.AddSheet(ctx, s); err != nil {
		return err
	}
	_, err = d.WriteTo(w)
	return err
}

// pdfCanvas draws the furniture on a gopdf page. The first error sticks.
type pdfCanvas struct {
	pdf   *gopdf.GoPdf
	fonts *fonts.Set
	k     float64 // pixels per point of raster elements
	err   error
}

func (c *pdfCanvas) fail(err error) {
	if c.err == nil && err != nil {
		c.err = fmt.Errorf("pdf: %w", err)
	}
}

func (c *pdfCanvas) colors(fill, stroke color.NRGBA, width float64) string {
	style := ""
	if fill.A > 0 {
		c.pdf.SetFillColor(fill.R, fill.G, fill.B)
		style = "F"
	}
	if stroke.A > 0 && width > 0 {
		c.pdf.SetStrokeColor(stroke.R, stroke.G, stroke.B)
		c.pdf.SetLineWidth(width)
		style += "D"
	}
	return style
}

func (c *pdfCanvas) rect(r Rect, fill, stroke color.NRGBA, width float64) {
	if style := c.colors(fill, stroke, width); style != "" {
		c.pdf.RectFromUpperLeftWithStyle(r.X, r.Y, r.W, r.H, style)
	}
}

func (c *pdfCanvas) line(pts []orb.Point, col color.NRGBA, width float64) {
	c.colors(none, col, width)
	c.pdf.SetLineType("solid")
	for i := 1; i < len(pts); i++ {
		c.pdf.Line(pts[i-1][0], pts[i-1][1], pts[i][0], pts[i][1])
	}
}

func (c *pdfCanvas) polygon(rings [][]orb.Point, fill, stroke color.NRGBA, width float64) {
	style := c.colors(fill, stroke, width)
	if style == "" {
		return
	}
	for _, r := range rings {
		pts := make([]gopdf.Point, len(r))
		for i, p := range r {
			pts[i] = gopdf.Point{X: p[0], Y: p[1]}
		}
		c.pdf.Polygon(pts, style)
	}
}

func (c *pdfCanvas) setFont(st textStyle) {
	fam := pdfRegular
	if st.bold {
		fam = pdfBold
	}
	c.fail(c.pdf.SetFont(fam, "", st.size))
	c.pdf.SetTextColor(st.color.R, st.color.G, st.color.B)
}

func (c *pdfCanvas) text(spans []span, y float64, st textStyle) {
	for _, s := range spans {
		if s.cjk {
			c.rasterText(s, y, st)
			continue
		}
		c.setFont(st)
		c.pdf.SetXY(s.x, y)
		c.fail(c.pdf.Text(s.text))
	}
}

// rasterText sets a run the Go fonts lack as an image in the CJK font.
func (c *pdfCanvas) rasterText(s span, y float64, st textStyle) {
	face := c.fonts.Face(fonts.CJK, st.size*c.k)
	if face == nil {
		return
	}
	m := face.Metrics()
	asc, desc := float64(m.Ascent)/64, float64(m.Descent)/64
	w := math.Ceil(float64(faceWidth(face, s.text))) + 2
	h := math.Ceil(asc + desc + 2)
	img := image.NewRGBA(image.Rect(0, 0, int(w), int(h)))
	dc := gg.NewContextForRGBA(img)
	dc.SetFontFace(face)
	dc.SetColor(st.color)
	dc.DrawString(s.text, 1, math.Round(asc+1))
	c.image(img, Rect{s.x - 1/c.k, y - (asc+1)/c.k, w / c.k, h / c.k})
}

func (c *pdfCanvas) textUp(s string, x, y float64, st textStyle) {
	c.pdf.Rotate(90, x, y)
	c.setFont(st)
	c.pdf.SetXY(x, y)
	c.fail(c.pdf.Text(s))
	c.pdf.RotateReset()
}

func (c *pdfCanvas) swatch(e tiles.LegendEntry, r Rect) {
	w, h := int(math.Ceil(r.W*c.k)), int(math.Ceil(r.H*c.k))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	e.DrawSwatch(img, c.fonts, 0, 0, float64(w)/tiles.SwatchWidth)
	c.image(img, Rect{r.X, r.Y, float64(w) / c.k, float64(h) / c.k})
}

// image embeds img as PNG, drawn into r. An opaque image is stored as RGB
// with its PNG data as is; one with transparency gets a soft mask.
func (c *pdfCanvas) image(img image.Image, r Rect) {
	if c.err != nil {
		return
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&buf, img); err != nil {
		c.fail(err)
		return
	}
	holder, err := gopdf.ImageHolderByBytes(buf.Bytes())
	if err != nil {
		c.fail(err)
		return
	}
	c.fail(c.pdf.ImageByHolder(holder, r.X, r.Y, &gopdf.Rect{W: r.W, H: r.H}))
}
