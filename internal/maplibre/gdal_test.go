package maplibre_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
)

// TestGDALReadsTile has GDAL's MVT driver read a served tile, saved as
// {z}/{x}/{y}.mvt so that the driver knows where it lies, and checks that
// it shows the layers, features with their dates, and Hengyang where
// it is.
func TestGDALReadsTile(t *testing.T) {
	ogrinfo := testkit.Tool(t, "ogrinfo", "gdal-bin")
	_, ts := serve(t)
	res, body := get(t, ts, tilePath("all", hengyang))
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	dir := filepath.Join(t.TempDir(), itoa(uint32(hengyang.Z)), itoa(hengyang.X))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, itoa(hengyang.Y)+".mvt")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogrinfo, "-ro", "-al", "-oo", "CLIP=NO", file).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	text := string(out)
	for _, layer := range []string{"areas", "lines", "movements", "heads", "points"} {
		if !regexp.MustCompile(`(?m)^Layer name: ` + layer + `$`).MatchString(text) {
			t.Errorf("ogrinfo shows no layer %s", layer)
		}
	}
	for _, field := range []string{"start_date (String)", "end_date (String)", "start_day (Integer", "end_day (Integer", "bearing (Real)", "name_zh (String)"} {
		if !strings.Contains(text, field) {
			t.Errorf("ogrinfo shows no field %q", field)
		}
	}
	// Hengyang: a place named so, with its point inside the tile.
	m := regexp.MustCompile(`(?s)name \(String\) = Hengyang\n.*?POINT \(([0-9.]+) ([0-9.]+)\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("ogrinfo shows no feature named Hengyang:\n%.3000s", text)
	}
	// GDAL reports Web Mercator (EPSG:3857) metres.
	x, _ := strconv.ParseFloat(m[1], 64)
	y, _ := strconv.ParseFloat(m[2], 64)
	if p, b := project.Mercator.ToWGS84(orb.Point{x, y}), hengyang.Bound(); !b.Contains(p) {
		t.Errorf("Hengyang at %v, outside its tile %v", p, b)
	}
	// Dates as the contract says: each start_day is its start_date.
	days := regexp.MustCompile(`start_day \(Integer[0-9]*\) = (-?[0-9]+)\n`)
	ends := regexp.MustCompile(`end_day \(Integer[0-9]*\) = (-?[0-9]+)\n`)
	dates := regexp.MustCompile(`start_date \(String\) = ([0-9-]+)`)
	n := 0
	for _, feature := range strings.Split(text, "OGRFeature(")[1:] {
		ds, dd := days.FindStringSubmatch(feature), dates.FindStringSubmatch(feature)
		if ds == nil || ends.FindStringSubmatch(feature) == nil {
			t.Fatalf("a feature without start_day and end_day:\n%s", feature)
		}
		if dd == nil {
			continue
		}
		from, _ := strconv.Atoi(ds[1])
		if geo.Day(from).String() != dd[1] {
			t.Errorf("start_day %d is %s, start_date %s", from, geo.Day(from), dd[1])
		}
		n++
	}
	if n < 10 {
		t.Errorf("only %d dated features in the tile", n)
	}
}
