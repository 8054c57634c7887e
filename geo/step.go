package geo

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrTooManyFrames is wrapped by errors about a list of days longer than
// allowed: Step.Range over its max, an animation over its frame bounds.
var ErrTooManyFrames = errors.New("too many frames")

// Step is an ISO 8601 duration of whole days, weeks or months: P1D, P7D,
// P2W, P1M.
type Step struct {
	Days, Months int
}

// ParseStep parses an ISO 8601 duration of days (PnD), weeks (PnW) or
// months (PnM), n from 1 to 3660.
func ParseStep(s string) (Step, error) {
	bad := fmt.Errorf("step %q: want an ISO 8601 duration such as P1D, P7D, P2W or P1M", s)
	if len(s) < 3 || s[0] != 'P' {
		return Step{}, bad
	}
	n, err := strconv.Atoi(s[1 : len(s)-1])
	if err != nil || n < 1 || n > 3660 || strings.ContainsAny(s[1:len(s)-1], "+-") {
		return Step{}, bad
	}
	switch s[len(s)-1] {
	case 'D':
		return Step{Days: n}, nil
	case 'W':
		return Step{Days: 7 * n}, nil
	case 'M':
		return Step{Months: n}, nil
	}
	return Step{}, bad
}

// AutoStep returns the shortest of 1, 2, 3, 7 and 14 days and 1, 2, 3, 6
// and 12 months that covers from..to in at most max frames (12 months when
// none does).
func AutoStep(from, to Day, max int) Step {
	for _, s := range []Step{{Days: 1}, {Days: 2}, {Days: 3}, {Days: 7}, {Days: 14},
		{Months: 1}, {Months: 2}, {Months: 3}, {Months: 6}} {
		if _, err := s.Range(from, to, max); err == nil {
			return s
		}
	}
	return Step{Months: 12}
}

// String formats the step as ISO 8601.
func (s Step) String() string {
	if s.Months > 0 {
		return fmt.Sprintf("P%dM", s.Months)
	}
	return fmt.Sprintf("P%dD", s.Days)
}

// Range lists the days from from to to (inclusive) by step; it fails when
// the list would be longer than max.
func (s Step) Range(from, to Day, max int) ([]Day, error) {
	if to < from {
		return nil, fmt.Errorf("from %s is after to %s", from, to)
	}
	if s.Days <= 0 && s.Months <= 0 {
		return nil, fmt.Errorf("step %v: must be positive", s)
	}
	var days []Day
	for i := 0; ; i++ {
		d := from + Day(i*s.Days)
		if s.Months > 0 {
			t := from.Time()
			d = DayOf(t.AddDate(0, i*s.Months, 0))
		}
		if d > to {
			return days, nil
		}
		if len(days) == max {
			return nil, fmt.Errorf("%s to %s by %v: more than %d frames: %w", from, to, s, max, ErrTooManyFrames)
		}
		days = append(days, d)
	}
}
