package main

import (
	"flag"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/overlays/importer"
)

// loadCampaign loads dir, or the embedded default campaign when dir is "".
// dir may also be a CSV, KML, KMZ, GPX or GeoJSON file, or a directory
// holding such files, read as xiang import reads them.
func loadCampaign(dir string) (*overlays.Campaign, error) {
	if dir == "" {
		return hunan.Load()
	}
	return importer.Load(dir, importer.Options{})
}

// selection holds the flags that choose what to draw: -data, -layers and,
// for commands that draw one date, -date.
type selection struct{ data, layers, date *string }

// selectionFlags defines -data and -layers on fs, and -date when dateDefault
// (what no date shows) is not empty.
func selectionFlags(fs *flag.FlagSet, dateDefault string) *selection {
	sf := &selection{
		data:   fs.String("data", "", "campaign `directory`, or a .csv/.kml/.kmz/.gpx/.geojson file or a directory of them (default: the embedded campaign)"),
		layers: fs.String("layers", "all", "layer `list`: all, one id, or ids separated by commas"),
	}
	if dateDefault != "" {
		sf.date = fs.String("date", "", "`YYYY-MM-DD` to show (default: "+dateDefault+")")
	}
	return sf
}

// day parses -date: absent or empty is the summary map (geo.NoDay); a bad
// date is a usage error.
func (sf *selection) day(fs *flag.FlagSet) (geo.Day, error) {
	if sf.date == nil || *sf.date == "" {
		return geo.NoDay, nil
	}
	d, err := geo.ParseDay(*sf.date)
	if err != nil {
		return 0, usageErr(fs, "-date: %v", err)
	}
	return d, nil
}

// load loads the campaign of -data and selects -layers; an unknown layer
// is a usage error.
func (sf *selection) load(fs *flag.FlagSet) (*overlays.Campaign, overlays.Selection, error) {
	c, err := loadCampaign(*sf.data)
	if err != nil {
		return nil, nil, err
	}
	sel, err := c.Select(*sf.layers)
	if err != nil {
		return nil, nil, usageErr(fs, "-layers: %v", err)
	}
	return c, sel, nil
}
