package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/sheet"
	"github.com/xiang-maps/xiang/tiles/view"
)

func runPrint(e *env, args []string) error {
	fs := flagSet(e, "print", "[flags]",
		"Render a printable map of the selected layers on a date as PDF or PNG: the map at\n"+
			"the paper's full resolution with title, date, legend, scale bar, north arrow,\n"+
			"graticule, locator map, sources and attribution. The map fits -bbox, or the\n"+
			"layers when -bbox is auto (the default).")
	sf := selectionFlags(fs, "the summary map")
	bbox := fs.String("bbox", "auto", "`minlon,minlat,maxlon,maxlat` to fit, or auto to fit the layers")
	paper := fs.String("paper", "A4", "paper `size`: A4, A3, Letter or Tabloid")
	orientation := fs.String("orientation", "landscape", "landscape or portrait")
	dpi := fs.Int("dpi", sheet.DefaultDPI, "resolution in dots per inch, 72 to 600")
	title := fs.String("title", "", "title (default: from the layers shown)")
	subtitle := fs.String("subtitle", "", "subtitle (default: the date line)")
	format := fs.String("format", "", "output `format`: pdf or png (default: from -o's extension, else pdf)")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	d, err := sf.day(fs)
	if err != nil {
		return err
	}
	req := sheet.Request{Day: d, DPI: *dpi, Title: *title, Subtitle: *subtitle}
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
	f := *format
	if f == "" {
		f = "pdf"
		if strings.EqualFold(filepath.Ext(*out), ".png") {
			f = "png"
		}
	}
	if req.Format, err = sheet.ParseFormat(f); err != nil {
		return usageErr(fs, "-format %q: %v", f, err)
	}
	var re *sheet.RequestError
	if err := req.Check(); errors.As(err, &re) {
		return usageErr(fs, "-%s: %v", re.Param, err)
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	if d != geo.NoDay && !c.Extent.Contains(d) {
		e.stderr.Write([]byte("xiang print: warning: " + d.String() + " is outside the campaign's dates (" + c.Extent.String() + ")\n"))
	}
	r := tiles.New(c)
	return writeOutput(e, *out, func(w io.Writer) error {
		return sheet.Write(context.Background(), w, r, sel, req)
	})
}
