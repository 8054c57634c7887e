package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// maplibrePage is a page on another origin that shows xiang's tiles with
// MapLibre GL JS: TileJSON and tiles are fetched cross-origin, so they load
// only with CORS.
const maplibrePage = `<!doctype html><html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/maplibre/maplibre-gl.css">
<script src="/maplibre/maplibre-gl.js"></script>
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div><script>
const map = new maplibregl.Map({
  container: "map", center: [112.615, 26.89], zoom: 11, canvasContextAttributes: {preserveDrawingBuffer: true}, attributionControl: false,
  style: {version: 8, sources: {xiang: {type: "raster", url: "XIANG/tiles/all.json?date=1944-07-15", tileSize: 256}},
    layers: [{id: "paper", type: "background", paint: {"background-color": "#ffffff"}},
             {id: "xiang", type: "raster", source: "xiang"}]}});
map.on("error", (e) => console.error("maplibre: " + (e.error && e.error.message)));
map.on("idle", () => { document.title = "idle"; });
</script></body></html>`

// TestMapLibreCrossOrigin loads the dated tiles of the embedded campaign in
// MapLibre GL JS 5 (the copy the viewer embeds; WebGL rendered by SwiftShader) from a page on another
// origin, and checks the map shows both sides' colours where Hengyang is.
func TestMapLibreCrossOrigin(t *testing.T) {
	_, tilesSrv := newServer(t, "", Config{Load: hunan.Load, Source: "embedded"})
	page := http.NewServeMux()
	page.Handle("/maplibre/", http.FileServer(http.FS(web.Files())))
	page.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(maplibrePage, "XIANG", tilesSrv.URL)))
	})
	pageSrv := httptest.NewServer(page)
	defer pageSrv.Close()
	if strings.TrimPrefix(pageSrv.URL, "http://") == strings.TrimPrefix(tilesSrv.URL, "http://") {
		t.Fatal("the page must be on another origin")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	exe := testkit.Browser(t)
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("use-angle", "swiftshader"), chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(800, 600),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	tb := openTab(t, browser, "maplibre", pageSrv.URL+"/", 512, 512)
	tb.waitFor("MapLibre to draw its tiles", `document.title === "idle"`)
	// The map's own WebGL canvas (kept with preserveDrawingBuffer), read
	// back as PNG.
	uri := eval[string](tb, `map.getCanvas().toDataURL("image/png")`)
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	img := toRGBA(decoded)
	tb.checkClean()
	if got := tb.requested(tilesSrv.URL + "/tiles/all.json?date=1944-07-15"); len(got) == 0 {
		t.Error("MapLibre did not request the TileJSON")
	}
	// MapLibre counts zoom in 512 px tiles: at zoom 11 it asks for z12 tiles of 256 px.
	tilesSeen := tb.requested(tilesSrv.URL + "/tiles/all/1944-07-15/12/")
	if len(tilesSeen) == 0 {
		t.Errorf("no dated z12 tile requested; requests: %v", tb.requested(tilesSrv.URL))
	}
	near := func(want color.NRGBA) int {
		n := 0
		for i := 0; i < len(img.Pix); i += 4 {
			d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
			if d(img.Pix[i], want.R) < 40 && d(img.Pix[i+1], want.G) < 40 && d(img.Pix[i+2], want.B) < 40 {
				n++
			}
		}
		return n
	}
	red, blue := near(overlays.ColorJapan), near(overlays.ColorChina)
	if red < 100 || blue < 50 {
		keepScreenshot(t, "maplibre.png", img)
		t.Errorf("MapLibre's map has %d Japanese red and %d Chinese blue pixels over Hengyang on 1944-07-15; want the siege ring and the garrison", red, blue)
	}
	t.Logf("%d tiles loaded cross-origin; %d red, %d blue pixels", len(tilesSeen), red, blue)
}
