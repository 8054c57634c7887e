package geo

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Day is a calendar day in the proleptic Gregorian calendar, counted from
// 1970-01-01 (day 0). Days before 1970 are negative. Day is comparable and
// cheap, so it serves as a map and cache key.
type Day int32

// The bounds of Day. A Span with an open side holds MinDay or MaxDay there.
const (
	MinDay Day = math.MinInt32 + 1
	MaxDay Day = math.MaxInt32
)

// NoDay is the absence of a date: asked for the state of a map at NoDay,
// xiang draws the summary map (every feature, every movement complete).
const NoDay Day = math.MinInt32

// ErrDate is wrapped by every error about a malformed or impossible date.
var ErrDate = errors.New("invalid date")

const secondsPerDay = 24 * 60 * 60

// DayOf returns the calendar day of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return Day(floorDiv(u, secondsPerDay))
}

// Date returns the day with the given year, month and day of month.
// Out-of-range values are normalized as by time.Date.
func Date(year int, month time.Month, day int) Day {
	return DayOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Time returns midnight UTC at the start of d.
func (d Day) Time() time.Time {
	return time.Unix(int64(d)*secondsPerDay, 0).UTC()
}

// String formats d as YYYY-MM-DD, or "none" for NoDay.
func (d Day) String() string {
	if d == NoDay {
		return "none"
	}
	return d.Time().Format(time.DateOnly)
}

// ParseDay parses a full calendar date, YYYY-MM-DD, as used in URLs and
// command-line flags. Impossible dates such as 1944-02-30 are errors
// wrapping ErrDate.
func ParseDay(s string) (Day, error) {
	if len(s) != len("2006-01-02") {
		return 0, fmt.Errorf("date %q: %w: want YYYY-MM-DD", s, ErrDate)
	}
	sp, err := ParseDate(s)
	if err != nil {
		return 0, err
	}
	return sp.From, nil
}

// Span is an inclusive range of days. An open side holds MinDay or MaxDay.
type Span struct{ From, To Day }

// All is the span that contains every day.
var All = Span{MinDay, MaxDay}

// ParseDate parses an ISO 8601 calendar date with optional reduced
// precision — YYYY, YYYY-MM or YYYY-MM-DD — as the span of days it names:
// "1944" is 1944-01-01..1944-12-31, "1944-06" is 1944-06-01..1944-06-30.
// Years run from 0001 to 9999. Errors wrap ErrDate and quote the input.
func ParseDate(s string) (Span, error) {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = time.DateOnly
	default:
		return Span{}, fmt.Errorf("date %q: %w: want YYYY, YYYY-MM or YYYY-MM-DD", s, ErrDate)
	}
	// time.Parse accepts a sign or spaces in a few places; dates here are digits and dashes only.
	for i, c := range s {
		if (i == 4 || i == 7) && c == '-' {
			continue
		}
		if c < '0' || c > '9' {
			return Span{}, fmt.Errorf("date %q: %w: want YYYY, YYYY-MM or YYYY-MM-DD", s, ErrDate)
		}
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:] // "day out of range", "month out of range"
		}
		return Span{}, fmt.Errorf("date %q: %w: %s", s, ErrDate, msg)
	}
	if t.Year() < 1 {
		return Span{}, fmt.Errorf("date %q: %w: year out of range", s, ErrDate)
	}
	from := DayOf(t)
	switch layout {
	case "2006":
		return Span{from, Date(t.Year()+1, 1, 0)}, nil
	case "2006-01":
		return Span{from, Date(t.Year(), t.Month()+1, 0)}, nil
	}
	return Span{from, from}, nil
}

// Contains reports whether d lies in s, both ends included.
func (s Span) Contains(d Day) bool { return s.From <= d && d <= s.To }

// Empty reports whether s holds no day (From after To).
func (s Span) Empty() bool { return s.From > s.To }

// Union returns the smallest span holding both s and o. An empty span is
// ignored.
func (s Span) Union(o Span) Span {
	switch {
	case s.Empty():
		return o
	case o.Empty():
		return s
	}
	return Span{min(s.From, o.From), max(s.To, o.To)}
}

// Days returns the number of days in s, or 0 when s is empty or open.
func (s Span) Days() int {
	if s.Empty() || s.From == MinDay || s.To == MaxDay {
		return 0
	}
	return int(s.To-s.From) + 1
}

// String formats s in the shortest form ParseDate reads back — YYYY,
// YYYY-MM or YYYY-MM-DD — or as an ISO 8601 interval "FROM/TO" (with ".."
// for an open side) when no such form names exactly s.
func (s Span) String() string {
	if s.From == s.To {
		return s.From.String()
	}
	if s.From != MinDay && s.To != MaxDay && !s.Empty() {
		f, t := s.From.Time(), s.To.Time()
		if f.Day() == 1 && s.To == Date(f.Year(), f.Month()+1, 0) {
			if f.Month() == 1 && t.Month() == 12 && f.Year() == t.Year() {
				return f.Format("2006")
			}
			return f.Format("2006-01")
		}
		if f.Day() == 1 && f.Month() == 1 && s.To == Date(f.Year()+1, 1, 0) {
			return f.Format("2006")
		}
	}
	side := func(d Day) string {
		if d == MinDay || d == MaxDay {
			return ".."
		}
		return d.String()
	}
	return side(s.From) + "/" + side(s.To)
}

// LongLayout is the layout of dates written out for readers: "18 June
// 1944".
const LongLayout = "2 January 2006"

// Long writes the day for readers, as "18 June 1944".
func (d Day) Long() string { return d.Time().Format(LongLayout) }
