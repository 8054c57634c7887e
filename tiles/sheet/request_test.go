package sheet

import (
	"errors"
	"net/url"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

func TestParseRequest(t *testing.T) {
	tests := map[string]struct {
		query string
		want  Request
	}{
		"defaults": {"", Request{Day: geo.NoDay, Paper: A4, Orientation: Landscape, DPI: 300, Format: PDF}},
		"everything": {
			"date=1944-06-18&bbox=112.35,27.75,113.75,28.75&paper=a3&orientation=Portrait&dpi=150&title=Changsha&subtitle=Fall&format=PNG",
			Request{Day: geo.Date(1944, 6, 18), BBox: orb.Bound{Min: orb.Point{112.35, 27.75}, Max: orb.Point{113.75, 28.75}},
				Paper: A3, Orientation: Portrait, DPI: 150, Title: "Changsha", Subtitle: "Fall", Format: PNG},
		},
		"auto box":        {"bbox=auto&paper=Letter", Request{Day: geo.NoDay, Paper: Letter, Orientation: Landscape, DPI: 300, Format: PDF}},
		"empty date":      {"date=&paper=Tabloid&dpi=72", Request{Day: geo.NoDay, Paper: Tabloid, Orientation: Landscape, DPI: 72, Format: PDF}},
		"A4 at 600":       {"dpi=600", Request{Day: geo.NoDay, Paper: A4, Orientation: Landscape, DPI: 600, Format: PDF}},
		"unknown ignored": {"zoom=3&dpi=96", Request{Day: geo.NoDay, Paper: A4, Orientation: Landscape, DPI: 96, Format: PDF}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRequest(q)
			if err != nil || got != tc.want {
				t.Errorf("ParseRequest(%q) = %+v, %v; want %+v", tc.query, got, err, tc.want)
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	tests := map[string]struct {
		query string
		param string
		err   error
		msg   string
	}{
		"paper":          {"paper=B5", "paper", ErrPaper, `paper "B5": unknown paper size: want A4, A3, Letter or Tabloid`},
		"orientation":    {"orientation=sideways", "orientation", ErrOrientation, `orientation "sideways": unknown orientation: want landscape or portrait`},
		"dpi low":        {"dpi=50", "dpi", ErrDPI, `dpi "50": resolution out of range: want a whole number from 72 to 600`},
		"dpi word":       {"dpi=high", "dpi", ErrDPI, `dpi "high": resolution out of range: want a whole number from 72 to 600`},
		"dpi high":       {"dpi=1200", "dpi", ErrDPI, ""},
		"too large":      {"paper=A3&dpi=600", "dpi", ErrTooLarge, `dpi "600": sheet too large: A3 at 600 dpi is 69.6 Mpx, more than the 40 Mpx limit; use 454 dpi or less`},
		"tabloid 600":    {"paper=tabloid&dpi=600&orientation=portrait", "dpi", ErrTooLarge, ""},
		"bbox count":     {"bbox=1,2,3", "bbox", ErrBBox, `bbox "1,2,3": invalid bounding box: want minlon,minlat,maxlon,maxlat or auto`},
		"bbox number":    {"bbox=1,2,x,4", "bbox", ErrBBox, `bbox "1,2,x,4": invalid bounding box: "x" is not a number`},
		"bbox order":     {"bbox=113,28,112,29", "bbox", ErrBBox, `bbox "113,28,112,29": invalid bounding box: min must be below max`},
		"bbox lat":       {"bbox=112,27,113,89", "bbox", ErrBBox, ""},
		"bbox lon":       {"bbox=-181,27,113,28", "bbox", ErrBBox, ""},
		"bbox nan":       {"bbox=NaN,27,113,28", "bbox", ErrBBox, ""},
		"date":           {"date=1944-02-30", "date", ErrDate, ""},
		"date short":     {"date=1944-06", "date", geo.ErrDate, ""},
		"format":         {"format=svg", "format", ErrFormat, `format "svg": unknown format: want pdf or png`},
		"title long":     {"title=" + string(make([]byte, 201)), "title", ErrText, ""},
		"title control":  {"title=a%0Ab", "title", ErrText, `title "a\nb": invalid text: holds control character U+000A`},
		"subtitle utf-8": {"subtitle=%ff", "subtitle", ErrText, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseRequest(q)
			var re *RequestError
			if !errors.As(err, &re) || re.Param != tc.param || !errors.Is(err, tc.err) {
				t.Fatalf("ParseRequest(%q) = %v; want a *RequestError for %s wrapping %v", tc.query, err, tc.param, tc.err)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("message\n got %s\nwant %s", err, tc.msg)
			}
		})
	}
}

func TestRequestString(t *testing.T) {
	r := Request{Day: geo.Date(1944, 6, 18), Title: "Fall of Changsha"}
	want := "bbox=auto&date=1944-06-18&dpi=300&format=pdf&orientation=landscape&paper=A4&title=Fall+of+Changsha"
	if got := r.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	q, _ := url.ParseQuery(r.String())
	back, err := ParseRequest(q)
	if err != nil || back != r.Normalize() {
		t.Errorf("round trip: %+v, %v; want %+v", back, err, r.Normalize())
	}
}

func TestPixels(t *testing.T) {
	tests := []struct {
		req  Request
		w, h int
	}{
		{Request{}, 3508, 2480},
		{Request{Paper: A4, Orientation: Portrait, DPI: 72}, 595, 842},
		{Request{Paper: Letter, DPI: 100}, 1100, 850},
		{Request{Paper: Tabloid, Orientation: Portrait, DPI: 150}, 1650, 2550},
		{Request{Paper: "B5"}, 0, 0},
	}
	for _, tc := range tests {
		if w, h := tc.req.Pixels(); w != tc.w || h != tc.h {
			t.Errorf("%+v: Pixels() = %d×%d, want %d×%d", tc.req, w, h, tc.w, tc.h)
		}
	}
}

// FuzzParseRequest: any query either fails with a *RequestError or parses
// to a request that checks and survives a round trip through String.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"", "date=1944-06-18&dpi=150", "bbox=112,27,113,28&paper=a3&orientation=portrait",
		"paper=A3&dpi=600", "title=%E8%A1%A1&subtitle=x", "bbox=1e308,0,2e308,1", "dpi=0072"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		req, err := ParseRequest(q)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) {
				t.Fatalf("%q: error %v is not a *RequestError", s, err)
			}
			return
		}
		if err := req.Check(); err != nil {
			t.Fatalf("%q: parsed %+v but Check says %v", s, req, err)
		}
		q2, err := url.ParseQuery(req.String())
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRequest(q2)
		if err != nil || again != req {
			t.Fatalf("%q: %+v → %q → %+v, %v", s, req, req.String(), again, err)
		}
	})
}
