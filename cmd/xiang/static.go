package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
)

func runStatic(e *env, args []string) error {
	fs := flagSet(e, "static", "[flags]",
		"Render a static PNG map of the selected layers on a date: centred on a point\n"+
			"(-center lon,lat,zoom), fitting a box (-bbox minlon,minlat,maxlon,maxlat), or\n"+
			"fitting the layers (the default). The date and the attribution are drawn in.")
	data := fs.String("data", "", "campaign `directory` (default: the embedded campaign)")
	layers := fs.String("layers", "all", "layer `list`: all, one id, or ids separated by commas")
	date := fs.String("date", "", "`YYYY-MM-DD` to show (default: the summary map)")
	center := fs.String("center", "", "`lon,lat,zoom` to centre on")
	bbox := fs.String("bbox", "", "`minlon,minlat,maxlon,maxlat` to fit")
	size := fs.String("size", "800x600", "image `WxH` in CSS pixels")
	scale := fs.Int("scale", 1, "device pixel ratio: 1, or 2 for @2x")
	transparent := fs.Bool("transparent", false, "no paper background")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(fs, "unexpected argument %q", fs.Arg(0))
	}
	w, h, err := parseSize(*size)
	if err != nil {
		return usageErr(fs, "-size: %v", err)
	}
	if *scale != 1 && *scale != 2 {
		return usageErr(fs, "-scale %d: want 1 or 2", *scale)
	}
	if w**scale > tiles.MaxImageSide || h**scale > tiles.MaxImageSide {
		return usageErr(fs, "-size %s at scale %d: more than %d pixels a side", *size, *scale, tiles.MaxImageSide)
	}
	d, err := parseDateFlag(*date)
	if err != nil {
		return usageErr(fs, "-date: %v", err)
	}
	c, err := loadCampaign(*data)
	if err != nil {
		return err
	}
	sel, err := c.Select(*layers)
	if err != nil {
		return usageErr(fs, "-layers: %v", err)
	}
	frame, err := mapFrame(sel, *center, *bbox, w, h, float64(*scale))
	if err != nil {
		return usageErr(fs, "%v", err)
	}
	opt := tiles.ImageOptions{Caption: caption(d), Attribution: tiles.Attribution(sel)}
	if !*transparent {
		opt.Background = tiles.Paper
	}
	r := tiles.New(c)
	return writeOutput(e, *out, func(wr io.Writer) error {
		return r.Static(context.Background(), wr, sel, d, frame, opt)
	})
}

// mapFrame returns the frame of w×h CSS pixels at a scale centred on
// "lon,lat,zoom", fitting "minlon,minlat,maxlon,maxlat", or fitting the
// selection when both are "".
func mapFrame(sel overlays.Selection, center, bbox string, w, h int, scale float64) (tiles.Frame, error) {
	W, H := int(float64(w)*scale), int(float64(h)*scale)
	switch {
	case center != "" && bbox != "":
		return tiles.Frame{}, fmt.Errorf("give -center or -bbox, not both")
	case center != "":
		v, err := parseFloats(center, 3)
		if err != nil || !validLonLat(v[0], v[1]) || v[2] < 0 || v[2] > 20 {
			return tiles.Frame{}, fmt.Errorf("-center %q: want lon,lat,zoom with lon -180..180, lat -85..85, zoom 0..20", center)
		}
		return tiles.CenterFrame(orb.Point{v[0], v[1]}, v[2], scale, W, H), nil
	case bbox != "":
		v, err := parseFloats(bbox, 4)
		if err != nil || !validLonLat(v[0], v[1]) || !validLonLat(v[2], v[3]) || v[0] >= v[2] || v[1] >= v[3] {
			return tiles.Frame{}, fmt.Errorf("-bbox %q: want minlon,minlat,maxlon,maxlat with min < max", bbox)
		}
		return tiles.Fit(orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, W, H, scale, 0, 18), nil
	}
	return tiles.Fit(selectionBound(sel), W, H, scale, 24*scale, 14), nil
}

// caption is the date line drawn on images: "18 June 1944", or "Summary".
func caption(d geo.Day) string {
	if d == geo.NoDay {
		return "Summary"
	}
	return d.Time().Format("2 January 2006")
}

// selectionBound is the lon/lat bound of the selection's historical
// features (those with a side), or of all its features.
func selectionBound(sel overlays.Selection) orb.Bound {
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
	if first {
		for i, l := range sel {
			if i == 0 {
				b = l.Bound
			} else {
				b = b.Union(l.Bound)
			}
		}
	}
	return b
}

func parseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(s, "x")
	w, err1 := strconv.Atoi(a)
	h, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || w < 1 || h < 1 {
		return 0, 0, fmt.Errorf("%q: want WIDTHxHEIGHT in pixels, e.g. 800x600", s)
	}
	return w, h, nil
}

func parseFloats(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d numbers", n)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -overlays.MaxLat && lat <= overlays.MaxLat
}
