package maplibre_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
)

// vectorPage draws xiang's vector tiles in MapLibre GL JS with a bare
// style — each feature in its own stroke and fill colours — filtered to
// one day, DAY, as docs/vector.md says a client does.
const vectorPage = `<!doctype html><html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/maplibre/maplibre-gl.css">
<script src="/maplibre/maplibre-gl.js"></script>
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div><script>
const on = (d) => ["all", ["<=", ["get", "start_day"], d], ["<=", d, ["get", "end_day"]]];
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
map.on("idle", () => { document.title = "idle"; });
</script></body></html>`

// TestMapLibreDrawsDays has MapLibre GL JS (WebGL in Chromium, by
// SwiftShader) draw the vector tiles around Hengyang on two days, changing
// only the filters between them: during the siege (1944-07-15) both sides'
// colours are there; on 1944-05-20, before the Japanese drive south, the
// Japanese red is (almost) gone, and no tile was fetched again.
func TestMapLibreDrawsDays(t *testing.T) {
	exe := testkit.Browser(t)
	s, _ := serve(t)
	// MapLibre fetches vector tiles in its workers, out of the page's
	// network events: the server counts them.
	var mu sync.Mutex
	var problems, mvts []string
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

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("use-angle", "swiftshader"), chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(800, 600),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	messages := chromedp.Console(tab)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				problems = append(problems, fmt.Sprint(m))
				mu.Unlock()
			}
		}
	}()
	if err := chromedp.Listen(tab, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		if e, ok := ev.(*network.EventResponseReceived); ok && e.Response.Status >= 400 {
			problems = append(problems, fmt.Sprintf("%s: HTTP %d", e.Response.URL, e.Response.Status))
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.EmulateViewport(512, 512), chromedp.Navigate(pageSrv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	idle := func() {
		t.Helper()
		if _, err := chromedp.Run(tab, chromedp.Poll[bool](`document.title === "idle"`, chromedp.WithPollingTimeout(40*time.Second))); err != nil {
			t.Fatalf("waiting for MapLibre: %v", err)
		}
	}
	shot := func(name string) *image.RGBA {
		t.Helper()
		uri, err := chromedp.Run(tab, chromedp.Evaluate[string](`map.getCanvas().toDataURL("image/png")`))
		if err != nil {
			t.Fatal(err)
		}
		data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/png;base64,"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if *testkit.Keep {
			os.MkdirAll("testdata/out", 0o755)
			os.WriteFile(filepath.Join("testdata/out", name+".png"), data, 0o644)
		}
		out := image.NewRGBA(img.Bounds())
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
				out.Set(x, y, img.At(x, y))
			}
		}
		return out
	}
	near := func(img *image.RGBA, r, g, b uint8) int {
		n := 0
		d := func(a, b uint8) int { return max(int(a)-int(b), int(b)-int(a)) }
		for i := 0; i < len(img.Pix); i += 4 {
			if d(img.Pix[i], r) < 40 && d(img.Pix[i+1], g) < 40 && d(img.Pix[i+2], b) < 40 {
				n++
			}
		}
		return n
	}
	japan, china := overlays.ColorJapan, overlays.ColorChina

	idle()
	img := shot("vector-siege")
	red, blue := near(img, japan.R, japan.G, japan.B), near(img, china.R, china.G, china.B)
	mu.Lock()
	loaded := len(mvts)
	mu.Unlock()
	if loaded == 0 {
		t.Fatal("MapLibre fetched no .mvt tile")
	}
	if red < 200 || blue < 200 {
		t.Errorf("on %s: %d Japanese red and %d Chinese blue pixels at Hengyang; want the siege ring, the assaults and the garrison", siege, red, blue)
	}

	if _, err := chromedp.Run(tab, chromedp.Evaluate[any](fmt.Sprintf(`document.title = "loading"; setDay(%d); map.triggerRepaint(); 0`, before))); err != nil {
		t.Fatal(err)
	}
	idle()
	img = shot("vector-before")
	red2, blue2 := near(img, japan.R, japan.G, japan.B), near(img, china.R, china.G, china.B)
	if red2*10 > red {
		t.Errorf("on %s: %d Japanese red pixels at Hengyang, against %d on %s; want (almost) none", before, red2, red, siege)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(mvts) != loaded {
		t.Errorf("changing the day fetched %d more tiles", len(mvts)-loaded)
	}
	if len(problems) > 0 {
		t.Errorf("page problems: %v", problems)
	}
	t.Logf("%d tiles; %s: %d red, %d blue pixels; %s: %d red, %d blue", loaded, siege, red, blue, before, red2, blue2)
}
