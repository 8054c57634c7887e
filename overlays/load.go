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
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
)

// MaxFileSize bounds the size of one layer file, so that a bad file cannot
// exhaust memory.
const MaxFileSize = 64 << 20

// MaxProblems bounds how many problems Load keeps and reports; it counts
// the rest (ValidationErrors.More) without keeping them, so that a small
// file with millions of bad features costs little memory and output.
const MaxProblems = 100

// MaxFeatures and MaxVertices bound a campaign's data: a campaign map has
// hundreds or thousands of features, and data far beyond these bounds would
// make tiles take minutes to plan, so Load refuses it. Load stops checking
// a campaign at its MaxFeatures+1st feature.
const (
	MaxFeatures = 100_000
	MaxVertices = 2_000_000
)

// ErrTooLarge is wrapped by the problem reported when a campaign exceeds
// MaxFeatures or MaxVertices.
var ErrTooLarge = errors.New("more data than a campaign map needs")

// bom is the UTF-8 byte order mark, which RFC 7946 lets readers ignore.
var bom = []byte("\xef\xbb\xbf")

var layerID = regexp.MustCompile(`^[a-z0-9-]+$`)

// LoadDir loads every *.geojson file in dir as a campaign; problems name
// files by their path under dir. It reads only regular files: a FIFO,
// device or socket named *.geojson is a problem, not something to block on.
func LoadDir(dir string) (*Campaign, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("campaign directory: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("campaign directory %s: not a directory", QuoteName(dir))
	}
	c, err := Load(os.DirFS(dir))
	var ve *ValidationErrors
	if errors.As(err, &ve) {
		for _, e := range ve.Problems {
			e.File = filepath.Join(dir, e.File)
		}
	}
	return c, err
}

// Load loads every *.geojson file at the root of fsys as one layer of a
// campaign, validates all of them, and returns either the campaign or a
// *ValidationErrors holding the first MaxProblems problems found and the
// count of the rest. Files are decoded a feature at a time, so memory stays
// near the size of the data.
func Load(fsys fs.FS) (*Campaign, error) {
	names, err := fs.Glob(fsys, "*.geojson")
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .geojson layer files found")
	}
	slices.Sort(names)
	problems := &ValidationErrors{}
	c := &Campaign{byID: map[string]*Layer{}}
	features, vertices := 0, 0
	for _, name := range names {
		l := loadLayer(fsys, name, problems, &features)
		if l == nil {
			continue
		}
		l.Index = len(c.Layers)
		c.Layers = append(c.Layers, l)
		c.byID[l.ID] = l
		for _, f := range l.Features {
			vertices += geo.Vertices(f.Geometry)
		}
	}
	if problems.Len() == 0 && vertices > MaxVertices {
		problems.add(&ValidationError{Feature: -1, Err: fmt.Errorf(
			"%w: %d vertices, the limit is %d", ErrTooLarge, vertices, MaxVertices)})
	}
	if problems.Len() > 0 {
		return nil, problems
	}
	c.finish()
	return c, nil
}

// loadLayer reads one file, adding its problems to problems and its
// features to *features, the count of the campaign's; it returns the layer
// only when the file has no problem.
func loadLayer(fsys fs.FS, name string, problems *ValidationErrors, features *int) *Layer {
	before := problems.Len()
	fileErr := func(err error) { problems.add(&ValidationError{File: name, Feature: -1, Err: err}) }
	id := strings.TrimSuffix(path.Base(name), ".geojson")
	if !layerID.MatchString(id) {
		fileErr(fmt.Errorf("layer id %q (the file name) must match [a-z0-9-]+", id))
		return nil
	}
	data, err := readRegular(fsys, name)
	if err != nil {
		fileErr(err)
		return nil
	}
	data = bytes.TrimPrefix(data, bom)
	l := &Layer{ID: id, File: name}
	if err := decodeLayer(data, l, problems, features); err != nil && !errors.Is(err, errStop) {
		ve := &ValidationError{File: name, Feature: -1, Err: jsonError(err)}
		ve.Line, ve.Column = jsonPosition(data, err)
		problems.add(ve)
	}
	if problems.Len() > before {
		return nil
	}
	return l
}

// readRegular reads a regular file of at most MaxFileSize bytes.
func readRegular(fsys fs.FS, name string) ([]byte, error) {
	// Stat before opening: opening a FIFO for reading blocks until a
	// writer appears.
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", MaxFileSize>>20)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", MaxFileSize>>20)
	}
	return data, nil
}

