package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TileSize is the side of a tile at scale 1, in pixels.
const TileSize = 256

// MaxZoom is the deepest zoom level a tile or frame may have.
const MaxZoom = 24

// Frame is a rectangle of pixels on the Web Mercator world: the top-left
// corner (X, Y) is in world pixels at Zoom and Scale, where the whole world
// is 256·2^Zoom·Scale pixels wide. Scale is the device pixel ratio: widths,
// radii and text are multiplied by it, so a Scale 2 frame is the Scale 1
// frame at twice the resolution. Zoom may be fractional (static images).
type Frame struct {
	Zoom          float64
	Scale         float64
	X, Y          float64
	Width, Height int
}

// TileFrame returns the frame of an XYZ tile at scale 1 or 2.
func TileFrame(t maptile.Tile, scale int) Frame {
	s := float64(TileSize * scale)
	return Frame{
		Zoom: float64(t.Z), Scale: float64(scale),
		X: float64(t.X) * s, Y: float64(t.Y) * s,
		Width: TileSize * scale, Height: TileSize * scale,
	}
}

// CenterFrame returns the frame of width×height pixels centred on a lon/lat
// point at zoom z.
func CenterFrame(center orb.Point, z, scale float64, width, height int) Frame {
	f := Frame{Zoom: z, Scale: scale, Width: width, Height: height}
	w := maptile.Fraction(center, 0)
	ppw := f.PixelsPerWorld()
	f.X = w[0]*ppw - float64(width)/2
	f.Y = w[1]*ppw - float64(height)/2
	return f
}

// PixelsPerWorld is the width of the whole world in this frame's pixels.
func (f Frame) PixelsPerWorld() float64 {
	return TileSize * math.Exp2(f.Zoom) * f.Scale
}

// Bound returns the frame's extent in world coordinates (geo.World), grown
// by margin pixels on every side.
func (f Frame) Bound(margin float64) orb.Bound {
	ppw := f.PixelsPerWorld()
	return orb.Bound{
		Min: orb.Point{(f.X - margin) / ppw, (f.Y - margin) / ppw},
		Max: orb.Point{(f.X + float64(f.Width) + margin) / ppw, (f.Y + float64(f.Height) + margin) / ppw},
	}
}

// Pixel returns the frame pixel of a world coordinate.
func (f Frame) Pixel(w orb.Point) orb.Point {
	ppw := f.PixelsPerWorld()
	return orb.Point{w[0]*ppw - f.X, w[1]*ppw - f.Y}
}

// Check reports a frame that cannot be drawn.
func (f Frame) Check() error {
	switch {
	case f.Width <= 0 || f.Height <= 0:
		return fmt.Errorf("frame size %dx%d: must be positive", f.Width, f.Height)
	case f.Scale <= 0 || f.Scale > 8 || math.IsNaN(f.Scale):
		return fmt.Errorf("frame scale %g: want 0 < scale <= 8", f.Scale)
	case !(f.Zoom >= 0 && f.Zoom <= MaxZoom):
		return fmt.Errorf("frame zoom %g: want 0 to %d", f.Zoom, MaxZoom)
	case math.IsNaN(f.X) || math.IsNaN(f.Y) || math.IsInf(f.X, 0) || math.IsInf(f.Y, 0):
		return fmt.Errorf("frame origin %g,%g: not finite", f.X, f.Y)
	}
	return nil
}

// Fit returns the frame of width×height pixels (already multiplied by
// scale) that shows the lon/lat bound b whole and centred, with pad pixels
// of margin, at the largest zoom not above maxZoom.
func Fit(b orb.Bound, width, height int, scale, pad, maxZoom float64) Frame {
	nw, se := World(orb.Point{b.Min[0], b.Max[1]}), World(orb.Point{b.Max[0], b.Min[1]})
	bw, bh := math.Max(se[0]-nw[0], 1e-9), math.Max(se[1]-nw[1], 1e-9)
	availW, availH := math.Max(float64(width)-2*pad, 1), math.Max(float64(height)-2*pad, 1)
	z := math.Log2(math.Min(availW/(bw*TileSize*scale), availH/(bh*TileSize*scale)))
	z = math.Min(math.Max(z, 0), maxZoom)
	center := FromWorld(orb.Point{(nw[0] + se[0]) / 2, (nw[1] + se[1]) / 2})
	return CenterFrame(center, z, scale, width, height)
}
