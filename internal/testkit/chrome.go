package testkit

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Window is how Chromium is started: the size of its window, and whether
// it draws WebGL (with SwiftShader, as MapLibre needs) or runs without a
// GPU.
type Window struct {
	Width, Height int
	WebGL         bool
}

// Chrome starts headless Chromium for a test that may run for at most
// timeout, and returns the context of its first tab. It skips the test
// (fails it under `make test`) when Chromium is missing, or under -short.
// The browser stops when the test ends or the timeout passes.
func Chrome(t testing.TB, timeout time.Duration, w Window) context.Context {
	t.Helper()
	exe := Browser(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(w.Width, w.Height),
	)
	if w.WebGL {
		opts = append(opts, chromedp.Flag("use-angle", "swiftshader"), chromedp.Flag("enable-unsafe-swiftshader", true))
	} else {
		opts = append(opts, chromedp.DisableGPU)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browser
}

// Tab is one page in a browser started by Chrome, with everything it
// reported: console errors, exceptions, failed and 4xx/5xx loads, and
// every URL it requested.
type Tab struct {
	T    testing.TB
	Ctx  context.Context
	Name string
	// Wait bounds one WaitFor.
	Wait time.Duration
	// State is a script whose string value WaitFor reports when it gives
	// up (document.title by default).
	State string

	requests URLs

	mu       sync.Mutex
	problems []string
	aborted  []string // loads cancelled by the page (tiles of a replaced layer)
}

// URLs records requested URLs; it is safe for concurrent use.
type URLs struct {
	mu   sync.Mutex
	urls []string
}

// Add records a URL.
func (l *URLs) Add(u string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.urls = append(l.urls, u)
}

// Matching returns the URLs recorded so far that contain s.
func (l *URLs) Matching(s string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, u := range l.urls {
		if strings.Contains(u, s) {
			out = append(out, u)
		}
	}
	return out
}

// OpenTab opens url in a new tab of browser with a viewport of w×h CSS
// pixels (device pixel ratio 1) and collects its console and network
// events.
func OpenTab(t testing.TB, browser context.Context, name, url string, w, h int64) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	tb := &Tab{T: t, Ctx: ctx, Name: name, Wait: 30 * time.Second, State: `document.title`}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				tb.problem("%s at %s:%d", m, m.URL, m.Line)
			}
		}
	}()
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.requests.Add(e.Request.URL)
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				tb.problem("%s: HTTP %d", e.Response.URL, e.Response.Status)
			}
		case *network.EventLoadingFailed:
			if e.Canceled {
				tb.mu.Lock()
				tb.aborted = append(tb.aborted, string(e.RequestID))
				tb.mu.Unlock()
				return
			}
			tb.problem("request %s (%s) failed: %s %s", e.RequestID, e.Type, e.ErrorText, e.BlockedReason)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	tb.Do(chromedp.EmulateViewport(w, h), chromedp.Navigate(url))
	return tb
}

func (tb *Tab) problem(format string, args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
}

// Do runs actions in the tab, failing the test on an error.
func (tb *Tab) Do(steps ...chromedp.Action[chromedp.Void]) {
	tb.T.Helper()
	if err := chromedp.Do(tb.Ctx, steps...); err != nil {
		tb.T.Fatalf("%s: %v", tb.Name, err)
	}
}

// Eval evaluates a script in the tab (awaiting a promise) and decodes its
// value into T, failing the test on an error.
func Eval[T any](tb *Tab, script string) T {
	tb.T.Helper()
	v, err := chromedp.Run(tb.Ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.T.Fatalf("%s: %s: %v", tb.Name, script, err)
	}
	return v
}

// Run runs a script in the tab for its effect.
func (tb *Tab) Run(script string) {
	tb.T.Helper()
	Eval[any](tb, script)
}

