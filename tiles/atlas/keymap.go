package atlas

import (
	"context"
	"image"
	"image/color"
	"math"
	"strconv"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/sheet"
)

// keyInk is the colour of the sheets' outlines on the key map.
var keyInk = color.NRGBA{0xb5, 0x18, 0x2b, 0xff}

// minKeyHeight is the least height in points worth a key map.
const minKeyHeight = 120

// sheetBound returns the lon/lat bound of a sheet's map.
func sheetBound(s *sheet.Sheet) orb.Bound {
	wb := s.Frame.Bound(0)
	nw, se := geo.FromWorld(wb.Min), geo.FromWorld(wb.Max)
	return orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}
}

// drawKeyMap draws, in the page rectangle x, y, w, h (points), the key map
// of the cover: the campaign's undated context layers (rivers, railways,
// towns) over the area of all the sheets, with each sheet's map outlined
// and numbered. It draws nothing when the box is too small or the
// campaign has no undated layer.
func (a *Atlas) drawKeyMap(ctx context.Context, d *sheet.Document, x, y, w, h float64) error {
	var context overlays.Selection
	for _, l := range a.r.Campaign().Layers {
		if l.Extent == (geo.Span{}) && len(l.Features) > 0 {
			context = append(context, l)
		}
	}
	if h < minKeyHeight || w < minKeyHeight || len(context) == 0 || len(a.Sheets) == 0 {
		return nil
	}
	var all orb.Bound
	bounds := make([]orb.Bound, len(a.Sheets))
	for i, s := range a.Sheets {
		bounds[i] = sheetBound(s)
		if i == 0 {
			all = bounds[i]
		} else {
			all = all.Union(bounds[i])
		}
	}
	k := float64(a.Request.DPI) / 72
	wpx, hpx := int(math.Round(w*k)), int(math.Round(h*k))
	scale := float64(a.Request.DPI) / 96
	f := geo.Fit(all, wpx, hpx, scale, 12*scale, 14)
	f.X, f.Y = math.Round(f.X), math.Round(f.Y)
	p, err := a.r.Plan(ctx, context, geo.NoDay, f)
	if err != nil {
		return err
	}
	img := image.NewRGBA(image.Rect(0, 0, wpx, hpx))
	dc := gg.NewContextForRGBA(img)
	dc.SetColor(tiles.Paper)
	dc.Clear()
	p.DrawOn(img, a.r.Fonts())
	dc.SetColor(keyInk)
	dc.SetLineWidth(1.6 * scale)
	if face := a.r.Fonts().Face(fonts.Latin(true), 13*scale); face != nil {
		dc.SetFontFace(face)
	}
	for i, b := range bounds {
		p0, p1 := f.Pixel(geo.World(orb.Point{b.Min[0], b.Max[1]})), f.Pixel(geo.World(orb.Point{b.Max[0], b.Min[1]}))
		dc.DrawRectangle(p0[0], p0[1], p1[0]-p0[0], p1[1]-p0[1])
		dc.Stroke()
		dc.DrawStringAnchored(strconv.Itoa(i+1), p0[0]+4*scale+float64(i%3)*12*scale, p0[1]+4*scale, 0, 1)
	}
	dc.SetColor(sheet.Ink)
	dc.SetLineWidth(1)
	dc.DrawRectangle(0.5, 0.5, float64(wpx)-1, float64(hpx)-1)
	dc.Stroke()
	d.Image(img, x, y, w, h)
	return d.Err()
}
