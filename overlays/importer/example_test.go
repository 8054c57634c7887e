package importer_test

import (
	"fmt"

	"github.com/xiang-maps/xiang/overlays/importer"
)

func ExampleRead() {
	imp, err := importer.Read([]string{"../kml/testdata/tracks.kml", "../table/testdata/us.csv"}, importer.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range imp.Files {
		fmt.Println(f.Source, "→", f.Name)
	}
	c := imp.Campaign
	fmt.Println(c.Features(), "features,", c.Extent.From, "to", c.Extent.To)
	fmt.Println(imp.Summary)
	// Output:
	// ../kml/testdata/tracks.kml → tracks.geojson
	// ../table/testdata/us.csv → us.geojson
	// 6 features, 1944-06-01 to 1944-08-17
	// 3 time(s) finer than a day kept to the day (xiang's model is days)
}
