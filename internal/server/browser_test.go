package server

// Browser tests: the viewer in headless Chromium, driven with chromedp,
// against a real HTTP server of the embedded Hunan campaign with no outside
// base map (the context layer is the base), so that nothing leaves the
// machine. They read what a reader would see: pixels of screenshots, not
// only the DOM.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
)

// browserBudget bounds all the browser tests together.
const browserBudget = 90 * time.Second

// loadWait bounds one wait for a page's tiles.
const loadWait = 20 * time.Second

// hostPage is a page of an article with the embed in a 600×400 iframe.
const hostPage = `<!doctype html><html><head><meta charset="utf-8"><title>Article</title><link rel="icon" href="data:,"></head>
<body style="margin:0;background:#fff"><p style="margin:8px">An article about the campaign.</p>
<iframe id="embed" width="600" height="400" style="border:0;display:block" src="/embed?date=1944-06-18&amp;view=112.9,27.9,7"></iframe>
</body></html>`

// newBrowserServer serves the embedded campaign without a base map, and an
// article page with an embed at /article.html (a test-only route).
func newBrowserServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone, Title: "Hunan"})
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("/article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(hostPage))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

// tab is one page in the browser, with everything it reported.
type tab = testkit.Tab

// openTab opens url in a new tab with a viewport of w×h CSS pixels (device
// pixel ratio 1) and collects its console and network events; a wait
// gives up after loadWait, showing the viewer's state.
func openTab(t *testing.T, browser context.Context, name, url string, w, h int64) *tab {
	t.Helper()
	tb := testkit.OpenTab(t, browser, name, url, w, h)
	tb.Wait = loadWait
	tb.State = `JSON.stringify({tiles: document.body.dataset.tiles, date: document.body.dataset.date, url: location.href})`
	return tb
}

// eval evaluates a script in the tab and decodes its value into T.
func eval[T any](tb *tab, script string) T {
	tb.T.Helper()
	return testkit.Eval[T](tb, script)
}

// waitLoaded waits until the viewer has drawn every tile of the date.
func waitLoaded(tb *tab) {
	tb.T.Helper()
	tb.WaitFor("the tiles", `document.body.dataset.tiles === "loaded"`)
}

// mapTiles lists the src of every tile image in the map.
func mapTiles(tb *tab) []string {
	tb.T.Helper()
	return eval[[]string](tb, `[...document.querySelectorAll("#map img.leaflet-tile")].map((i) => i.src)`)
}

// painted counts the pixels of img that differ from bg by more than 24 in
// some channel.
func painted(img *image.RGBA, r image.Rectangle, bg color.NRGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := img.PixOffset(x, y)
			p := img.Pix[i : i+3 : i+3]
			if absDiff(p[0], bg.R) > 24 || absDiff(p[1], bg.G) > 24 || absDiff(p[2], bg.B) > 24 {
				n++
			}
		}
	}
	return n
}

