package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// malformed is a table of bad requests, each with the status it must get
// and the part of the request its JSON error must name.
var malformed = []struct {
	name, method, path string
	status             int
	part               string
}{
	// z, x, y
	{"z not a number", "", "/tiles/march/1944-06-20/a/208/108.png", 400, "z"},
	{"z above max zoom", "", "/tiles/march/1944-06-20/21/0/0.png", 400, "z"},
	{"z above renderer max", "", "/tiles/march/25/0/0.png", 400, "z"},
	{"z huge", "", "/tiles/march/1944-06-20/99999999999/0/0.png", 400, "z"},
	{"z negative", "", "/tiles/march/1944-06-20/-1/0/0.png", 400, "z"},
	{"z leading zero", "", "/tiles/march/1944-06-20/08/208/108.png", 400, "z"},
	{"z with sign", "", "/tiles/march/1944-06-20/+8/208/108.png", 400, "z"},
	{"z is a date on the summary route", "", "/tiles/march/1944-06-20/8/208.png", 400, "z"},
	{"x out of range", "", "/tiles/march/1944-06-20/8/256/108.png", 400, "x"},
	{"x not a number", "", "/tiles/march/1944-06-20/8/x/108.png", 400, "x"},
	{"x leading zeros", "", "/tiles/march/1944-06-20/8/0208/108.png", 400, "x"},
	{"x beyond uint32", "", "/tiles/march/1944-06-20/8/4294967296/108.png", 400, "x"},
	{"x fraction", "", "/tiles/march/1944-06-20/8/208.5/108.png", 400, "x"},
	{"y out of range", "", "/tiles/march/1944-06-20/8/208/256.png", 400, "y"},
	{"y at zoom 0", "", "/tiles/march/0/0/1.png", 400, "y"},
	{"y not a number", "", "/tiles/march/1944-06-20/8/208/abc.png", 400, "y"},
	{"y empty", "", "/tiles/march/1944-06-20/8/208/.png", 400, "y"},
	{"y negative", "", "/tiles/march/1944-06-20/8/208/-1.png", 400, "y"},
	{"y double extension", "", "/tiles/march/1944-06-20/8/208/108.png.png", 400, "y"},
	{"y hex", "", "/tiles/march/1944-06-20/8/208/0x6c.png", 400, "y"},
	// extension and scale
	{"extension jpg", "", "/tiles/march/1944-06-20/8/208/108.jpg", 400, "extension"},
	{"extension missing", "", "/tiles/march/1944-06-20/8/208/108", 400, "extension"},
	{"extension upper case", "", "/tiles/march/1944-06-20/8/208/108.PNG", 400, "extension"},
	{"extension webp summary", "", "/tiles/march/8/208/108.webp", 400, "extension"},
	{"scale 3x", "", "/tiles/march/1944-06-20/8/208/108@3x.png", 400, "scale"},
	{"scale without x", "", "/tiles/march/1944-06-20/8/208/108@2.png", 400, "scale"},
	{"scale twice", "", "/tiles/march/1944-06-20/8/208/108@2x@2x.png", 400, "scale"},
	{"scale 1x", "", "/tiles/march/8/208/108@1x.png", 400, "scale"},
	// dates
	{"date month 13", "", "/tiles/march/1944-13-01/8/208/108.png", 400, "date"},
	{"date 30 February", "", "/tiles/march/1944-02-30/8/208/108.png", 400, "date"},
	{"date unpadded", "", "/tiles/march/1944-6-1/8/208/108.png", 400, "date"},
	{"date compact", "", "/tiles/march/19440601/8/208/108.png", 400, "date"},
	{"date word", "", "/tiles/march/yesterday/8/208/108.png", 400, "date"},
	{"date year zero", "", "/tiles/march/0000-01-01/8/208/108.png", 400, "date"},
	{"date month only", "", "/tiles/march/1944-06/8/208/108.png", 400, "date"},
	{"query date bad", "", "/tiles/march/8/208/108.png?date=1944-13-01", 400, "date"},
	{"query date empty", "", "/tiles/march/8/208/108.png?date=", 400, "date"},
	{"query date twice", "", "/tiles/march/8/208/108.png?date=1944-06-01&date=1944-06-02", 400, "date"},
	{"date in path and query", "", "/tiles/march/1944-06-20/8/208/108.png?date=1944-06-21", 400, "date"},
	{"query not parseable", "", "/tiles/march/8/208/108.png?date=%zz", 400, "query"},
	// layer lists
	{"unknown layer", "", "/tiles/nope/1944-06-20/8/208/108.png", 404, "nope"},
	{"unknown layer in a list", "", "/tiles/march,nope/8/208/108.png", 404, "nope"},
	{"layer upper case", "", "/tiles/March/8/208/108.png", 400, "layers"},
	{"layer list empty item", "", "/tiles/march,,context/8/208/108.png", 400, "layer list"},
	{"layer list trailing comma", "", "/tiles/march,/8/208/108.png", 400, "layer list"},
	{"layer repeated", "", "/tiles/march,march/8/208/108.png", 400, "layer list"},
	{"all with others", "", "/tiles/all,march/8/208/108.png", 400, "layer list"},
	{"layer with space", "", "/tiles/march%20x/8/208/108.png", 400, "layers"},
	{"layer with escaped slash", "", "/tiles/march%2Fx/8/208/108.png", 400, "layers"},
	{"layer with escaped comma", "", "/tiles/march%2Ccontext/8/208/108.png", 400, "layers"},
	{"layer not ascii", "", "/tiles/m%C3%A4rz/8/208/108.png", 400, "layers"},
	{"layer list too long", "", "/tiles/" + strings.Repeat("ab,", 400) + "ab/8/208/108.png", 400, "layers"},
	// paths
	{"empty layer segment", "", "/tiles//8/208/108.png", 400, "path"},
	{"too many segments", "", "/tiles/march/1944-06-20/8/208/108/109.png", 404, "path"},
	{"two segments", "", "/tiles/march/108.png", 404, "path"},
	{"tiles root", "", "/tiles/", 404, "path"},
	{"dot segments", "", "/tiles/march/../../8/208/108.png", 404, "path"},
	{"dot segment as date", "", "/tiles/march/../8/208/108.png", 400, "date"},
	{"unknown route", "", "/nope", 404, "path"},
	{"index file", "", "/index.html", 404, "path"},
	{"viewer with a trailing segment", "", "/embed/x", 404, "path"},
	{"api layers trailing slash", "", "/api/layers/", 404, "path"},
	// TileJSON and the API
	{"tilejson unknown layer", "", "/tiles/nope.json", 404, "nope"},
	{"tilejson bad layer", "", "/tiles/March.json", 400, "layers"},
	{"tilejson bad date", "", "/tiles/march.json?date=1944-02-30", 400, "date"},
	{"tilejson wrong extension", "", "/tiles/march.xml", 404, "extension"},
	{"geojson unknown layer", "", "/api/layers/nope.geojson", 404, "nope"},
	{"geojson wrong extension", "", "/api/layers/march.json", 404, "extension"},
	{"geojson bad date", "", "/api/layers/march.geojson?date=June", 400, "date"},
	{"geojson date twice", "", "/api/layers/march.geojson?date=1944-06-20&date=1944-06-21", 400, "date"},
	{"geojson empty list item", "", "/api/layers/march,.geojson", 400, "layer list"},
	// static images
	{"static size too wide", "", "/static/march/auto/2049x100.png", 400, "size"},
	{"static size too tall", "", "/static/march/auto/100x2049.png", 400, "size"},
	{"static size too wide at 2x", "", "/static/march/auto/1025x10@2x.png", 400, "size"},
	{"static size zero", "", "/static/march/auto/0x10.png", 400, "size"},
	{"static size word", "", "/static/march/auto/bigx10.png", 400, "size"},
	{"static size negative", "", "/static/march/auto/-10x10.png", 400, "size"},
	{"static size one number", "", "/static/march/auto/100.png", 400, "size"},
	{"static size huge", "", "/static/march/auto/99999999999999999999x10.png", 400, "size"},
	{"static scale 3x", "", "/static/march/auto/100x100@3x.png", 400, "scale"},
	{"static extension jpg", "", "/static/march/auto/100x100.jpg", 400, "extension"},
	{"static extension gif", "", "/static/march/auto/100x100.gif", 400, "extension"},
	{"static center latitude", "", "/static/march/112,95,8/100x100.png", 400, "center"},
	{"static center zoom too deep", "", "/static/march/112,27,21/100x100.png", 400, "center"},
	{"static center zoom negative", "", "/static/march/112,27,-1/100x100.png", 400, "center"},
	{"static center not numbers", "", "/static/march/a,b,c/100x100.png", 400, "center"},
	{"static bbox inverted", "", "/static/march/113,27,112,28/100x100.png", 400, "bbox"},
	{"static bbox NaN", "", "/static/march/NaN,27,113,28/100x100.png", 400, "bbox"},
	{"static bbox infinite", "", "/static/march/112,27,Inf,28/100x100.png", 400, "bbox"},
	{"static bbox beyond the poles", "", "/static/march/112,-89,113,28/100x100.png", 400, "bbox"},
	{"static view word", "", "/static/march/everything/100x100.png", 400, "view"},
	{"static view two numbers", "", "/static/march/112,27/100x100.png", 400, "view"},
	{"static view five numbers", "", "/static/march/1,2,3,4,5/100x100.png", 400, "view"},
	{"static unknown layer", "", "/static/nope/auto/100x100.png", 404, "nope"},
	{"static bad layer list", "", "/static/march,,siege/auto/100x100.png", 400, "layer list"},
	{"static bad date", "", "/static/march/auto/100x100.png?date=1944-02-30", 400, "date"},
	{"static date twice", "", "/static/march/auto/100x100.png?date=1944-06-01&date=1944-06-02", 400, "date"},
	{"static too few segments", "", "/static/march/100x100.png", 404, "path"},
	{"static too many segments", "", "/static/march/auto/x/100x100.png", 404, "path"},
	{"static empty view", "", "/static/march//100x100.png", 400, "path"},
	// animations
	{"animate too many frames", "", "/animate/march/auto/100x80.gif?from=1944-01-01&to=1945-12-31&step=P1D", 400, "frames"},
	{"animate too many pixels", "", "/animate/march/auto/2000x2000.gif?from=1944-06-01&to=1944-07-30", 400, "frames"},
	{"animate step in years", "", "/animate/march/auto/100x80.gif?step=P1Y", 400, "step"},
	{"animate step zero", "", "/animate/march/auto/100x80.gif?step=P0D", 400, "step"},
	{"animate step twice", "", "/animate/march/auto/100x80.gif?step=P1D&step=P2D", 400, "step"},
	{"animate furniture word", "", "/animate/march/auto/100x80.gif?furniture=yes", 400, "furniture"},
	{"animate furniture twice", "", "/animate/march/auto/100x80.gif?furniture=0&furniture=1", 400, "furniture"},
	{"animate bad from", "", "/animate/march/auto/100x80.gif?from=June", 400, "from"},
	{"animate bad to", "", "/animate/march/auto/100x80.gif?to=1944-06-31", 400, "to"},
	{"animate to before from", "", "/animate/march/auto/100x80.gif?from=1944-07-01&to=1944-06-01", 400, "to"},
	{"animate undated layer", "", "/animate/context/auto/100x80.gif", 400, "from"},
	{"animate scale", "", "/animate/march/auto/100x80@2x.gif", 400, "scale"},
	{"animate extension png", "", "/animate/march/auto/100x80.png", 400, "extension"},
	{"animate size too large", "", "/animate/march/auto/3000x80.gif", 400, "size"},
	{"animate bad bbox", "", "/animate/march/1,2,1,2/100x80.gif", 400, "bbox"},
	{"animate unknown layer", "", "/animate/nope/auto/100x80.gif", 404, "nope"},
	{"animate too few segments", "", "/animate/march/100x80.gif", 404, "path"},
	// oEmbed
	{"oembed without url", "", "/oembed", 400, "url"},
	{"oembed empty url", "", "/oembed?url=", 400, "url"},
	{"oembed url twice", "", "/oembed?url=http%3A%2F%2Fa%2F&url=http%3A%2F%2Fb%2F", 400, "url"},
	{"oembed foreign url", "", "/oembed?url=http%3A%2F%2Fevil.example%2F", 404, "url"},
	{"oembed relative url", "", "/oembed?url=%2Fembed", 404, "url"},
	{"oembed format xml", "", "/oembed?url=http%3A%2F%2Fevil.example%2F&format=xml", 501, "format"},
	{"oembed maxwidth word", "", "/oembed?url=http%3A%2F%2Fevil.example%2F&maxwidth=wide", 400, "maxwidth"},
	{"oembed maxwidth zero", "", "/oembed?url=http%3A%2F%2Fevil.example%2F&maxwidth=0", 400, "maxwidth"},
	{"oembed maxheight negative", "", "/oembed?url=http%3A%2F%2Fevil.example%2F&maxheight=-5", 400, "maxheight"},
	{"oembed query not parseable", "", "/oembed?url=%zz", 400, "query"},
	// the legend
	{"legend unknown layer", "", "/api/legend?layers=nope", 404, "nope"},
	{"legend bad layer", "", "/api/legend?layers=March", 400, "layers"},
	{"legend empty layers", "", "/api/legend?layers=", 400, "layers"},
	{"legend unknown entry", "", "/api/legend/nope.png", 404, "legend entry"},
	{"legend swatch extension", "", "/api/legend/siege.svg", 404, "extension"},
	{"legend swatch scale 3", "", "/api/legend/siege.png?scale=3", 400, "scale"},
	{"legend swatch scale twice", "", "/api/legend/siege.png?scale=1&scale=2", 400, "scale"},
	// assets
	{"asset missing", "", "/assets/nope.js", 404, "asset"},
	{"asset page template", "", "/assets/page.html", 404, "asset"},
	{"asset directory", "", "/assets/leaflet/", 404, "asset"},
	// methods and sizes
	{"POST tile", "POST", "/tiles/march/8/208/108.png", 405, "method"},
	{"DELETE layers", "DELETE", "/api/layers", 405, "method"},
	{"PUT healthz", "PUT", "/healthz", 405, "method"},
	{"URL too long", "", "/tiles/march/8/208/108.png?pad=" + strings.Repeat("x", 3000), 414, "url"},
	{"body too large", "BODY", "/api/layers", 413, "body"},
}

