package overlays

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
)

// MaxFileSize bounds the size of one layer file, so that a bad file cannot
// exhaust memory.
const MaxFileSize = 64 << 20

var layerID = regexp.MustCompile(`^[a-z0-9-]+$`)

// LoadDir loads every *.geojson file in dir as a campaign; problems name
// files by their path under dir.
func LoadDir(dir string) (*Campaign, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("campaign directory: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("campaign directory %s: not a directory", dir)
	}
	c, err := Load(os.DirFS(dir))
	var ve ValidationErrors
	if errors.As(err, &ve) {
		for _, e := range ve {
			e.File = filepath.Join(dir, e.File)
		}
	}
	return c, err
}

// Load loads every *.geojson file at the root of fsys as one layer of a
// campaign, validates all of them, and returns either the campaign or a
// ValidationErrors listing every problem found.
func Load(fsys fs.FS) (*Campaign, error) {
	names, err := fs.Glob(fsys, "*.geojson")
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .geojson layer files found")
	}
	slices.Sort(names)
	var problems ValidationErrors
	c := &Campaign{byID: map[string]*Layer{}}
	for _, name := range names {
		l, errs := loadLayer(fsys, name)
		problems = append(problems, errs...)
		if l != nil {
			l.Index = len(c.Layers)
			c.Layers = append(c.Layers, l)
			c.byID[l.ID] = l
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	c.finish()
	return c, nil
}

// loadLayer reads one file; it returns the layer only when it has no problem.
func loadLayer(fsys fs.FS, name string) (*Layer, ValidationErrors) {
	fileErr := func(err error) ValidationErrors {
		return ValidationErrors{{File: name, Feature: -1, Err: err}}
	}
	id := strings.TrimSuffix(path.Base(name), ".geojson")
	if !layerID.MatchString(id) {
		return nil, fileErr(fmt.Errorf("layer id %q (the file name) must match [a-z0-9-]+", id))
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fileErr(err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fileErr(err)
	}
	if len(data) > MaxFileSize {
		return nil, fileErr(fmt.Errorf("file larger than %d MiB", MaxFileSize>>20))
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		ve := fileErr(jsonError(err))[0]
		ve.Line, ve.Column = jsonPosition(data, err)
		return nil, ValidationErrors{ve}
	}
	l := &Layer{ID: id, File: name}
	var problems ValidationErrors
	member := func(key string, dst any) {
		raw, ok := doc[key]
		if !ok || string(raw) == "null" {
			return
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			problems = append(problems, fileErr(fmt.Errorf("member %q: %w", key, jsonError(err)))...)
		}
	}
	var typ string
	member("type", &typ)
	if typ != "FeatureCollection" {
		return nil, append(problems, fileErr(fmt.Errorf(`type %q: want "FeatureCollection"`, typ))...)
	}
	member("title", &l.Title)
	member("description", &l.Description)
	member("attribution", &l.Attribution)
	member("sources", &l.Sources)
	for i, s := range l.Sources {
		if s.ID == "" {
			problems = append(problems, fileErr(fmt.Errorf("sources[%d]: missing id", i))...)
		}
	}
	var raws []json.RawMessage
	member("features", &raws)
	if _, ok := doc["features"]; !ok {
		problems = append(problems, fileErr(errors.New(`missing "features" array`))...)
	}
	for i, raw := range raws {
		ft, errs := decodeFeature(raw)
		for _, err := range errs {
			problems = append(problems, &ValidationError{File: name, Feature: i, Name: ft.Name, Err: err})
		}
		if len(errs) == 0 {
			ft.Layer, ft.Index = l, i
			l.Features = append(l.Features, ft)
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return l, nil
}

// jsonError rewords encoding/json's errors without the "json: " prefix.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		where := te.Field
		if where == "" {
			where = "value"
		}
		return fmt.Errorf("%s: got JSON %s, want %s", where, te.Value, jsonType(te.Type.Kind().String()))
	}
	return fmt.Errorf("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "float64", "int", "int64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return goKind
}

// jsonPosition returns the 1-based line and column of a syntax or type error.
func jsonPosition(data []byte, err error) (line, col int) {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0, 0
	}
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}

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

func kindList() string {
	ks := Kinds()
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
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
