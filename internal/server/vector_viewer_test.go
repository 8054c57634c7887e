package server

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
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

// correlation is Pearson's correlation of two lists of cell shares (0
// when either is constant).
func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var cov, va, vb float64
	for i := range a {
		cov += (a[i] - ma) * (b[i] - mb)
		va += (a[i] - ma) * (a[i] - ma)
		vb += (b[i] - mb) * (b[i] - mb)
	}
	if va == 0 || vb == 0 {
		return 0
	}
	return cov / math.Sqrt(va*vb)
}

// requestLog records the URLs a server was asked for: MapLibre fetches
// tiles in its web worker, whose requests the page's network events do
// not show.
type requestLog = testkit.URLs

// newVectorServer serves the embedded campaign with the fidelity page at
// /fidelity.html, recording every request.
func newVectorServer(t *testing.T) (*httptest.Server, *requestLog) {
	t.Helper()
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone, Title: "Hunan"})
	log := &requestLog{}
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Add(r.URL.RequestURI())
		s.ServeHTTP(w, r)
	}))
	mux.HandleFunc("/fidelity.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(fidelityPage))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, log
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

// openFidelity serves the embedded campaign and opens its fidelity page,
// ready to show a view.
func openFidelity(t *testing.T, browser context.Context) (*httptest.Server, *tab) {
	t.Helper()
	ts, _ := newVectorServer(t)
	tb := openTab(t, browser, "fidelity", ts.URL+"/fidelity.html", 1000, 800)
	tb.WaitFor("MapLibre", `typeof window.show === "function"`)
	return ts, tb
}

// show has MapLibre draw the view with a style (a JavaScript expression:
// a style object or its URL) and returns the canvas.
func show(tb *tab, style string, v fidelityView) *image.RGBA {
	tb.T.Helper()
	return testkit.DataURL(tb.T, eval[string](tb, fmt.Sprintf(`show(%s, %v, %v, %d)`, style, v.center.Lon(), v.center.Lat(), v.zoom-1)))
}

// TestFidelityControl checks the comparison itself: MapLibre drawing
// xiang's raster tiles (a raster source) must match the tiles composed in
// Go almost exactly, so that what the vector comparison finds is the
// vector rendering's and not the harness's.
func TestFidelityControl(t *testing.T) {
	browser := testkit.Chrome(t, 120*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	ts, tb := openFidelity(t, browser)
	for _, v := range fidelityViews {
		style := fmt.Sprintf(`{version: 8, sources: {x: {type: "raster", tileSize: 256, tiles: [%q]}},
			layers: [{id: "paper", type: "background", paint: {"background-color": "#fff"}}, {id: "x", type: "raster", source: "x", paint: {"raster-fade-duration": 0}}]}`,
			ts.URL+"/tiles/"+historical+"/"+v.date+"/{z}/{x}/{y}.png")
		got := show(tb, style, v)
		want := composeRaster(t, ts.URL, historical, v)
		for _, s := range []shade{japanRed, chinaBlue} {
			mean, most, ta, tw := cellDiff(cellShares(got, s), cellShares(want, s))
			t.Logf("%s %s: mean cell difference %.4f, max %.4f (shares %.4f MapLibre, %.4f composed)", v, s.name, mean, most, ta, tw)
			if mean > 0.005 || most > 0.05 {
				t.Errorf("%s %s: MapLibre's raster and the composed tiles differ: mean %.4f, max %.4f per cell", v, s.name, mean, most)
				testkit.Save(t, "fidelity-control-"+strings.ReplaceAll(v.String(), "/", "-")+"-maplibre.png", got)
				testkit.Save(t, "fidelity-control-"+strings.ReplaceAll(v.String(), "/", "-")+"-composed.png", want)
			}
		}
	}
	tb.CheckClean()
}

// fidelityTolerance bounds, per view and side, the mean over the 256
// cells of the difference in the share of that side's pixels between
// MapLibre's vector rendering and xiang's raster tiles (a share is 0–1 of
// a cell's 1,024 pixels).
const fidelityTolerance = 0.02

// fidelityCorrelation is the least correlation of the cells' shares of a
// side between the two renderings, where the raster shows that side on
// more than 0.2 % of the map.
const fidelityCorrelation = 0.8

// TestVectorFidelity compares MapLibre drawing xiang's vector tiles with
// its style against xiang's raster tiles of the same view, at three dates
// and three zooms: per 32-px cell, the share of Japanese red and of
// Chinese blue pixels. The numbers are logged; see fidelityTolerance.
func TestVectorFidelity(t *testing.T) {
	browser := testkit.Chrome(t, 180*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	ts, tb := openFidelity(t, browser)
	for _, v := range fidelityViews {
		style := fmt.Sprintf("%q", ts.URL+"/styles/"+historical+".json?date="+v.date)
		got := show(tb, style, v)
		want := composeRaster(t, ts.URL, historical, v)
		bad := false
		for _, s := range []shade{japanRed, chinaBlue} {
			gs, ws := cellShares(got, s), cellShares(want, s)
			mean, most, ta, tw := cellDiff(gs, ws)
			r := correlation(gs, ws)
			t.Logf("%s %-14s mean cell difference %.4f, max %.4f; share %.4f vector, %.4f raster; correlation %.2f", v, s.name+":", mean, most, ta, tw, r)
			if tw > 0.002 && r < fidelityCorrelation {
				t.Errorf("%s %s: cells correlate %.2f, under %.2f: the sides are not in the same places", v, s.name, r, fidelityCorrelation)
				bad = true
			}
			if tw > 0.001 && ta == 0 {
				t.Errorf("%s: the vector rendering has no %s where the raster has %.4f", v, s.name, tw)
				bad = true
			}
			if mean > fidelityTolerance {
				t.Errorf("%s %s: mean cell difference %.4f, over %.2f", v, s.name, mean, fidelityTolerance)
				bad = true
			}
		}
		if bad || *testkit.Keep {
			name := "fidelity-" + strings.ReplaceAll(v.String(), "/", "-")
			testkit.Save(t, name+"-vector.png", got)
			testkit.Save(t, name+"-raster.png", want)
		}
	}
	tb.CheckClean()
}

// scrubKinds are the requests a scrub must not make: tiles, glyphs,
// styles and the sprite.
var scrubKinds = []string{".mvt", ".pbf", "/styles/", "sprite", "/tiles/"}

// TestVectorScrub loads the viewer in vector mode, then moves the slider
// through 30 dates of the siege of Hengyang, waiting for MapLibre to be
// idle each time: after the first load the page requests no tile, glyph,
// style or sprite, and the picture changes as the dates do.
func TestVectorScrub(t *testing.T) {
	browser := testkit.Chrome(t, 180*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	ts, log := newVectorServer(t)
	const first = "1944-06-21"
	tb := openTab(t, browser, "vector viewer", ts.URL+"/?mode=vector&date="+first+"&view=112.615,26.89,11", 900, 600)
	waitLoaded(tb)
	if got := eval[string](tb, `xiang.mode`); got != "vector" {
		t.Fatalf("viewer mode %q, want vector", got)
	}
	loaded := map[string]int{}
	for _, k := range scrubKinds {
		loaded[k] = len(log.Matching(k))
	}
	if loaded[".mvt"] == 0 || loaded["/styles/"] == 0 {
		t.Fatalf("first load requested %v; want the style and vector tiles", loaded)
	}
	// 30 dates, every second day from the first: the siege and its end.
	start := eval[int](tb, `Number(document.getElementById("slider").value)`)
	var shots []*image.RGBA
	distinct := 0
	for i := 1; i <= 30; i++ {
		tb.Run(fmt.Sprintf(`{const s = document.getElementById("slider"); s.value = %d; s.dispatchEvent(new Event("input"));}`, start+2*i))
		waitLoaded(tb)
		shot := tb.Screenshot("#map")
		if len(shots) > 0 && testkit.Changed(shots[len(shots)-1], shot, 8) > 50 {
			distinct++
		}
		shots = append(shots, shot)
	}
	// Then 30 steps back, a day each, as fast as MapLibre redraws: the
	// median time from the slider's input to the first frame drawn and to
	// an idle map (symbol fades included). SwiftShader draws on the CPU of
	// a shared machine: logged, not checked.
	timing := eval[[]float64](tb, `(async () => {
		const s = document.getElementById("slider"), frame = [], idle = [];
		for (let i = 0; i < 30; i++) {
			const t0 = performance.now();
			const drawn = new Promise((r) => xiang.map.once("render", () => r(performance.now() - t0)));
			const done = new Promise((r) => xiang.map.once("idle", () => r(performance.now() - t0)));
			s.value = Number(s.value) - 1;
			s.dispatchEvent(new Event("input"));
			frame.push(await drawn);
			idle.push(await done);
		}
		const median = (a) => a.sort((x, y) => x - y)[15];
		return [median(frame), median(idle)];
	})()`)
	waitLoaded(tb)
	last := eval[string](tb, `document.body.dataset.date`)
	for _, k := range scrubKinds {
		if got := log.Matching(k); len(got) != loaded[k] {
			t.Errorf("scrubbing to %s made %d new requests of %s: %v", last, len(got)-loaded[k], k, got[loaded[k]:])
		}
	}
	// The siege ring and the garrison move and shrink: most steps of three
	// days change the picture.
	if distinct < 15 {
		t.Errorf("only %d of 30 dates changed the picture", distinct)
	}
	// On 1944-07-15 (the twelfth step) Hengyang shows both sides.
	mid := shots[11]
	if r, b := testkit.Count(mid, japanRed.is), testkit.Count(mid, chinaBlue.is); r < 100 || b < 50 {
		t.Errorf("1944-07-15: %d red and %d blue pixels over Hengyang, want the siege ring and the garrison", r, b)
	}
	testkit.Save(t, "scrub-1944-07-15.png", mid)
	t.Logf("60 dates scrubbed to %s: %d of 30 pictures changed; requests before and after: %v; median %.0f ms from input to the first frame, %.0f ms to idle", last, distinct, loaded, timing[0], timing[1])

	// Unselecting a layer loads the style of the others.
	styles := len(log.Matching("/styles/"))
	tb.Run(`document.querySelector('#layers input[value="yuelu"]').click()`)
	waitLoaded(tb)
	if got := log.Matching("/styles/"); len(got) == styles || !strings.Contains(got[len(got)-1], "/styles/changsha,context,hengyang,zhijiang.json?date="+last) {
		t.Errorf("unselecting yuelu requested styles %v", got[styles:])
	}
	// The mode button reloads the page in raster mode, same date.
	tb.Run(`document.getElementById("mode").click()`)
	// The page navigates: evaluations fail until the new one is up.
	for deadline := time.Now().Add(loadWait); ; time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(tb.Ctx, chromedp.Evaluate[bool](`!!(window.xiang && xiang.mode === "raster" && document.body.dataset.tiles === "loaded")`))
		if err == nil && ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mode button did not load the raster viewer: %v", err)
		}
	}
	if got := eval[string](tb, `location.search`); strings.Contains(got, "mode=") || !strings.Contains(got, "date="+last) {
		t.Errorf("raster viewer's URL %q, want the date %s and no mode", got, last)
	}
	tb.CheckClean()
}

// TestViewerMode checks that ?mode=vector makes the viewer and the embed
// load MapLibre (and the style routes' prefix), the default Leaflet, and
// that the page's policy lets MapLibre start its workers.
func TestViewerMode(t *testing.T) {
	_, ts := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone})
	for _, tc := range []struct {
		path   string
		vector bool
	}{
		{"/", false},
		{"/?mode=vector&date=1944-07-15", true},
		{"/embed?mode=vector", true},
		{"/embed?mode=raster", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res := get(t, ts, tc.path)
			if res.status != http.StatusOK {
				t.Fatalf("%d %s", res.status, res.body)
			}
			page := string(res.body)
			if got := strings.Contains(page, `/assets/maplibre/maplibre-gl.js`); got != tc.vector {
				t.Errorf("MapLibre loaded: %v, want %v", got, tc.vector)
			}
			if got := strings.Contains(page, `/assets/leaflet/leaflet.js`); got == tc.vector {
				t.Errorf("Leaflet loaded: %v, want %v", got, !tc.vector)
			}
			if cfg := pageConfig(t, res.body); cfg.StylesPrefix != "/styles" {
				t.Errorf("stylesPrefix %q", cfg.StylesPrefix)
			}
			if csp := res.header.Get("Content-Security-Policy"); !strings.Contains(csp, "worker-src blob:") {
				t.Errorf("CSP %q lets no blob worker start", csp)
			}
		})
	}
}