func TestMalformed(t *testing.T) {
	if len(malformed) < 40 {
		t.Fatalf("only %d malformed requests", len(malformed))
	}
	_, ts := newServer(t, "", Config{})
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			var res response
			switch tc.method {
			case "":
				res = get(t, ts, tc.path)
			case "BODY":
				res = do(t, ts, http.MethodGet, tc.path, strings.NewReader(strings.Repeat("x", MaxBodyBytes+1)))
			default:
				res = do(t, ts, tc.method, tc.path, nil)
			}
			if res.status != tc.status {
				t.Errorf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			msg := errorMessage(t, res)
			if !strings.Contains(msg, tc.part) {
				t.Errorf("error %q does not name %q", msg, tc.part)
			}
			if res.header.Get("Access-Control-Allow-Origin") != "*" || res.header.Get("Cache-Control") != "no-store" {
				t.Errorf("error headers: %v", res.header)
			}
			if len(msg) > 400 {
				t.Errorf("error message of %d bytes", len(msg))
			}
		})
	}
	if n := metric(t, ts, "xiang_panics_total"); n != 0 {
		t.Errorf("%v panics", n)
	}
}

// FuzzRequests sends any path to the server and checks that it is
// answered 2xx, 304 or 4xx with JSON — never a 5xx, never a panic. Its
// seeds are valid URLs of every route and the malformed table; the corpus
// in testdata/fuzz holds mutations found by earlier runs
// (go test -run x -fuzz FuzzRequests ./internal/server).
func FuzzRequests(f *testing.F) {
	_, ts := newServer(f, "", Config{MaxZoom: 12})
	seeds := []string{
		"/tiles/march/1944-06-20/8/208/108.png",
		"/tiles/march,context/8/208/108@2x.png?date=1944-06-20",
		"/tiles/all.json?date=1944-06-20",
		"/api/layers/march.geojson?date=1944-06-20",
		"/api/events",
		"/tiles/all/0/0/0.png",
		"/static/march/auto/40x30.png?date=1944-06-20",
		"/static/march,context/112.4,26.6,112.9,27.1/40x30@2x.png",
		"/static/march/112.65,26.95,9/40x30.png",
		"/animate/march/auto/40x30.gif?from=1944-06-10&to=1944-06-12",
		"/oembed?url=http%3A%2F%2F127.0.0.1%2F%3Fdate%3D1944-06-20&maxwidth=300",
		"/api/legend?layers=march",
		"/api/legend/siege.png?scale=2",
		"/embed?date=1944-06-20",
		"/assets/viewer.js",
	}
	for _, tc := range malformed {
		if tc.method == "" && len(tc.path) < 200 {
			seeds = append(seeds, tc.path)
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		if len(path) > 2000 {
			return
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Send the mutated path as is, bypassing URL parsing on our side.
		req.URL.Opaque = "//" + req.URL.Host + path
		if strings.ContainsFunc(path, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return // net/http refuses to send spaces and control characters
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("request %q: %v", path, err)
		}
		res.Body.Close()
		// oEmbed answers a format it does not implement with 501, as its
		// spec says; any other 5xx is a bug.
		notImplemented := res.StatusCode == http.StatusNotImplemented && strings.HasPrefix(path, "/oembed?")
		if res.StatusCode >= 500 && !notImplemented {
			t.Errorf("%q: status %d", path, res.StatusCode)
		}
		// A path with a bad %-escape is refused by net/http before any
		// handler runs, with its own plain-text 400.
		p, _, _ := strings.Cut(path, "?")
		if _, err := url.PathUnescape(p); err != nil && res.StatusCode == http.StatusBadRequest {
			return
		}
		if res.StatusCode >= 400 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%q: status %d with Content-Type %q", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if p := metric(t, ts, "xiang_panics_total"); p != 0 {
			t.Errorf("%q: %v panics", path, p)
		}
	})
}
