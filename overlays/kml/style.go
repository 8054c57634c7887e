package kml

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

// style is what xiang reads from a KML Style: colours as aabbggrr.
type style struct {
	id                string
	line, poly, icon  string
	width             string
	hasLine, hasIcon  bool
	hasPoly, polyFill bool
}

func (r *reader) collectStyles(n *convert.Node) {
	for _, c := range n.Children {
		switch c.Name {
		case "Style":
			if id := c.AttrValue("id"); id != "" {
				r.styles[id] = readStyle(c)
			}
		case "StyleMap":
			id := c.AttrValue("id")
			for _, p := range c.All("Pair") {
				if p.ChildText("key") == "normal" {
					r.maps[id] = p.ChildText("styleUrl")
				}
			}
		default:
			r.collectStyles(c)
		}
	}
}

func readStyle(n *convert.Node) style {
	st := style{id: n.AttrValue("id")}
	if ls := n.Child("LineStyle"); ls != nil {
		st.line, st.width, st.hasLine = ls.ChildText("color"), ls.ChildText("width"), true
	}
	if ps := n.Child("PolyStyle"); ps != nil {
		st.poly, st.hasPoly, st.polyFill = ps.ChildText("color"), true, ps.ChildText("fill") != "0"
	}
	if is := n.Child("IconStyle"); is != nil {
		st.icon, st.hasIcon = is.ChildText("color"), true
	}
	return st
}

// applyStyle gives props a side when the placemark's style is one of
// xiang's side styles, or else the style's colours as simplestyle
// properties.
func (r *reader) applyStyle(n *convert.Node, props geojson.Properties) {
	st, ok := r.resolve(n)
	if !ok {
		return
	}
	if side, found := strings.CutPrefix(st.id, "side-"); found {
		if side != "none" {
			props["side"] = side
		}
		return
	}
	for _, s := range []overlays.Side{overlays.SideJapan, overlays.SideChina, overlays.SideUSA} {
		c := overlays.SideColor(s)
		if rgb, _, ok := kmlColor(st.line); ok && rgb == hexRGB(c) {
			props["side"] = string(s)
			return
		}
		if rgb, _, ok := kmlColor(st.icon); ok && rgb == hexRGB(c) {
			props["side"] = string(s)
			return
		}
	}
	if rgb, a, ok := kmlColor(st.line); ok {
		props["stroke"], props["stroke-opacity"] = rgb, a
	}
	if w, err := strconv.ParseFloat(st.width, 64); err == nil && w >= 0 && w <= 50 {
		props["stroke-width"] = w
	}
	if rgb, a, ok := kmlColor(st.poly); ok && st.polyFill {
		props["fill"], props["fill-opacity"] = rgb, a
	}
	if rgb, _, ok := kmlColor(st.icon); ok {
		props["marker-color"] = rgb
	}
}

// resolve finds a placemark's style: its inline Style, or the Style its
// styleUrl names, through a StyleMap's normal pair.
func (r *reader) resolve(n *convert.Node) (style, bool) {
	if s := n.Child("Style"); s != nil {
		return readStyle(s), true
	}
	url := n.ChildText("styleUrl")
	for range 4 { // a StyleMap may name another StyleMap
		id, ok := strings.CutPrefix(url, "#")
		if !ok {
			return style{}, false
		}
		if st, ok := r.styles[id]; ok {
			return st, true
		}
		if next, ok := r.maps[id]; ok {
			url = next
			continue
		}
		break
	}
	return style{}, false
}

// kmlColor converts a KML colour, aabbggrr, to "#rrggbb" and an opacity
// rounded to two decimals.
func kmlColor(s string) (rgb string, opacity float64, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "#")
	if len(s) != 8 {
		return "", 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return "", 0, false
	}
	a, b, g, rr := v>>24, (v>>16)&0xff, (v>>8)&0xff, v&0xff
	return fmt.Sprintf("#%02x%02x%02x", rr, g, b), float64(int(float64(a)/255*100+0.5)) / 100, true
}
