package sheet

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"

	"github.com/paulmach/orb"
	"github.com/signintech/gopdf"

	"github.com/xiang-maps/xiang/tiles/fonts"
)

// Document is a PDF of one or more pages: sheets (AddSheet) and pages the
// caller sets itself with Text and Line (an atlas's cover and its list of
// sources). Text is set as a sheet's is, in the embedded Go fonts, with
// runs the Go fonts lack (Chinese titles) as small images in the CJK font.
// A Document is single-goroutine; nothing is written until WriteTo.
type Document struct {
	pdf *gopdf.GoPdf
	c   *pdfCanvas
	ts  *typeset
}

// NewDocument starts an empty PDF whose raster text is drawn at dpi dots
// per inch, with the title and subject in its metadata. Pages are added
// with AddSheet and AddPage; their sizes may differ.
func NewDocument(fs *fonts.Set, dpi int, title, subject string) (*Document, error) {
	pdf := &gopdf.GoPdf{}
	// The default page size only matters for pages added without one;
	// every page here is given its own.
	pdf.Start(gopdf.Config{Unit: gopdf.UnitPT, PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Subject: subject, Creator: "xiang", Producer: "xiang (gopdf)"})
	opt := gopdf.TtfOption{UseKerning: true}
	if err := pdf.AddTTFFontDataWithOption(pdfRegular, fonts.RegularTTF, opt); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	if err := pdf.AddTTFFontDataWithOption(pdfBold, fonts.BoldTTF, opt); err != nil {
		return nil, fmt.Errorf("pdf font: %w", err)
	}
	return &Document{pdf: pdf, c: &pdfCanvas{pdf: pdf, fonts: fs, k: float64(dpi) / 72}, ts: newTypeset(fs)}, nil
}

// AddPage starts a blank page of w×h points; Text and Line draw on it.
func (d *Document) AddPage(w, h float64) {
	d.pdf.AddPageWithOption(gopdf.PageOption{PageSize: &gopdf.Rect{W: w, H: h}})
}

// AddSheet starts a page of the sheet's paper and draws the sheet on it:
// its map, strip by strip, then its furniture. Text and Line may then add
// to the page.
func (d *Document) AddSheet(ctx context.Context, s *Sheet) error {
	d.AddPage(s.Layout.Page.W, s.Layout.Page.H)
	c := &pdfCanvas{pdf: d.pdf, fonts: s.r.Fonts(), k: s.k}
	// The map, strip by strip. Each strip but the last has one row more
	// than its share, which the next strip covers: viewers that smooth
	// image edges then show no seam.
	m := s.Layout.Map
	ppt := s.pxPerPt()
	rows := s.stripRows(s.Frame.Width)
	for y := 0; y < s.Frame.Height; y += rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		h := min(rows+1, s.Frame.Height-y)
		img, err := s.mapStrip(ctx, y, h)
		if err != nil {
			return err
		}
		c.image(img, Rect{m.X, m.Y + float64(y)/ppt, m.W, float64(h) / ppt})
		if c.err != nil {
			return c.err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.furniture(c)
	return c.err
}

// TextStyle is how Text sets a string: its size in points, its weight and
// its colour (opaque).
type TextStyle struct {
	Size  float64
	Bold  bool
	Color color.NRGBA
}

// Ink is the colour of a sheet's text and rules, Grey that of its
// secondary text.
var (
	Ink  = ink
	Grey = grey
)

// Text sets str on the current page with its baseline at y, aligned on x:
// ax 0 puts its left edge there, 0.5 its centre, 1 its right edge.
func (d *Document) Text(str string, x, y, ax float64, st TextStyle) {
	if str == "" {
		return
	}
	ts := textStyle{size: st.Size, bold: st.Bold, color: st.Color}
	x -= ax * d.Width(str, st.Size, st.Bold)
	var spans []span
	for _, r := range d.ts.runs(str) {
		spans = append(spans, span{r, x})
		x += d.ts.width(r.text, st.Size, st.Bold && !r.cjk)
	}
	d.c.text(spans, y, ts)
}

// Width returns the advance width in points of str set at size points.
func (d *Document) Width(str string, size float64, bold bool) float64 {
	return d.ts.width(str, size, bold)
}

// Fit returns str, or its longest prefix ending in "…", at most width
// points wide at size points.
func (d *Document) Fit(str string, size float64, bold bool, width float64) string {
	return d.ts.fit(str, size, bold, width)
}

// Image draws img into the page rectangle x, y, w, h (points).
func (d *Document) Image(img image.Image, x, y, w, h float64) { d.c.image(img, Rect{x, y, w, h}) }

// Line strokes a polyline of page points (y down) on the current page.
func (d *Document) Line(pts []orb.Point, col color.NRGBA, width float64) { d.c.line(pts, col, width) }

// Err returns the first error met while drawing, if any.
func (d *Document) Err() error { return d.c.err }

// WriteTo writes the PDF to w; the output is deterministic.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	if d.c.err != nil {
		return 0, d.c.err
	}
	return d.pdf.WriteTo(w)
}
