package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// historical are the dated layers of the embedded campaign: the fidelity
// test leaves out the context layer, whose blue rivers would count as
// Chinese blue in both pictures.
const historical = "changsha,hengyang,yuelu,zhijiang"

// fidelitySide is the side in CSS pixels of the map the fidelity test
// compares (device pixel ratio 1), and fidelityCell that of a cell.
const (
	fidelitySide = 512
	fidelityCell = 32
)

// fidelityPage draws one view with MapLibre on a white page: show(style,
// lon, lat, zoom) resolves to the canvas as a PNG data URL once the map is
// idle. Zoom is MapLibre's (512-px tiles); fades are off so that symbols
// are drawn at once.
const fidelityPage = `<!doctype html><html><head><meta charset="utf-8"><title>fidelity</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/maplibre/maplibre-gl.css">
<script src="/assets/maplibre/maplibre-gl.js"></script>
<style>html,body{margin:0;background:#fff}#map{width:512px;height:512px}</style></head>
<body><div id="map"></div><script>
let map = null;
window.show = (style, lon, lat, zoom) => new Promise((resolve, reject) => {
  if (map) map.remove();
  map = new maplibregl.Map({container: "map", style, center: [lon, lat], zoom, pixelRatio: 1, fadeDuration: 0,
    attributionControl: false, interactive: false, canvasContextAttributes: {preserveDrawingBuffer: true}});
  map.on("error", (e) => console.error("maplibre: " + (e.error && e.error.message)));
  map.once("load", () => {
    // No base map, white paper: the raster tiles are composed over white.
    for (const l of map.getStyle().layers) {
      if (l.type === "background") map.setPaintProperty(l.id, "background-color", "#ffffff");
    }
    map.once("idle", () => resolve(map.getCanvas().toDataURL("image/png")));
  });
});
</script></body></html>`

// newWebGLBrowser starts Chromium with WebGL rendered by SwiftShader, as
// MapLibre needs.
func newWebGLBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	exe := testkit.Browser(t)
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("use-angle", "swiftshader"), chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 800),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browser
}

// fidelityView is one view of the comparison: a date, a centre and a
// Leaflet zoom (256-px tiles; MapLibre's is one less).
type fidelityView struct {
	date   string
	center orb.Point
	zoom   int
}

func (v fidelityView) String() string { return fmt.Sprintf("%s/z%d", v.date, v.zoom) }

// composeRaster places xiang's PNG tiles of the view over white, as a
// fidelitySide-square map centred on v.center at v.zoom.
func composeRaster(t *testing.T, base, layers string, v fidelityView) *image.RGBA {
	t.Helper()
	out := image.NewRGBA(image.Rect(0, 0, fidelitySide, fidelitySide))
	draw.Draw(out, out.Bounds(), image.White, image.Point{}, draw.Src)
	// The view's top-left corner in world pixels of 256-px tiles.
	f := maptile.Fraction(v.center, maptile.Zoom(v.zoom))
	px, py := f[0]*256, f[1]*256
	x0, y0 := px-fidelitySide/2, py-fidelitySide/2
	for ty := int(math.Floor(y0 / 256)); float64(ty*256) < y0+fidelitySide; ty++ {
		for tx := int(math.Floor(x0 / 256)); float64(tx*256) < x0+fidelitySide; tx++ {
			url := fmt.Sprintf("%s/tiles/%s/%s/%d/%d/%d.png", base, layers, v.date, v.zoom, tx, ty)
			res, err := http.Get(url)
			if err != nil {
				t.Fatal(err)
			}
			tile, err := png.Decode(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %v", url, res.StatusCode, err)
			}
			at := image.Pt(int(math.Round(float64(tx*256)-x0)), int(math.Round(float64(ty*256)-y0)))
			draw.Draw(out, tile.Bounds().Add(at), tile, image.Point{}, draw.Over)
		}
	}
	return out
}

