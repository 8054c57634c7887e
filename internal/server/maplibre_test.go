package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// maplibrePage is a page on another origin that shows xiang's tiles with
// MapLibre GL JS: TileJSON and tiles are fetched cross-origin, so they load
// only with CORS.
var maplibrePage = testkit.MapLibrePage("/maplibre", `const map = new maplibregl.Map({
  container: "map", center: [112.615, 26.89], zoom: 11, canvasContextAttributes: {preserveDrawingBuffer: true}, attributionControl: false,
  style: {version: 8, sources: {xiang: {type: "raster", url: "XIANG/tiles/all.json?date=1944-07-15", tileSize: 256}},
    layers: [{id: "paper", type: "background", paint: {"background-color": "#ffffff"}},
             {id: "xiang", type: "raster", source: "xiang"}]}});
map.on("error", (e) => console.error("maplibre: " + (e.error && e.error.message)));
map.on("idle", () => { document.title = "idle"; });`)

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

	browser := testkit.Chrome(t, 60*time.Second, testkit.Window{Width: 800, Height: 600, WebGL: true})
	tb := openTab(t, browser, "maplibre", pageSrv.URL+"/", 512, 512)
	tb.WaitFor("MapLibre to draw its tiles", `document.title === "idle"`)
	// The map's own WebGL canvas (kept with preserveDrawingBuffer), read
	// back as PNG.
	img := tb.Canvas()
	tb.CheckClean()
	if got := tb.Requested(tilesSrv.URL + "/tiles/all.json?date=1944-07-15"); len(got) == 0 {
		t.Error("MapLibre did not request the TileJSON")
	}
	// MapLibre counts zoom in 512 px tiles: at zoom 11 it asks for z12 tiles of 256 px.
	tilesSeen := tb.Requested(tilesSrv.URL + "/tiles/all/1944-07-15/12/")
	if len(tilesSeen) == 0 {
		t.Errorf("no dated z12 tile requested; requests: %v", tb.Requested(tilesSrv.URL))
	}
	red, blue := testkit.Near(img, overlays.ColorJapan, 39), testkit.Near(img, overlays.ColorChina, 39)
	if red < 100 || blue < 50 {
		keepScreenshot(t, "maplibre.png", img)
		t.Errorf("MapLibre's map has %d Japanese red and %d Chinese blue pixels over Hengyang on 1944-07-15; want the siege ring and the garrison", red, blue)
	}
	t.Logf("%d tiles loaded cross-origin; %d red, %d blue pixels", len(tilesSeen), red, blue)
}
