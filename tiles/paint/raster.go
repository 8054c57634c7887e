package paint

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/paulmach/orb"
	"golang.org/x/image/vector"
)

// painter fills and strokes frame-pixel geometry onto an RGBA image with
// golang.org/x/image/vector, whose accumulation rasterizer is several times
// faster than the freetype rasterizer behind gg for the long, dense paths of
// areas and lines (docs/performance.md), and exact where shapes cross an
// image's edge, which gg's is not.
//
// Paths accumulate signed area, so shapes of one orientation add up (and
// clamp) to their union: a stroke is the union of a quad per segment and a
// disc per vertex (round joins and caps), and overlapping areas of one style
// drawn in one call are filled once. Rings are oriented so that holes
// subtract. Large shapes are rasterized in blocks of at most blockSize
// pixels, so the rasterizer always uses its fixed-point path and a shape
// rasterizes the same in a tile and in a larger frame.
type painter struct {
	dst  *image.RGBA
	z    vector.Rasterizer
	src  image.Uniform
	mask *image.Alpha
	// The block's origin, and the pen and subpath start in frame pixels.
	dx, dy                     float32
	penX, penY, startX, startY float64
}

const blockSize = 256

// leftMargin is how many columns left of a block are rasterized too: the
// rasterizer clamps edges left of its first column into that column, which
// would misjudge the coverage of pixels an edge crosses there. With the
// margin, such errors fall outside what is drawn, and a shape rasterizes the
// same whatever the frame or block boundaries.
const leftMargin = 2

// splitRows is the longest run of rows one edge is added as. The
// rasterizer's fixed-point path steps x from row to row with a rounding error
// of up to 1/512 pixel a row; splitting edges at frame rows that are
// multiples of splitRows keeps that drift under 0.04 pixel, and makes the
// pieces — hence the pixels — the same in a tile and in a larger frame.
const splitRows = 16

// moveTo, lineTo and closePath add path segments in frame pixels, offset by
// the current block's origin.
func (p *painter) moveTo(x, y float64) {
	p.penX, p.penY, p.startX, p.startY = x, y, x, y
	p.z.MoveTo(float32(x)-p.dx, float32(y)-p.dy)
}

func (p *painter) lineTo(x, y float64) {
	ax, ay := p.penX, p.penY
	if lo, hi := math.Min(ay, y), math.Max(ay, y); hi-lo > splitRows {
		// Split where the edge crosses rows that are multiples of splitRows.
		k0, k1 := math.Floor(ay/splitRows), math.Floor(y/splitRows)
		step := 1.0
		if k1 < k0 {
			step = -1
		}
		for k := k0 + math.Max(step, 0); (step > 0 && k <= k1) || (step < 0 && k > k1); k += step {
			ry := k * splitRows
			t := (ry - ay) / (y - ay)
			if t > 0 && t < 1 {
				p.z.LineTo(float32(ax+(x-ax)*t)-p.dx, float32(ry)-p.dy)
			}
		}
	}
	p.z.LineTo(float32(x)-p.dx, float32(y)-p.dy)
	p.penX, p.penY = x, y
}

func (p *painter) closePath() {
	p.lineTo(p.startX, p.startY)
	p.z.ClosePath()
}

// fill fills polygon geometry (rings tagged 'r' outer, 'i' inner).
func (p *painter) fill(g orb.Geometry, c color.NRGBA) {
	if c.A == 0 || g == nil {
		return
	}
	b := g.Bound()
	p.draw(b, c, func() {
		Walk(g, func(tag byte, ring []orb.Point) {
			if len(ring) < 3 {
				return
			}
			// Outer rings clockwise on screen (positive area with y down), holes the other way.
			reverse := (SignedArea(ring) > 0) != (tag != 'i')
			p.ring(ring, reverse)
		})
	})
}

// ring adds a closed ring, in reverse order when asked.
func (p *painter) ring(ring []orb.Point, reverse bool) {
	n := len(ring)
	at := func(i int) orb.Point {
		if reverse {
			return ring[n-1-i]
		}
		return ring[i]
	}
	first := at(0)
	p.moveTo(first[0], first[1])
	for i := 1; i < n; i++ {
		q := at(i)
		p.lineTo(q[0], q[1])
	}
	p.closePath()
}