// cellShares is, for each fidelityCell-square cell, the share of its
// pixels of shade s.
func cellShares(img *image.RGBA, s shade) []float64 {
	b := img.Bounds()
	var out []float64
	for y := b.Min.Y; y+fidelityCell <= b.Max.Y; y += fidelityCell {
		for x := b.Min.X; x+fidelityCell <= b.Max.X; x += fidelityCell {
			n := 0
			for yy := y; yy < y+fidelityCell; yy++ {
				for xx := x; xx < x+fidelityCell; xx++ {
					i := img.PixOffset(xx, yy)
					if s.is(color.NRGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 0xff}) {
						n++
					}
				}
			}
			out = append(out, float64(n)/(fidelityCell*fidelityCell))
		}
	}
	return out
}

// cellDiff is the mean and the largest difference between two lists of
// cell shares, and the total share of each.
func cellDiff(a, b []float64) (mean, most, totalA, totalB float64) {
	for i := range a {
		d := math.Abs(a[i] - b[i])
		mean += d
		most = max(most, d)
		totalA += a[i]
		totalB += b[i]
	}
	n := float64(len(a))
	return mean / n, most, totalA / n, totalB / n
}

// decodeDataURL decodes a PNG data URL.
func decodeDataURL(t *testing.T, uri string) *image.RGBA {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return toRGBA(img)
}

// newVectorServer serves the embedded campaign with the fidelity page at
// /fidelity.html.
func newVectorServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone, Title: "Hunan"})
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("/fidelity.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(fidelityPage))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// fidelityViews are the dates and places of the comparison: the fighting
// at Changsha, the siege of Hengyang and the battle of West Hunan, each at
// Leaflet zooms 8, 10 and 12.
var fidelityViews = func() []fidelityView {
	var out []fidelityView
	for _, p := range []struct {
		date   string
		center orb.Point
	}{
		{"1944-06-18", orb.Point{112.95, 28.2}},
		{"1944-07-15", orb.Point{112.615, 26.89}},
		{"1945-05-01", orb.Point{110.6, 27.1}},
	} {
		for _, z := range []int{8, 10, 12} {
			out = append(out, fidelityView{p.date, p.center, z})
		}
	}
	return out
}()

// TestFidelityControl checks the comparison itself: MapLibre drawing
// xiang's raster tiles (a raster source) must match the tiles composed in
// Go almost exactly, so that what the vector comparison finds is the
// vector rendering's and not the harness's.
func TestFidelityControl(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium test")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	browser := newWebGLBrowser(t, ctx)
	ts := newVectorServer(t)
	tb := openTab(t, browser, "fidelity", ts.URL+"/fidelity.html", 1000, 800)
	tb.waitFor("MapLibre", `typeof window.show === "function"`)
	for _, v := range fidelityViews {
		style := fmt.Sprintf(`{version: 8, sources: {x: {type: "raster", tileSize: 256, tiles: [%q]}},
			layers: [{id: "paper", type: "background", paint: {"background-color": "#fff"}}, {id: "x", type: "raster", source: "x", paint: {"raster-fade-duration": 0}}]}`,
			ts.URL+"/tiles/"+historical+"/"+v.date+"/{z}/{x}/{y}.png")
		got := decodeDataURL(t, eval[string](tb, fmt.Sprintf(`show(%s, %v, %v, %d)`, style, v.center.Lon(), v.center.Lat(), v.zoom-1)))
		want := composeRaster(t, ts.URL, historical, v)
		for _, s := range []shade{japanRed, chinaBlue} {
			mean, most, ta, tw := cellDiff(cellShares(got, s), cellShares(want, s))
			t.Logf("%s %s: mean cell difference %.4f, max %.4f (shares %.4f MapLibre, %.4f composed)", v, s.name, mean, most, ta, tw)
			if mean > 0.005 || most > 0.05 {
				keepScreenshot(t, "fidelity-control-"+strings.ReplaceAll(v.String(), "/", "-")+"-maplibre.png", got)
				keepScreenshot(t, "fidelity-control-"+strings.ReplaceAll(v.String(), "/", "-")+"-composed.png", want)
				t.Errorf("%s %s: MapLibre's raster and the composed tiles differ: mean %.4f, max %.4f per cell", v, s.name, mean, most)
			}
		}
	}
	tb.checkClean()
}
