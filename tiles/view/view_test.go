package view

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
)

const testCampaign = "../../internal/server/testdata/campaign"

func load(t testing.TB) *overlays.Campaign {
	t.Helper()
	c, err := overlays.LoadDir(testCampaign)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParse(t *testing.T) {
	tests := map[string]struct {
		in   string
		want View
		part string // of the error, "" for none
	}{
		"auto":             {"auto", View{Kind: Auto}, ""},
		"centre":           {"112.65,26.95,9", View{Kind: Center, Point: orb.Point{112.65, 26.95}, Zoom: 9}, ""},
		"fractional zoom":  {"-0.5,51.5,10.25", View{Kind: Center, Point: orb.Point{-0.5, 51.5}, Zoom: 10.25}, ""},
		"box":              {"112.4,26.6,112.9,27.1", View{Kind: Box, BBox: orb.Bound{Min: orb.Point{112.4, 26.6}, Max: orb.Point{112.9, 27.1}}}, ""},
		"whole world":      {"-180,-85,180,85", View{Kind: Box, BBox: orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}}, ""},
		"zoom too deep":    {"112,27,21", View{}, "center"},
		"zoom negative":    {"112,27,-1", View{}, "center"},
		"latitude 90":      {"112,90,5", View{}, "center"},
		"longitude 181":    {"181,27,5", View{}, "center"},
		"NaN zoom":         {"112,27,NaN", View{}, "center"},
		"empty number":     {"112,,5", View{}, "center"},
		"inverted box":     {"113,27,112,28", View{}, "bbox"},
		"flat box":         {"112,27,113,27", View{}, "bbox"},
		"infinite box":     {"112,27,+Inf,28", View{}, "bbox"},
		"box past pole":    {"112,-86,113,28", View{}, "bbox"},
		"word":             {"everything", View{}, "view"},
		"empty":            {"", View{}, "view"},
		"two numbers":      {"112,27", View{}, "view"},
		"five numbers":     {"1,2,3,4,5", View{}, "view"},
		"auto capitalized": {"Auto", View{}, "view"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := Parse(tc.in)
			var ve *Error
			switch {
			case tc.part == "" && err != nil:
				t.Fatalf("Parse(%q): %v", tc.in, err)
			case tc.part != "" && !errors.As(err, &ve):
				t.Fatalf("Parse(%q): error %v, want a *view.Error", tc.in, err)
			case tc.part != "" && (ve.Part != tc.part || ve.Value != tc.in || ve.Want == ""):
				t.Errorf("Parse(%q): error %+v, want part %q", tc.in, ve, tc.part)
			case tc.part == "" && got != tc.want:
				t.Errorf("Parse(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in         string
		scale      int
		w, h       int
		wantErr    bool
		errSubtext string
	}{
		{"800x600", 1, 800, 600, false, ""},
		{"2048x1", 1, 2048, 1, false, ""},
		{"1024x1024", 2, 1024, 1024, false, ""},
		{"2049x1", 1, 0, 0, true, "2048"},
		{"1x2049", 1, 0, 0, true, "2048"},
		{"1025x10", 2, 0, 0, true, "@2x"},
		{"0x10", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"10x", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"x10", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"10X10", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"+10x10", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"10x10x10", 1, 0, 0, true, "WIDTHxHEIGHT"},
		{"99999999999999999999x1", 1, 0, 0, true, "WIDTHxHEIGHT"},
	}
	for _, tc := range tests {
		w, h, err := ParseSize(tc.in, tc.scale)
		var ve *Error
		if tc.wantErr {
			if !errors.As(err, &ve) || ve.Part != "size" || !strings.Contains(err.Error(), tc.errSubtext) {
				t.Errorf("ParseSize(%q, %d): %v, want a size error with %q", tc.in, tc.scale, err, tc.errSubtext)
			}
			continue
		}
		if err != nil || w != tc.w || h != tc.h {
			t.Errorf("ParseSize(%q, %d) = %d, %d, %v; want %d, %d", tc.in, tc.scale, w, h, err, tc.w, tc.h)
		}
	}
}

// TestFrame checks that every kind of view shows what it should: the
// fitted views keep their box inside the picture, the centred view has its
// point in the middle.
func TestFrame(t *testing.T) {
	c := load(t)
	march, err := c.Select("march")
	if err != nil {
		t.Fatal(err)
	}
	inside := func(t *testing.T, v View, b orb.Bound, w, h int, scale float64, pad float64) {
		t.Helper()
		f := v.Frame(march, w, h, scale)
		if f.Width != int(float64(w)*scale) || f.Height != int(float64(h)*scale) || f.Scale != scale {
			t.Fatalf("frame %+v for %dx%d at %g", f, w, h, scale)
		}
		for _, p := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			px := f.Pixel(geo.World(p))
			if px[0] < pad-0.5 || px[1] < pad-0.5 || px[0] > float64(f.Width)-pad+0.5 || px[1] > float64(f.Height)-pad+0.5 {
				t.Errorf("%v at pixel %v: outside %dx%d less %g of margin", p, px, f.Width, f.Height, pad)
			}
		}
	}
	bound := Bound(march)
	if want := (orb.Bound{Min: orb.Point{111.6, 26.7}, Max: orb.Point{113.6, 26.95}}); bound != want {
		t.Errorf("Bound(march) = %v, want %v", bound, want)
	}
	inside(t, View{Kind: Auto}, bound, 400, 300, 1, AutoPad)
	inside(t, View{Kind: Auto}, bound, 400, 300, 2, 2*AutoPad)
	box := orb.Bound{Min: orb.Point{112.4, 26.6}, Max: orb.Point{112.9, 27.1}}
	inside(t, View{Kind: Box, BBox: box}, box, 300, 500, 1, 0)

	f := View{Kind: Center, Point: orb.Point{112.65, 26.95}, Zoom: 9}.Frame(march, 300, 200, 2)
	if px := f.Pixel(geo.World(orb.Point{112.65, 26.95})); math.Abs(px[0]-300) > 1e-6 || math.Abs(px[1]-200) > 1e-6 || f.Zoom != 9 {
		t.Errorf("centred frame %+v puts the centre at %v, want 300,200", f, px)
	}
}

// TestExtent checks that undated layers do not stretch the time extent (a
// zero span would otherwise add 1 January 1970).
func TestExtent(t *testing.T) {
	c := load(t)
	for spec, want := range map[string]string{
		"all":           "1944-06-01/1944-08-31",
		"siege":         "1944-07-15/1944-07-20",
		"context,siege": "1944-07-15/1944-07-20",
	} {
		sel, err := c.Select(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := Extent(sel); got.String() != want {
			t.Errorf("Extent(%s) = %v, want %s", spec, got, want)
		}
	}
	sel, _ := c.Select("context")
	if got := Extent(sel); !got.Empty() {
		t.Errorf("Extent(context) = %v, want empty", got)
	}
}

func TestCaption(t *testing.T) {
	if got := Caption(geo.NoDay); got != "Summary" {
		t.Errorf("Caption(NoDay) = %q", got)
	}
	if got := Caption(geo.Date(1944, 6, 18)); got != "18 June 1944" {
		t.Errorf("Caption(1944-06-18) = %q", got)
	}
}

func ExampleParse() {
	for _, s := range []string{"auto", "112.65,26.95,9", "112.4,26.6,112.9,27.1", "112,95,8"} {
		v, err := Parse(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(v.Kind, v)
	}
	// Output:
	// auto auto
	// center 112.65,26.95,9
	// box 112.4,26.6,112.9,27.1
	// error: center "112,95,8": want lon,lat,zoom with lon -180 to 180, lat -85.05 to 85.05, zoom 0 to 20
}

// FuzzParse checks that Parse never panics, that whatever it accepts is
// valid, and that a view survives a round trip through String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"auto", "112.65,26.95,9", "112.4,26.6,112.9,27.1", "112,95,8", "1e2,0x1p-2,3", "-0,-0,0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			return
		}
		switch v.Kind {
		case Center:
			if !validLonLat(v.Point[0], v.Point[1]) || !(v.Zoom >= 0 && v.Zoom <= MaxZoom) {
				t.Fatalf("%q: accepted %+v", s, v)
			}
		case Box:
			if !(v.BBox.Min[0] < v.BBox.Max[0] && v.BBox.Min[1] < v.BBox.Max[1]) {
				t.Fatalf("%q: accepted %+v", s, v)
			}
		}
		again, err := Parse(v.String())
		if err != nil || again != v {
			t.Fatalf("%q: %+v → %q → %+v, %v", s, v, v.String(), again, err)
		}
	})
}

// FuzzParseSize checks that ParseSize never panics and keeps its bound.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"800x600", "2049x1", "0x0", "1x1", "x", "99999999x9"} {
		f.Add(s, 1)
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, scale int) {
		if scale < 1 || scale > 2 {
			return
		}
		w, h, err := ParseSize(s, scale)
		if err == nil && (w < 1 || h < 1 || w*scale > 2048 || h*scale > 2048) {
			t.Fatalf("%q at %d: accepted %dx%d", s, scale, w, h)
		}
	})
}
