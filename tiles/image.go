package tiles

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// MaxImageSide bounds the width and height of a static image in pixels,
// including its scale.
const MaxImageSide = 2048

// Paper is the default background of static images: a light warm grey that
// the context layer's water and the side colours read well on.
var Paper = color.NRGBA{0xf4, 0xf1, 0xe8, 0xff}

// ImageOptions is what a picture adds to the map. The zero value draws the
// map alone on a transparent background.
type ImageOptions struct {
	Background  color.NRGBA // drawn first when its alpha is not 0
	Title       string      // top left, above the caption
	Caption     string      // e.g. the date, top left
	Attribution string      // bottom right
	// Furniture adds, bottom left, a scale bar true at the picture's
	// centre and a legend of the symbols on the map in this picture, and
	// when Title is empty the title of the layers it shows.
	Furniture bool
}

// Image draws a frame of the selected layers on day d with the options'
// background and furniture. Labels are placed for the picture: wholly
// inside it, clear of its furniture.
func (r *Renderer) Image(ctx context.Context, sel overlays.Selection, d geo.Day, f geo.Frame, opt ImageOptions) (*image.RGBA, error) {
	img, _, _, err := r.image(ctx, sel, d, f, opt, nil)
	return img, err
}

// mapCache keeps the last map drawn for an animation, by plan key: a frame
// whose map did not change costs its furniture only.
type mapCache struct {
	key Key
	img *image.RGBA
}

// image draws a picture; it returns the plan of its map and where its
// furniture went.
func (r *Renderer) image(ctx context.Context, sel overlays.Selection, d geo.Day, f geo.Frame, opt ImageOptions, mc *mapCache) (*image.RGBA, *Plan, *furniture, error) {
	if f.Width > MaxImageSide || f.Height > MaxImageSide {
		return nil, nil, nil, fmt.Errorf("image %dx%d: larger than %d pixels a side", f.Width, f.Height, MaxImageSide)
	}
	var entries []LegendEntry
	if opt.Furniture {
		// What the map shows decides the legend and the default title, and
		// the legend's box is furniture the labels must keep clear of.
		p, err := r.Plan(ctx, sel, d, f)
		if err != nil {
			return nil, nil, nil, err
		}
		entries = p.Legend()
		if opt.Title == "" {
			opt.Title = sel.Title(p.layers(), d)
		}
	}
	fu := r.layoutFurniture(f, opt)
	fu.legend(r, f, entries)
	p, err := r.PlanIn(ctx, sel, d, f, f, fu.avoid()...)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	if mc != nil && mc.img != nil && mc.key == p.Key() && mc.img.Rect == img.Rect {
		copy(img.Pix, mc.img.Pix)
	} else {
		dc := gg.NewContextForRGBA(img)
		if opt.Background.A > 0 {
			dc.SetColor(opt.Background)
			dc.Clear()
		}
		p.DrawOn(img, r.fonts)
		if mc != nil {
			mc.key, mc.img = p.Key(), image.NewRGBA(img.Rect)
			copy(mc.img.Pix, img.Pix)
		}
	}
	fu.draw(r, gg.NewContextForRGBA(img), img, f, entries)
	return img, p, fu, nil
}

// furniture is where a picture's boxes go, in its pixels.
type furniture struct {
	opt              ImageOptions
	caption, credit  orb.Bound // top left (title and caption), bottom right
	scaleBar, legBox orb.Bound // bottom left, the legend above the bar
	barMetres        float64
	barPixels        float64
}

// Furniture text sizes, in pixels at scale 1.
const (
	titleSize   = 11.0
	captionSize = 15.0
	creditSize  = 9.0
	legendSize  = 9.5
	boxPad      = 4.0
	boxMargin   = 6.0
)

