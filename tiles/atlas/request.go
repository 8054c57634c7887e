package atlas

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/tiles/sheet"
	"github.com/xiang-maps/xiang/tiles/view"
)

// Limits and defaults of an atlas.
const (
	// MaxSheets bounds the sheets of one atlas; with the cover and the
	// sources an atlas has at most MaxSheets+2 pages, or a few more when
	// its sources run over one page.
	MaxSheets = 16
	// MaxPixels bounds the pixels of all the sheets together at their
	// resolution: 16 A4 sheets at 300 dpi, or 16 A3 sheets at 200 dpi.
	MaxPixels = 140_000_000
	// DefaultDPI is lower than a single print's: an atlas is many pages.
	DefaultDPI = 150
)

// The conditions of a bad atlas request besides those of a sheet, each
// wrapped in a *sheet.RequestError naming the parameter.
var (
	// ErrDates is a malformed, repeated or missing list of dates.
	ErrDates = errors.New("invalid dates")
	// ErrPhases is a bad count of phases, or phases of layers with no
	// events.
	ErrPhases = errors.New("invalid phases")
	// ErrTooMany is an atlas over MaxSheets or MaxPixels. It matches
	// sheet.ErrTooLarge with errors.Is, so a server answers it as it does
	// a print over the pixel cap (413).
	ErrTooMany error = tooLarge{}
)

// tooLarge is ErrTooMany: an error of its own that is also a
// sheet.ErrTooLarge.
type tooLarge struct{}

func (tooLarge) Error() string { return "atlas too large" }

// Is reports whether target is sheet.ErrTooLarge.
func (tooLarge) Is(target error) bool { return target == sheet.ErrTooLarge }

// Request is what an atlas shows: its dates (Days) or a number of phases
// of the campaign's events, the area, the paper and the resolution. The
// layers are chosen apart, as an overlays.Selection.
type Request struct {
	// Days are the sheets' dates, in ascending order. When empty, Phases
	// sheets are derived from the events (see Phases).
	Days   []geo.Day
	Phases int
	// BBox is the lon/lat box every sheet shows; the zero Bound fits each
	// sheet to what is dated and on the map on its own date (the features
	// with a side and dates, not those that stand all campaign long).
	BBox        orb.Bound
	Paper       sheet.Paper
	Orientation sheet.Orientation
	// DPI is the resolution, sheet.MinDPI to sheet.MaxDPI; 0 means
	// DefaultDPI.
	DPI int
	// Title is the cover's title; empty means the titles of the layers.
	Title string
}

// Normalize returns the request with its defaults set: A4, landscape,
// DefaultDPI, and the paper and orientation in their canonical case.
func (r Request) Normalize() Request {
	if r.DPI == 0 {
		r.DPI = DefaultDPI
	}
	s := r.sheet(geo.NoDay).Normalize()
	r.Paper, r.Orientation = s.Paper, s.Orientation
	return r
}

// sheet is the print request of one sheet of the atlas.
func (r Request) sheet(d geo.Day) sheet.Request {
	return sheet.Request{Day: d, BBox: r.BBox, Paper: r.Paper, Orientation: r.Orientation, DPI: r.DPI, Format: sheet.PDF}
}

// Check reports the first bad field of the normalized request as a
// *sheet.RequestError: no dates and no phases, or both; dates out of
// order or repeated; more than MaxSheets sheets or MaxPixels pixels; or
// a bad paper, orientation, resolution, box or title.
func (r Request) Check() error {
	r = r.Normalize()
	switch {
	case len(r.Days) > 0 && r.Phases != 0:
		return bad("phases", strconv.Itoa(r.Phases), fmt.Errorf("%w: give dates or phases, not both", ErrPhases))
	case len(r.Days) == 0 && r.Phases == 0:
		return bad("dates", "", fmt.Errorf("%w: want dates=YYYY-MM-DD,… or phases=N", ErrDates))
	case r.Phases < 0:
		return bad("phases", strconv.Itoa(r.Phases), fmt.Errorf("%w: want 1 to %d", ErrPhases, MaxSheets))
	}
	n := max(len(r.Days), r.Phases)
	if n > MaxSheets {
		p, v := "dates", formatDays(r.Days)
		if r.Phases > 0 {
			p, v = "phases", strconv.Itoa(r.Phases)
		}
		return bad(p, v, fmt.Errorf("%w: %d sheets, at most %d", ErrTooMany, n, MaxSheets))
	}
	for i := 1; i < len(r.Days); i++ {
		if r.Days[i] <= r.Days[i-1] {
			return bad("dates", formatDays(r.Days), fmt.Errorf("%w: %s after %s; want each date once, in order", ErrDates, r.Days[i], r.Days[i-1]))
		}
	}
	sr := r.sheet(geo.NoDay)
	sr.Title = r.Title // checked as a sheet's title is
	if err := sr.Check(); err != nil {
		return err
	}
	w, h := r.sheet(geo.NoDay).Pixels()
	if px := n * w * h; px > MaxPixels {
		most := int(math.Floor(float64(r.DPI) * math.Sqrt(float64(MaxPixels)/float64(px))))
		return bad("dpi", strconv.Itoa(r.DPI), fmt.Errorf("%w: %d sheets of %s at %d dpi are %d Mpx, more than the %d Mpx limit; use %d dpi or fewer sheets",
			ErrTooMany, n, r.Paper, r.DPI, px/1_000_000, MaxPixels/1_000_000, most))
	}
	return nil
}

