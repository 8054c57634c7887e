// Package decorate derives the decoration geometry of lines in frame
// pixels: dashes, ticks and the tapered outline of an arrow body, cut to a
// box so a tile gets only what reaches it, with a phase that continues
// across tile edges.
package decorate

import (
	"math"

	"github.com/paulmach/orb"
)

// The functions here derive decoration geometry — dashes, ticks, tapered
// arrow bodies — from a whole line in frame pixels. Their phase starts at the
// line's first point, which is the same in every frame at a zoom, so a dash
// or tick crossing a tile edge continues in the next tile. Pieces that do
// not touch keep (the frame grown by a margin) are not produced.

// WalkSegments calls fn for each segment of ls with the distance along ls
// at its start.
func WalkSegments(ls []orb.Point, fn func(a, b orb.Point, at, length float64)) {
	at := 0.0
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		l := math.Hypot(b[0]-a[0], b[1]-a[1])
		if l > 0 {
			fn(a, b, at, l)
		}
		at += l
	}
}

func Lerp(a, b orb.Point, t float64) orb.Point {
	return orb.Point{a[0] + (b[0]-a[0])*t, a[1] + (b[1]-a[1])*t}
}

func segTouches(a, b orb.Point, keep orb.Bound) bool {
	return keep.Intersects(orb.Bound{Min: orb.Point{min(a[0], b[0]), min(a[1], b[1])}, Max: orb.Point{max(a[0], b[0]), max(a[1], b[1])}})
}