// layoutFurniture places the title, caption, attribution and scale bar.
func (r *Renderer) layoutFurniture(f geo.Frame, opt ImageOptions) *furniture {
	s := f.Scale
	fu := &furniture{opt: opt}
	pad, m := boxPad*s, boxMargin*s
	if opt.Title != "" {
		// A title longer than the picture is shortened to fit.
		fu.opt.Title = r.fit(opt.Title, fonts.Regular, titleSize*s, float64(f.Width)-2*m-2*pad)
	}
	if opt.Caption != "" || opt.Title != "" {
		w, h := 0.0, 0.0
		if fu.opt.Title != "" {
			w, h = r.fonts.Width(fonts.Regular, titleSize*s, fu.opt.Title), titleSize*s*1.25
		}
		if opt.Caption != "" {
			w, h = max(w, r.fonts.Width(fonts.Bold, captionSize*s, opt.Caption)), h+captionSize*s*1.2
		}
		fu.caption = orb.Bound{Min: orb.Point{m, m}, Max: orb.Point{m + w + 2*pad, m + h + pad}}
	}
	if opt.Attribution != "" {
		w, h := r.fonts.Width(fonts.Regular, creditSize*s, opt.Attribution), creditSize*s*1.2
		x, y := float64(f.Width)-w-2*pad-2*s, float64(f.Height)-h-2*pad-2*s
		fu.credit = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w + 2*pad, y + h + pad}}
	}
	if opt.Furniture {
		// A round length near a quarter of the picture's width, true at its
		// centre's latitude.
		lat := geo.FromWorld(orb.Point{(f.X + float64(f.Width)/2) / f.PixelsPerWorld(), (f.Y + float64(f.Height)/2) / f.PixelsPerWorld()})[1]
		metresPerPixel := 2 * math.Pi * 6378137 * math.Cos(lat*math.Pi/180) / f.PixelsPerWorld()
		fu.barMetres = niceLength(metresPerPixel * float64(f.Width) / 4)
		fu.barPixels = fu.barMetres / metresPerPixel
		h := (creditSize*1.2+8)*s + pad
		w := fu.barPixels + 2*pad + r.fonts.Width(fonts.Regular, creditSize*s, formatLength(fu.barMetres)) + 4*s
		bottom := float64(f.Height) - m
		if fu.credit != (orb.Bound{}) && fu.credit.Min[0] < m+w+m {
			bottom = fu.credit.Min[1] - 2*s // a long attribution: the bar goes above it
		}
		fu.scaleBar = orb.Bound{Min: orb.Point{m, bottom - h}, Max: orb.Point{m + w, bottom}}
	}
	return fu
}

// legend places the legend's box above the scale bar, sized for entries.
func (fu *furniture) legend(r *Renderer, f geo.Frame, entries []LegendEntry) {
	if len(entries) == 0 {
		return
	}
	s := f.Scale
	pad, line := boxPad*s, legendSize*s*1.6
	w := 0.0
	for _, e := range entries {
		w = max(w, r.fonts.Width(fonts.Regular, legendSize*s, e.Short))
	}
	w += SwatchWidth*0.55*s + 3*pad
	h := float64(len(entries))*line + pad
	bottom := fu.scaleBar.Min[1] - 2*s
	fu.legBox = orb.Bound{Min: orb.Point{boxMargin * s, bottom - h}, Max: orb.Point{boxMargin*s + w, bottom}}
}

// avoid lists the boxes labels must keep clear of.
func (fu *furniture) avoid() []orb.Bound {
	var out []orb.Bound
	for _, b := range []orb.Bound{fu.caption, fu.credit, fu.scaleBar, fu.legBox} {
		if b != (orb.Bound{}) {
			out = append(out, b)
		}
	}
	return out
}

