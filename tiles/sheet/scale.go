package sheet

import (
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
)

// ScaleBar is the scale of a sheet's map at the latitude of its centre —
// Web Mercator's scale changes with latitude, so a bar is true only there —
// and the bar printed for it.
type ScaleBar struct {
	// Lat is the latitude of the map's centre, in degrees.
	Lat float64
	// MetresPerPoint is the ground distance of one point of paper at Lat:
	// 2π·6378137·cos(Lat) / (256·2^zoom·scale) metres per pixel, times
	// the map's pixels per point.
	MetresPerPoint float64
	// Denominator is the representative fraction 1:Denominator at Lat.
	Denominator float64
	// Metres is the round distance the bar stands for, and Length the
	// bar's length on paper in points (Metres / MetresPerPoint).
	Metres, Length float64
}

// metresPerInch converts the representative fraction.
const metresPerInch = 0.0254

// newScaleBar measures the scale of frame f printed in rect map.
func newScaleBar(f geo.Frame, m Rect) ScaleBar {
	ppw := f.PixelsPerWorld()
	c := geo.FromWorld(orb.Point{(f.X + float64(f.Width)/2) / ppw, (f.Y + float64(f.Height)/2) / ppw})
	mpp := 2 * math.Pi * orb.EarthRadius * math.Cos(c[1]*math.Pi/180) / ppw
	mpt := mpp * float64(f.Width) / m.W
	return ScaleBar{Lat: c[1], MetresPerPoint: mpt, Denominator: mpt / (metresPerInch / 72)}
}

// withLength returns the bar for the longest round distance — 1, 2 or 5
// times a power of ten metres — that is at most max points long.
func (b ScaleBar) withLength(max float64) ScaleBar {
	limit := max * b.MetresPerPoint
	p := math.Pow(10, math.Floor(math.Log10(limit)))
	for _, m := range []float64{5, 2, 1} {
		if m*p <= limit*(1+1e-9) {
			b.Metres = m * p
			break
		}
	}
	b.Length = b.Metres / b.MetresPerPoint
	return b
}

// Label formats a distance along the bar in the bar's unit: km from 1 km
// up, else m. The unit is appended when unit is true.
func (b ScaleBar) Label(metres float64, unit bool) string {
	v, u := metres, " m"
	if b.Metres >= 1000 {
		v, u = metres/1000, " km"
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit {
		s += u
	}
	return s
}

// Fraction formats the representative fraction to three significant
// figures: "1:1,250,000".
func (b ScaleBar) Fraction() string {
	d := b.Denominator
	if !(d >= 1) || math.IsInf(d, 0) {
		return "1:1"
	}
	p := math.Pow(10, math.Floor(math.Log10(d))-2)
	n := int64(math.Round(d/p) * p)
	return "1:" + group(n)
}

// group writes n with commas between groups of three digits.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	var out strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out.WriteByte(',')
		}
		out.WriteRune(c)
	}
	return out.String()
}

// formatLat writes a latitude in whole minutes: "27°32′N".
func formatLat(lat float64) string { return dms(lat, "N", "S") }

// dms writes an angle in degrees and whole minutes with its hemisphere:
// "112°E", "27°30′N".
func dms(v float64, pos, neg string) string {
	h := pos
	if v < 0 {
		h, v = neg, -v
	}
	total := int(math.Round(v * 60))
	d, m := total/60, total%60
	s := strconv.Itoa(d) + "°"
	if m != 0 {
		s += strconv.Itoa(m) + "′"
	}
	if total == 0 {
		return s
	}
	return s + h
}
