package server

import (
	"math/rand/v2"
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
	{"root", "", "/", 404, "path"},
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

// TestNoPanics sends thousands of mutations of valid URLs and checks that
// each is answered 2xx, 304 or 4xx with JSON — never a 5xx, never a panic.
func TestNoPanics(t *testing.T) {
	_, ts := newServer(t, "", Config{MaxZoom: 12})
	seeds := []string{
		"/tiles/march/1944-06-20/8/208/108.png",
		"/tiles/march,context/8/208/108@2x.png?date=1944-06-20",
		"/tiles/all.json?date=1944-06-20",
		"/api/layers/march.geojson?date=1944-06-20",
		"/api/events",
		"/tiles/all/0/0/0.png",
	}
	for _, tc := range malformed {
		if tc.method == "" && len(tc.path) < 200 {
			seeds = append(seeds, tc.path)
		}
	}
	const alphabet = "/.,@-?&=%0123456789xXaelmrch2 \x00é"
	rng := rand.New(rand.NewPCG(1944, 6))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		b := []byte(seeds[rng.IntN(len(seeds))])
		for range 1 + rng.IntN(3) {
			pos := rng.IntN(len(b) + 1)
			c := alphabet[rng.IntN(len(alphabet))]
			switch rng.IntN(3) {
			case 0: // insert
				b = append(b[:pos], append([]byte{c}, b[pos:]...)...)
			case 1: // replace
				if pos < len(b) {
					b[pos] = c
				}
			case 2: // delete
				if pos < len(b) {
					b = append(b[:pos], b[pos+1:]...)
				}
			}
		}
		path := string(b)
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Send the mutated path as is, bypassing URL parsing on our side.
		req.URL.Opaque = "//" + req.URL.Host + path
		if strings.ContainsAny(path, " \x00") {
			continue // net/http refuses to send these
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatalf("request %d %q: %v", i, path, err)
		}
		res.Body.Close()
		if res.StatusCode >= 500 {
			t.Errorf("%q: status %d", path, res.StatusCode)
		}
		// A path with a bad %-escape is refused by net/http before any
		// handler runs, with its own plain-text 400.
		p, _, _ := strings.Cut(path, "?")
		if _, err := url.PathUnescape(p); err != nil && res.StatusCode == http.StatusBadRequest {
			continue
		}
		if res.StatusCode >= 400 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%q: status %d with Content-Type %q", path, res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	if p := metric(t, ts, "xiang_panics_total"); p != 0 {
		t.Errorf("%v panics", p)
	}
}
