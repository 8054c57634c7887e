// Package view says which part of the map a picture shows and how big it
// is: a point and zoom, a lon/lat box, or the extent of the selected
// layers, at a size in CSS pixels and a device pixel ratio. It turns those
// into a geo.Frame, and gives the time extent and the date caption of a
// selection, so that `xiang static`, `xiang animate` and the server's
// /static and /animate routes draw the same picture for the same request.
//
// It parses and checks; it draws nothing.
package view

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// MaxZoom is the deepest zoom a centred view may ask for.
const MaxZoom = 20

// Zoom limits of fitted views: a box fits at most at BoxMaxZoom; the
// layers' extent, with AutoPad CSS pixels of margin, at most at AutoMaxZoom
// (a single point would otherwise fill the picture at street level).
const (
	BoxMaxZoom  = 18
	AutoMaxZoom = 14
	AutoPad     = 24
)

// Kind says how a View places the map.
type Kind uint8

// The kinds of View.
const (
	// Auto fits the selected layers' features.
	Auto Kind = iota
	// Center centres a point at a zoom.
	Center
	// Box fits a lon/lat bound.
	Box
)

// String names the kind: "auto", "center" or "box".
func (k Kind) String() string {
	switch k {
	case Center:
		return "center"
	case Box:
		return "box"
	}
	return "auto"
}

// View is the part of the map a picture shows. It is a comparable value,
// fit for cache keys.
type View struct {
	Kind  Kind
	Point orb.Point // Center: lon, lat
	Zoom  float64   // Center: zoom, 0 to MaxZoom, may be fractional
	BBox  orb.Bound // Box: the lon/lat box to fit
}

// Error is a view or size that cannot be used: Part names what is wrong
// ("center", "bbox", "view", "size"), Value is the text given and Want
// says what was expected.
type Error struct {
	Part, Value, Want string
}

// Error formats the problem as "part value: want".
func (e *Error) Error() string { return fmt.Sprintf("%s %q: %s", e.Part, e.Value, e.Want) }

// Wants of the parse errors.
const (
	wantCenter = "want lon,lat,zoom with lon -180 to 180, lat -85.05 to 85.05, zoom 0 to 20"
	wantBox    = "want minlon,minlat,maxlon,maxlat with lon -180 to 180, lat -85.05 to 85.05 and min < max"
	wantView   = "want auto, minlon,minlat,maxlon,maxlat or lon,lat,zoom"
)

// Parse parses a view as the server's routes write it: "auto", a box
// "minlon,minlat,maxlon,maxlat" or a centre "lon,lat,zoom".
func Parse(s string) (View, error) {
	switch strings.Count(s, ",") {
	case 2:
		return ParseCenter(s)
	case 3:
		return ParseBox(s)
	}
	if s == "auto" {
		return View{Kind: Auto}, nil
	}
	return View{}, &Error{"view", s, wantView}
}

// ParseCenter parses "lon,lat,zoom".
func ParseCenter(s string) (View, error) {
	v, ok := parseFloats(s, 3)
	if !ok || !validLonLat(v[0], v[1]) || !(v[2] >= 0 && v[2] <= MaxZoom) {
		return View{}, &Error{"center", s, wantCenter}
	}
	return View{Kind: Center, Point: orb.Point{v[0], v[1]}, Zoom: v[2]}, nil
}

// ParseBox parses "minlon,minlat,maxlon,maxlat".
func ParseBox(s string) (View, error) {
	b, err := ParseBBox(s)
	if err != nil {
		return View{}, &Error{"bbox", s, wantBox}
	}
	return View{Kind: Box, BBox: b}, nil
}

// Frame returns the frame of width×height CSS pixels at a device pixel
// ratio that the view shows of the selection: the frame's pixel size is
// the CSS size times scale.
func (v View) Frame(sel overlays.Selection, width, height int, scale float64) geo.Frame {
	w, h := int(float64(width)*scale), int(float64(height)*scale)
	switch v.Kind {
	case Center:
		return geo.CenterFrame(v.Point, v.Zoom, scale, w, h)
	case Box:
		return FitBox(v.BBox, w, h, scale)
	}
	return FitAuto(Bound(sel), w, h, scale, AutoPad*scale)
}

// FitBox returns the frame of w×h pixels at a device pixel ratio that
// shows a lon/lat box whole, at most at BoxMaxZoom.
func FitBox(b orb.Bound, w, h int, scale float64) geo.Frame {
	return geo.Fit(b, w, h, scale, 0, BoxMaxZoom)
}

// FitAuto returns the frame of w×h pixels at a device pixel ratio that
// shows the extent b of some features with pad pixels of margin, at most
// at AutoMaxZoom.
func FitAuto(b orb.Bound, w, h int, scale, pad float64) geo.Frame {
	return geo.Fit(b, w, h, scale, pad, AutoMaxZoom)
}

