package server

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// stylePage draws xiang's MapLibre style at Hengyang with the vendored
// MapLibre GL JS (5.x: global state), on another origin. CJK ideographs
// come from xiang's glyphs, not the browser's fonts
// (localIdeographFontFamily: false).
var stylePage = testkit.MapLibrePage("/maplibre", `const map = new maplibregl.Map({
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
  .map((f) => f.properties.name + "|" + (f.properties.name_zh || ""));`)

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

	browser := testkit.Chrome(t, 90*time.Second, testkit.Window{Width: 800, Height: 600, WebGL: true})
	tb := openTab(t, browser, "style", pageSrv.URL+"/", 512, 512)
	tb.WaitFor("MapLibre to draw the style", `document.title === "idle"`)
	siege := tb.Canvas()
	tilesBefore := int(mvt.Load())
	labels := eval[[]string](tb, `labels()`)

	tb.Run(`setDay(` + strconv.Itoa(int(geo.Date(1944, 6, 1))) + `)`)
	tb.WaitFor("MapLibre to draw 1944-06-01", `document.title === "idle"`)
	before := tb.Canvas()
	// The summary style: every feature, no day in the filters.
	tb.Run(`summary()`)
	tb.WaitFor("MapLibre to draw the summary map", `document.title === "idle" && map.getStyle().metadata["xiang:summary"] === true`)
	summary := tb.Canvas()
	tb.CheckClean()

	for _, want := range []string{"/styles/all.json?date=1944-07-15", ".json?format=mvt", "/styles/sprite", "/fonts/Go%20"} {
		if len(tb.Requested(want)) == 0 {
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
	for _, u := range tb.Requested("/fonts/") {
		i := strings.LastIndex(u, "/")
		start, _, _ := strings.Cut(u[i+1:], "-")
		if n, err := strconv.Atoi(start); err == nil && n >= 0x4e00 && n < 0xa000 {
			cjk++
		}
	}
	if cjk == 0 {
		t.Errorf("no CJK glyph range requested: %v", tb.Requested("/fonts/"))
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

	red, blue := testkit.Near(siege, overlays.ColorJapan, 40), testkit.Near(siege, overlays.ColorChina, 40)
	redBefore := testkit.Near(before, overlays.ColorJapan, 40)
	dark := 0 // label ink (#222222) and unit frames' marks
	for i := 0; i < len(siege.Pix); i += 4 {
		if siege.Pix[i] < 80 && siege.Pix[i+1] < 80 && siege.Pix[i+2] < 80 {
			dark++
		}
	}
	diff := testkit.Changed(siege, before, 24)
	t.Logf("1944-07-15: %d red, %d blue, %d dark pixels, labels %q; 1944-06-01: %d red; %d pixels changed; %d tiles, %d CJK glyph ranges",
		red, blue, dark, labels, redBefore, diff, tilesBefore, cjk)
	if red < 300 || blue < 100 || dark < 100 {
		t.Errorf("the siege of Hengyang has %d Japanese red, %d Chinese blue and %d dark label pixels; want the ring, the garrison and labels", red, blue, dark)
	}
	sumRed, sumBlue := testkit.Near(summary, overlays.ColorJapan, 40), testkit.Near(summary, overlays.ColorChina, 40)
	t.Logf("summary: %d red, %d blue pixels, %d changed from 1944-07-15", sumRed, sumBlue, testkit.Changed(summary, siege, 24))
	if sumRed < 300 || sumBlue < 100 || testkit.Changed(summary, siege, 24) < 1000 {
		t.Errorf("the summary map has %d red and %d blue pixels and differs from 1944-07-15 in %d: want every movement of the campaign", sumRed, sumBlue, testkit.Changed(summary, siege, 24))
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
