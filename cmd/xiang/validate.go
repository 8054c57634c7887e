package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
)

func runValidate(e *env, args []string) error {
	fs := flagSet(e, "validate", "[DIR]",
		"Validate every *.geojson layer in DIR (default: the embedded campaign) against\n"+
			"docs/format.md. DIR may also be a CSV, KML, KMZ or GPX file, or a directory of\n"+
			"them, read as xiang import reads them (problems as FILE:LINE: what is wrong).\nPrints the first "+strconv.Itoa(overlays.MaxProblems)+" problems as FILE: feature N (\"name\"): what is\n"+
			"wrong, and how many more, and exits 1; or prints a one-line summary and exits 0.")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageErr(fs, "want at most one directory, got %d arguments", fs.NArg())
	}
	dir := fs.Arg(0)
	c, err := loadCampaign(dir)
	var ve *overlays.ValidationErrors
	if errors.As(err, &ve) {
		listProblems(e.stdout, ve.Problems, ve.More)
		return &exitError{1, fmt.Errorf("%d problem(s) found", ve.Len())}
	}
	var ps *convert.Problems // DIR is a CSV, KML, KMZ or GPX file, or holds some
	if errors.As(err, &ps) {
		listProblems(e.stdout, ps.List, ps.More)
		return &exitError{1, fmt.Errorf("%d problem(s) found", ps.Len())}
	}
	if err != nil {
		return err
	}
	name := overlays.QuoteName(dir)
	if dir == "" {
		name = "embedded campaign"
	}
	fmt.Fprintf(e.stdout, "%s: ok: %d layers, %d features, %s to %s\n",
		name, len(c.Layers), c.Features(), c.Extent.From, c.Extent.To)
	return nil
}

// listProblems prints the problems kept, one a line, then how many more
// were found but not kept.
func listProblems[P any](w io.Writer, kept []P, more int) {
	for _, p := range kept {
		fmt.Fprintln(w, p)
	}
	if more > 0 {
		fmt.Fprintf(w, "… and %d more problem(s), not listed\n", more)
	}
}
