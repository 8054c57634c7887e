package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/kml"
	"github.com/xiang-maps/xiang/overlays/table"
)

// exportFormats are the formats of xiang export, by -format name.
var exportFormats = []string{"geojson", "kml", "kmz", "csv"}

func runExport(e *env, args []string) error {
	fs := flagSet(e, "export", "[flags]",
		"Write the selected layers to standard output (or -o).\n"+
			"geojson: the features visible on -date as one FeatureCollection, movements cut\n"+
			"where the troops are (without -date, every feature, movements complete).\n"+
			"kml, kmz: KML 2.2 keeping the times: a TimeSpan on every dated feature,\n"+
			"movements as gx:Track, a Folder per layer (Google Earth's time slider plays it).\n"+
			"csv: events, units and places one a row, movements one row per vertex.")
	sf := selectionFlags(fs, "everything")
	out := fs.String("o", "", "output `file` (default: standard output)")
	format := fs.String("format", "", "output `format`: "+strings.Join(exportFormats, ", ")+" (default: from -o's extension, else geojson)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *format == "" {
		*format = "geojson"
		if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), "."); ext == "kml" || ext == "kmz" || ext == "csv" {
			*format = ext
		}
	}
	d, err := sf.day(fs)
	if err != nil {
		return err
	}
	switch *format {
	case "geojson":
	case "kml", "kmz", "csv":
		if d != geo.NoDay {
			return usageErr(fs, "-date is for -format geojson: %s keeps every feature with its times", *format)
		}
	default:
		return usageErr(fs, "-format %q: want one of %s", *format, strings.Join(exportFormats, ", "))
	}
	_, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	return writeOutput(e, *out, func(w io.Writer) error {
		switch *format {
		case "kml":
			return kml.Write(w, sel, kml.Options{})
		case "kmz":
			return kml.WriteKMZ(w, sel, kml.Options{})
		case "csv":
			skipped, err := table.Write(w, sel)
			if err == nil && skipped > 0 {
				fmt.Fprintf(e.stderr, "xiang export: %d feature(s) that are neither points nor movements (areas, fronts, rivers, …) have no row in CSV\n", skipped)
			}
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(overlays.Export(sel, d))
	})
}
