// Package sprite builds the MapLibre sprite of a campaign: every distinct
// point symbol of its features and an arrowhead per movement colour,
// drawn by tiles/paint at the largest zoom scale and packed into one PNG
// with its JSON index (docs/vector.md). Icons are named as the vector
// tiles name them: paint.Symbol.Name for points, ArrowName for heads.
package sprite

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fastpng"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// MaxZoomScale is the zoom scale icons are drawn at: paint.ZoomScale's
// largest, so that styles only ever shrink them (icon-size ≤ 1).
const MaxZoomScale = 1.15

// Arrowhead proportions at zoom scale 1, as tiles draws the head of a
// movement at its full width: half-width and length.
const (
	arrowWidth  = 2.2 * 6.5
	arrowLength = 1.2 * arrowWidth
	arrowLine   = 1.3 // outline of a hollow head
)

// HollowFill is the fill of hollow (retreat, withdrawal) arrowheads, as
// the raster draws them.
var HollowFill = color.NRGBA{0xff, 0xff, 0xff, 0xd9}

// Icon is one entry of the sprite's JSON index.
type Icon struct {
	X          int `json:"x"`
	Y          int `json:"y"`
	Width      int `json:"width"`
	Height     int `json:"height"`
	PixelRatio int `json:"pixelRatio"`
}

// Sheet is a built sprite: the packed image, its PNG and JSON, and the
// index by icon name.
type Sheet struct {
	Image *image.RGBA
	PNG   []byte
	JSON  []byte
	Icons map[string]Icon
}

// ArrowName returns the sprite name of the arrowhead of a movement whose
// stroke is c: "arrow-c8102eff".
func ArrowName(c color.NRGBA) string {
	return fmt.Sprintf("arrow-%02x%02x%02x%02x", c.R, c.G, c.B, c.A)
}

// HollowArrowName returns the sprite name of the hollow arrowhead (white
// body, outline in c) of a retreat or withdrawal: "arrow-hollow-1f4e9cff".
func HollowArrowName(c color.NRGBA) string {
	return fmt.Sprintf("arrow-hollow-%02x%02x%02x%02x", c.R, c.G, c.B, c.A)
}

// BarName returns the sprite name of the bar a failed attack of colour
// c ends in: "bar-1f4e9cff".
func BarName(c color.NRGBA) string {
	return fmt.Sprintf("bar-%02x%02x%02x%02x", c.R, c.G, c.B, c.A)
}

// The bar across the tip of a failed attack, at zoom scale 1 and pixel
// ratio 1, as tiles draws it: 1.2 times the head's width long, 2.5 px
// thick, its centre 2.5 px beyond the tip.
const (
	barLength = 1.2 * arrowWidth
	barWidth  = 2.5
	barAhead  = 2.5
)

// FailedColors returns the distinct stroke colours of the selection's
// failed movements, sorted: each gets a bar (BarName).
func FailedColors(sel overlays.Selection) []color.NRGBA {
	m := map[color.NRGBA]bool{}
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Kind == overlays.KindMovement && f.Failed() {
				m[f.Style.Stroke] = true
			}
		}
	}
	return sortColors(m)
}

func sortColors(m map[color.NRGBA]bool) []color.NRGBA {
	out := make([]color.NRGBA, 0, len(m))
	for c := range m {
		out = append(out, c)
	}
	key := func(c color.NRGBA) uint32 { return uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A) }
	slices.SortFunc(out, func(a, b color.NRGBA) int { return cmp.Compare(key(a), key(b)) })
	return out
}

// barIcon draws the bar of a failed attack pointing north: a horizontal
// bar whose anchor, the arrow's tip, is the icon's bottom centre
// (icon-anchor "bottom"), so that rotated by the head's bearing it lies
// across the route just beyond the tip.
func barIcon(c color.NRGBA, ratio int) icon {
	r := float64(ratio)
	w := ratio * int(2*math.Ceil(barLength*MaxZoomScale/2+1))
	h := ratio * int(math.Ceil((barAhead+barWidth/2)*MaxZoomScale+1))
	return icon{name: BarName(c), w: w, h: h, ax: float64(w) / 2, ay: float64(h), draw: func(dst *image.RGBA, at orb.Point) {
		y := at[1] - barAhead*MaxZoomScale*r
		hl := barLength * MaxZoomScale * r / 2
		paint.Draw(dst, nil, []paint.Prim{{Op: paint.OpStroke, Geom: orb.LineString{{at[0] - hl, y}, {at[0] + hl, y}},
			Color: c, Width: barWidth * MaxZoomScale * r}})
	}}
}

