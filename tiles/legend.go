package tiles

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/decorate"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/paint"
)

// LegendEntry is one line of a map legend: a symbol, its colour and what it
// means. The same entries serve the viewer (as JSON with swatch images), the
// static images and the printed sheets.
type LegendEntry struct {
	ID    string `json:"id"`
	Group string `json:"group"`
	Label string `json:"label"`
	Short string `json:"short"` // a few words, for the legends of GIF frames
	Color string `json:"color"`
	// match reports whether a feature is drawn with this entry's symbol.
	match func(f *overlays.Feature) bool
	// swatch returns the drawing operations of the symbol in a w×h box.
	swatch func(w, h, sc float64) []paint.Prim
}

// SwatchWidth and SwatchHeight are the size of a legend swatch at scale 1.
const (
	SwatchWidth  = 44
	SwatchHeight = 26
)

func hexColor(c color.NRGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func kindIs(k overlays.Kind) func(*overlays.Feature) bool {
	return func(f *overlays.Feature) bool { return f.Kind == k }
}

func sideKind(k overlays.Kind, s overlays.Side) func(*overlays.Feature) bool {
	return func(f *overlays.Feature) bool { return f.Kind == k && f.Side == s }
}

func movementWith(pred func(f *overlays.Feature) bool) func(*overlays.Feature) bool {
	return func(f *overlays.Feature) bool { return f.Kind == overlays.KindMovement && pred(f) }
}

func areaRole(roles ...string) func(*overlays.Feature) bool {
	return func(f *overlays.Feature) bool {
		if f.Kind != overlays.KindArea {
			return false
		}
		for _, r := range roles {
			if f.Role() == r {
				return true
			}
		}
		return false
	}
}

// legend lists every entry, in the order legends show them.
var legend = []LegendEntry{
	{ID: "unit-japan", Short: "Japanese unit", Group: "Forces", Label: "Japanese unit (XX division, XXX corps, XXXX army)", Color: hexColor(overlays.ColorJapan),
		match: sideKind(overlays.KindUnit, overlays.SideJapan), swatch: unitSwatch(overlays.ColorJapan)},
	{ID: "unit-china", Short: "Chinese unit", Group: "Forces", Label: "Chinese unit (a Chinese army is a corps: XXX)", Color: hexColor(overlays.ColorChina),
		match: sideKind(overlays.KindUnit, overlays.SideChina), swatch: unitSwatch(overlays.ColorChina)},
	{ID: "unit-usa", Short: "American unit", Group: "Forces", Label: "American unit", Color: hexColor(overlays.ColorUSA),
		match: sideKind(overlays.KindUnit, overlays.SideUSA), swatch: unitSwatch(overlays.ColorUSA)},
	{ID: "artillery", Short: "Artillery", Group: "Forces", Label: "Artillery position", Color: hexColor(overlays.ColorChina),
		match: kindIs(overlays.KindArtillery), swatch: pointSwatch(overlays.KindArtillery, overlays.ColorChina)},
	{ID: "airfield", Short: "Airfield", Group: "Forces", Label: "Airfield", Color: hexColor(overlays.ColorUSA),
		match: kindIs(overlays.KindAirfield), swatch: pointSwatch(overlays.KindAirfield, overlays.ColorUSA)},
	{ID: "advance-japan", Short: "Japanese advance", Group: "Movements", Label: "Japanese advance; head where the troops are on the date", Color: hexColor(overlays.ColorJapan),
		match: movementWith(func(f *overlays.Feature) bool {
			return f.Side == overlays.SideJapan && !f.Hollow() && !f.Failed()
		}),
		swatch: arrowSwatch(overlays.ColorJapan, "", false)},
	{ID: "advance-china", Short: "Chinese advance", Group: "Movements", Label: "Chinese advance or counter-attack", Color: hexColor(overlays.ColorChina),
		match: movementWith(func(f *overlays.Feature) bool {
			return f.Side != overlays.SideJapan && !f.Hollow() && !f.Failed()
		}),
		swatch: arrowSwatch(overlays.ColorChina, "", false)},
	{ID: "in-progress", Short: "Leg in progress", Group: "Movements", Label: "Leg in progress on the date (lighter)", Color: hexColor(overlays.ColorJapan),
		match: movementWith(func(f *overlays.Feature) bool { return len(f.Times) > 0 }), swatch: arrowSwatch(overlays.ColorJapan, "", true)},
	{ID: "retreat", Short: "Retreat", Group: "Movements", Label: "Retreat or withdrawal (hollow, dashed)", Color: hexColor(overlays.ColorChina),
		match: movementWith((*overlays.Feature).Hollow), swatch: arrowSwatch(overlays.ColorChina, "retreat", false)},
	{ID: "failed", Short: "Failed attack", Group: "Movements", Label: "Failed attack or blocked relief (bar)", Color: hexColor(overlays.ColorChina),
		match: movementWith((*overlays.Feature).Failed), swatch: arrowSwatch(overlays.ColorChina, "failed", false)},
	{ID: "siege", Short: "Siege ring", Group: "Areas and lines", Label: "Siege ring or encirclement (teeth inward)", Color: hexColor(overlays.ColorJapan),
		match: areaRole("siege", "encirclement"), swatch: areaSwatch(overlays.ColorJapan, "siege")},
	{ID: "occupied", Short: "Occupied area", Group: "Areas and lines", Label: "Occupied or controlled area", Color: hexColor(overlays.ColorJapan),
		match: areaRole("occupied", "control"), swatch: areaSwatch(overlays.ColorJapan, "occupied")},
	{ID: "defence", Short: "Defended area", Group: "Areas and lines", Label: "Defended area", Color: hexColor(overlays.ColorChina),
		match: areaRole("defence"), swatch: areaSwatch(overlays.ColorChina, "defence")},
	{ID: "battle", Short: "Battle area", Group: "Areas and lines", Label: "Battle area (dashed)", Color: hexColor(overlays.ColorNeutral),
		match: areaRole("battle"), swatch: areaSwatch(overlays.ColorNeutral, "battle")},
	{ID: "fortification", Short: "Fortified line", Group: "Areas and lines", Label: "Fortified line or perimeter (teeth outward)", Color: hexColor(overlays.ColorChina),
		match: kindIs(overlays.KindFortification), swatch: lineSwatch(overlays.KindFortification, overlays.ColorChina, 2.5)},
	{ID: "front", Short: "Front line", Group: "Areas and lines", Label: "Front line", Color: hexColor(overlays.ColorJapan),
		match: kindIs(overlays.KindFront), swatch: lineSwatch(overlays.KindFront, overlays.ColorJapan, 2.5)},
	{ID: "approx-position", Short: "Approximate position", Group: "Forces", Label: "Approximate position (soft halo); a unit moved aside to stay legible has a leader to its place (dot)", Color: hexColor(overlays.ColorChina),
		match: func(f *overlays.Feature) bool { return f.Approximate() && f.Route == nil && Displaces(f) }, swatch: approxSwatch(overlays.ColorChina)},
	{ID: "approx-route", Short: "Approximate route", Group: "Movements", Label: "Approximate route (dotted edge)", Color: hexColor(overlays.ColorJapan),
		match: movementWith(func(f *overlays.Feature) bool { return f.Approximate() && !f.Hollow() }), swatch: arrowSwatch(overlays.ColorJapan, "approximate", false)},
	{ID: "event", Short: "Event", Group: "Areas and lines", Label: "Dated event", Color: hexColor(overlays.ColorNeutral),
		match: kindIs(overlays.KindEvent), swatch: pointSwatch(overlays.KindEvent, overlays.ColorNeutral)},
	{ID: "place", Short: "Town", Group: "Context", Label: "Town (city: square)", Color: hexColor(paint.Ink),
		match: kindIs(overlays.KindPlace), swatch: pointSwatch(overlays.KindPlace, paint.Ink)},
	{ID: "river", Short: "River", Group: "Context", Label: "River", Color: hexColor(overlays.ColorWater),
		match: kindIs(overlays.KindRiver), swatch: lineSwatch(overlays.KindRiver, overlays.ColorWater, 1.5)},
	{ID: "lake", Short: "Lake", Group: "Context", Label: "Lake", Color: hexColor(overlays.ColorLake),
		match: kindIs(overlays.KindLake), swatch: areaSwatch(overlays.ColorWater, "lake")},
	{ID: "railway", Short: "Railway", Group: "Context", Label: "Railway", Color: hexColor(overlays.ColorRail),
		match: kindIs(overlays.KindRailway), swatch: lineSwatch(overlays.KindRailway, overlays.ColorRail, 1.5)},
}

// Legend returns the entries for the symbols the selection uses, in legend
// order. With a nil selection it returns every entry.
func Legend(sel overlays.Selection) []LegendEntry {
	var out []LegendEntry
	for _, e := range legend {
		if sel == nil || usesEntry(sel, e) {
			out = append(out, e)
		}
	}
	return out
}

// layers returns the layers of the features the plan draws, in campaign
// order.
func (p *Plan) layers() overlays.Selection {
	var out overlays.Selection
	seen := map[*overlays.Layer]bool{}
	for _, f := range p.shown {
		if !seen[f.Layer] {
			seen[f.Layer] = true
			out = append(out, f.Layer)
		}
	}
	slices.SortFunc(out, func(a, b *overlays.Layer) int { return a.Index - b.Index })
	return out
}

// Legend returns the entries for the symbols the plan draws, in legend
// order.
func (p *Plan) Legend() []LegendEntry {
	var out []LegendEntry
	for _, e := range legend {
		for _, f := range p.shown {
			if e.match(f) {
				out = append(out, e)
				break
			}
		}
	}
	return out
}

func usesEntry(sel overlays.Selection, e LegendEntry) bool {
	for _, l := range sel {
		for _, f := range l.Features {
			if e.match(f) {
				return true
			}
		}
	}
	return false
}

// Swatch draws the symbol of the legend entry with the given id at a scale,
// on a transparent SwatchWidth×SwatchHeight (times scale) image.
func Swatch(fs *fonts.Set, id string, scale float64) (*image.RGBA, error) {
	for _, e := range legend {
		if e.ID == id {
			w, h := SwatchWidth*scale, SwatchHeight*scale
			p := &Plan{Frame: geo.Frame{Width: int(w), Height: int(h), Scale: scale, Zoom: 10}, prims: e.swatch(w, h, scale)}
			return p.Draw(fs), nil
		}
	}
	return nil, fmt.Errorf("legend entry %q: not found", id)
}

// DrawSwatch draws the entry's symbol on dst in a SwatchWidth×SwatchHeight
// (times scale) box whose top-left corner is at x, y.
func (e LegendEntry) DrawSwatch(dst *image.RGBA, fs *fonts.Set, x, y, scale float64) {
	ps := e.swatch(SwatchWidth*scale, SwatchHeight*scale, scale)
	for i := range ps {
		ps[i].Geom = translate(ps[i].Geom, x, y)
	}
	paint.Draw(dst, fs, ps)
}

// translate returns a copy of g moved by dx, dy.
func translate(g orb.Geometry, dx, dy float64) orb.Geometry {
	if g == nil {
		return nil
	}
	return project.Geometry(orb.Clone(g), func(p orb.Point) orb.Point { return orb.Point{p[0] + dx, p[1] + dy} })
}

func unitSwatch(c color.NRGBA) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		s := paint.NewSymbol(overlays.KindUnit, c, 0.85*sc, sc)
		s.Echelon = "division"
		return []paint.Prim{{Op: paint.OpSymbol, Geom: orb.Point{w / 2, h/2 + 3*sc}, Sym: s}}
	}
}

