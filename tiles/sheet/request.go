package sheet

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/tiles/view"
)

// Limits of a request.
const (
	MinDPI     = 72
	MaxDPI     = 600
	DefaultDPI = 300
	// MaxPixels caps the pixels of a whole sheet at its resolution, for
	// PNG and PDF alike: A4 prints at up to 600 dpi, A3 and Tabloid at
	// up to 450.
	MaxPixels = 40_000_000
	// MaxText bounds a title or subtitle, in bytes.
	MaxText = 200
)

// Request is what to print: the date, the area, the paper and the
// resolution, the title and the format. The layers are chosen apart, as an
// overlays.Selection.
//
// Empty fields take defaults (see Normalize): A4, landscape, 300 dpi, PDF,
// the area of the layers, and a title and subtitle from the data and the
// date. Day has no empty value — its zero is 1970-01-01 — so set it to
// geo.NoDay for the summary map, as ParseRequest does.
type Request struct {
	// Day is the date shown, or geo.NoDay for the summary map.
	Day geo.Day
	// BBox is the lon/lat box the map must show whole; the zero Bound fits
	// the selected layers ("auto").
	BBox        orb.Bound
	Paper       Paper
	Orientation Orientation
	// DPI is the resolution in dots per inch, MinDPI to MaxDPI.
	DPI int
	// Title and Subtitle replace the defaults when not empty.
	Title, Subtitle string
	Format          Format
}

// Auto reports whether the map fits the layers rather than a box.
func (r Request) Auto() bool { return r.BBox == orb.Bound{} }

// Normalize returns the request with its empty fields set to their
// defaults and the names of paper, orientation and format in their
// canonical case ("a4" becomes A4). It does not check the values; Check
// does.
func (r Request) Normalize() Request {
	if p, err := ParsePaper(string(r.Paper)); err == nil {
		r.Paper = p
	}
	if o, err := ParseOrientation(string(r.Orientation)); err == nil {
		r.Orientation = o
	}
	if f, err := ParseFormat(string(r.Format)); err == nil {
		r.Format = f
	}
	if r.Paper == "" {
		r.Paper = A4
	}
	if r.Orientation == "" {
		r.Orientation = Landscape
	}
	if r.DPI == 0 {
		r.DPI = DefaultDPI
	}
	if r.Format == "" {
		r.Format = PDF
	}
	return r
}

// Check reports the first bad field of the normalized request as a
// *RequestError: an unknown paper, orientation or format, a resolution out
// of range, a malformed box, a title that is too long or holds control
// characters, or a sheet of more than MaxPixels.
func (r Request) Check() error {
	r = r.Normalize()
	if r.Format != PDF && r.Format != PNG {
		return badParam("format", string(r.Format), fmt.Errorf("%w: want pdf or png", ErrFormat))
	}
	if _, _, ok := r.Paper.Size(); !ok {
		return badParam("paper", string(r.Paper), fmt.Errorf("%w: want A4, A3, Letter or Tabloid", ErrPaper))
	}
	if r.Orientation != Landscape && r.Orientation != Portrait {
		return badParam("orientation", string(r.Orientation), fmt.Errorf("%w: want landscape or portrait", ErrOrientation))
	}
	if r.DPI < MinDPI || r.DPI > MaxDPI {
		return badParam("dpi", strconv.Itoa(r.DPI), fmt.Errorf("%w: want %d to %d", ErrDPI, MinDPI, MaxDPI))
	}
	if !r.Auto() {
		if err := view.CheckBound(r.BBox); err != nil {
			return badParam("bbox", view.FormatBound(r.BBox), err)
		}
	}
	if err := checkText(r.Title); err != nil {
		return badParam("title", r.Title, err)
	}
	if err := checkText(r.Subtitle); err != nil {
		return badParam("subtitle", r.Subtitle, err)
	}
	w, h := r.Pixels()
	if px := w * h; px > MaxPixels {
		pw, ph, _ := PageSize(r.Paper, r.Orientation)
		most := int(math.Floor(72 * math.Sqrt(MaxPixels/(pw*ph))))
		return badParam("dpi", strconv.Itoa(r.DPI), fmt.Errorf("%w: %s at %d dpi is %.1f Mpx, more than the %d Mpx limit; use %d dpi or less",
			ErrTooLarge, r.Paper, r.DPI, float64(px)/1e6, MaxPixels/1_000_000, most))
	}
	return nil
}

