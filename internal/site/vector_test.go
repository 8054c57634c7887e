package site

import (
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
)

// buildVector builds a vector site of the Hengyang siege, 1944-06-20 to
// 1944-08-08, at zooms 9-12.
func buildVector(t *testing.T) (Config, VectorStats) {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Renderer: tiles.New(c), Selection: overlays.Selection(c.Layers),
		Days:   []geo.Day{geo.Date(1944, 6, 20), geo.Date(1944, 8, 8)},
		Bounds: hengyang, MinZoom: 9, MaxZoom: 12, Dir: t.TempDir(), Workers: 2, Title: "Hengyang"}
	st, err := BuildVector(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

func TestBuildVector(t *testing.T) {
	cfg, st := buildVector(t)
	t.Logf("%+v", st)
	if st.Tiles == 0 || st.ArchiveBytes == 0 || st.SpriteBytes == 0 || st.GlyphRanges == 0 {
		t.Fatalf("stats %+v", st)
	}
	for _, name := range []string{"index.html", "page.js", "vector.js", "site.css", "site.json", "style.json", ArchiveName,
		"sprite.json", "sprite.png", "sprite@2x.json", "sprite@2x.png", "maplibre/maplibre-gl.js", "pmtiles/pmtiles.js",
		"fonts/Go Regular/0-255.pbf"} {
		if _, err := os.Stat(filepath.Join(cfg.Dir, name)); err != nil {
			t.Errorf("site lacks %s: %v", name, err)
		}
	}
	// The style reads the archive through the pmtiles protocol and the
	// sprite and glyphs from the site, and opens on the first day.
	var style struct {
		Sources map[string]struct{ URL string }
		Sprite  string
		Glyphs  string
		State   map[string]struct{ Default int }
	}
	b, err := os.ReadFile(filepath.Join(cfg.Dir, "style.json"))
	if err == nil {
		err = json.Unmarshal(b, &style)
	}
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range style.Sources {
		if s.URL != "pmtiles://"+ArchiveName {
			t.Errorf("source %s: url %q", id, s.URL)
		}
	}
	if style.Sprite != "sprite" || style.Glyphs != "fonts/{fontstack}/{range}.pbf" || style.State["day"].Default != int(cfg.Days[0]) {
		t.Errorf("style: sprite %q, glyphs %q, day %d", style.Sprite, style.Glyphs, style.State["day"].Default)
	}
	// MapLibre draws CJK ideographs with the browser's font: their ranges
	// (衡, U+8861) are left out.
	if _, err := os.Stat(filepath.Join(cfg.Dir, "fonts", "Go Regular", "34816-35071.pbf")); !os.IsNotExist(err) {
		t.Errorf("glyphs of 衡 written: %v", err)
	}
	tool := testkit.GoTool(t, "go-pmtiles", "github.com/protomaps/go-pmtiles@v1.31.2")
	if out, err := exec.Command(tool, "verify", filepath.Join(cfg.Dir, ArchiveName)).CombinedOutput(); err != nil {
		t.Errorf("go-pmtiles verify: %v\n%s", err, out)
	}
}

// TestVectorBrowser serves a vector site with a plain static file server
// (http.FileServer answers range requests) and has MapLibre in Chromium
// draw it: both sides' colours at Hengyang on 1944-07-15, another picture
// on 1944-06-20, and no request of the archive to change the date.
func TestVectorBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("Chromium test")
	}
	testkit.Browser(t) // skip before building
	cfg, _ := buildVector(t)
	var mu sync.Mutex
	var ranges []string // range requests of the archive, with status
	files := http.FileServer(http.Dir(cfg.Dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w}
		files.ServeHTTP(rec, r)
		if strings.HasSuffix(r.URL.Path, ArchiveName) {
			mu.Lock()
			ranges = append(ranges, fmt.Sprintf("%s %d", r.Header.Get("Range"), rec.status))
			mu.Unlock()
		} else if rec.status >= 400 {
			t.Errorf("%s: HTTP %d", r.URL.Path, rec.status)
		}
	}))
	defer srv.Close()
	archiveRequests := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(ranges)
	}

	tab, wait, shot := openSite(t, srv.URL+"/index.html#date=1944-07-15&view=112.615,26.89,10", true)
	wait("1944-07-15")
	siege := shot("vector-site-1944-07-15.png")
	loaded := archiveRequests()
	tab.Run(`xiangSite.setDate("1944-06-20")`)
	wait("1944-06-20")
	before := shot("vector-site-1944-06-20.png")
	checkPage(t, tab, cfg.Dir, "1944-06-20")
	// A date outside the site's days, or none, leaves the map as it is.
	for _, bad := range []string{"1944-01-01", "no date"} {
		tab.Run(`xiangSite.setDate(` + strconv.Quote(bad) + `)`)
		checkPage(t, tab, cfg.Dir, "1944-06-20")
	}

	red, blue := testkit.Near(siege, color.RGBA{0xc8, 0x10, 0x2e, 0xff}, 39), testkit.Near(siege, color.RGBA{0x1f, 0x4e, 0x9c, 0xff}, 39)
	if red < 100 || blue < 50 {
		t.Errorf("1944-07-15: Japanese red %d px, Chinese blue %d px; want the siege ring and the garrison", red, blue)
	}
	if diff := testkit.Changed(siege, before, 8); diff < 500 {
		t.Errorf("the map changed in %d pixels between 1944-07-15 and 1944-06-20", diff)
	}
	partial := 0
	for _, r := range loaded {
		if strings.HasPrefix(r, "bytes=") && strings.HasSuffix(r, " 206") {
			partial++
		}
	}
	if partial == 0 {
		t.Errorf("no range request (206) of %s: %v", ArchiveName, loaded)
	}
	if after := archiveRequests(); len(after) != len(loaded) {
		t.Errorf("changing the date read the archive again: %v", after[len(loaded):])
	}
	t.Logf("1944-07-15: %d red, %d blue px; %d range requests of %s", red, blue, partial, ArchiveName)
	checkControls(t, tab, "1944-06-20")
}

// statusWriter records the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