// icon is something to draw into the sprite.
type icon struct {
	name string
	w, h int
	draw func(dst *image.RGBA, at orb.Point) // at: the icon's anchor in dst
	// anchor relative to the icon's top-left corner
	ax, ay float64
}

// Symbols returns the distinct point symbols of the selection's features,
// at zoom scale MaxZoomScale and pixel ratio ratio, sorted by name.
func Symbols(sel overlays.Selection, ratio int) []paint.Symbol {
	seen := map[string]paint.Symbol{}
	for _, l := range sel {
		for _, f := range l.Features {
			switch f.Kind {
			case overlays.KindPlace, overlays.KindUnit, overlays.KindArtillery, overlays.KindAirfield, overlays.KindEvent:
				s := paint.FeatureSymbol(f, MaxZoomScale*float64(ratio), float64(ratio))
				seen[s.Name()] = s
			}
		}
	}
	out := make([]paint.Symbol, 0, len(seen))
	for _, s := range seen {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b paint.Symbol) int { return cmp.Compare(a.Name(), b.Name()) })
	return out
}

// ArrowColors returns the distinct stroke colours of the selection's
// movements, and which of them are hollow, sorted.
func ArrowColors(sel overlays.Selection) (solid, hollow []color.NRGBA) {
	s, h := map[color.NRGBA]bool{}, map[color.NRGBA]bool{}
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Kind != overlays.KindMovement {
				continue
			}
			s[f.Style.Stroke] = true
			if f.Hollow() {
				h[f.Style.Stroke] = true
			}
		}
	}
	keys := func(m map[color.NRGBA]bool) []color.NRGBA {
		out := make([]color.NRGBA, 0, len(m))
		for c := range m {
			out = append(out, c)
		}
		key := func(c color.NRGBA) uint32 { return uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A) }
		slices.SortFunc(out, func(a, b color.NRGBA) int { return cmp.Compare(key(a), key(b)) })
		return out
	}
	return keys(s), keys(h)
}

// SymbolBox returns the size of a symbol's icon and where its point is in
// it: the icon is symmetric about the point, so that MapLibre's default
// centre anchor puts the symbol where tiles draws it.
func SymbolBox(s paint.Symbol) (w, h int, at orb.Point) {
	b := s.Box()
	hw := math.Ceil(math.Max(-b.Min[0], b.Max[0]))
	hh := math.Ceil(math.Max(-b.Min[1], b.Max[1]))
	return int(2 * hw), int(2 * hh), orb.Point{hw, hh}
}

func symbolIcon(s paint.Symbol) icon {
	w, h, at := SymbolBox(s)
	return icon{name: s.Name(), w: w, h: h, ax: at[0], ay: at[1], draw: func(dst *image.RGBA, p orb.Point) {
		paint.Draw(dst, nil, []paint.Prim{{Op: paint.OpSymbol, Geom: p, Sym: s}})
	}}
}

// Arrowhead returns the triangle of an arrowhead pointing north (up) with
// its tip at tip, at zoom scale sz.
func Arrowhead(tip orb.Point, sz float64) orb.Ring {
	hw, hl := arrowWidth*sz/2, arrowLength*sz
	return orb.Ring{tip, {tip[0] - hw, tip[1] + hl}, {tip[0] + hw, tip[1] + hl}, tip}
}

