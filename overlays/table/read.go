package table

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/encoding/charmap"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

// Options configures Read. The zero value infers everything.
type Options struct {
	// Dates is the order of slashed dates; OrderAuto infers it from each
	// date column (and the file's other date columns), and reports a
	// column none of whose values decides it.
	Dates Order
}

// columns maps header names, lower-cased with spaces and hyphens as
// underscores, to the properties they fill.
var columns = map[string]string{
	"name": "name", "title": "name", "label": "name",
	"name_zh": "name_zh", "name_cn": "name_zh", "chinese_name": "name_zh",
	"lat": "lat", "latitude": "lat",
	"lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon",
	"date": "start", "start": "start", "start_date": "start", "startdate": "start", "begin": "start",
	"end": "end", "end_date": "end", "enddate": "end",
	"time": "time", "timestamp": "time", "when": "time", "datetime": "time",
	"kind": "kind", "side": "side", "unit": "unit",
	"description": "description", "desc": "description",
	"source": "source",
	"id":     "id", "track": "id", "track_id": "id", "group": "id", "movement": "id", "movement_id": "id",
}

// row is one data row: its cells by property, and its line.
type row struct {
	cells map[string]string
	line  int
}

// Read reads a CSV file into a layer whose id comes from file's name.
// Problems are returned all at once as a *convert.Problems, each at the
// line of its row, with the layer of the rows that could be read (nil
// when the file could not be read at all), so that they can be validated
// and their problems reported too.
func Read(file string, data []byte, opts Options) (*convert.Layer, convert.Summary, error) {
	var sum convert.Summary
	probs := &convert.Problems{}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		if dec, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
			data = dec
		}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = separator(data)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		probs.Add(file, csvLine(err), csvError(err))
		return nil, sum, probs
	}
	keys := make([]string, len(header))
	seen := map[string]string{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		name = strings.NewReplacer(" ", "_", "-", "_").Replace(name)
		key, ok := columns[name]
		if !ok {
			key = name // kept as a property of its own
		}
		if key == "" {
			continue
		}
		if prev, dup := seen[key]; dup {
			probs.Addf(file, 1, "columns %q and %q both give %s", prev, h, key)
			continue
		}
		seen[key] = h
		keys[i] = key
	}
	for _, need := range []string{"lat", "lon"} {
		if _, ok := seen[need]; !ok {
			probs.Addf(file, 1, "no %s column (want a header such as lat/latitude and lon/lng/longitude)", need)
		}
	}
	if probs.Len() > 0 {
		return nil, sum, probs
	}
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			probs.Add(file, csvLine(err), csvError(err))
			return nil, sum, probs
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		r := row{cells: map[string]string{}, line: line}
		for i, v := range rec {
			if i < len(keys) && keys[i] != "" {
				r.cells[keys[i]] = strings.TrimSpace(v)
			}
		}
		rows = append(rows, r)
	}
	_, hasTime := seen["time"]
	t := &reader{file: file, probs: probs, sum: &sum, comma: cr.Comma, hasTime: hasTime}
	t.readDates(rows, seen, opts.Dates)
	l := &convert.Layer{ID: convert.LayerID(file), File: file, Title: path.Base(file)}
	t.features(l, rows)
	l.Cite(l.ID)
	slices.SortStableFunc(probs.List, func(a, b *convert.Problem) int { return a.Line - b.Line })
	return l, sum, probs.Err()
}

// separator is the comma, semicolon or tab the header line uses most.
func separator(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	best, n := ',', bytes.Count(first, []byte(","))
	for _, c := range []rune{';', '\t'} {
		if m := bytes.Count(first, []byte(string(c))); m > n {
			best, n = c, m
		}
	}
	return best
}

func csvLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("malformed CSV: %v", pe.Err)
	}
	return fmt.Errorf("malformed CSV: %v", err)
}

type reader struct {
	file  string
	probs *convert.Problems
	sum   *convert.Summary
	comma rune
	// hasTime: the file has a time column, which alone gives the times
	// of a movement's rows; else their start dates do.
	hasTime bool
}

// features turns rows into features: the rows of one id into a movement,
// every other row into a point.
func (t *reader) features(l *convert.Layer, rows []row) {
	groups := map[string][]row{}
	var order []string
	for _, r := range rows {
		id := r.cells["id"]
		if id == "" {
			order = append(order, "\x00"+strconv.Itoa(len(order)))
			groups[order[len(order)-1]] = []row{r}
			continue
		}
		if _, ok := groups[id]; !ok {
			order = append(order, id)
		}
		groups[id] = append(groups[id], r)
	}
	for _, id := range order {
		g := groups[id]
		kind := g[0].cells["kind"]
		if len(g) >= 2 && (kind == "" || kind == string(overlays.KindMovement)) {
			t.movement(l, id, g)
			continue
		}
		if len(g) >= 2 && kind == string(overlays.KindUnit) {
			unitPositions(g)
		}
		for _, r := range g {
			t.point(l, r)
		}
	}
}

