package main

import (
	"encoding/json"
	"io"

	"github.com/xiang-maps/xiang/overlays"
)

func runExport(e *env, args []string) error {
	fs := flagSet(e, "export", "[flags]",
		"Write the features of the selected layers visible on a date as one GeoJSON\n"+
			"FeatureCollection to standard output (or -o), movements cut where the troops\n"+
			"are on that date. Without -date, every feature, movements complete.")
	data := fs.String("data", "", "campaign `directory` (default: the embedded campaign)")
	layers := fs.String("layers", "all", "layer `list`: all, one id, or ids separated by commas")
	date := fs.String("date", "", "`YYYY-MM-DD` to show (default: everything)")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(fs, "unexpected argument %q", fs.Arg(0))
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
	fc := overlays.Export(sel, d)
	return writeOutput(e, *out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(fc)
	})
}
