package paint

import (
	"image"
	"image/color"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"

	"github.com/paulmach/orb"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// TextLine is one line of a label, positioned by its baseline's left end.
type TextLine struct {
	Text  string
	Style fonts.Style
	Size  float64
	X, Y  float64
}

// Label is a placed label: its lines, ink colour, halo radius and the box
// it keeps clear (text, halo and a pixel of clearance).
type Label struct {
	Lines []TextLine
	Color color.NRGBA
	Halo  float64
	Box   orb.Bound
}

// drawLabel draws a label's lines with a halo. Each line is rasterized once
// into an alpha mask at its subpixel position; the halo is that mask
// dilated by the halo's radius (a max filter over a disc, soft at its rim),
// drawn first. Both are composited with over. The masks are kept (see
// maskKey) for the next tile that draws the same line.
func drawLabel(dst *image.RGBA, fs *fonts.Set, faces map[faceKey]font.Face, l *Label) {
	for _, tl := range l.Lines {
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(tl.X * 64)), Y: fixed.Int26_6(math.Round(tl.Y * 64))}
		// The masks depend on the dot's subpixel part only: they are kept
		// relative to its whole pixel and shared by every tile a label
		// crosses (and by every later frame at the same zoom).
		ix, iy := dot.X.Floor(), dot.Y.Floor()
		key := maskKey{fs, faceKey{tl.Style, tl.Size}, tl.Text, dot.X - fixed.I(ix), dot.Y - fixed.I(iy), l.Halo}
		m, ok := labelMasks.get(key)
		if !ok {
			face, ok := faces[key.face]
			if !ok {
				face = fs.Face(tl.Style, tl.Size)
				faces[key.face] = face
			}
			if face == nil {
				continue // a CJK line with no CJK font
			}
			sub := fixed.Point26_6{X: key.fx, Y: key.fy}
			b, _ := font.BoundString(face, tl.Text)
			r := int(math.Ceil(l.Halo)) + 1
			rect := image.Rect((sub.X+b.Min.X).Floor()-r, (sub.Y+b.Min.Y).Floor()-r, (sub.X+b.Max.X).Ceil()+r, (sub.Y+b.Max.Y).Ceil()+r)
			if !rect.Add(image.Pt(ix, iy)).Overlaps(dst.Rect) {
				continue
			}
			text := image.NewAlpha(rect)
			(&font.Drawer{Dst: text, Src: image.Opaque, Face: face, Dot: sub}).DrawString(tl.Text)
			m = &labelMask{text: text, halo: dilate(text, l.Halo)}
			labelMasks.put(key, m)
		}
		rect := m.text.Rect.Add(image.Pt(ix, iy))
		if !rect.Overlaps(dst.Rect) {
			continue
		}
		over(dst, rect, Halo, m.halo, m.text.Rect.Min)
		over(dst, rect, l.Color, m.text, m.text.Rect.Min)
	}
}

// maskKey identifies a label line's masks: the fonts, face, text, the
// dot's subpixel offset and the halo's radius.
type maskKey struct {
	fs     *fonts.Set
	face   faceKey
	text   string
	fx, fy fixed.Int26_6
	halo   float64
}

// labelMask is a line's text mask and its halo, in pixels relative to the
// dot's whole pixel. Shared: read only.
type labelMask struct{ text, halo *image.Alpha }

// maxLabelMasks bounds the masks kept; when full the cache starts over.
const maxLabelMasks = 4096

// labelMasks keeps the masks of the label lines drawn.
var labelMasks maskCache

type maskCache struct {
	mu sync.Mutex
	m  map[maskKey]*labelMask
}

func (c *maskCache) get(k maskKey) (*labelMask, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.m[k]
	return m, ok
}

func (c *maskCache) put(k maskKey, m *labelMask) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxLabelMasks {
		c.m = map[maskKey]*labelMask{}
	}
	c.m[k] = m
}

// dilate returns mask grown by radius pixels: each pixel takes the largest
// value within the disc around it, weighted down over the disc's last
// half pixel so that the halo's edge stays antialiased.
func dilate(mask *image.Alpha, radius float64) *image.Alpha {
	type offset struct {
		dx, dy int
		w      float64
	}
	var offs []offset
	n := int(math.Ceil(radius + 0.5))
	for dy := -n; dy <= n; dy++ {
		for dx := -n; dx <= n; dx++ {
			w := math.Min(math.Max(radius+0.5-math.Hypot(float64(dx), float64(dy)), 0), 1)
			if w > 0 {
				offs = append(offs, offset{dx, dy, w})
			}
		}
	}
	// Each inked source pixel spreads its weighted value over the disc
	// around it: the same maxima as gathering over the disc at every
	// pixel, at the cost of the ink rather than of the whole mask.
	b := mask.Rect
	w, h := b.Dx(), b.Dy()
	best := make([]float64, w*h)
	for sy := 0; sy < h; sy++ {
		for sx := 0; sx < w; sx++ {
			v := float64(mask.Pix[sy*mask.Stride+sx])
			if v == 0 {
				continue
			}
			for _, o := range offs {
				x, y := sx-o.dx, sy-o.dy
				if x < 0 || y < 0 || x >= w || y >= h {
					continue
				}
				if vw := v * o.w; vw > best[y*w+x] {
					best[y*w+x] = vw
				}
			}
		}
	}
	out := image.NewAlpha(b)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[y*out.Stride+x] = uint8(best[y*w+x] + 0.5)
		}
	}
	return out
}

// faceKey names a face of one draw call's cache.
type faceKey struct {
	style fonts.Style
	size  float64
}