// Pixels returns the size of the normalized request's whole sheet in
// pixels at its resolution, or 0, 0 for an unknown paper or orientation.
func (r Request) Pixels() (w, h int) {
	r = r.Normalize()
	pw, ph, ok := PageSize(r.Paper, r.Orientation)
	if !ok {
		return 0, 0
	}
	k := float64(r.DPI) / 72
	return int(math.Round(pw * k)), int(math.Round(ph * k))
}

// String returns the normalized request in the query form ParseRequest
// reads, with its keys sorted: a canonical key for caches and ETags.
func (r Request) String() string {
	r = r.Normalize()
	q := url.Values{}
	if r.Day != geo.NoDay {
		q.Set("date", r.Day.String())
	}
	if r.Auto() {
		q.Set("bbox", "auto")
	} else {
		q.Set("bbox", view.FormatBound(r.BBox))
	}
	q.Set("paper", string(r.Paper))
	q.Set("orientation", string(r.Orientation))
	q.Set("dpi", strconv.Itoa(r.DPI))
	q.Set("format", string(r.Format))
	if r.Title != "" {
		q.Set("title", r.Title)
	}
	if r.Subtitle != "" {
		q.Set("subtitle", r.Subtitle)
	}
	return q.Encode()
}

// ParseRequest reads a print request from URL query parameters: date
// (YYYY-MM-DD; absent or empty for the summary map), bbox
// (minlon,minlat,maxlon,maxlat, or auto), paper, orientation, dpi, title,
// subtitle and format (pdf or png; a server takes it from the path's
// extension instead). Absent parameters take their defaults; unknown ones
// are ignored. The first bad parameter is returned as a *RequestError.
func ParseRequest(q url.Values) (Request, error) {
	req := Request{Day: geo.NoDay}
	if s := q.Get("date"); s != "" {
		d, err := geo.ParseDay(s)
		if err != nil {
			return req, badParam("date", s, fmt.Errorf("%w: want YYYY-MM-DD (%w)", ErrDate, err))
		}
		req.Day = d
	}
	if s := q.Get("bbox"); s != "" && s != "auto" {
		b, err := view.ParseBBox(s)
		if err != nil {
			return req, badParam("bbox", s, err)
		}
		req.BBox = b
	}
	if s := q.Get("paper"); s != "" {
		p, err := ParsePaper(s)
		if err != nil {
			return req, badParam("paper", s, err)
		}
		req.Paper = p
	}
	if s := q.Get("orientation"); s != "" {
		o, err := ParseOrientation(s)
		if err != nil {
			return req, badParam("orientation", s, err)
		}
		req.Orientation = o
	}
	if s := q.Get("dpi"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < MinDPI || n > MaxDPI {
			return req, badParam("dpi", s, fmt.Errorf("%w: want a whole number from %d to %d", ErrDPI, MinDPI, MaxDPI))
		}
		req.DPI = n
	}
	if s := q.Get("format"); s != "" {
		f, err := ParseFormat(s)
		if err != nil {
			return req, badParam("format", s, err)
		}
		req.Format = f
	}
	req.Title, req.Subtitle = q.Get("title"), q.Get("subtitle")
	if err := req.Check(); err != nil {
		return req, err
	}
	return req.Normalize(), nil
}

func checkText(s string) error {
	if len(s) > MaxText {
		return fmt.Errorf("%w: longer than %d bytes", ErrText, MaxText)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not UTF-8", ErrText)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: holds control character %U", ErrText, r)
		}
	}
	return nil
}