// stroke strokes line geometry (and ring outlines) with round joins and caps.
func (p *painter) stroke(g orb.Geometry, c color.NRGBA, width float64) {
	if c.A == 0 || width <= 0 || g == nil {
		return
	}
	h := width / 2
	b := g.Bound().Pad(h + 1)
	disc := discPolygon(h)
	p.draw(b, c, func() {
		Walk(g, func(_ byte, ps []orb.Point) {
			// Drop repeated points; a line of one point is a dot.
			pts := ps[:0:0]
			for i, a := range ps {
				if i == 0 || a != ps[i-1] {
					pts = append(pts, a)
				}
			}
			if len(pts) == 0 {
				return
			}
			p.disc(pts[0], disc) // round caps
			p.disc(pts[len(pts)-1], disc)
			var prevN orb.Point
			for i := 1; i < len(pts); i++ {
				s, a := pts[i-1], pts[i]
				l := math.Hypot(a[0]-s[0], a[1]-s[1])
				n := orb.Point{-(a[1] - s[1]) / l * h, (a[0] - s[0]) / l * h}
				// The segment's quad (positive orientation, like the discs).
				p.moveTo(s[0]-n[0], s[1]-n[1])
				p.lineTo(a[0]-n[0], a[1]-n[1])
				p.lineTo(a[0]+n[0], a[1]+n[1])
				p.lineTo(s[0]+n[0], s[1]+n[1])
				p.closePath()
				if i > 1 {
					// The join at s: gentle turns get the wedge between the two
					// quads (a bevel, indistinguishable from round at these
					// widths); sharp ones a disc.
					cos := (prevN[0]*n[0] + prevN[1]*n[1]) / (h * h)
					if cos < 0.3 {
						p.disc(s, disc)
					} else {
						p.wedge(s, prevN, n)
					}
				}
				prevN = n
			}
		})
	})
}

// disc adds a disc (a polygon from discPolygon) centred on c.
func (p *painter) disc(c orb.Point, disc []orb.Point) {
	p.moveTo(c[0]+disc[0][0], c[1]+disc[0][1])
	for _, d := range disc[1:] {
		p.lineTo(c[0]+d[0], c[1]+d[1])
	}
	p.closePath()
}

// wedge fills the gap at a join between segments with normals n1 and n2 on
// both sides (only the outer one is a gap; the inner one is covered).
func (p *painter) wedge(c, n1, n2 orb.Point) {
	for _, k := range []float64{1, -1} {
		a := orb.Point{c[0] + k*n1[0], c[1] + k*n1[1]}
		b := orb.Point{c[0] + k*n2[0], c[1] + k*n2[1]}
		tri := []orb.Point{c, a, b, c}
		if SignedArea(tri) < 0 {
			tri[1], tri[2] = b, a
		}
		p.moveTo(tri[0][0], tri[0][1])
		p.lineTo(tri[1][0], tri[1][1])
		p.lineTo(tri[2][0], tri[2][1])
		p.closePath()
	}
}

// discPolygon returns a circle of radius r around the origin, clockwise on
// screen, with enough sides to look round at that size.
func discPolygon(r float64) []orb.Point {
	n := int(math.Ceil(2 * math.Pi * r / 1.5))
	n = min(max(n, 8), 48)
	out := make([]orb.Point, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / float64(n)
		out[i] = orb.Point{r * math.Cos(a), r * math.Sin(a)}
	}
	return out
}

// draw rasterizes the path that add builds over the
// part of bound inside the image, block by block, and composites colour c
// over the image through it.
func (p *painter) draw(bound orb.Bound, c color.NRGBA, add func()) {
	r := image.Rect(int(math.Floor(bound.Min[0])), int(math.Floor(bound.Min[1])),
		int(math.Ceil(bound.Max[0]))+1, int(math.Ceil(bound.Max[1]))+1).Intersect(p.dst.Bounds())
	if r.Empty() {
		return
	}
	p.src.C = c
	for y := r.Min.Y; y < r.Max.Y; y += blockSize {
		for x := r.Min.X; x < r.Max.X; x += blockSize {
			blk := image.Rect(x, y, min(x+blockSize, r.Max.X), min(y+blockSize, r.Max.Y))
			w, h := blk.Dx()+leftMargin, blk.Dy()
			p.z.Reset(w, h)
			p.z.DrawOp = draw.Src
			p.dx, p.dy = float32(blk.Min.X-leftMargin), float32(blk.Min.Y)
			add()
			if p.mask == nil || cap(p.mask.Pix) < w*h {
				p.mask = image.NewAlpha(image.Rect(0, 0, blockSize+leftMargin, blockSize))
			}
			m := &image.Alpha{Pix: p.mask.Pix[:w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}
			p.z.Draw(m, m.Rect, image.Opaque, image.Point{})
			over(p.dst, blk, p.src.C, m, image.Point{X: leftMargin})
		}
	}
}