// String returns the normalized request in the query form ParseRequest
// reads, keys sorted: a canonical key for caches and ETags.
func (r Request) String() string {
	r = r.Normalize()
	q := url.Values{}
	if len(r.Days) > 0 {
		q.Set("dates", formatDays(r.Days))
	} else {
		q.Set("phases", strconv.Itoa(r.Phases))
	}
	if r.BBox == (orb.Bound{}) {
		q.Set("bbox", "auto")
	} else {
		q.Set("bbox", view.FormatBound(r.BBox))
	}
	q.Set("paper", string(r.Paper))
	q.Set("orientation", string(r.Orientation))
	q.Set("dpi", strconv.Itoa(r.DPI))
	if r.Title != "" {
		q.Set("title", r.Title)
	}
	return q.Encode()
}

// ParseDays reads a comma list of YYYY-MM-DD dates, in ascending order,
// each once. Errors wrap ErrDates, or ErrTooMany past MaxSheets.
func ParseDays(s string) ([]geo.Day, error) {
	parts := strings.Split(s, ",")
	if len(parts) > MaxSheets {
		return nil, fmt.Errorf("%w: %d dates, at most %d", ErrTooMany, len(parts), MaxSheets)
	}
	days := make([]geo.Day, 0, len(parts))
	for i, p := range parts {
		d, err := geo.ParseDay(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("%w: date %d %q: want YYYY-MM-DD (%w)", ErrDates, i+1, p, err)
		}
		if i > 0 && d <= days[i-1] {
			return nil, fmt.Errorf("%w: %s after %s; want each date once, in order", ErrDates, d, days[i-1])
		}
		days = append(days, d)
	}
	return days, nil
}

// ParseRequest reads an atlas request from URL query parameters: dates
// (YYYY-MM-DD,…) or phases (1 to MaxSheets), and bbox, paper, orientation,
// dpi and title as a print reads them. The first bad parameter is
// returned as a *sheet.RequestError.
func ParseRequest(q url.Values) (Request, error) {
	var req Request
	if s := q.Get("dates"); s != "" {
		days, err := ParseDays(s)
		if err != nil {
			return req, bad("dates", s, err)
		}
		req.Days = days
	}
	if s := q.Get("phases"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxSheets {
			if err == nil && n > MaxSheets {
				return req, bad("phases", s, fmt.Errorf("%w: %d sheets, at most %d", ErrTooMany, n, MaxSheets))
			}
			return req, bad("phases", s, fmt.Errorf("%w: want a whole number from 1 to %d", ErrPhases, MaxSheets))
		}
		req.Phases = n
	}
	// The sheet's parser reads and checks the rest; the date it would read
	// is not an atlas parameter.
	rest := url.Values{}
	for _, k := range []string{"bbox", "paper", "orientation", "dpi", "title"} {
		if v, ok := q[k]; ok {
			rest[k] = v
		}
	}
	if _, ok := rest["dpi"]; !ok {
		rest.Set("dpi", strconv.Itoa(DefaultDPI))
	}
	sr, err := sheet.ParseRequest(rest)
	if err != nil {
		return req, err
	}
	req.BBox, req.Paper, req.Orientation, req.DPI, req.Title = sr.BBox, sr.Paper, sr.Orientation, sr.DPI, sr.Title
	if err := req.Check(); err != nil {
		return req, err
	}
	return req.Normalize(), nil
}

func bad(param, value string, err error) error {
	return &sheet.RequestError{Param: param, Value: value, Err: err}
}

func formatDays(days []geo.Day) string {
	s := make([]string, len(days))
	for i, d := range days {
		s[i] = d.String()
	}
	return strings.Join(s, ",")
}