// keepScreenshot writes a screenshot to testdata/out when the test failed.
func keepScreenshot(t *testing.T, name string, img image.Image) {
	t.Helper()
	if !t.Failed() && !*testkit.Keep {
		return
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	saveFailure(t, "browser-"+name+".png", buf.Bytes())
}

// TestBrowser runs the viewer in Chromium: the page loads without errors,
// tiles carry the date, the slider and the keyboard change the date and the
// map, the URL reproduces the view, the embed fills its iframe, and the
// legend and the events are listed with their swatches drawn.
func TestBrowser(t *testing.T) {
	browser := testkit.Chrome(t, browserBudget, testkit.Window{Width: 1200, Height: 800})
	ts := newBrowserServer(t)

	const first = "1944-06-18"
	viewer := openTab(t, browser, "viewer", ts.URL+"/?date="+first, 1200, 800)
	waitLoaded(viewer)

	t.Run("page loads with dated tiles", func(t *testing.T) {
		viewer.T = t
		if got := eval[string](viewer, `document.body.dataset.date`); got != first {
			t.Errorf("date shown %q, want %s", got, first)
		}
		// The overlay of the historical layers carries the date; the
		// context layer is the undated base map.
		overlay := "/tiles/changsha,hengyang,yuelu,zhijiang/" + first + "/"
		var dated, base int
		for _, src := range mapTiles(viewer) {
			switch {
			case strings.Contains(src, overlay):
				dated++
			case strings.Contains(src, "/tiles/context/"):
				base++
			default:
				t.Errorf("tile %s: neither the dated overlay nor the context base", src)
			}
		}
		if dated < 4 || base < 4 {
			t.Errorf("%d dated overlay tiles and %d base tiles in the map, want at least 4 of each", dated, base)
		}
		if n := len(viewer.Requested(overlay)); n < dated {
			t.Errorf("%d requests for dated tiles, want at least %d", n, dated)
		}
		img := viewer.Screenshot("#map")
		if n := painted(img, img.Rect, tiles.Paper); n < img.Rect.Dx()*img.Rect.Dy()/200 {
			t.Errorf("map almost blank: %d pixels painted", n)
		}
		if n := testkit.Count(img, japanRed.is); n < 100 {
			t.Errorf("%d Japanese red pixels on %s, want the advance on Changsha", n, first)
		}
		keepScreenshot(t, "viewer", img)
	})

	t.Run("slider and keyboard change the date", func(t *testing.T) {
		viewer.T = t
		before := viewer.Screenshot("#map")
		const later = "1944-07-15"
		d, _ := geo.ParseDay(later)
		start := eval[string](viewer, `JSON.parse(document.getElementById("config").textContent).extent[0]`)
		s, _ := geo.ParseDay(start)
		viewer.Run(fmt.Sprintf(`(() => {
			const s = document.getElementById("slider");
			s.value = %d;
			s.dispatchEvent(new Event("input", {bubbles: true}));
		})()`, d-s))
		viewer.WaitFor("the new date's tiles", `document.body.dataset.date === "`+later+`" && document.body.dataset.tiles === "loaded"`)
		for _, src := range mapTiles(viewer) {
			if strings.Contains(src, "/"+first+"/") || (!strings.Contains(src, "/"+later+"/") && !strings.Contains(src, "/tiles/context/")) {
				t.Errorf("tile %s after moving the slider to %s", src, later)
			}
		}
		if eval[string](viewer, `document.getElementById("date").textContent`) != "15 July 1944" {
			t.Errorf("date label %q", eval[string](viewer, `document.getElementById("date").textContent`))
		}
		after := viewer.Screenshot("#map")
		if n := testkit.Changed(before, after, 24); n < 300 {
			t.Errorf("%d pixels changed from %s to %s, want the map to change", n, first, later)
		}
		keepScreenshot(t, "slider-before", before)
		keepScreenshot(t, "slider-after", after)

		// Shift+→ on the focused slider: a week on.
		viewer.Do(chromedp.Focus("#slider"), chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierShift)))
		viewer.WaitFor("a week later", `document.body.dataset.date === "1944-07-22" && document.body.dataset.tiles === "loaded"`)
		if n := len(viewer.Requested("/1944-07-22/")); n == 0 {
			t.Errorf("no tile of 22 July requested")
		}
		if !strings.Contains(eval[string](viewer, `location.search`), "date=1944-07-22") {
			t.Errorf("URL %s does not carry the date", eval[string](viewer, `location.href`))
		}
	})

	t.Run("URL reproduces the view", func(t *testing.T) {
		viewer.T = t
		zoom := eval[int](viewer, `xiang.map.getZoom()`) + 1
		viewer.Run(`void xiang.map.setView(xiang.map.getCenter(), xiang.map.getZoom() + 1, {animate: false})`)
		viewer.WaitFor("the zoomed view", fmt.Sprintf(`location.search.includes(",%d&") || location.search.endsWith(",%d")`, zoom, zoom)+
			` && document.body.dataset.tiles === "loaded"`)
		href := eval[string](viewer, `location.href`)
		want := viewer.Screenshot("#map")

		again := openTab(t, browser, "reopened", href, 1200, 800)
		waitLoaded(again)
		if got := eval[string](again, `location.href`); got != href {
			t.Errorf("reopened at %s, want %s", got, href)
		}
		got := again.Screenshot("#map")
		if got.Rect != want.Rect {
			t.Fatalf("map sizes %v and %v", got.Rect, want.Rect)
		}
		if n, total := testkit.Changed(got, want, 16), got.Rect.Dx()*got.Rect.Dy(); n > total/1000 {
			t.Errorf("%s: %d of %d pixels differ from the page it was copied from", href, n, total)
		}
		if n := painted(got, got.Rect, tiles.Paper); n < got.Rect.Dx()*got.Rect.Dy()/200 {
			t.Errorf("reopened map almost blank")
		}
		keepScreenshot(t, "url-want", want)
		keepScreenshot(t, "url-got", got)
		again.CheckClean()
	})

	t.Run("legend and events", func(t *testing.T) {
		viewer.T = t
		var legend []struct{ ID string }
		if err := json.Unmarshal(get(t, ts, "/api/legend?layers=all").body, &legend); err != nil {
			t.Fatal(err)
		}
		var events struct{ Events []json.RawMessage }
		if err := json.Unmarshal(get(t, ts, "/api/events").body, &events); err != nil {
			t.Fatal(err)
		}
		viewer.WaitFor("the legend and events", fmt.Sprintf(`document.querySelectorAll("#legend img").length === %d
			&& [...document.querySelectorAll("#legend img")].every((i) => i.complete && i.naturalWidth > 0)
			&& document.querySelectorAll("#events li").length === %d`, len(legend), len(events.Events)))
		// Every swatch is drawn: scrolled into view, its box in a
		// screenshot is not the panel's background.
		panelBG := color.NRGBA{0xfb, 0xfa, 0xf6, 0xff}
		for _, e := range legend {
			sel := `#legend div[data-id="` + e.ID + `"] img`
			viewer.Run(`document.querySelector('` + sel + `').scrollIntoView({block: "center"})`)
			img := viewer.Screenshot(sel)
			if img.Rect.Dx() != tiles.SwatchWidth || img.Rect.Dy() != tiles.SwatchHeight {
				t.Errorf("swatch %s: %v, want %dx%d", e.ID, img.Rect, tiles.SwatchWidth, tiles.SwatchHeight)
			}
			if n := painted(img, img.Rect, panelBG); n < 15 {
				t.Errorf("swatch %s: %d pixels drawn", e.ID, n)
				keepScreenshot(t, "swatch-"+e.ID, img)
			}
		}
		viewer.Run(`document.getElementById("side").scrollTop = 0`)
		side := viewer.Screenshot("#side")
		keepScreenshot(t, "side", side)

		// Clicking an event shows its date.
		date := eval[string](viewer, `document.querySelectorAll("#events li")[3].dataset.date`)
		viewer.Do(chromedp.Click(`#events li:nth-child(4)`))
		viewer.WaitFor("the event's date", `document.body.dataset.date === "`+date+`" && document.body.dataset.tiles === "loaded"`)
		if n := eval[int](viewer, `document.querySelectorAll("#events li.current").length`); n == 0 {
			t.Errorf("no event highlighted on %s", date)
		}
	})
	viewer.T = t
	viewer.CheckClean()

	t.Run("embed fills its iframe", func(t *testing.T) {
		article := openTab(t, browser, "article", ts.URL+"/article.html", 800, 600)
		frame := `document.getElementById("embed").contentDocument`
		article.WaitFor("the embedded map", frame+`?.body?.dataset.tiles === "loaded"`)
		size := eval[[]float64](article, `(() => {
			const d = `+frame+`, m = d.getElementById("map").getBoundingClientRect();
			return [d.defaultView.innerWidth, d.defaultView.innerHeight, m.width, m.height, d.getElementById("side").offsetWidth];
		})()`)
		if size[0] != 600 || size[1] != 400 || size[2] != 600 || size[3] < 320 || size[4] != 0 {
			t.Errorf("embed viewport %vx%v, map %vx%v, side panel %v wide; want 600x400, a 600 px wide map and no side panel",
				size[0], size[1], size[2], size[3], size[4])
		}
		img := article.Screenshot("#embed")
		if img.Rect.Dx() != 600 || img.Rect.Dy() != 400 {
			t.Errorf("iframe screenshot %v", img.Rect)
		}
		mapArea := image.Rect(0, 0, 600, int(size[3]))
		if n := painted(img, mapArea, tiles.Paper); n < 600*int(size[3])/100 {
			t.Errorf("embedded map almost blank: %d pixels painted", n)
		}
		if n := testkit.Count(img, japanRed.is); n < 50 {
			t.Errorf("%d Japanese red pixels in the embed on 18 June 1944", n)
		}
		keepScreenshot(t, "embed", img)
		article.CheckClean()
	})
}
