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
	sf := selectionFlags(fs, "everything")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	d, err := sf.day(fs)
	if err != nil {
		return err
	}
	_, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	fc := overlays.Export(sel, d)
	return writeOutput(e, *out, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(fc)
	})
}
