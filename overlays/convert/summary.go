package convert

import (
	"fmt"
	"slices"
	"strings"
)

// Summary counts what a reader did not carry over whole: things skipped
// (tours, overlays, placemarks without geometry, …) and times finer than a
// day, which xiang keeps to the day.
type Summary struct {
	// Skipped counts what was skipped, by what it is ("gx:Tour",
	// "GroundOverlay", "Placemark without geometry", …).
	Skipped map[string]int
	// SubDay counts time values that had a time of day, kept to their day.
	SubDay int
}

// Skip counts one skipped thing.
func (s *Summary) Skip(what string) {
	if s.Skipped == nil {
		s.Skipped = map[string]int{}
	}
	s.Skipped[what]++
}

// Merge adds o's counts to s.
func (s *Summary) Merge(o Summary) {
	for k, n := range o.Skipped {
		if s.Skipped == nil {
			s.Skipped = map[string]int{}
		}
		s.Skipped[k] += n
	}
	s.SubDay += o.SubDay
}

// String describes the summary in one line, "" when nothing was skipped
// or rounded.
func (s Summary) String() string {
	var parts []string
	keys := make([]string, 0, len(s.Skipped))
	for k := range s.Skipped {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", s.Skipped[k], k))
	}
	var out []string
	if len(parts) > 0 {
		out = append(out, "skipped "+strings.Join(parts, ", "))
	}
	if s.SubDay > 0 {
		out = append(out, fmt.Sprintf("%d time(s) finer than a day kept to the day (xiang's model is days)", s.SubDay))
	}
	return strings.Join(out, "; ")
}
