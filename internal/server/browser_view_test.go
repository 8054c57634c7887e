package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// TestBrowserBadView: the viewer loads, at the campaign's default view,
// when its URL holds a view outside the world. The server rejects such a
// page itself (TestViewerView); here the server is shown the URL without
// its view, so that the script alone is tested, as a page cached or
// rewritten by a proxy would be. Failing means the page never loads, so
// waiting for its tiles, with loadWait, is the criterion.
func TestBrowserBadView(t *testing.T) {
	s, _ := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", BaseMap: BaseMapNone, Title: "Hunan"})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			q := r.URL.Query()
			q.Del("view")
			r.URL.RawQuery = q.Encode()
		}
		s.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	browser := testkit.Chrome(t, browserBudget, testkit.Window{Width: 1200, Height: 800})
	for _, v := range []string{"1e308,0,5", "112,89,5", "112,27,99"} {
		tb := openTab(t, browser, "view "+v, ts.URL+"/?date=1944-06-18&view="+url.QueryEscape(v), 800, 600)
		waitLoaded(tb)
		c := eval[[]float64](tb, `(() => { const c = window.xiang.map.getCenter(); return [c.lng, c.lat, window.xiang.map.getZoom()]; })()`)
		if len(c) != 3 || c[0] < -180 || c[0] > 180 || c[1] < -85.06 || c[1] > 85.06 || c[2] < 0 || c[2] > 20 {
			t.Errorf("view %s: map at %v", v, c)
		}
		tb.CheckClean()
	}
}
