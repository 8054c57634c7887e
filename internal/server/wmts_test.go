package server

import (
	"context"
	"encoding/xml"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/internal/wmts"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// wmtsCaps is what the tests read of the capabilities.
type wmtsCaps struct {
	Layers []struct {
		Identifier string `xml:"Identifier"`
		Dimension  *struct {
			Identifier string   `xml:"Identifier"`
			Default    string   `xml:"Default"`
			Values     []string `xml:"Value"`
		} `xml:"Dimension"`
		ResourceURL struct {
			Template string `xml:"template,attr"`
		} `xml:"ResourceURL"`
		TileMatrixSet string `xml:"TileMatrixSetLink>TileMatrixSet"`
	} `xml:"Contents>Layer"`
	Matrices []struct {
		Identifier string `xml:"Identifier"`
		Width      int    `xml:"MatrixWidth"`
	} `xml:"Contents>TileMatrixSet>TileMatrix"`
}

func TestWMTSCapabilities(t *testing.T) {
	_, ts := newServer(t, "", Config{MaxZoom: 14})
	res := get(t, ts, wmts.Path)
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/xml") {
		t.Fatalf("status %d, type %q", res.status, res.header.Get("Content-Type"))
	}
	var caps wmtsCaps
	if err := xml.Unmarshal(res.body, &caps); err != nil {
		t.Fatal(err)
	}
	if len(caps.Matrices) != 15 || caps.Matrices[14].Width != 1<<14 {
		t.Errorf("%d tile matrices, want 0 to 14", len(caps.Matrices))
	}
	c, err := overlays.LoadDir(testCampaign)
	if err != nil {
		t.Fatal(err)
	}
	if len(caps.Layers) != len(c.Layers)+1 || caps.Layers[0].Identifier != "all" {
		t.Fatalf("%d layers, want %d and all first", len(caps.Layers), len(c.Layers)+1)
	}
	for _, l := range caps.Layers {
		t.Run(l.Identifier, func(t *testing.T) {
			if l.TileMatrixSet != "GoogleMapsCompatible" {
				t.Errorf("tile matrix set %q", l.TileMatrixSet)
			}
			if l.Dimension == nil {
				if strings.Contains(l.ResourceURL.Template, "{Time}") {
					t.Errorf("undated layer with {Time}: %s", l.ResourceURL.Template)
				}
				return
			}
			want := ts.URL + "/tiles/" + l.Identifier + "/{Time}/{TileMatrix}/{TileCol}/{TileRow}.png"
			if l.ResourceURL.Template != want {
				t.Errorf("template %q, want %q", l.ResourceURL.Template, want)
			}
			if l.Dimension.Identifier != "Time" || len(l.Dimension.Values) == 0 {
				t.Fatalf("dimension %+v", l.Dimension)
			}
			found := false
			for _, v := range l.Dimension.Values {
				found = found || v == l.Dimension.Default
			}
			if !found {
				t.Errorf("default %s is not one of the values", l.Dimension.Default)
			}
			// The template filled in is a tile the server serves.
			u := strings.NewReplacer("{Time}", l.Dimension.Default, "{TileMatrix}", "9", "{TileCol}", "416", "{TileRow}", "215").
				Replace(l.ResourceURL.Template)
			if r := get(t, ts, strings.TrimPrefix(u, ts.URL)); r.status != 200 {
				t.Errorf("%s: status %d", u, r.status)
			}
		})
	}
}

func TestWMTSBusiestDay(t *testing.T) {
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range c.Layers {
		if l.Extent == (geo.Span{}) {
			continue
		}
		t.Run(l.ID, func(t *testing.T) {
			visible := func(d geo.Day) int {
				n := 0
				for _, f := range l.Features {
					if f.Span != geo.All && f.Span.Contains(d) {
						n++
					}
				}
				return n
			}
			def := wmts.BusiestDay(l.Extent, l)
			best := visible(def)
			for d := l.Extent.From; d <= l.Extent.To; d++ {
				if v := visible(d); v > best || (v == best && d < def) {
					t.Fatalf("%s has %d dated features visible, the default %s %d", d, v, def, best)
				}
			}
		})
	}
}

// TestWMTSGDAL opens the capabilities with GDAL's WMTS driver, which draws
// each layer's default Time, and mosaics a box of the embedded campaign
// around Changsha: the Japanese advance (red) must be on it.
func TestWMTSGDAL(t *testing.T) {
	gdal := testkit.Tool(t, "gdal_translate", "gdal-bin")
	info := testkit.Tool(t, "gdalinfo", "gdal-bin")
	_, ts := newServer(t, "", Config{Load: hunan.Load, MaxZoom: 12})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	src := "WMTS:" + ts.URL + wmts.Path
	dir := t.TempDir()
	// GDAL's WMTS driver caches tiles in ./gdalwmscache unless told.
	env := append(os.Environ(), "GDAL_DEFAULT_WMS_CACHE_PATH="+filepath.Join(dir, "cache"), "GDAL_HTTP_TIMEOUT=60")
	cmd := exec.CommandContext(ctx, info, src)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), src+",layer=changsha") {
		t.Fatalf("gdalinfo %s: %v\n%s", src, err, out)
	}
	png := filepath.Join(dir, "mosaic.png")
	cmd = exec.CommandContext(ctx, gdal, "-q", "-of", "PNG", "-outsize", "512", "0",
		"-projwin", "112.3", "29.3", "113.8", "27.6", "-projwin_srs", "EPSG:4326",
		src+",layer=all", png)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gdal_translate: %v\n%s", err, out)
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	red, ink := 0, 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.A < 128 {
				continue
			}
			ink++
			if c.R > 150 && c.G < 90 && c.B < 90 {
				red++
			}
		}
	}
	t.Logf("mosaic %v: %d pixels of ink, %d red (Japanese)", bd.Size(), ink, red)
	if red < 200 {
		testkit.Save(t, "wmts-mosaic", img)
		t.Errorf("mosaic shows %d red pixels, want the Japanese advance on Changsha (at least 200)", red)
	}
}

func TestLayerExport(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := map[string]struct {
		path, typ, has string
		status         int
	}{
		"kml":        {"/api/layers/all.kml", contentTypeKML, "<gx:Track>", 200},
		"kmz":        {"/api/layers/all.kmz", contentTypeKMZ, "doc.kml", 200},
		"csv":        {"/api/layers/all.csv", contentTypeCSV, "id,layer,kind", 200},
		"date":       {"/api/layers/all.kml?date=1944-06-18", "application/json", "?date= is for .geojson", 400},
		"unknown":    {"/api/layers/nope.csv", "application/json", "unknown layer", 404},
		"geojson ok": {"/api/layers/all.geojson", api.ContentTypeGeoJSON, "FeatureCollection", 200},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			res := get(t, ts, tc.path)
			if res.status != tc.status || !strings.HasPrefix(res.header.Get("Content-Type"), tc.typ) ||
				!strings.Contains(string(res.body), tc.has) {
				t.Errorf("%s: %d %q, want %d %q with %q; body %.200s", tc.path, res.status,
					res.header.Get("Content-Type"), tc.status, tc.typ, tc.has, res.body)
			}
			if tc.status == 200 && res.header.Get("ETag") == "" {
				t.Errorf("%s: no ETag", tc.path)
			}
		})
	}
}
