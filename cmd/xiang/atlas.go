package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/atlas"
	"github.com/xiang-maps/xiang/tiles/sheet"
	"github.com/xiang-maps/xiang/tiles/view"
)

func runAtlas(e *env, args []string) error {
	fs := flagSet(e, "atlas", "[flags]",
		"Render a campaign atlas as one PDF: a cover with the contents, one printed sheet per\n"+
			"date (each with its date in the title block, a legend of what is on it, scale bar,\n"+
			"locator and page number) and a page of every source the sheets cite. Give the\n"+
			"dates, or -phases N to derive N dates from the campaign's events: the distinct\n"+
			"days events begin on, cut in order into N runs of near-equal length, each shown\n"+
			"on its last day.")
	sf := selectionFlags(fs, "")
	dates := fs.String("dates", "", "the sheets' `dates`, YYYY-MM-DD separated by commas, in order")
	phases := fs.Int("phases", 0, "derive this `many` dates from the events (instead of -dates)")
	bbox := fs.String("bbox", "auto", "`minlon,minlat,maxlon,maxlat` every sheet shows, or auto to fit each sheet to its date")
	paper := fs.String("paper", "A4", "paper `size`: A4, A3, Letter or Tabloid")
	orientation := fs.String("orientation", "landscape", "landscape or portrait")
	dpi := fs.Int("dpi", atlas.DefaultDPI, "resolution in dots per inch, 72 to 600")
	title := fs.String("title", "", "the cover's title (default: from the layers)")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	req := atlas.Request{Phases: *phases, DPI: *dpi, Title: *title}
	var err error
	if *dates != "" {
		if req.Days, err = atlas.ParseDays(*dates); err != nil {
			return usageErr(fs, "-dates %q: %v", *dates, err)
		}
	}
	if *bbox != "auto" {
		if req.BBox, err = view.ParseBBox(*bbox); err != nil {
			return usageErr(fs, "-bbox %q: %v", *bbox, err)
		}
	}
	if req.Paper, err = sheet.ParsePaper(*paper); err != nil {
		return usageErr(fs, "-paper %q: %v", *paper, err)
	}
	if req.Orientation, err = sheet.ParseOrientation(*orientation); err != nil {
		return usageErr(fs, "-orientation %q: %v", *orientation, err)
	}
	var re *sheet.RequestError
	if err := req.Check(); errors.As(err, &re) {
		return usageErr(fs, "-%s: %v", re.Param, err)
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	for _, d := range req.Days {
		if !c.Extent.Contains(d) {
			fmt.Fprintf(e.stderr, "xiang atlas: warning: %s is outside the campaign's dates (%s)\n", d, c.Extent)
		}
	}
	a, err := atlas.New(tiles.New(c), sel, req)
	if errors.As(err, &re) {
		return usageErr(fs, "-%s: %v", re.Param, err)
	}
	if err != nil {
		return err
	}
	return writeOutput(e, *out, func(w io.Writer) error {
		return a.WritePDF(context.Background(), w)
	})
}