// WaitFor waits until a script is true in the tab, for at most tb.Wait;
// then it fails the test with the page's State.
func (tb *Tab) WaitFor(what, script string) {
	tb.T.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, tb.Wait)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](script, chromedp.WithPollingTimeout(tb.Wait))); err != nil {
		state, _ := chromedp.Run(tb.Ctx, chromedp.Evaluate[string](tb.State))
		tb.T.Fatalf("%s: waiting for %s: %v (page: %s)", tb.Name, what, err, state)
	}
}

// Screenshot captures the element of a CSS selector.
func (tb *Tab) Screenshot(selector string) *image.RGBA {
	tb.T.Helper()
	b, err := chromedp.Run(tb.Ctx, chromedp.Screenshot(selector))
	if err != nil {
		tb.T.Fatalf("%s: screenshot of %s: %v", tb.Name, selector, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		tb.T.Fatalf("%s: screenshot of %s: %v", tb.Name, selector, err)
	}
	return RGBA(img)
}

// Canvas reads MapLibre's WebGL canvas (the page's global map, made with
// preserveDrawingBuffer) back as an image.
func (tb *Tab) Canvas() *image.RGBA {
	tb.T.Helper()
	return DataURL(tb.T, Eval[string](tb, `map.getCanvas().toDataURL("image/png")`))
}

// CheckClean fails the test for every problem the page reported, and logs
// the loads it cancelled.
func (tb *Tab) CheckClean() {
	tb.T.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.T.Errorf("%s: %s", tb.Name, p)
	}
	if len(tb.aborted) > 0 {
		tb.T.Logf("%s: %d loads cancelled by the page (tiles of replaced layers)", tb.Name, len(tb.aborted))
	}
}

// Requested returns the URLs requested so far that contain s.
func (tb *Tab) Requested(s string) []string { return tb.requests.Matching(s) }

// DataURL decodes a PNG data URL (a canvas's toDataURL) into an image.
func DataURL(t testing.TB, uri string) *image.RGBA {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(uri, "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return RGBA(img)
}

// RGBA copies img into an RGBA image whose bounds start at (0, 0).
func RGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// Near counts the pixels of img within tol of c in each of red, green
// and blue.
func Near(img *image.RGBA, c color.Color, tol int) int {
	r, g, b, _ := c.RGBA()
	want := [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
	n := 0
	for i := 0; i+3 < len(img.Pix); i += 4 {
		ok := true
		for k := range 3 {
			if d := int(img.Pix[i+k]) - want[k]; d > tol || d < -tol {
				ok = false
				break
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// Count counts the pixels of img for which is holds (alpha ignored).
func Count(img *image.RGBA, is func(color.NRGBA) bool) int {
	n := 0
	for i := 0; i+3 < len(img.Pix); i += 4 {
		if is(color.NRGBA{img.Pix[i], img.Pix[i+1], img.Pix[i+2], 0xff}) {
			n++
		}
	}
	return n
}

// Changed counts the pixels that differ between two images by more than
// tol in some of red, green and blue (over the pixels both have).
func Changed(a, b *image.RGBA, tol int) int {
	n := 0
	for i := 0; i+3 < len(a.Pix) && i+3 < len(b.Pix); i += 4 {
		for c := range 3 {
			if d := int(a.Pix[i+c]) - int(b.Pix[i+c]); d > tol || d < -tol {
				n++
				break
			}
		}
	}
	return n
}

// MapLibrePage returns a test page that loads MapLibre GL JS and its CSS
// from dir (the URL path the vendored copy is served at, "/maplibre"),
// fills the window with a #map element and runs script, which makes the
// map. The page's title is "loading" until script changes it.
func MapLibrePage(dir, script string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>loading</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="` + dir + `/maplibre-gl.css">
<script src="` + dir + `/maplibre-gl.js"></script>
<style>html,body,#map{margin:0;width:100%;height:100%}</style></head>
<body><div id="map"></div><script>
` + script + `
</script></body></html>`
}