// String formats the view as Parse reads it.
func (v View) String() string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	switch v.Kind {
	case Center:
		return f(v.Point[0]) + "," + f(v.Point[1]) + "," + f(v.Zoom)
	case Box:
		b := v.BBox
		return f(b.Min[0]) + "," + f(b.Min[1]) + "," + f(b.Max[0]) + "," + f(b.Max[1])
	}
	return "auto"
}

// ParseSize parses "WIDTHxHEIGHT" in CSS pixels and checks that the picture
// at the device pixel ratio scale is at most tiles.MaxImageSide pixels a
// side.
func ParseSize(s string, scale int) (width, height int, err error) {
	a, b, ok := strings.Cut(s, "x")
	w, ok1 := ParseCount(a, 6)
	h, ok2 := ParseCount(b, 6)
	if !ok || !ok1 || !ok2 || w < 1 || h < 1 {
		return 0, 0, &Error{"size", s, "want WIDTHxHEIGHT in pixels, e.g. 800x600"}
	}
	if scale < 1 {
		scale = 1
	}
	if w*scale > tiles.MaxImageSide || h*scale > tiles.MaxImageSide {
		at := ""
		if scale > 1 {
			at = fmt.Sprintf(" at @%dx", scale)
		}
		return 0, 0, &Error{"size", s, fmt.Sprintf("more than %d pixels a side%s", tiles.MaxImageSide, at)}
	}
	return w, h, nil
}

// ParseCount parses a count in decimal digits only, without sign, spaces
// or leading zeros, of at most digits digits (so that products cannot
// overflow).
func ParseCount(s string, digits int) (int, bool) {
	if s == "" || len(s) > digits || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// Bound is the lon/lat bound of the selection's historical features (those
// with a side), or of all its features when none has a side: what an Auto
// view fits.
func Bound(sel overlays.Selection) orb.Bound {
	var b orb.Bound
	first := true
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Side == overlays.SideNone {
				continue
			}
			if first {
				b, first = f.Geometry.Bound(), false
			} else {
				b = b.Union(f.Geometry.Bound())
			}
		}
	}
	if !first {
		return b
	}
	for _, l := range sel {
		if len(l.Features) == 0 {
			continue
		}
		if first {
			b, first = l.Bound, false
		} else {
			b = b.Union(l.Bound)
		}
	}
	return b
}

// Extent is the time extent of the selection: from the earliest to the
// latest date of its dated layers. It is empty when no layer is dated.
func Extent(sel overlays.Selection) geo.Span {
	ext := geo.Span{From: geo.MaxDay, To: geo.MinDay} // empty
	for _, l := range sel {
		if l.Extent != (geo.Span{}) { // the zero span marks an undated layer
			ext = ext.Union(l.Extent)
		}
	}
	return ext
}

// Caption is the date line drawn on pictures: "18 June 1944", or "Summary"
// for the summary map (geo.NoDay).
func Caption(d geo.Day) string {
	if d == geo.NoDay {
		return "Summary"
	}
	return d.Long()
}

func parseFloats(s string, n int) ([]float64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, false
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// validLonLat reports a finite lon/lat inside the Web Mercator world; NaN
// fails every comparison.
func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -overlays.MaxLat && lat <= overlays.MaxLat
}

// ErrBBox is wrapped by the errors of ParseBBox and CheckBound.
var ErrBBox = errors.New("invalid bounding box")

// ParseBBox reads a lon/lat box "minlon,minlat,maxlon,maxlat": longitudes
// -180 to 180, latitudes within Web Mercator's ±85.0511, min below max.
// Errors wrap ErrBBox.
func ParseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return orb.Bound{}, fmt.Errorf("%w: want minlon,minlat,maxlon,maxlat or auto", ErrBBox)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return orb.Bound{}, fmt.Errorf("%w: %q is not a number", ErrBBox, p)
		}
		v[i] = f
	}
	b := orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	return b, CheckBound(b)
}

// CheckBound reports a lon/lat box that is not finite, outside the Web
// Mercator world, or empty; errors wrap ErrBBox.
func CheckBound(b orb.Bound) error {
	for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: not finite", ErrBBox)
		}
	}
	switch {
	case b.Min[0] < -180 || b.Max[0] > 180:
		return fmt.Errorf("%w: longitudes must be -180 to 180", ErrBBox)
	case b.Min[1] < -overlays.MaxLat || b.Max[1] > overlays.MaxLat:
		return fmt.Errorf("%w: latitudes must be within ±%.4f", ErrBBox, overlays.MaxLat)
	case b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1]:
		return fmt.Errorf("%w: min must be below max", ErrBBox)
	}
	return nil
}

// FormatBound writes a box as ParseBBox reads it.
func FormatBound(b orb.Bound) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return f(b.Min[0]) + "," + f(b.Min[1]) + "," + f(b.Max[0]) + "," + f(b.Max[1])
}
