package main

import (
	"context"
	"fmt"
	"io"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/view"
)

func runStatic(e *env, args []string) error {
	fs := flagSet(e, "static", "[flags]",
		"Render a static PNG map of the selected layers on a date: centred on a point\n"+
			"(-center lon,lat,zoom), fitting a box (-bbox minlon,minlat,maxlon,maxlat), or\n"+
			"fitting the layers (the default). The date and the attribution are drawn in.")
	sf := selectionFlags(fs, "the summary map")
	center := fs.String("center", "", "`lon,lat,zoom` to centre on")
	bbox := fs.String("bbox", "", "`minlon,minlat,maxlon,maxlat` to fit")
	size := fs.String("size", "800x600", "image `WxH` in CSS pixels")
	scale := fs.Int("scale", 1, "device pixel ratio: 1, or 2 for @2x")
	transparent := fs.Bool("transparent", false, "no paper background")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *scale != 1 && *scale != 2 {
		return usageErr(fs, "-scale %d: want 1 or 2", *scale)
	}
	w, h, err := view.ParseSize(*size, *scale)
	if err != nil {
		return usageErr(fs, "-%v", err)
	}
	d, err := sf.day(fs)
	if err != nil {
		return err
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	frame, err := mapFrame(sel, *center, *bbox, w, h, float64(*scale))
	if err != nil {
		return usageErr(fs, "%v", err)
	}
	opt := tiles.ImageOptions{Caption: view.Caption(d), Attribution: sel.Attribution()}
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
func mapFrame(sel overlays.Selection, center, bbox string, w, h int, scale float64) (geo.Frame, error) {
	var v view.View // fits the selection
	var err error
	switch {
	case center != "" && bbox != "":
		return geo.Frame{}, fmt.Errorf("give -center or -bbox, not both")
	case center != "":
		v, err = view.ParseCenter(center)
	case bbox != "":
		v, err = view.ParseBox(bbox)
	}
	if err != nil {
		return geo.Frame{}, fmt.Errorf("-%w", err) // "-center \"…\": want …", as the flag is named
	}
	return v.Frame(sel, w, h, scale), nil
}
