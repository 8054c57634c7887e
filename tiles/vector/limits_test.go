package vector

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

// movement builds a movement along a 100 km line east from Hengyang.
func movement(t *testing.T, span geo.Span, times []geo.Day) *overlays.Feature {
	t.Helper()
	ls := orb.LineString{{112.0, 26.9}, {112.5, 26.9}, {113.0, 26.9}}
	if len(times) > 0 {
		ls = ls[:len(times)]
	}
	r, err := geo.NewRoute(ls)
	if err != nil {
		t.Fatal(err)
	}
	return &overlays.Feature{Layer: &overlays.Layer{ID: "t"}, Kind: overlays.KindMovement, Span: span,
		Times: times, Geometry: ls, World: geo.ToWorld(ls), Route: r,
		Style: overlays.DefaultStyle(overlays.KindMovement, overlays.SideJapan)}
}

func TestMovementSpans(t *testing.T) {
	d := geo.Date(1944, 6, 1)
	for _, tc := range []struct {
		name          string
		span          geo.Span
		times         []geo.Day
		routes, heads int
	}{
		// A route is also cut at the TaperClasses boundaries (every
		// eighth of it), where they fall between a day's cuts.
		{"undated", geo.All, nil, 8, 1},
		{"open end", geo.Span{From: d, To: geo.MaxDay}, nil, 8, 1},
		{"open start", geo.Span{From: geo.MinDay, To: d}, nil, 8, 1},
		{"one day", geo.Span{From: d, To: d}, nil, 8, 1},
		// Tenths and eighths: 10 + 7 − 1 (the half is both).
		{"ten days", geo.Span{From: d, To: d + 10}, nil, 16, 11},
		// Quarters and eighths: 4 + 7 − 3.
		{"times, open end", geo.Span{From: d, To: geo.MaxDay}, []geo.Day{d, d + 4}, 8, 5},
		// Three million days of advance: cut every 733 days, 4093 times,
		// and at the 7 class boundaries.
		{"times, millennia", geo.Span{From: d, To: geo.MaxDay}, []geo.Day{d, d + 3_000_000}, 4100, 4094},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := movement(t, tc.span, tc.times)
			ps := featurePieces(f, DefaultLimits.MaxDays)
			var routes, hs, finals int
			for _, p := range ps {
				switch p.layer {
				case movements:
					if p.zoom < 1 || int(p.zoom) > MaxZoom+1 {
						t.Fatalf("a route piece for tile zoom %d", int(p.zoom)-1)
					}
				case heads:
					hs++
					if p.props["final"].(bool) {
						finals++
						if geo.Day(p.props["end_day"].(int64)) != tc.span.To {
							t.Errorf("final head ends on %v, want %v", p.props["end_day"], tc.span.To)
						}
					}
				}
			}
			// The cuts, counted on the untrimmed body (each zoom's
			// trims move the cuts under the heads).
			routes = len(bodyPieces(f, cuts(f, DefaultLimits.MaxDays), geojson.Properties{}, newWorldLine(f.Route), -1, map[[2]float64]geojson.Properties{}))
			if routes != tc.routes || hs != tc.heads || finals != 1 {
				t.Errorf("%d route pieces, %d heads (%d final), want %d, %d (1)", routes, hs, finals, tc.routes, tc.heads)
			}
			// Every day's filter draws the time model's route, at the
			// deepest zoom less up to BodyTrim heads (a few metres): on
			// the first and last day and a few between.
			trim := BodyTrim * tileHeadLength(1, MaxZoom) * 40075016.686 * math.Cos(f.Route.Line()[0].Lat()*math.Pi/180)
			for _, day := range []geo.Day{tc.span.From, tc.span.From + 1, tc.span.To - 1, tc.span.To} {
				if day < tc.span.From || day > tc.span.To {
					continue
				}
				want := f.At(day).Distance
				got := 0.0
				for _, p := range ps {
					if p.layer == movements && int(p.zoom) == MaxZoom+1 && on(p, day) {
						got += geoLength(p.geom.(orb.LineString))
					}
				}
				if diff := got - want; (diff > 1 || diff < -1-trim) && tc.times == nil {
					t.Errorf("day %d: pieces %.0f m, route %.0f m (less up to %.1f m under the head)", day, got, want, trim)
				}
			}
		})
	}
}

// geoLength is the geodesic length of a world-coordinate line.
func geoLength(ls orb.LineString) float64 {
	ll := make(orb.LineString, len(ls))
	for i, p := range ls {
		ll[i] = geo.FromWorld(p)
	}
	r, _ := geo.NewRoute(ll)
	return r.Length()
}

func TestCompileLimits(t *testing.T) {
	c, _ := set(t)
	sel, r := selAll(c), tiles.New(c)
	if _, err := Compile(context.Background(), sel, r, Limits{MaxFeatures: 10}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxFeatures 10: %v", err)
	}
	if _, err := Compile(context.Background(), sel, r, Limits{MaxPieces: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("MaxPieces 100: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compile(ctx, sel, r, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	_, s := set(t)
	if _, err := s.Layers(ctx, pyramid(s, 6, 6)[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled encode: %v", err)
	}
}

// TestSetBytes keeps the compiled campaign within the budget the server
// gives compiled selections by default (a quarter of an eighth of its
// 256 MB tile cache), so that it stays cached.
func TestSetBytes(t *testing.T) {
	_, s := set(t)
	t.Logf("%d pieces, about %d bytes", s.Pieces(), s.Bytes())
	if s.Bytes() <= 0 || s.Bytes() > 256<<20/8/4 {
		t.Errorf("the compiled campaign takes about %d bytes", s.Bytes())
	}
}