func pointSwatch(k overlays.Kind, c color.NRGBA) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		s := paint.NewSymbol(k, c, sc, sc)
		if k == overlays.KindPlace {
			s = s.WithRank(2)
		}
		return []paint.Prim{{Op: paint.OpSymbol, Geom: orb.Point{w / 2, h / 2}, Sym: s}}
	}
}

func arrowSwatch(c color.NRGBA, kind string, inProgress bool) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		line := []orb.Point{{3 * sc, h * 0.7}, {w * 0.45, h * 0.45}, {w - 12*sc, h * 0.4}}
		body := decorate.Taper(line, func(d float64) float64 { return (2 + 3*d/(w-12*sc)) * sc })
		fill := c
		if inProgress {
			fill = scaleAlpha(c, 0.5)
		}
		var out []paint.Prim
		if kind == "retreat" {
			fill = color.NRGBA{0xff, 0xff, 0xff, 0xd9}
		}
		out = append(out, paint.Prim{Op: paint.OpFill, Geom: orb.Polygon{body}, Color: fill})
		tip := orb.Point{w - 3*sc, h * 0.4}
		head := orb.Ring{tip, {w - 14*sc, h*0.4 - 5.5*sc}, {w - 14*sc, h*0.4 + 5.5*sc}, tip}
		out = append(out, paint.Prim{Op: paint.OpFill, Geom: orb.Polygon{head}, Color: map[bool]color.NRGBA{true: fill, false: c}[kind == "retreat"]})
		switch kind {
		case "retreat":
			keep := orb.Bound{Max: orb.Point{w, h}}.Pad(10)
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: decorate.Dashes(body, 5*sc, 3*sc, keep), Color: c, Width: 1.3 * sc},
				paint.Prim{Op: paint.OpStroke, Geom: orb.LineString(head), Color: c, Width: 1.3 * sc})
		case "failed":
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: orb.LineString{{w - 1*sc, h*0.4 - 7*sc}, {w - 1*sc, h*0.4 + 7*sc}}, Color: c, Width: 2.5 * sc})
		case "approximate":
			keep := orb.Bound{Max: orb.Point{w, h}}.Pad(10)
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: decorate.Dashes(body, approxDot*sc, approxGap*sc, keep), Color: paint.Halo, Width: 1.4 * sc})
		}
		return out
	}
}

