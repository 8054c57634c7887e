package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// stylePage draws xiang's MapLibre style at Hengyang with the vendored
// MapLibre GL JS (5.x: global state), on another origin. CJK ideographs
// come from xiang's glyphs, not the browser's fonts
// (localIdeographFontFamily: false).
const stylePage = `<!doctype html><html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/maplibre/maplibre-gl.css">
<script src="/maplibre/maplibre-gl.js"></script>
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div><script>
const map = new maplibregl.Map({
  container: "map", center: [112.62, 26.9], zoom: 11, attributionControl: false,
  canvasContextAttributes: {preserveDrawingBuffer: true}, localIdeographFontFamily: false,
  style: "XIANG/styles/all.json?date=1944-07-15"});
map.on("error", (e) => console.error("maplibre: " + (e.error && e.error.message)));
map.on("idle", () => { document.title = "idle"; });
window.setDay = (day) => {
  document.title = "busy";
  map.once("idle", () => { document.title = "idle"; });
  map.setGlobalStateProperty("day", day);
  map.triggerRepaint();
};
window.summary = () => {
  document.title = "busy";
  map.once("idle", () => { document.title = "idle"; });
  map.setStyle("XIANG/styles/all.json");
};
window.labels = () => map.queryRenderedFeatures({layers: map.getStyle().layers.map((l) => l.id).filter((id) => id.startsWith("labels-"))})
  .map((f) => f.properties.name + "|" + (f.properties.name_zh || ""));
</script></body></html>`

// TestMapLibreStyle draws the style in MapLibre GL JS (WebGL through
// SwiftShader) during the siege of Hengyang and, by changing only the
// style's global state, before it: both sides' colours during the siege,
// another picture before it without a tile requested again, and labels in
// both scripts set in xiang's glyphs; then the summary style.
func TestMapLibreStyle(t *testing.T) {
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded"})
	// MapLibre fetches tiles in web workers, out of the page's network
	// events: the server counts them.
	var mvt atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".mvt") {
			mvt.Add(1)
		}
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	page := http.NewServeMux()
	page.Handle("/maplibre/", http.StripPrefix("/maplibre/", http.FileServer(http.Dir("../web/assets/maplibre"))))
	page.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(stylePage, "XIANG", srv.URL)))
	})
	pageSrv := httptest.NewServer(page)
	defer pageSrv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
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
	tb := openTab(t, browser, "style", pageSrv.URL+"/", 512, 512)
	tb.waitFor("MapLibre to draw the style", `document.title === "idle"`)
	canvas := func() *image.RGBA {
		uri := eval[string](tb, `map.getCanvas().toDataURL("image/png")`)
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
	siege := canvas()
	tilesBefore := int(mvt.Load())
	labels := eval[[]string](tb, `labels()`)

	tb.run(`setDay(` + strconv.Itoa(int(geo.Date(1944, 6, 1))) + `)`)
	tb.waitFor("MapLibre to draw 1944-06-01", `document.title === "idle"`)
	before := canvas()
	// The summary style: every feature, no day in the filters.
	tb.run(`summary()`)
	tb.waitFor("MapLibre to draw the summary map", `document.title === "idle" && map.getStyle().metadata["xiang:summary"] === true`)
	summary := canvas()
	tb.checkClean()

	for _, want := range []string{"/styles/all.json?date=1944-07-15", ".json?format=mvt", "/styles/sprite", "/fonts/Go%20"} {
		if len(tb.requested(want)) == 0 {
			t.Errorf("MapLibre did not request %s", want)
		}
	}
	if tilesBefore == 0 {
		t.Error("no vector tile requested")
	}
	if n := int(mvt.Load()); n != tilesBefore {
		t.Errorf("%d vector tiles requested after changing the day, want none (had %d)", n-tilesBefore, tilesBefore)
	}
	// The CJK names' glyphs came from xiang: a range of CJK ideographs
	// (U+4E00 to U+9FFF) was requested and loaded (checkClean fails 4xx).
	cjk := 0
	for _, u := range tb.requested("/fonts/") {
		i := strings.LastIndex(u, "/")
		start, _, _ := strings.Cut(u[i+1:], "-")
		if n, err := strconv.Atoi(start); err == nil && n >= 0x4e00 && n < 0xa000 {
			cjk++
		}
	}
	if cjk == 0 {
		t.Errorf("no CJK glyph range requested: %v", tb.requested("/fonts/"))
	}
	zh := 0
	for _, l := range labels {
		if name, nameZh, _ := strings.Cut(l, "|"); name != "" && nameZh != "" {
			zh++
		}
	}
	if len(labels) == 0 || zh == 0 {
		t.Errorf("labels drawn on 1944-07-15: %q; want some with a Chinese name", labels)
	}

	red, blue := near(siege, overlays.ColorJapan), near(siege, overlays.ColorChina)
	redBefore := near(before, overlays.ColorJapan)
	dark := 0 // label ink (#222222) and unit frames' marks
	for i := 0; i < len(siege.Pix); i += 4 {
		if siege.Pix[i] < 80 && siege.Pix[i+1] < 80 && siege.Pix[i+2] < 80 {
			dark++
		}
	}
	diff := changed(siege, before, 24)
	t.Logf("1944-07-15: %d red, %d blue, %d dark pixels, labels %q; 1944-06-01: %d red; %d pixels changed; %d tiles, %d CJK glyph ranges",
		red, blue, dark, labels, redBefore, diff, tilesBefore, cjk)
	if red < 300 || blue < 100 || dark < 100 {
		t.Errorf("the siege of Hengyang has %d Japanese red, %d Chinese blue and %d dark label pixels; want the ring, the garrison and labels", red, blue, dark)
	}
	sumRed, sumBlue := near(summary, overlays.ColorJapan), near(summary, overlays.ColorChina)
	t.Logf("summary: %d red, %d blue pixels, %d changed from 1944-07-15", sumRed, sumBlue, changed(summary, siege, 24))
	if sumRed < 300 || sumBlue < 100 || changed(summary, siege, 24) < 1000 {
		t.Errorf("the summary map has %d red and %d blue pixels and differs from 1944-07-15 in %d: want every movement of the campaign", sumRed, sumBlue, changed(summary, siege, 24))
	}
	if diff < 1000 || redBefore*2 > red {
		t.Errorf("1944-06-01 differs from 1944-07-15 in %d pixels, with %d red pixels (siege %d): want another picture without the siege", diff, redBefore, red)
	}
	if t.Failed() || *testkit.Keep {
		keepScreenshot(t, "maplibre-style-1944-07-15", siege)
		keepScreenshot(t, "maplibre-style-1944-06-01", before)
		keepScreenshot(t, "maplibre-style-summary", summary)
	}
}

// near counts the pixels of img within 40 of c in every channel.
func near(img *image.RGBA, c interface{ RGBA() (r, g, b, a uint32) }) int {
	r, g, b, _ := c.RGBA()
	want := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		ok := true
		for k := range 3 {
			if d := int(img.Pix[i+k]) - want[k]; d > 40 || d < -40 {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}
