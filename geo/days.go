package geo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrDays is wrapped by every error of ParseDays.
var ErrDays = errors.New("bad list of days")

// ParseDays parses a list of calendar days, as the -dates flag of
// `xiang seed` takes it: an ISO 8601 interval with a period,
// START/END/PERIOD (1944-07-10/1944-07-16/P1D; PERIOD as ParseStep reads
// it), an interval START/END (every day), or a comma list of days
// (1944-07-10,1944-07-15). The days come back sorted, each once; more than
// max of them is an error wrapping ErrTooManyFrames. Other errors wrap
// ErrDays and quote the input.
func ParseDays(s string, max int) ([]Day, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("dates %q: %w: %s", s, ErrDays, fmt.Sprintf(format, args...))
	}
	if s == "" {
		return nil, bad("empty; want START/END/PERIOD (1944-07-10/1944-07-16/P1D) or D1,D2,…")
	}
	if strings.Contains(s, "/") {
		parts := strings.Split(s, "/")
		if len(parts) > 3 {
			return nil, bad("want START/END/PERIOD")
		}
		from, err := ParseDay(parts[0])
		if err != nil {
			return nil, bad("start: %v", err)
		}
		to, err := ParseDay(parts[1])
		if err != nil {
			return nil, bad("end: %v", err)
		}
		step := Step{Days: 1}
		if len(parts) == 3 {
			if step, err = ParseStep(parts[2]); err != nil {
				return nil, bad("period: %v", err)
			}
		}
		if to < from {
			return nil, bad("end %s is before start %s", to, from)
		}
		days, err := step.Range(from, to, max)
		if err != nil {
			return nil, fmt.Errorf("dates %q: %w", s, err)
		}
		return days, nil
	}
	var days []Day
	for _, p := range strings.Split(s, ",") {
		d, err := ParseDay(p)
		if err != nil {
			return nil, bad("%v", err)
		}
		days = append(days, d)
	}
	slices.Sort(days)
	days = slices.Compact(days)
	if len(days) > max {
		return nil, fmt.Errorf("dates %q: %d days, more than %d: %w", s, len(days), max, ErrTooManyFrames)
	}
	return days, nil
}