// draw draws the furniture on dc (whose image is img).
func (fu *furniture) draw(r *Renderer, dc *gg.Context, img *image.RGBA, f geo.Frame, entries []LegendEntry) {
	s := f.Scale
	pad := boxPad * s
	panel := func(b orb.Bound) {
		dc.DrawRectangle(b.Min[0], b.Min[1], b.Max[0]-b.Min[0], b.Max[1]-b.Min[1])
		dc.SetColor(color.NRGBA{0xff, 0xff, 0xff, 0xd0})
		dc.Fill()
		dc.SetColor(paint.Ink)
	}
	text := func(st fonts.Style, size float64, str string, x, y float64) {
		dc.SetFontFace(r.fonts.Face(st, size))
		dc.DrawString(str, x, y)
	}
	if b := fu.caption; b != (orb.Bound{}) {
		panel(b)
		y := b.Min[1] + pad/2
		if fu.opt.Title != "" {
			y += titleSize * s * 1.05
			text(fonts.Regular, titleSize*s, fu.opt.Title, b.Min[0]+pad, y)
			y += titleSize * s * 0.2
		}
		if fu.opt.Caption != "" {
			text(fonts.Bold, captionSize*s, fu.opt.Caption, b.Min[0]+pad, y+captionSize*s*0.95)
		}
	}
	if b := fu.credit; b != (orb.Bound{}) {
		panel(b)
		text(fonts.Regular, creditSize*s, fu.opt.Attribution, b.Min[0]+pad, b.Min[1]+pad/2+creditSize*s*0.95)
	}
	if b := fu.scaleBar; b != (orb.Bound{}) {
		panel(b)
		x0, y := math.Round(b.Min[0]+pad), math.Round(b.Max[1]-pad-3*s)
		dc.SetLineWidth(2 * s)
		dc.DrawLine(x0, y, x0+fu.barPixels, y)
		for _, x := range []float64{x0, x0 + fu.barPixels/2, x0 + fu.barPixels} {
			dc.DrawLine(x, y, x, y-5*s)
		}
		dc.Stroke()
		text(fonts.Regular, creditSize*s, formatLength(fu.barMetres), x0+fu.barPixels+4*s, y)
	}
	if b := fu.legBox; b != (orb.Bound{}) {
		panel(b)
		line := legendSize * s * 1.6
		for i, e := range entries {
			y := b.Min[1] + pad/2 + float64(i)*line
			e.DrawSwatch(img, r.fonts, b.Min[0]+pad, y+(line-SwatchHeight*0.55*s)/2, 0.55*s)
			dc.SetColor(paint.Ink)
			text(fonts.Regular, legendSize*s, e.Short, b.Min[0]+2*pad+SwatchWidth*0.55*s, y+line*0.5+legendSize*s*0.35)
		}
	}
}

// fit shortens text with an ellipsis until it is at most width pixels
// wide.
func (r *Renderer) fit(text string, st fonts.Style, size, width float64) string {
	if r.fonts.Width(st, size, text) <= width {
		return text
	}
	runes := []rune(text)
	for n := len(runes) - 1; n > 0; n-- {
		if t := strings.TrimSpace(string(runes[:n])) + "…"; r.fonts.Width(st, size, t) <= width {
			return t
		}
	}
	return ""
}

// niceLength rounds a length in metres down to 1, 2 or 5 times a power of
// ten.
func niceLength(m float64) float64 {
	if m <= 0 || math.IsNaN(m) || math.IsInf(m, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, k := range []float64{5, 2, 1} {
		if k*p <= m {
			return k * p
		}
	}
	return p
}

// formatLength writes a length: "500 m", "20 km".
func formatLength(m float64) string {
	if m >= 1000 {
		return strconv.FormatFloat(m/1000, 'f', -1, 64) + " km"
	}
	return strconv.FormatFloat(m, 'f', -1, 64) + " m"
}

// Static draws an image like Image and writes it as PNG.
func (r *Renderer) Static(ctx context.Context, w io.Writer, sel overlays.Selection, d geo.Day, f geo.Frame, opt ImageOptions) error {
	img, err := r.Image(ctx, sel, d, f, opt)
	if err != nil {
		return err
	}
	return EncodePNG(w, img)
}