func areaSwatch(c color.NRGBA, role string) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		ring := orb.Ring{{4 * sc, 4 * sc}, {w - 4*sc, 4 * sc}, {w - 4*sc, h - 4*sc}, {4 * sc, h - 4*sc}, {4 * sc, 4 * sc}}
		st := overlays.DefaultStyle(overlays.KindArea, overlays.SideNone)
		fill := scaleAlpha(c, float64(st.Fill.A)/255)
		keep := orb.Bound{Max: orb.Point{w, h}}.Pad(10)
		out := []paint.Prim{{Op: paint.OpFill, Geom: orb.Polygon{ring}, Color: fill}}
		switch role {
		case "siege":
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: append(orb.MultiLineString{orb.LineString(ring)}, decorate.Ticks(ring, 6*sc, 4*sc, -sideOf(ring), keep)...), Color: c, Width: 2 * sc})
		case "battle":
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: decorate.Dashes(ring, 7*sc, 4*sc, keep), Color: c, Width: 1.5 * sc})
		case "lake":
			out[0].Color = overlays.ColorLake
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: orb.LineString(ring), Color: c, Width: sc})
		default:
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: orb.LineString(ring), Color: c, Width: 1.5 * sc})
		}
		return out
	}
}

func lineSwatch(k overlays.Kind, c color.NRGBA, width float64) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		line := orb.LineString{{3 * sc, h * 0.65}, {w * 0.5, h * 0.4}, {w - 3*sc, h * 0.55}}
		keep := orb.Bound{Max: orb.Point{w, h}}.Pad(10)
		out := []paint.Prim{{Op: paint.OpStroke, Geom: line, Color: c, Width: width * sc}}
		switch k {
		case overlays.KindRailway:
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: decorate.Ticks(line, 7*sc, 4*sc, 0, keep), Color: c, Width: sc})
		case overlays.KindFortification:
			out = append(out, paint.Prim{Op: paint.OpStroke, Geom: decorate.Ticks(line, 5*sc, 4*sc, 1, keep), Color: c, Width: 1.5 * sc})
		}
		return out
	}
}

func approxSwatch(c color.NRGBA) func(w, h, sc float64) []paint.Prim {
	return func(w, h, sc float64) []paint.Prim {
		s := paint.NewSymbol(overlays.KindUnit, c, 0.7*sc, sc)
		at := orb.Point{w / 2, h / 2}
		reach := s.Reach()
		return []paint.Prim{
			{Op: paint.OpFill, Geom: circleAt(at, min(reach*approxHalo, h/2)), Color: scaleAlpha(c, 0.10)},
			{Op: paint.OpFill, Geom: circleAt(at, min(reach*(1+approxHalo)/2, h/2)), Color: scaleAlpha(c, 0.14)},
			{Op: paint.OpSymbol, Geom: at, Sym: s},
		}
	}
}

// SwatchPNG is Swatch encoded as PNG.
func SwatchPNG(fs *fonts.Set, id string, scale float64) ([]byte, error) {
	img, err := Swatch(fs, id, scale)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := EncodePNG(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