// NearRuns returns the runs of consecutive segments of ls whose boxes
// touch keep: what clipping ls to keep would look at. Clipped to keep, the
// runs give the same pieces as ls, without walking the rest of a long line
// again in the clipper.
func NearRuns(ls []orb.Point, keep orb.Bound) orb.MultiLineString {
	var out orb.MultiLineString
	start := -1 // first point of the current run
	for i := 1; i < len(ls); i++ {
		if segTouches(ls[i-1], ls[i], keep) {
			if start < 0 {
				start = i - 1
			}
			continue
		}
		if start >= 0 {
			out = append(out, orb.LineString(ls[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, orb.LineString(ls[start:]))
	}
	return out
}

// span returns the distances along segment a→b (of length l) between
// which it may be inside keep, widened by a pixel against rounding: what
// lies outside is cut away by clipping to keep anyway. ok is false when no
// part of the segment is inside.
func span(a, b orb.Point, l float64, keep orb.Bound) (u0, u1 float64, ok bool) {
	t0, t1 := 0.0, 1.0
	for k := 0; k < 2; k++ {
		d := b[k] - a[k]
		lo, hi := keep.Min[k]-a[k], keep.Max[k]-a[k]
		if d == 0 {
			if lo > 0 || hi < 0 {
				return 0, 0, false
			}
			continue
		}
		e0, e1 := lo/d, hi/d
		if e0 > e1 {
			e0, e1 = e1, e0
		}
		t0, t1 = math.Max(t0, e0), math.Min(t1, e1)
	}
	if t0 > t1 {
		return 0, 0, false
	}
	return math.Max(t0*l-1, 0), math.Min(t1*l+1, l), true
}

// Dashes cuts ls into Dashes of length on separated by gaps of length off.
// Only the Dashes of the parts of segments inside keep are made, so a tile
// costs what it shows plus a walk over the line's vertices.
func Dashes(ls []orb.Point, on, off float64, keep orb.Bound) orb.MultiLineString {
	var out orb.MultiLineString
	period := on + off
	var cur orb.LineString
	flush := func() {
		if len(cur) >= 2 {
			out = append(out, cur)
		}
		cur = nil
	}
	WalkSegments(ls, func(a, b orb.Point, at, l float64) {
		if !segTouches(a, b, keep) {
			flush()
			return
		}
		u0, u1, ok := span(a, b, l, keep)
		if !ok {
			flush()
			return
		}
		// Dash n covers [n·period, n·period+on) along the line. Stepping
		// by dash number always advances; stepping by what remains of a
		// phase computed with math.Mod can stall for ever when rounding
		// leaves the phase a hair short of a dash's or a gap's end.
		n0 := math.Floor(at / period)
		if first := math.Floor((at + u0) / period); first > n0 {
			// The dashes before u0 are outside keep: a dash carried over
			// from the previous segment ends here.
			n0 = first
			flush()
		}
		for n := n0; n*period < at+u1; n++ {
			from := math.Max(n*period-at, 0)
			to := math.Min(n*period+on-at, l)
			if to <= from { // the segment starts in the gap after dash n
				flush()
				continue
			}
			if from > 0 { // dash n starts inside this segment
				flush()
			}
			if cur == nil {
				cur = orb.LineString{Lerp(a, b, from/l)}
			}
			cur = append(cur, Lerp(a, b, to/l))
			if to < l { // the dash ends inside this segment
				flush()
			}
		}
	})
	flush()
	return out
}

// Ticks returns short segments across ls every spacing pixels (the first at
// spacing/2), of the given length: on the left of the line's direction
// (side 1, y down), the right (side -1), or centred across it (side 0).
func Ticks(ls []orb.Point, spacing, length float64, side int, keep orb.Bound) orb.MultiLineString {
	var out orb.MultiLineString
	WalkSegments(ls, func(a, b orb.Point, at, l float64) {
		if !segTouches(a, b, keep.Pad(length)) {
			return
		}
		u0, u1, ok := span(a, b, l, keep.Pad(length))
		if !ok {
			return
		}
		ux, uy := (b[0]-a[0])/l, (b[1]-a[1])/l
		nx, ny := uy, -ux // left of the direction, with y pointing down
		first := math.Ceil((at-spacing/2)/spacing)*spacing + spacing/2
		for d := first; d < at+u1; d += spacing {
			if d < at+u0 { // outside keep; stepping on keeps d's rounding as it was
				continue
			}
			p := Lerp(a, b, (d-at)/l)
			var from, to orb.Point
			switch side {
			case 0:
				from = orb.Point{p[0] - nx*length/2, p[1] - ny*length/2}
				to = orb.Point{p[0] + nx*length/2, p[1] + ny*length/2}
			default:
				s := float64(side)
				from, to = p, orb.Point{p[0] + s*nx*length, p[1] + s*ny*length}
			}
			out = append(out, orb.LineString{from, to})
		}
	})
	return out
}

// Taper returns the outline of a band along ls whose width at distance d
// from the start is width(d): the body of a tapered arrow. Joins are mitred,
// with the mitre limited to twice the half-width.
func Taper(ls []orb.Point, width func(d float64) float64) orb.Ring {
	n := len(ls)
	if n < 2 {
		return nil
	}
	left := make([]orb.Point, 0, n)
	right := make([]orb.Point, 0, n)
	dist := 0.0
	for i := range n {
		if i > 0 {
			dist += math.Hypot(ls[i][0]-ls[i-1][0], ls[i][1]-ls[i-1][1])
		}
		// Normals of the segments before and after vertex i.
		var nx, ny float64
		var count int
		for _, j := range []int{i - 1, i} {
			if j < 0 || j+1 >= n {
				continue
			}
			dx, dy := ls[j+1][0]-ls[j][0], ls[j+1][1]-ls[j][1]
			if l := math.Hypot(dx, dy); l > 0 {
				nx += dy / l
				ny += -dx / l
				count++
			}
		}
		l := math.Hypot(nx, ny)
		if count == 0 || l < 1e-9 {
			continue
		}
		nx, ny = nx/l, ny/l
		// Mitre: scale the averaged normal so the band keeps its width.
		miter := 1.0
		if count == 2 {
			dx, dy := ls[i+1][0]-ls[i][0], ls[i+1][1]-ls[i][1]
			sl := math.Hypot(dx, dy)
			cos := (nx*dy - ny*dx) / sl // dot of the averaged normal with the segment normal
			miter = math.Min(1/math.Max(cos, 1e-6), 2)
		}
		h := width(dist) / 2 * miter
		left = append(left, orb.Point{ls[i][0] + nx*h, ls[i][1] + ny*h})
		right = append(right, orb.Point{ls[i][0] - nx*h, ls[i][1] - ny*h})
	}
	if len(left) < 2 {
		return nil
	}
	ring := make(orb.Ring, 0, 2*len(left)+1)
	ring = append(ring, left...)
	for i := len(right) - 1; i >= 0; i-- {
		ring = append(ring, right[i])
	}
	return append(ring, left[0])
}

// LineLength returns the length of ls.
func LineLength(ls []orb.Point) float64 {
	total := 0.0
	WalkSegments(ls, func(_, _ orb.Point, _, l float64) { total += l })
	return total
}