// unitPositions dates the rows of one unit's positions: each row without
// an end lasts until the day before the next row's date, so the unit
// stands in one place a day. The last row keeps its end, or none.
func unitPositions(g []row) {
	slices.SortStableFunc(g, func(a, b row) int {
		return int(convert.Day(a.cells["start"])) - int(convert.Day(b.cells["start"]))
	})
	for i := 0; i+1 < len(g); i++ {
		start, next := g[i].cells["start"], g[i+1].cells["start"]
		if start == "" || next == "" || g[i].cells["end"] != "" {
			continue
		}
		if d := convert.Day(next) - 1; d >= convert.Day(start) {
			g[i].cells["end"] = d.String()
		} else {
			g[i].cells["end"] = start
		}
	}
}

// props copies a row's cells into properties, less coordinates, ids and
// times.
func props(r row) geojson.Properties {
	p := geojson.Properties{}
	for k, v := range r.cells {
		switch k {
		case "lat", "lon", "id", "time", "":
			continue
		}
		if v != "" {
			p[k] = convert.Typed(k, v)
		}
	}
	return p
}

func (t *reader) coords(r row) (orb.Point, bool) {
	lat, lon := r.cells["lat"], r.cells["lon"]
	if lat == "" && lon == "" {
		t.probs.Addf(t.file, r.line, "no coordinates (lat and lon are empty)")
		return orb.Point{}, false
	}
	if t.comma == ';' { // decimal commas go with semicolon separators
		lat, lon = strings.Replace(lat, ",", ".", 1), strings.Replace(lon, ",", ".", 1)
	}
	y, err1 := strconv.ParseFloat(lat, 64)
	x, err2 := strconv.ParseFloat(lon, 64)
	if err1 != nil || err2 != nil {
		t.probs.Addf(t.file, r.line, "coordinates lat %q, lon %q: want decimal degrees", r.cells["lat"], r.cells["lon"])
		return orb.Point{}, false
	}
	return orb.Point{x, y}, true
}

func (t *reader) point(l *convert.Layer, r row) {
	p, ok := t.coords(r)
	if !ok {
		return
	}
	pr := props(r)
	if pr["end"] == nil && pr["start"] != nil && pr["kind"] == nil {
		pr["end"] = pr["start"] // a dated row without an end is that day
	}
	if pr["kind"] == nil {
		pr["kind"] = string(overlays.KindPlace)
		if pr["start"] != nil {
			pr["kind"] = string(overlays.KindEvent)
		}
	}
	if pr["kind"] == string(overlays.KindEvent) && pr["description"] == nil {
		if name, ok := pr["name"].(string); ok {
			pr["description"] = name
		} else {
			pr["description"] = "(no description)"
		}
	}
	l.Add(p, pr, r.line)
}

// movement joins the rows of one id into a movement, in the order of
// their times (a stable sort: rows of one day keep their order).
func (t *reader) movement(l *convert.Layer, id string, g []row) {
	timeCol := "start"
	if t.hasTime {
		timeCol = "time"
	}
	timed := 0
	for _, r := range g {
		if r.cells[timeCol] != "" {
			timed++
		}
	}
	if timed > 0 && timed < len(g) {
		t.probs.Addf(t.file, g[0].line, "id %q: %d of its %d rows have a %s: want all or none", id, timed, len(g), timeCol)
		return
	}
	if timed > 0 {
		slices.SortStableFunc(g, func(a, b row) int {
			return int(convert.Day(a.cells[timeCol])) - int(convert.Day(b.cells[timeCol]))
		})
	}
	ls := make(orb.LineString, 0, len(g))
	var times []any
	for _, r := range g {
		p, ok := t.coords(r)
		if !ok {
			continue
		}
		ls = append(ls, p)
		if timed > 0 {
			times = append(times, r.cells[timeCol])
		}
	}
	if len(ls) != len(g) {
		return
	}
	pr := geojson.Properties{}
	for _, r := range g {
		for k, v := range props(r) {
			if pr[k] == nil {
				pr[k] = v
			}
		}
	}
	delete(pr, "start")
	delete(pr, "end")
	pr["kind"] = string(overlays.KindMovement)
	var start, end string
	for _, r := range g {
		if s := r.cells["start"]; s != "" && (start == "" || convert.Day(s) < convert.Day(start)) {
			start = s
		}
		if e := r.cells["end"]; e != "" && (end == "" || convert.Day(e) > convert.Day(end)) {
			end = e
		}
	}
	if times != nil {
		pr["coordTimes"] = times
		if start == "" || convert.Day(times[0].(string)) < convert.Day(start) {
			start = times[0].(string)
		}
	}
	if start != "" {
		pr["start"] = start
	}
	if end != "" {
		pr["end"] = end
	}
	l.Add(ls, pr, g[0].line)
}
