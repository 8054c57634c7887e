package maplibre_test

import (
	"fmt"
	"image"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
)

// vectorPage draws xiang's vector tiles in MapLibre GL JS with a bare
// style — each feature in its own stroke and fill colours — filtered to
// one day, DAY, as docs/vector.md says a client does.
var vectorPage = testkit.MapLibrePage("/maplibre", `const on = (d) => ["all", ["<=", ["get", "start_day"], d], ["<=", d, ["get", "end_day"]]];
const layers = (d) => [
  {id: "paper", type: "background", paint: {"background-color": "#ffffff"}},
  {id: "fills", type: "fill", source: "x", "source-layer": "areas", filter: ["all", on(d), ["has", "fill"]],
   paint: {"fill-color": ["get", "fill"], "fill-opacity": ["get", "fill_opacity"]}},
  {id: "outlines", type: "line", source: "x", "source-layer": "areas", filter: on(d),
   paint: {"line-color": ["get", "stroke"], "line-width": ["get", "stroke_width"]}},
  {id: "lines", type: "line", source: "x", "source-layer": "lines", filter: on(d),
   paint: {"line-color": ["get", "stroke"], "line-width": ["get", "stroke_width"]}},
  {id: "movements", type: "line", source: "x", "source-layer": "movements", filter: on(d),
   paint: {"line-color": ["get", "stroke"], "line-width": 5}},
  {id: "heads", type: "circle", source: "x", "source-layer": "heads", filter: on(d),
   paint: {"circle-color": ["get", "stroke"], "circle-radius": 7}},
  {id: "points", type: "circle", source: "x", "source-layer": "points", filter: on(d),
   paint: {"circle-color": ["get", "stroke"], "circle-radius": 5}}];
const map = new maplibregl.Map({
  container: "map", center: [112.615, 26.89], zoom: 10, attributionControl: false,
  canvasContextAttributes: {preserveDrawingBuffer: true},
  style: {version: 8, sources: {x: {type: "vector", url: "XIANG/tiles/all.json?format=mvt"}}, layers: layers(DAY)}});
// setDay changes the filters only: no tile is fetched again.
window.setDay = (d) => { for (const l of layers(d).slice(1)) map.setFilter(l.id, l.filter); };
map.on("error", (e) => console.error("maplibre: " + (e.error && e.error.message)));
map.on("idle", () => { document.title = "idle"; });`)

// TestMapLibreDrawsDays has MapLibre GL JS (WebGL in Chromium, by
// SwiftShader) draw the vector tiles around Hengyang on two days, changing
// only the filters between them: during the siege (1944-07-15) both sides'
// colours are there; on 1944-05-20, before the Japanese drive south, the
// Japanese red is (almost) gone, and no tile was fetched again.
func TestMapLibreDrawsDays(t *testing.T) {
	testkit.Browser(t) // skip before serving
	s, _ := serve(t)
	// MapLibre fetches vector tiles in its workers, out of the page's
	// network events: the server counts them.
	var mu sync.Mutex
	var mvts []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".mvt") {
			mu.Lock()
			mvts = append(mvts, r.URL.Path)
			mu.Unlock()
		}
		s.ServeHTTP(w, r)
	}))
	defer ts.Close()
	siege, before := geo.Date(1944, 7, 15), geo.Date(1944, 5, 20)
	page := http.NewServeMux()
	page.Handle("/maplibre/", http.StripPrefix("/maplibre/", http.FileServer(http.Dir("../web/assets/maplibre"))))
	page.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		html := strings.ReplaceAll(vectorPage, "XIANG", ts.URL)
		w.Write([]byte(strings.ReplaceAll(html, "DAY", fmt.Sprint(int(siege)))))
	})
	pageSrv := httptest.NewServer(page)
	defer pageSrv.Close()

	browser := testkit.Chrome(t, 90*time.Second, testkit.Window{Width: 800, Height: 600, WebGL: true})
	tab := testkit.OpenTab(t, browser, "maplibre", pageSrv.URL+"/", 512, 512)
	tab.Wait = 40 * time.Second
	idle := func() {
		t.Helper()
		tab.WaitFor("MapLibre", `document.title === "idle"`)
	}
	shot := func(name string) *image.RGBA {
		t.Helper()
		img := tab.Canvas()
		testkit.Save(t, name+".png", img)
		return img
	}

	idle()
	img := shot("vector-siege")
	red, blue := testkit.Near(img, overlays.ColorJapan, 39), testkit.Near(img, overlays.ColorChina, 39)
	mu.Lock()
	loaded := len(mvts)
	mu.Unlock()
	if loaded == 0 {
		t.Fatal("MapLibre fetched no .mvt tile")
	}
	if red < 200 || blue < 200 {
		t.Errorf("on %s: %d Japanese red and %d Chinese blue pixels at Hengyang; want the siege ring, the assaults and the garrison", siege, red, blue)
	}

	tab.Run(fmt.Sprintf(`document.title = "loading"; setDay(%d); map.triggerRepaint(); 0`, before))
	idle()
	img = shot("vector-before")
	red2, blue2 := testkit.Near(img, overlays.ColorJapan, 39), testkit.Near(img, overlays.ColorChina, 39)
	if red2*10 > red {
		t.Errorf("on %s: %d Japanese red pixels at Hengyang, against %d on %s; want (almost) none", before, red2, red, siege)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(mvts) != loaded {
		t.Errorf("changing the day fetched %d more tiles", len(mvts)-loaded)
	}
	tab.CheckClean()
	t.Logf("%d tiles; %s: %d red, %d blue pixels; %s: %d red, %d blue", loaded, siege, red, blue, before, red2, blue2)
}