// decodeLayer decodes a FeatureCollection member by member and its features
// one at a time, filling l and adding problems with the file and its
// features; it returns the JSON error that stopped it, if any, or errStop.
func decodeLayer(data []byte, l *Layer, problems *ValidationErrors, count *int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	fileErr := func(err error) { problems.add(&ValidationError{File: l.File, Feature: -1, Err: err}) }
	tok, err := dec.Token()
	if err != nil {
		return syntaxError(data, err)
	}
	if tok != json.Delim('{') {
		if err := syntaxError(data, nil); err != nil {
			return err
		}
		fileErr(fmt.Errorf("value: got JSON %s, want an object", jsonKind(tok)))
		return nil
	}
	// Problems with the members are kept apart from those of the features:
	// a file that is not a FeatureCollection reports only the former, and
	// its type may come after its features.
	var members, features ValidationErrors
	memberErr := func(err error) { members.add(&ValidationError{File: l.File, Feature: -1, Err: err}) }
	var typ string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntaxError(data, err)
		}
		key, _ := tok.(string)
		if seen[key] {
			memberErr(fmt.Errorf("member %q appears twice", key))
		}
		seen[key] = true
		if key == "features" && nextByte(data, dec.InputOffset()) == '[' {
			if err := decodeFeatures(dec, data, l, &features, count); err != nil {
				problems.merge(&features)
				return err
			}
			continue
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(data, err)
		}
		member := func(dst any) {
			if string(raw) == "null" {
				return
			}
			if err := json.Unmarshal(raw, dst); err != nil {
				memberErr(fmt.Errorf("member %q: %w", key, jsonError(err)))
			}
		}
		switch key {
		case "type":
			member(&typ)
		case "title":
			member(&l.Title)
		case "description":
			member(&l.Description)
		case "attribution":
			member(&l.Attribution)
		case "sources":
			member(&l.Sources)
		case "features":
			member(new([]json.RawMessage)) // not an array: say what it is
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return syntaxError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return syntaxError(data, err)
	}
	if typ != "FeatureCollection" {
		problems.merge(&members)
		fileErr(fmt.Errorf(`type %q: want "FeatureCollection"`, typ))
		return nil
	}
	for i, s := range l.Sources {
		if s.ID == "" {
			memberErr(fmt.Errorf("sources[%d]: missing id", i))
		}
	}
	if !seen["features"] {
		memberErr(errors.New(`missing "features" array`))
	}
	problems.merge(&members)
	problems.merge(&features)
	if problems.Len() > 0 {
		l.Features = nil
	}
	return nil
}

// decodeFeatures decodes the array of "features" one feature at a time,
// adding each feature's problems to problems and counting them in *count.
// It keeps the features in l only while there is no problem: a file with
// one will be rejected. Past MaxFeatures in the campaign it reports the
// campaign too large and returns errStop: the rest is not checked.
func decodeFeatures(dec *json.Decoder, data []byte, l *Layer, problems *ValidationErrors, count *int) error {
	if _, err := dec.Token(); err != nil { // the opening bracket
		return syntaxError(data, err)
	}
	for i := 0; dec.More(); i++ {
		if *count >= MaxFeatures {
			problems.add(&ValidationError{File: l.File, Feature: i, Err: fmt.Errorf(
				"%w: more than %d features in the campaign; the rest is not checked", ErrTooLarge, MaxFeatures)})
			l.Features = nil
			return errStop
		}
		*count++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return syntaxError(data, err)
		}
		ft, errs := decodeFeature(raw)
		for _, err := range errs {
			problems.add(&ValidationError{File: l.File, Feature: i, Name: ft.Name, Err: err})
		}
		if problems.Len() == 0 {
			ft.Layer, ft.Index = l, i
			l.Features = append(l.Features, ft)
		} else {
			l.Features = nil
		}
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return syntaxError(data, err)
	}
	return nil
}

// errStop stops the decoding of a campaign that is too large.
var errStop = errors.New("stop")

// nextByte returns the first byte of the value after offset off (past
// white space and a colon), or 0 at the end.
func nextByte(data []byte, off int64) byte {
	for _, c := range data[min(max(off, 0), int64(len(data))):] {
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			continue
		}
		return c
	}
	return 0
}

// syntaxError returns the syntax error of data as a whole, positioned from
// its start; the decoder's own errors are relative to the value it was
// reading. It returns err when data is well-formed JSON.
func syntaxError(data []byte, err error) error {
	var raw json.RawMessage
	if serr := json.Unmarshal(data, &raw); serr != nil {
		return serr
	}
	return err
}

// jsonKind names the JSON type of a decoder token.
func jsonKind(tok json.Token) string {
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '[' {
			return "array"
		}
		return "object"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
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
