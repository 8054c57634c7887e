package geo

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseDays(t *testing.T) {
	d := func(m, day int) Day { return Date(1944, 7, 0) + Day(day) + Day(m-7)*31 }
	good := map[string][]Day{
		"1944-07-10/1944-07-12/P1D": {d(7, 10), d(7, 11), d(7, 12)},
		"1944-07-10/1944-07-12":     {d(7, 10), d(7, 11), d(7, 12)},
		"1944-07-01/1944-07-20/P7D": {d(7, 1), d(7, 8), d(7, 15)},
		"1944-07-15,1944-07-10":     {d(7, 10), d(7, 15)},
		"1944-07-10,1944-07-10":     {d(7, 10)},
		"1944-07-10":                {d(7, 10)},
		"1944-07-10/1944-07-10/P1M": {d(7, 10)},
	}
	for in, want := range good {
		t.Run(in, func(t *testing.T) {
			got, err := ParseDays(in, 100)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("ParseDays(%q) = %v, %v; want %v", in, got, err, want)
			}
		})
	}
	bad := map[string]string{
		"":                            "empty",
		"1944-07-10/":                 "end",
		"/1944-07-10":                 "start",
		"1944-07-12/1944-07-10/P1D":   "before start",
		"1944-07-10/1944-07-12/P1Y":   "period",
		"1944-07-10/1944-07-12/P1D/x": "want START/END/PERIOD",
		"1944-07-10,,1944-07-11":      "want YYYY-MM-DD",
		"1944-07":                     "want YYYY-MM-DD",
		"1944-02-30":                  "day out of range",
	}
	for in, msg := range bad {
		t.Run("bad "+in, func(t *testing.T) {
			_, err := ParseDays(in, 100)
			if !errors.Is(err, ErrDays) || !strings.Contains(err.Error(), msg) {
				t.Errorf("ParseDays(%q): %v; want ErrDays saying %q", in, err, msg)
			}
		})
	}
	if _, err := ParseDays("1944-01-01/1945-01-01/P1D", 100); !errors.Is(err, ErrTooManyFrames) {
		t.Errorf("a year by day, max 100: %v; want ErrTooManyFrames", err)
	}
}

func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"1944-07-10/1944-07-16/P1D", "1944-07-10,1944-07-12", "1944-07-10/1944-08-10/P1M", "x/y/z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := ParseDays(s, 50)
		if err != nil {
			return
		}
		// A parsed list is sorted, unique, bounded, and reads back as a
		// comma list to itself.
		if len(days) == 0 || len(days) > 50 || !slices.IsSorted(days) || len(slices.Compact(slices.Clone(days))) != len(days) {
			t.Fatalf("%q: %v", s, days)
		}
		var parts []string
		for _, d := range days {
			parts = append(parts, d.String())
		}
		again, err := ParseDays(strings.Join(parts, ","), 50)
		if err != nil || !slices.Equal(again, days) {
			t.Fatalf("%q: %v; again %v, %v", s, days, again, err)
		}
	})
}
