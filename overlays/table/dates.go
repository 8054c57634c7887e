package table

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// ErrAmbiguousDates is wrapped by the problem reported for a date column
// whose day/month order no value decides.
var ErrAmbiguousDates = errors.New("ambiguous day/month order")

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
		if err != nil && iso != v {
			return "", fmt.Errorf("date %q: %w: want YYYY-MM-DD, YYYY/MM/DD, or day and month before a four-digit year (08/17/1944)", v, errDate)
		}
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
