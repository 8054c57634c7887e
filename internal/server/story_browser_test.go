package server

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// storyHost is an article on another page that frames the story.
const storyHost = `<!doctype html><html><head><meta charset="utf-8"><title>Article</title><link rel="icon" href="data:,"></head>
<body style="margin:0"><p style="margin:8px">An article with the story in an iframe.</p>
<iframe id="story" width="900" height="600" style="border:0;display:block" src="/story"></iframe></body></html>`

var storyTileDate = regexp.MustCompile(`/tiles/all/(\d{4}-\d\d-\d\d)/\d+/\d+/\d+(@2x)?\.png`)

// storyDates returns the distinct dates of the story's overlay tiles
// requested so far, in the order first requested.
func storyDates(tb *tab) []string {
	var dates []string
	for _, u := range tb.Requested("/tiles/all/") {
		if m := storyTileDate.FindStringSubmatch(u); m != nil && !slices.Contains(dates, m[1]) {
			dates = append(dates, m[1])
		}
	}
	return dates
}

// scrollThrough scrolls with the mouse wheel over (x, y) — as a reader
// does, not by script — until done is true or steps run out, waiting a
// little after each turn of the wheel for the page to follow. It returns
// the turns taken.
func scrollThrough(tb *tab, x, y float64, done string, steps int) int {
	tb.T.Helper()
	for i := range steps {
		tb.Do(chromedp.MouseEvent(input.DispatchMouseEventTypeMouseWheel, x, y, wheel(300)),
			chromedp.Sleep(120*time.Millisecond))
		if eval[bool](tb, done) {
			return i + 1
		}
	}
	return steps
}

// TestStoryBrowser scrolls through /story in Chromium, on its own and
// inside an iframe of another page: as each section reaches the middle of
// the window the map loads the overlay tiles of its date, so a scroll
// through the story loads tiles of at least three dates (of its eight),
// in the story's order, with no errors.
func TestStoryBrowser(t *testing.T) {
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone, Title: "Hunan"})
	mux := http.NewServeMux()
	mux.Handle("/", s)
	mux.HandleFunc("/article.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(storyHost))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	browser := testkit.Chrome(t, browserBudget, testkit.Window{Width: 1200, Height: 800})

	st, ok := web.StoryOf(s.data.Load().campaign)
	if !ok || len(st.Sections) != web.StorySections {
		t.Fatalf("story: %d sections, want %d", len(st.Sections), web.StorySections)
	}
	var want []string
	for _, sec := range st.Sections {
		want = append(want, sec.Date)
	}

	t.Run("page", func(t *testing.T) {
		tb := openTab(t, browser, "story", ts.URL+"/story", 1200, 800)
		tb.WaitFor("the first section's tiles", `document.querySelectorAll(".xiang-story-map img.leaflet-tile-loaded").length > 8`)
		last := `document.querySelector("[data-xiang-story]").dataset.shownDate === "` + want[len(want)-1] + `"`
		n := scrollThrough(tb, 250, 400, last, 80)
		// A little time for the last section's tiles.
		tb.WaitFor("the last section's tiles", `document.querySelectorAll(".xiang-story-map img.leaflet-tile-loaded").length > 8`)
		t.Logf("%d turns of the wheel to the last section", n)
		got := storyDates(tb)
		t.Logf("dates of the tiles loaded while scrolling: %v", got)
		checkStoryDates(t, got, want)
		if d := eval[string](tb, `document.querySelector("[data-xiang-story]").dataset.shownDate`); d != want[len(want)-1] {
			t.Errorf("at the end of the story the map shows %q, want %q", d, want[len(want)-1])
		}
		if *testkit.Keep || t.Failed() {
			// The viewport as the reader sees it: the last section beside
			// the map.
			b, err := chromedp.Run(tb.Ctx, chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			saveFailure(t, "browser-story.png", b)
		}
		tb.CheckClean()
	})

	t.Run("iframe", func(t *testing.T) {
		tb := openTab(t, browser, "story-iframe", ts.URL+"/article.html", 1000, 700)
		frame := `document.getElementById("story").contentWindow`
		tb.WaitFor("the story in its frame", frame+`.document.querySelectorAll(".xiang-story-map img.leaflet-tile-loaded").length > 4`)
		// The wheel over the iframe scrolls the story inside it.
		last := frame + `.document.querySelector("[data-xiang-story]").dataset.shownDate === "` + want[len(want)-1] + `"`
		scrollThrough(tb, 200, 300, last, 80)
		got := storyDates(tb)
		t.Logf("dates of the tiles loaded while scrolling in the iframe: %v", got)
		checkStoryDates(t, got, want)
		tb.CheckClean()
	})
}

// checkStoryDates checks that at least three of the story's dates were
// loaded, and none that is not one of them.
func checkStoryDates(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) < 3 {
		t.Errorf("tiles of %d dates loaded (%v); want at least 3 of %v", len(got), got, want)
	}
	for _, d := range got {
		if !slices.Contains(want, d) {
			t.Errorf("tiles of %s loaded; not a date of the story (%v)", d, want)
		}
	}
}

// wheel turns the mouse wheel by dy CSS pixels. CDP requires deltaX with
// deltaY, and the parameters omit a zero: a hundredth of a pixel sideways
// stands for none.
func wheel(dy float64) chromedp.MouseOption {
	return func(p *input.DispatchMouseEventParams) { p.DeltaX, p.DeltaY = 0.01, dy }
}
