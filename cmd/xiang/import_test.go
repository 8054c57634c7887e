package main

import (
	"archive/zip"
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	kmlData   = "../../overlays/kml/testdata/"
	gpxData   = "../../overlays/gpx/testdata/"
	tableData = "../../overlays/table/testdata/"
)

// ink counts the pixels a transparent static image draws.
func ink(t *testing.T, args ...string) int {
	t.Helper()
	file := filepath.Join(t.TempDir(), "s.png")
	code, _, errOut := runCmd(t, append([]string{"static", "-transparent", "-size", "400x300", "-o", file}, args...)...)
	if code != 0 {
		t.Fatalf("static %v: exit %d: %s", args, code, errOut)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0x8000 {
				n++
			}
		}
	}
	return n
}

// TestImport imports files of every format shaped like real ones, then
// validates the campaign and draws it at its dates: movements grow from
// day to day as their times say.
func TestImport(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "campaign")
	inputs := []string{kmlData + "timestamps.kml", kmlData + "tracks.kml", gpxData + "garmin.gpx", gpxData + "latin1.gpx",
		tableData + "us.csv", tableData + "eu.csv"}
	code, stdout, errOut := runCmd(t, append([]string{"import", "-o", out}, inputs...)...)
	if code != 0 {
		t.Fatalf("import: exit %d: %s%s", code, stdout, errOut)
	}
	for _, want := range []string{"tracks.kml: tracks.geojson", "6 layers, 28 features", "skipped 1 GroundOverlay", "kept to the day"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import printed %q, want %q in it", stdout, want)
		}
	}
	if code, stdout, _ := runCmd(t, "validate", out); code != 0 || !strings.Contains(stdout, "ok: 6 layers, 28 features") {
		t.Errorf("validate: exit %d: %s", code, stdout)
	}
	tests := []struct {
		name, layer, bbox   string
		before, early, late string // a day before it, two days under way
	}{
		{"gx:Track", "tracks", "112.5,26.8,113.05,27.9", "1944-06-19", "1944-06-21", "1944-06-24"},
		{"CSV rows of one id", "us", "112.8,28.15,113.1,28.7", "1944-05-31", "1944-06-03", "1944-06-16"},
		{"GPX track", "latin1", "112.25,26.65,112.5,26.85", "2006-05-11", "2006-05-12", "2006-05-14"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-data", out, "-layers", tc.layer, "-bbox", tc.bbox, "-date"}
			before, early, late := ink(t, append(args, tc.before)...), ink(t, append(args, tc.early)...), ink(t, append(args, tc.late)...)
			t.Logf("%s: %d, %d, %d pixels of ink on %s, %s, %s", tc.layer, before, early, late, tc.before, tc.early, tc.late)
			if !(before < early && early < late) {
				t.Errorf("ink %d, %d, %d: want the movement to appear and grow", before, early, late)
			}
		})
	}
	// validate reads such files with their lines.
	if code, stdout, _ := runCmd(t, "validate", kmlData+"broken.kml"); code != 1 ||
		!strings.HasPrefix(stdout, kmlData+"broken.kml:6: <gx:Track> has 7 <when> and 6 <gx:coord>") {
		t.Errorf("validate a broken .kml: exit %d: %s", code, stdout)
	}
	// -data takes the files themselves too.
	if code, stdout, _ := runCmd(t, "validate", kmlData+"tracks.kml"); code != 0 || !strings.Contains(stdout, "ok: 1 layers, 2 features") {
		t.Errorf("validate a .kml: exit %d: %s", code, stdout)
	}
}

// TestImportErrors: broken inputs give FILE:LINE problems, all at once,
// exit 1, and nothing is written.
func TestImportErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "campaign")
	code, stdout, errOut := runCmd(t, "import", "-o", out, kmlData+"broken.kml", tableData+"ambiguous.csv")
	if code != 1 || !strings.Contains(errOut, "nothing written") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	line := regexp.MustCompile(`^\.\./\.\./overlays/(kml|table)/testdata/[a-z]+\.(kml|csv):[0-9]+: `)
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("not FILE:LINE: %q", l)
		}
	}
	if len(lines) != 5 {
		t.Errorf("%d problems, want 5:\n%s", len(lines), stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s written on error: %v", out, err)
	}
	// Told the order, the same CSV imports.
	if code, stdout, errOut := runCmd(t, "import", "-o", out, "-dates", "dmy", tableData+"ambiguous.csv"); code != 0 {
		t.Errorf("-dates dmy: exit %d: %s%s", code, stdout, errOut)
	}
	for _, tc := range []struct {
		args []string
		has  string
	}{
		{[]string{"import", kmlData + "tracks.kml"}, "-o is required"},
		{[]string{"import", "-o", out}, "no input files"},
		{[]string{"import", "-o", out, "-dates", "ydm", kmlData + "tracks.kml"}, "want mdy, dmy or ymd"},
	} {
		if code, _, errOut := runCmd(t, tc.args...); code != 2 || !strings.Contains(errOut, tc.has) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errOut, tc.has)
		}
	}
}

func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		has  string
	}{
		{[]string{"-format", "kml"}, "<gx:Track>"},
		{[]string{"-o", filepath.Join(dir, "x.kml")}, "<TimeSpan>"},
		{[]string{"-format", "csv", "-layers", "hengyang"}, "id,layer,kind,side"},
		{[]string{"-format", "geojson", "-date", "1944-07-01"}, `"date": "1944-07-01"`},
	} {
		args := append([]string{"export"}, tc.args...)
		code, stdout, errOut := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if strings.HasSuffix(args[len(args)-1], ".kml") {
			b, _ := os.ReadFile(args[len(args)-1])
			stdout = string(b)
		}
		if !strings.Contains(stdout, tc.has) {
			t.Errorf("%v: no %q in %.200s", args, tc.has, stdout)
		}
	}
	kmz := filepath.Join(dir, "y.kmz")
	if code, _, errOut := runCmd(t, "export", "-format", "kmz", "-o", kmz); code != 0 {
		t.Fatalf("kmz: %s", errOut)
	}
	b, _ := os.ReadFile(kmz)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != "doc.kml" {
		t.Errorf("kmz: %v", err)
	}
	// What export writes, import reads back.
	if code, stdout, errOut := runCmd(t, "import", "-o", filepath.Join(dir, "back"), filepath.Join(dir, "x.kml"), kmz); code != 0 ||
		!strings.Contains(stdout, "2 layers, 580 features") {
		t.Errorf("import of the export: exit %d: %s%s", code, stdout, errOut)
	}
	for _, tc := range []struct {
		args []string
		has  string
	}{
		{[]string{"export", "-format", "shp"}, "want one of geojson, kml, kmz, csv"},
		{[]string{"export", "-format", "kml", "-date", "1944-07-01"}, "-date is for -format geojson"},
	} {
		if code, _, errOut := runCmd(t, tc.args...); code != 2 || !strings.Contains(errOut, tc.has) {
			t.Errorf("%v: exit %d, %q", tc.args, code, errOut)
		}
	}
}
