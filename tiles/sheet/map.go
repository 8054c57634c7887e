package sheet

import (
	"context"
	"image"

	"github.com/fogleman/gg"
	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/tiles"
)

// stripPad is the number of rows drawn above and below a strip or band and
// then dropped: rasterizers treat a shape crossing an image's edge a little
// differently from one inside it, so the rows kept are never edge rows,
// and strips join as if drawn in one piece.
const stripPad = 8

// mapStrip draws rows y0 to y0+h of the map: the map's paper, the
// graticule, then the features. A strip is a frame of its own with the
// map's zoom and scale, planned as part of the whole map: labels are
// placed once for the map, wholly inside it, so a label crossing two strips
// is drawn whole and at the same place in both, and none is cut at the
// map's edge. The result's bounds are rows y0 to y0+h of a
// slightly taller image.
func (s *Sheet) mapStrip(ctx context.Context, y0, h int) (*image.RGBA, error) {
	top, bottom := min(stripPad, y0), min(stripPad, s.Frame.Height-y0-h)
	f := s.Frame
	f.Y += float64(y0 - top)
	f.Height = top + h + bottom
	p, err := s.r.PlanIn(ctx, s.sel, s.Request.Day, f, s.Frame)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
	dc := gg.NewContextForRGBA(img)
	dc.SetColor(tiles.Paper)
	dc.Clear()
	m := s.Layout.Map
	k := s.pxPerPt()
	s.grat.drawRaster(dc, m, k, 0.45*s.m.u, orb.Point{m.X, m.Y + float64(y0-top)/k})
	p.DrawOn(img, s.r.Fonts())
	return img.SubImage(image.Rect(0, top, f.Width, top+h)).(*image.RGBA), nil
}
