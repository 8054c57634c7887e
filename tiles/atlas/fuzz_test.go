package atlas

import (
	"errors"
	"net/url"
	"testing"

	"github.com/xiang-maps/xiang/tiles/sheet"
)

// FuzzParseDays checks that a list of dates parses or fails, never panics,
// and that a parsed list is in order, bounded, and survives a round trip.
func FuzzParseDays(f *testing.F) {
	for _, s := range []string{"1944-06-18", "1944-06-18,1944-07-15,1944-08-08", "1944-07-15,1944-06-18", "1944-06", ",", "1944-02-30", " 1944-06-18 , 1944-06-19"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		days, err := ParseDays(s)
		if err != nil {
			if !errors.Is(err, ErrDates) && !errors.Is(err, ErrTooMany) {
				t.Fatalf("%q: error %v wraps neither ErrDates nor ErrTooMany", s, err)
			}
			return
		}
		if len(days) == 0 || len(days) > MaxSheets {
			t.Fatalf("%q: %d days", s, len(days))
		}
		again, err := ParseDays(formatDays(days))
		if err != nil || len(again) != len(days) {
			t.Fatalf("%q: round trip %v, %v", s, again, err)
		}
		for i := range days {
			if again[i] != days[i] || i > 0 && days[i] <= days[i-1] {
				t.Fatalf("%q: days %v, again %v", s, days, again)
			}
		}
	})
}

// FuzzParseRequest checks that a query parses into a request that passes
// Check and whose canonical form parses to the same, or fails with a
// *sheet.RequestError.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"dates=1944-06-18,1944-07-15&paper=a4", "phases=4&dpi=72", "phases=16&paper=A3&dpi=300", "dates=1944-06-18&bbox=112,26,113,27&title=x", "phases=2&orientation=portrait"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		req, err := ParseRequest(q)
		if err != nil {
			var re *sheet.RequestError
			if !errors.As(err, &re) || re.Param == "" {
				t.Fatalf("%q: error %v is not a RequestError naming its parameter", s, err)
			}
			return
		}
		if err := req.Check(); err != nil {
			t.Fatalf("%q: parsed but Check says %v", s, err)
		}
		q2, _ := url.ParseQuery(req.String())
		again, err := ParseRequest(q2)
		if err != nil || again.String() != req.String() {
			t.Fatalf("%q: canonical %q parses to %q, %v", s, req.String(), again.String(), err)
		}
	})
}
