package overlays

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// Style is how a feature is drawn: resolved at load from its kind and side,
// then from simplestyle-spec overrides in its properties. Widths and radii
// are in pixels at scale 1; colours carry their opacity in alpha.
type Style struct {
	Stroke color.NRGBA
	Width  float64
	Fill   color.NRGBA
	Marker color.NRGBA
	Radius float64
}

// Side colours, after the US Military Academy campaign atlases: Chinese and
// American forces in blues, Japanese in red; context in quiet greys and water
// blues.
var (
	ColorJapan   = color.NRGBA{0xc8, 0x10, 0x2e, 0xff}
	ColorChina   = color.NRGBA{0x1f, 0x4e, 0x9c, 0xff}
	ColorUSA     = color.NRGBA{0x2b, 0x8c, 0xbe, 0xff}
	ColorNeutral = color.NRGBA{0x44, 0x44, 0x44, 0xff}
	ColorWater   = color.NRGBA{0x6f, 0xa8, 0xdc, 0xff}
	ColorLake    = color.NRGBA{0xa9, 0xcb, 0xe8, 0xcc}
	ColorRail    = color.NRGBA{0x55, 0x55, 0x55, 0xff}
)

// SideColor returns the colour of a side; SideNone gives ColorNeutral.
func SideColor(s Side) color.NRGBA {
	switch s {
	case SideJapan:
		return ColorJapan
	case SideChina:
		return ColorChina
	case SideUSA:
		return ColorUSA
	}
	return ColorNeutral
}

func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(a*255 + 0.5)
	return c
}

// DefaultStyle returns the style of a feature of kind k and side s before
// any simplestyle override.
func DefaultStyle(k Kind, s Side) Style {
	c := SideColor(s)
	st := Style{Stroke: c, Width: 2, Marker: c, Radius: 5}
	switch k {
	case KindArea:
		st.Width, st.Fill = 1.5, withAlpha(c, 0.2)
	case KindMovement:
		st.Width = 3
	case KindFront, KindFortification:
		st.Width = 2.5
		st.Fill = withAlpha(c, 0.1)
	case KindRiver:
		st.Stroke, st.Width = ColorWater, 1.5
	case KindLake:
		st.Stroke, st.Width, st.Fill = ColorWater, 1, ColorLake
	case KindRailway:
		st.Stroke, st.Width = ColorRail, 1.5
	case KindPlace:
		st.Marker, st.Radius = ColorNeutral, 3.5
	case KindUnit, KindAirfield:
		st.Radius = 6
	case KindEvent:
		st.Radius = 4
	}
	return st
}

// parseStyle resolves a feature's style and reports bad override values.
func parseStyle(ft *Feature, p *propReader) (Style, []error) {
	st := DefaultStyle(ft.Kind, ft.Side)
	if ft.Kind == KindArea {
		// Large zones stay light so that what happens inside them reads.
		switch p.str("role") {
		case "battle", "control":
			st.Fill = withAlpha(st.Fill, 0.08)
		case "siege", "encirclement":
			st.Fill = withAlpha(st.Fill, 0.14)
		}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	colorProp := func(key string, dst *color.NRGBA) {
		if s := p.str(key); s != "" {
			c, err := ParseColor(s)
			if err != nil {
				bad("%s: %v", key, err)
				return
			}
			c.A = dst.A
			if c.A == 0 {
				c.A = 0xff
			}
			*dst = c
		}
	}
	opacity := func(key string, dst *color.NRGBA) {
		if v, ok := p.num(key); ok {
			if v < 0 || v > 1 {
				bad("%s %g: want 0 to 1", key, v)
				return
			}
			*dst = withAlpha(*dst, v)
		}
	}
	colorProp("stroke", &st.Stroke)
	opacity("stroke-opacity", &st.Stroke)
	if v, ok := p.num("stroke-width"); ok {
		if v < 0 || v > 50 {
			bad("stroke-width %g: want 0 to 50 pixels", v)
		} else {
			st.Width = v
		}
	}
	if p.has("fill") && st.Fill.A == 0 {
		st.Fill.A = 0x99 // simplestyle's default fill-opacity, 0.6
	}
	colorProp("fill", &st.Fill)
	opacity("fill-opacity", &st.Fill)
	colorProp("marker-color", &st.Marker)
	switch size := p.enum("marker-size", sizeNames); size {
	case "small":
		st.Radius = 4
	case "medium":
		st.Radius = 6
	case "large":
		st.Radius = 9
	}
	return st, errs
}

// ParseColor parses a simplestyle colour: #rgb or #rrggbb, the # optional.
func ParseColor(s string) (color.NRGBA, error) {
	h := strings.TrimPrefix(s, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if len(h) != 6 || err != nil {
		return color.NRGBA{}, fmt.Errorf("colour %q: want #rgb or #rrggbb", s)
	}
	return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, nil
}
