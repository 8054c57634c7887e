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

// Order is the order of day, month and year in slashed dates.
type Order string

// The orders Options.Dates may name; OrderAuto infers it from the column.
const (
	OrderAuto Order = ""
	OrderMDY  Order = "mdy"
	OrderDMY  Order = "dmy"
	OrderYMD  Order = "ymd"
)

// ParseOrder parses a -dates flag value: mdy, dmy, ymd, or "" for auto.
func ParseOrder(s string) (Order, error) {
	switch o := Order(s); o {
	case OrderAuto, OrderMDY, OrderDMY, OrderYMD:
		return o, nil
	}
	return "", fmt.Errorf("date order %q: want mdy, dmy or ymd", s)
}

// orderConflict marks a column whose values decide both orders.
const orderConflict Order = "conflict"

// Options configures Read. The zero value infers everything.
type Options struct {
	// Dates is the order of slashed dates; OrderAuto infers it from each
	// date column (and the file's other date columns), and reports a
	// column none of whose values decides it.
	Dates Order
}

// ErrAmbiguousDates is wrapped by the problem reported for a date column
// whose day/month order no value decides.
var ErrAmbiguousDates = errors.New("ambiguous day/month order")

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

// readDates rewrites every date cell as xiang writes dates, deciding the
// order of slashed dates per column, and reports what cannot be read.
func (t *reader) readDates(rows []row, seen map[string]string, order Order) {
	dateCols := []string{"start", "end", "time"}
	orders := map[string]Order{}
	for _, col := range dateCols {
		orders[col] = order
		if order != OrderAuto {
			continue
		}
		var dmy, mdy string
		for _, r := range rows {
			a, b, _, ok := slashed(r.cells[col])
			switch {
			case !ok:
			case a > 12 && b <= 12 && dmy == "":
				dmy = r.cells[col]
			case b > 12 && a <= 12 && mdy == "":
				mdy = r.cells[col]
			}
		}
		switch {
		case dmy != "" && mdy != "":
			t.probs.Addf(t.file, 1, "column %q: %s is day first but %s is month first: say which with -dates", seen[col], dmy, mdy)
			orders[col] = orderConflict
		case dmy != "":
			orders[col] = OrderDMY
		case mdy != "":
			orders[col] = OrderMDY
		}
	}
	// A column none of whose values decides follows the file's other
	// date columns: one program wrote them all.
	decided := OrderAuto
	for _, col := range dateCols {
		if o := orders[col]; o != OrderAuto && o != orderConflict && decided == OrderAuto {
			decided = o
		}
	}
	for _, col := range dateCols {
		if orders[col] == OrderAuto {
			orders[col] = decided
		}
		reported := false
		for _, r := range rows {
			v := r.cells[col]
			if v == "" {
				continue
			}
			if _, _, _, ok := slashed(v); ok && orders[col] == orderConflict {
				r.cells[col] = "" // the column is reported as a whole
				continue
			}
			d, err := t.date(v, orders[col])
			if errors.Is(err, ErrAmbiguousDates) {
				if !reported {
					t.probs.Add(t.file, 1, fmt.Errorf("column %q: %w: no value such as 17/08 or 08/17 decides whether %s is day or month first; say which with -dates mdy or -dates dmy",
						seen[col], ErrAmbiguousDates, v))
					reported = true
				}
				r.cells[col] = "" // reported once for the column, not again by validation
				continue
			}
			if err != nil {
				t.probs.Addf(t.file, r.line, "column %q: %v", seen[col], err)
				r.cells[col] = ""
				continue
			}
			r.cells[col] = d
		}
	}
}

// slashed splits a date written a/b/yyyy (or with dots or dashes, and an
// optional time after a space) into its numbers.
func slashed(s string) (a, b int, rest string, ok bool) {
	d, _, _ := strings.Cut(s, " ")
	d, _, _ = strings.Cut(d, "T")
	var sep string
	for _, c := range []string{"/", ".", "-"} {
		if strings.Count(d, c) == 2 {
			sep = c
		}
	}
	if sep == "" {
		return 0, 0, "", false
	}
	parts := strings.Split(d, sep)
	if len(parts[2]) != 4 || len(parts[0]) > 2 || len(parts[1]) > 2 {
		return 0, 0, "", false
	}
	a, err1 := strconv.Atoi(parts[0])
	b, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || a < 0 || b < 0 {
		return 0, 0, "", false
	}
	return a, b, parts[2], true
}

// date reads one date cell in the given order.
func (t *reader) date(v string, order Order) (string, error) {
	sub := false
	iso := v
	if a, b, year, ok := slashed(v); ok {
		_, clock, hasTime := strings.Cut(v, " ")
		if clock != "" && strings.Trim(clock, "0:") != "" {
			sub = hasTime
		}
		switch order {
		case OrderAuto:
			if a != b {
				return "", ErrAmbiguousDates
			}
		case OrderDMY:
			a, b = b, a
		case OrderYMD:
			return "", fmt.Errorf("date %q: year last, but -dates ymd says year first", v)
		}
		iso = fmt.Sprintf("%s-%02d-%02d", year, a, b)
	} else {
		// Year first: ISO 8601, or with slashes (1944/06/18).
		// Year-first dates are unambiguous whatever -dates says.
		iso = strings.ReplaceAll(v, "/", "-")
		d, s, err := convert.ParseTime(iso)
		if err != nil {
			return "", err
		}
		if s {
			t.sum.SubDay++
		}
		return d, nil
	}
	d, _, err := convert.ParseTime(iso)
	if err != nil {
		return "", fmt.Errorf("date %q: %w", v, unwrapDate(err))
	}
	if sub {
		t.sum.SubDay++
	}
	return d, nil
}

// unwrapDate drops ParseTime's quoting of the rewritten value, keeping
// its reason.
func unwrapDate(err error) error {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return fmt.Errorf("%w: %s", errDate, msg[i+2:])
	}
	return err
}

var errDate = errors.New("invalid date")

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
		for _, r := range g {
			t.point(l, r)
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