func arrowIcon(c color.NRGBA, hollow bool, ratio int) icon {
	// Sized at ratio 1 and multiplied, so that @2x is exactly twice @1x.
	r := float64(ratio)
	pad := math.Ceil(arrowLine)
	w := ratio * int(2*math.Ceil(arrowWidth*MaxZoomScale/2+pad))
	h := ratio * int(math.Ceil(arrowLength*MaxZoomScale+2*pad))
	sz, pad := MaxZoomScale*r, pad*r
	name := ArrowName(c)
	if hollow {
		name = HollowArrowName(c)
	}
	// The anchor is the tip: the icon's top centre (icon-anchor "top"),
	// the tip drawn pad pixels below it so that its outline fits.
	return icon{name: name, w: w, h: h, ax: float64(w) / 2, ay: 0, draw: func(dst *image.RGBA, at orb.Point) {
		head := Arrowhead(orb.Point{at[0], at[1] + pad}, sz)
		prims := []paint.Prim{{Op: paint.OpFill, Geom: orb.Polygon{head}, Color: c}}
		if hollow {
			prims = []paint.Prim{
				{Op: paint.OpFill, Geom: orb.Polygon{head}, Color: HollowFill},
				{Op: paint.OpStroke, Geom: orb.LineString(head), Color: c, Width: arrowLine * float64(ratio)},
			}
		}
		paint.Draw(dst, nil, prims)
	}}
}

// maxWidth is the width of the sprite at pixel ratio 1; rows of icons are
// packed into it.
const maxWidth = 512

// Build draws the sprite of a selection at pixel ratio 1 or 2: its
// symbols (Symbols), the solid and hollow arrowheads of its movement
// colours (ArrowColors) and the bars of its failed attacks (FailedColors).
func Build(sel overlays.Selection, ratio int) (*Sheet, error) {
	if ratio != 1 && ratio != 2 {
		return nil, fmt.Errorf("sprite pixel ratio %d: want 1 or 2", ratio)
	}
	var icons []icon
	for _, s := range Symbols(sel, ratio) {
		icons = append(icons, symbolIcon(s))
	}
	solid, hollow := ArrowColors(sel)
	for _, c := range solid {
		icons = append(icons, arrowIcon(c, false, ratio))
	}
	for _, c := range hollow {
		icons = append(icons, arrowIcon(c, true, ratio))
	}
	for _, c := range FailedColors(sel) {
		icons = append(icons, barIcon(c, ratio))
	}
	return pack(icons, ratio)
}

// pack lays icons out in shelves, tallest first, a gap of ratio pixels
// between them, and draws them.
func pack(icons []icon, ratio int) (*Sheet, error) {
	sort.SliceStable(icons, func(i, j int) bool {
		if icons[i].h != icons[j].h {
			return icons[i].h > icons[j].h
		}
		return icons[i].name < icons[j].name
	})
	limit, gap := maxWidth*ratio, ratio
	type placed struct{ x, y int }
	pos := make([]placed, len(icons))
	x, y, row, width := 0, 0, 0, 1
	for i, ic := range icons {
		if x > 0 && x+ic.w > limit {
			x, y, row = 0, y+row+gap, 0
		}
		pos[i] = placed{x, y}
		x += ic.w + gap
		row = max(row, ic.h)
		width = max(width, x-gap)
	}
	height := max(y+row, 1)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	sh := &Sheet{Image: img, Icons: map[string]Icon{}}
	for i, ic := range icons {
		if _, dup := sh.Icons[ic.name]; dup {
			return nil, fmt.Errorf("sprite: two icons named %q", ic.name)
		}
		p := pos[i]
		// Draw each icon on its own image, so that nothing spills into a
		// neighbour, then copy it in.
		one := image.NewRGBA(image.Rect(0, 0, ic.w, ic.h))
		ic.draw(one, orb.Point{ic.ax, ic.ay})
		for row := range ic.h {
			copy(img.Pix[img.PixOffset(p.x, p.y+row):img.PixOffset(p.x+ic.w, p.y+row)], one.Pix[one.PixOffset(0, row):one.PixOffset(ic.w, row)])
		}
		sh.Icons[ic.name] = Icon{X: p.x, Y: p.y, Width: ic.w, Height: ic.h, PixelRatio: ratio}
	}
	var buf bytes.Buffer
	empty, err := fastpng.Encode(&buf, img)
	if err != nil {
		return nil, fmt.Errorf("sprite: encoding the PNG: %w", err)
	}
	sh.PNG = buf.Bytes()
	if empty {
		sh.PNG = fastpng.Empty(width, height)
	}
	if sh.JSON, err = json.Marshal(sh.Icons); err != nil {
		return nil, fmt.Errorf("sprite: encoding the index: %w", err)
	}
	return sh, nil
}
