package convert

import (
	"fmt"
	"strings"
	"time"

	"github.com/xiang-maps/xiang/geo"
)

// timeLayouts are the times of day ISO 8601 and KML's dateTime allow after
// the date's "T", with or without seconds, fraction and zone.
var timeLayouts = []string{
	"15:04:05.999999999Z07:00", "15:04:05.999999999", "15:04Z07:00", "15:04",
}

// ParseTime reads an ISO 8601 / XML Schema time value at any precision —
// "1944", "1944-06", "1944-06-18", "1944-06-18T06:30:00Z",
// "1944-06-18T06:30+08:00", "1944-06-18 06:30:00" — and returns the date
// as xiang writes it, at the precision given but no finer than a day
// ("1944", "1944-06", "1944-06-18"), and whether a time of day other than midnight was dropped.
// The day of a date-time is the calendar day written in it, in its own
// zone: "1944-06-18T23:30:00-08:00" is 18 June, where it happened. Errors
// wrap geo.ErrDate and quote the input.
func ParseTime(s string) (date string, subDay bool, err error) {
	s = strings.TrimSpace(s)
	d, rest, found := strings.Cut(s, "T")
	if !found && len(s) > 10 && s[10] == ' ' {
		d, rest, found = s[:10], s[11:], true
	}
	if _, err := geo.ParseDate(d); err != nil {
		if !found {
			return "", false, err // it quotes s
		}
		return "", false, fmt.Errorf("time %q: %w", s, err)
	}
	if !found {
		return d, false, nil
	}
	if len(d) != len("2006-01-02") {
		return "", false, fmt.Errorf("time %q: %w: a time of day needs a full date", s, geo.ErrDate)
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, rest); err == nil {
			// Midnight is the day itself, as xiang's own KML writes it.
			return d, t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0, nil
		}
	}
	return "", false, fmt.Errorf("time %q: %w: want hh:mm[:ss[.fff]] and an optional zone (Z, +hh:mm) after the T", s, geo.ErrDate)
}

// Day returns the first day of a date written by ParseTime.
func Day(date string) geo.Day {
	sp, err := geo.ParseDate(date)
	if err != nil {
		return geo.NoDay
	}
	return sp.From
}
