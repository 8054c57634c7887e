package server

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays/hunan"
)

// baseColour is the colour of every tile of the test base map: a pale
// green no layer of the campaign paints in large areas.
var baseColour = color.NRGBA{0xb4, 0xe6, 0xb4, 0xff}

// baseTile is a 256×256 PNG of baseColour.
var baseTile = func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], []uint8{baseColour.R, baseColour.G, baseColour.B, baseColour.A})
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}()

// share is the fraction of img's pixels within 24 of c in every channel.
func share(img *image.RGBA, c color.NRGBA) float64 {
	r := img.Bounds()
	return 1 - float64(painted(img, r, c))/float64(r.Dx()*r.Dy())
}

// TestBaseMap runs the viewer in Chromium, in both modes, over a base map
// served from another origin on loopback: when the base map answers, its
// tiles are drawn under the campaign (the page's policy lets MapLibre fetch
// them) and credited; when its tiles fail (or MapLibre may not read them),
// the page goes on without it, on the campaign's own context layer.
func TestBaseMap(t *testing.T) {
	browser := testkit.Chrome(t, 150*time.Second, testkit.Window{Width: 1000, Height: 800, WebGL: true})
	for _, tc := range []struct {
		mode   string
		status int  // what the base map answers
		cors   bool // whether it lets other origins read its tiles, as OpenStreetMap does
		shown  bool // whether the page draws it
		// whether the page gives it up: MapLibre takes a 404 for "no tile
		// here", not for a failure, and draws the paper under it.
		givenUp bool
	}{
		{"vector", http.StatusOK, true, true, false},
		{"vector", http.StatusNotFound, true, false, false},
		// MapLibre draws with WebGL, which needs CORS; Leaflet does not.
		{"vector", http.StatusOK, false, false, true},
		{"raster", http.StatusOK, false, true, false},
		{"raster", http.StatusNotFound, false, false, true},
	} {
		name := fmt.Sprintf("%s/%d", tc.mode, tc.status)
		if tc.cors {
			name += "/cors"
		}
		t.Run(name, func(t *testing.T) {
			var asked atomic.Int64
			base := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked.Add(1)
				if tc.cors {
					w.Header().Set("Access-Control-Allow-Origin", "*")
				}
				if tc.status != http.StatusOK {
					http.Error(w, "no such tile", tc.status)
					return
				}
				w.Header().Set("Content-Type", "image/png")
				w.Write(baseTile)
			}))
			defer base.Close()
			_, ts := newServer(t, "", Config{Load: hunan.Load, Source: "embedded", Title: "Hunan",
				BaseMap: base.URL + "/{z}/{x}/{y}.png", BaseMapAttribution: "Test base map"})
			tb := openTab(t, browser, tc.mode+" viewer", ts.URL+"/?mode="+tc.mode+"&date=1944-07-15&view=112.615,26.89,9", 900, 600)
			if tc.givenUp {
				tb.WaitFor("the base map given up", `window.xiang && xiang.base === "none"`)
			}
			waitLoaded(tb)
			if got := eval[string](tb, `xiang.mode`); got != tc.mode {
				t.Fatalf("viewer mode %q, want %q", got, tc.mode)
			}
			shot := tb.Screenshot("#map")
			defer keepScreenshot(t, "basemap-"+strings.ReplaceAll(name, "/", "-"), shot)
			onBase := share(shot, baseColour)
			t.Logf("base map asked %d times; %.0f %% of the map is the base map's colour", asked.Load(), 100*onBase)
			if asked.Load() == 0 {
				t.Fatal("the base map was never asked for a tile")
			}
			if tc.shown {
				if got := eval[string](tb, `xiang.base`); got != "online" {
					t.Errorf("xiang.base %q, want online", got)
				}
				if onBase < 0.3 {
					t.Errorf("%.1f %% of the map shows the base map, want at least 30 %%", 100*onBase)
				}
				credit := eval[string](tb, `document.querySelector("#map").textContent`)
				if !strings.Contains(credit, "Test base map") {
					t.Errorf("the base map is not credited on the map: %q", credit)
				}
				// The campaign is drawn over it: the units at Hengyang.
				if n := painted(shot, shot.Bounds(), baseColour); n < 2000 {
					t.Errorf("only %d pixels differ from the base map: the campaign is not drawn over it", n)
				}
				tb.CheckClean() // no console error: nothing blocked by the page's policy
			} else {
				if onBase > 0.001 {
					t.Errorf("%.1f %% of the map is the base map's colour after its tiles failed", 100*onBase)
				}
				if asked.Load() < 4 {
					t.Errorf("the base map was given up after %d tiles, want 4", asked.Load())
				}
			}
		})
	}
}
