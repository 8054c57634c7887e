package overlays

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
)

// decodeFeature parses and checks one feature; it returns the feature (with
// at least its name, for messages) and every problem found.
func decodeFeature(raw json.RawMessage) (*Feature, []error) {
	ft := &Feature{}
	var doc struct {
		Type       string          `json:"type"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return ft, []error{jsonError(err)}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if doc.Type != "Feature" {
		bad(`type %q: want "Feature"`, doc.Type)
	}
	props := geojson.Properties{}
	if len(doc.Properties) > 0 && string(doc.Properties) != "null" {
		if err := json.Unmarshal(doc.Properties, &props); err != nil {
			return ft, append(errs, fmt.Errorf("properties: %w", jsonError(err)))
		}
	}
	ft.Properties = props
	p := propReader{props: props}
	ft.Name = p.str("name")
	ft.NameZh = p.str("name_zh")

	kind := p.str("kind")
	switch {
	case kind == "" && props["kind"] == nil:
		bad("missing kind (want one of %s)", kindList())
	case !Kind(kind).Known():
		bad("unknown kind %q (want one of %s)", kind, kindList())
	}
	ft.Kind = Kind(kind)

	var gtype struct {
		Type string `json:"type"`
	}
	if len(doc.Geometry) == 0 || string(doc.Geometry) == "null" {
		bad("missing geometry")
	} else if err := json.Unmarshal(doc.Geometry, &gtype); err != nil {
		bad("geometry: %v", jsonError(err))
	} else if !slices.Contains(allGeometryTypes, gtype.Type) {
		bad("geometry type %q: want one of %s", gtype.Type, strings.Join(allGeometryTypes, ", "))
	} else if err := checkPositions(gtype.Type, doc.Geometry); err != nil {
		bad("geometry: %v", err)
	} else if g, err := geojson.UnmarshalGeometry(doc.Geometry); err != nil {
		bad("geometry: %s", strings.TrimPrefix(err.Error(), "json: "))
	} else if g.Coordinates == nil {
		bad("geometry: type %q is not supported", g.Type)
	} else {
		ft.Geometry = g.Coordinates
		if ft.Kind.Known() && !slices.Contains(geometryTypes[ft.Kind], ft.Geometry.GeoJSONType()) {
			bad("kind %s cannot have geometry %s (want %s)", ft.Kind, ft.Geometry.GeoJSONType(),
				strings.Join(geometryTypes[ft.Kind], " or "))
		}
		errs = append(errs, checkGeometry(ft.Geometry)...)
	}

	errs = append(errs, p.errs...)
	p.errs = nil
	errs = append(errs, checkProperties(ft, &p)...)
	return ft, errs
}

var allGeometryTypes = []string{"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"}

// kindList lists the known kinds for messages; built once, as it is in
// the message of every feature without a valid kind.
var kindList = sync.OnceValue(func() string {
	ks := Kinds()
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
})

// positionDepth is how deep positions are nested in the coordinates of
// each geometry type.
var positionDepth = map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1,
	"MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}

// checkPositions checks that every position in a geometry's coordinates
// has two numbers (lon, lat) or three (with altitude), all the same: orb
// reads [] and [112.9] as points at latitude 0.
func checkPositions(typ string, geometry json.RawMessage) error {
	depth, ok := positionDepth[typ]
	if !ok {
		return nil // GeometryCollection: rejected later
	}
	var doc struct {
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(geometry, &doc); err != nil {
		return jsonError(err)
	}
	if len(doc.Coordinates) == 0 || string(doc.Coordinates) == "null" {
		return errors.New("missing coordinates")
	}
	n, dim := 0, 0
	var walk func(raw json.RawMessage, depth int) error
	walk = func(raw json.RawMessage, depth int) error {
		if depth == 0 {
			var pos []float64
			if err := json.Unmarshal(raw, &pos); err != nil {
				return fmt.Errorf("coordinate %d: %w", n, jsonError(err))
			}
			switch {
			case len(pos) < 2 || len(pos) > 3:
				return fmt.Errorf("coordinate %d has %d number(s), want 2 (lon, lat) or 3 (with altitude)", n, len(pos))
			case dim != 0 && len(pos) != dim:
				return fmt.Errorf("coordinate %d has %d numbers, earlier ones %d: mixed dimensions", n, len(pos), dim)
			}
			dim = len(pos)
			n++
			return nil
		}
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return fmt.Errorf("coordinates: %w", jsonError(err))
		}
		for _, it := range items {
			if err := walk(it, depth-1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(doc.Coordinates, depth)
}

// checkGeometry checks coordinate ranges, line lengths and ring closure.
func checkGeometry(g orb.Geometry) []error {
	var errs []error
	badPoint := -1
	var first orb.Point
	n := 0
	visit := func(p orb.Point) {
		if badPoint < 0 && !validLonLat(p) {
			badPoint, first = n, p
		}
		n++
	}
	line := func(what string, ls orb.LineString) {
		if len(ls) < 2 {
			errs = append(errs, fmt.Errorf("%s has %d point(s), needs at least 2", what, len(ls)))
		}
		for _, p := range ls {
			visit(p)
		}
	}
	ring := func(what string, r orb.Ring) {
		switch {
		case len(r) < 4:
			errs = append(errs, fmt.Errorf("%s has %d point(s), needs at least 4", what, len(r)))
		case !r.Closed():
			errs = append(errs, fmt.Errorf("%s is not closed: first point %v, last %v", what, r[0], r[len(r)-1]))
		}
		for _, p := range r {
			visit(p)
		}
	}
	polygon := func(what string, pg orb.Polygon) {
		if len(pg) == 0 {
			errs = append(errs, fmt.Errorf("%s has no rings", what))
		}
		for i, r := range pg {
			ring(fmt.Sprintf("%sring %d", what, i), r)
		}
	}
	switch g := g.(type) {
	case orb.Point:
		visit(g)
	case orb.MultiPoint:
		if len(g) == 0 {
			errs = append(errs, errors.New("MultiPoint has no points"))
		}
		for _, p := range g {
			visit(p)
		}
	case orb.LineString:
		line("LineString", g)
	case orb.MultiLineString:
		if len(g) == 0 {
			errs = append(errs, errors.New("MultiLineString has no lines"))
		}
		for i, ls := range g {
			line(fmt.Sprintf("line %d", i), ls)
		}
	case orb.Polygon:
		polygon("", g)
	case orb.MultiPolygon:
		if len(g) == 0 {
			errs = append(errs, errors.New("MultiPolygon has no polygons"))
		}
		for i, pg := range g {
			polygon(fmt.Sprintf("polygon %d ", i), pg)
		}
	default:
		errs = append(errs, fmt.Errorf("geometry %s is not supported", g.GeoJSONType()))
	}
	if badPoint >= 0 {
		errs = append(errs, fmt.Errorf("coordinate %d [%g, %g] outside lon [-180, 180], lat [-85.05, 85.05]", badPoint, first[0], first[1]))
	}
	return errs
}

// MaxLat is the latitude limit of Web Mercator tiles.
const MaxLat = 85.0511287798

func validLonLat(p orb.Point) bool {
	// NaN fails every comparison, so it is rejected here too.
	return p[0] >= -180 && p[0] <= 180 && p[1] >= -MaxLat && p[1] <= MaxLat
}

// spanOf parses a start or end property; "" gives the open side.
func spanOf(p *propReader, key string) (geo.Span, bool) {
	s := p.str(key)
	if s == "" {
		return geo.All, false
	}
	sp, err := geo.ParseDate(s)
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", key, err))
		return geo.All, false
	}
	return sp, true
}
