package main

import (
	"errors"
	"fmt"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
	"github.com/xiang-maps/xiang/overlays/importer"
	"github.com/xiang-maps/xiang/overlays/table"
)

func runImport(e *env, args []string) error {
	fs := flagSet(e, "import", "-o DIR [flags] FILE...",
		"Read campaign data from CSV, KML, KMZ, GPX and GeoJSON files (any mix; a directory\n"+
			"stands for the files in it) into a campaign directory: one layer file per input,\n"+
			"named after it, that xiang validate accepts. Problems are listed all at once as\n"+
			"FILE:LINE: what is wrong, and then nothing is written (exit 1).\n"+
			"docs/import.md says what each format maps to.")
	out := fs.String("o", "", "campaign `directory` to write (created if missing; required)")
	dates := fs.String("dates", "", "`order` of slashed dates in CSV files: mdy, dmy or ymd (default: inferred per column)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr(fs, "-o is required")
	}
	if fs.NArg() == 0 {
		return usageErr(fs, "no input files")
	}
	order, err := table.ParseOrder(*dates)
	if err != nil {
		return usageErr(fs, "-dates: %v", err)
	}
	imp, err := importer.Read(fs.Args(), importer.Options{Dates: order})
	var ps *convert.Problems
	if errors.As(err, &ps) {
		listProblems(e.stdout, ps.List, ps.More)
		return &exitError{1, fmt.Errorf("%d problem(s) found; nothing written", ps.Len())}
	}
	if err != nil {
		return err
	}
	if err := imp.Write(*out); err != nil {
		return err
	}
	c := imp.Campaign
	for _, f := range imp.Files {
		fmt.Fprintf(e.stdout, "%s: %s\n", f.Source, f.Name)
	}
	extent := "undated"
	if c.Extent != (geo.Span{}) {
		extent = fmt.Sprintf("%s to %s", c.Extent.From, c.Extent.To)
	}
	fmt.Fprintf(e.stdout, "%s: %d layers, %d features, %s\n", overlays.QuoteName(*out), len(c.Layers), c.Features(), extent)
	if s := imp.Summary.String(); s != "" {
		fmt.Fprintln(e.stdout, s)
	}
	return nil
}
