package site

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/hunan"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// hengyang is the box of the siege.
var hengyang = orb.Bound{Min: orb.Point{112.45, 26.8}, Max: orb.Point{112.75, 27.0}}

// build builds a site of the Hengyang siege on three days at zooms 9-11.
func build(t *testing.T) (Config, Stats) {
	t.Helper()
	c, err := hunan.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Renderer: tiles.New(c), Selection: overlays.Selection(c.Layers),
		Days:   []geo.Day{geo.Date(1944, 7, 14), geo.Date(1944, 7, 15), geo.Date(1944, 8, 8)},
		Bounds: hengyang, MinZoom: 9, MaxZoom: 11, Dir: t.TempDir(), Workers: 2, Title: "Hengyang"}
	st, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, st
}

func TestBuild(t *testing.T) {
	cfg, st := build(t)
	if st.Dates != 3 || st.Distinct == 0 || st.Distinct > 3*st.Tiles {
		t.Fatalf("stats %+v", st)
	}
	// The goal: the site's tiles within 1.5× the bytes of the distinct
	// tiles (index included), well under the per-date archives.
	if site := st.TileBytes + st.IndexBytes; float64(site) > 1.5*float64(st.DistinctBytes) || site >= st.ArchiveBytes {
		t.Errorf("tiles.pmtiles + site.json = %d bytes; distinct tiles %d, per-date archives %d", site, st.DistinctBytes, st.ArchiveBytes)
	}
	t.Logf("%+v", st)
	if _, err := os.Stat(filepath.Join(cfg.Dir, ".seed")); !os.IsNotExist(err) {
		t.Errorf("work directory left: %v", err)
	}

	// Every tile of every date, read as the viewer does, is the served tile.
	var m Manifest
	b, err := os.ReadFile(filepath.Join(cfg.Dir, "site.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(cfg.Dir, "tiles.pmtiles"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd, err := pmtiles.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := seed.Cover(cfg.Bounds, cfg.MinZoom, cfg.MaxZoom)
	ids := slices.Clone(m.Base)
	for i, d := range cfg.Days {
		if i > 0 {
			for _, c := range m.Changes[i-1] {
				ids[c[0]] = c[1]
			}
		}
		for pos, tile := range list {
			got, ok, err := rd.Tile(tileOf(ids[pos]))
			var want bytes.Buffer
			cfg.Renderer.Tile(context.Background(), &want, cfg.Selection, d, tile, 1)
			if err != nil || !ok || !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%s tile %v: body %d: %v, %v, equal %v", d, tile, ids[pos], ok, err, bytes.Equal(got, want.Bytes()))
			}
		}
	}
	tool := testkit.GoTool(t, "go-pmtiles", "github.com/protomaps/go-pmtiles@v1.31.2")
	if out, err := exec.Command(tool, "verify", f.Name()).CombinedOutput(); err != nil {
		t.Errorf("go-pmtiles verify: %v\n%s", err, out)
	}
}

// TestBrowser serves a site with nginx and has Chromium draw it on two
// dates, changing the date without reloading the page.
func TestBrowser(t *testing.T) {
	testkit.Browser(t) // skip before building
	nginx := testkit.Tool(t, "nginx", "nginx-light")
	cfg, _ := build(t)
	url, log := startNginx(t, nginx, cfg.Dir)

	tab, wait, shot := openSite(t, url+"index.html#date=1944-07-15", false)
	wait("1944-07-15")
	a := shot("site-1944-07-15")
	// A mark on the window survives a date change only if the page was
	// not reloaded.
	tab.Run(`window.mark = 42; xiangSite.setDate("1944-08-08")`)
	wait("1944-08-08")
	b := shot("site-1944-08-08")
	checkPage(t, tab, cfg.Dir, "1944-08-08")
	// A date the site does not hold leaves the map as it is.
	for _, bad := range []string{"1944-08-09", "no date"} {
		tab.Run(`xiangSite.setDate(` + strconv.Quote(bad) + `)`)
		checkPage(t, tab, cfg.Dir, "1944-08-08")
	}
	if mark := testkit.Eval[int](tab, `window.mark || 0`); mark != 42 {
		t.Errorf("the page was reloaded to change the date (mark %d)", mark)
	}
	hash := testkit.Eval[string](tab, `location.hash`)
	if !strings.Contains(hash, "date=1944-08-08") {
		t.Errorf("URL state %q lacks the date", hash)
	}
	// Both sides drawn on both dates: Japanese red and Chinese blue.
	for _, img := range []*image.RGBA{a, b} {
		red, blue := testkit.Near(img, color.RGBA{0xc8, 0x10, 0x2e, 0xff}, 39), testkit.Near(img, color.RGBA{0x1f, 0x4e, 0x9c, 0xff}, 39)
		if red < 50 || blue < 50 {
			t.Errorf("Japanese red %d px, Chinese blue %d px; want both", red, blue)
		}
	}
	if diff := testkit.Changed(a, b, 8); diff < 500 {
		t.Errorf("the map changed in %d pixels between the dates", diff)
	}
	// The tiles came by range requests (206), from one archive.
	logged, _ := os.ReadFile(log)
	if !strings.Contains(string(logged), "tiles.pmtiles") || !strings.Contains(string(logged), " 206 ") {
		t.Errorf("nginx saw no range request of tiles.pmtiles:\n%s", logged)
	}
	checkControls(t, tab, "1944-07-14")
}

// checkPage checks the shared page (page.js) of the site in dir showing
// date: the date, the slider's range, the day's events of site.json, the
// legend, and the URL state with its embed snippet.
func checkPage(t *testing.T, tab *testkit.Tab, dir, date string) {
	t.Helper()
	var m struct {
		Events []Event
		Legend []LegendEntry
	}
	b, err := os.ReadFile(filepath.Join(dir, "site.json"))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := testkit.Eval[string](tab, `document.getElementById('date').textContent`); got != date {
		t.Errorf("date shown %q, want %q", got, date)
	}
	var events []string
	for _, e := range m.Events {
		if end := cmp.Or(e.End, e.Date); e.Date <= date && end >= date {
			events = append(events, e.Date+": "+e.Name)
		}
	}
	if got := testkit.Eval[[]string](tab, `[...document.querySelectorAll('#events li')].map((li) => li.textContent)`); !slices.Equal(got, events) {
		t.Errorf("events shown %q, want %q", got, events)
	}
	t.Logf("%s: %d events shown", date, len(events))
	if n := testkit.Eval[int](tab, `document.querySelectorAll('#legend li').length`); n == 0 || n != len(m.Legend) {
		t.Errorf("legend of %d lines, want %d", n, len(m.Legend))
	}
	if max := testkit.Eval[int](tab, `Number(document.getElementById('slider').max)`); max < 1 {
		t.Errorf("slider max %d", max)
	}
	hash := testkit.Eval[string](tab, `location.hash`)
	if !regexp.MustCompile(`^#date=` + date + `&view=[-0-9.]+%2C[-0-9.]+%2C[0-9.]+$`).MatchString(hash) {
		t.Errorf("URL state %q", hash)
	}
	embed := testkit.Eval[string](tab, `document.getElementById('embed').value`)
	if want := `<iframe src="` + testkit.Eval[string](tab, `location.href`) + `&embed=1" width="600"`; !strings.HasPrefix(embed, want) {
		t.Errorf("embed snippet %q, want it to start %q", embed, want)
	}
}

// checkControls moves the slider of a site's page to its start, first,
// then has the play button move the date on and stop.
func checkControls(t *testing.T, tab *testkit.Tab, first string) {
	t.Helper()
	tab.Run(`const s = document.getElementById('slider'); s.value = 0; s.dispatchEvent(new Event('input'))`)
	if got := testkit.Eval[string](tab, `document.getElementById('date').textContent`); got != first {
		t.Errorf("slider at 0 shows %q, want %q", got, first)
	}
	tab.Run(`document.getElementById('play').click()`)
	if got := testkit.Eval[string](tab, `document.getElementById('play').textContent`); got != "⏸" {
		t.Errorf("playing, the button shows %q", got)
	}
	tab.WaitFor("play", fmt.Sprintf(`document.getElementById('date').textContent !== %q`, first))
	tab.Run(`document.getElementById('play').click()`)
	if got := testkit.Eval[string](tab, `document.getElementById('play').textContent`); got != "▶" {
		t.Errorf("stopped, the button shows %q", got)
	}
	shown := testkit.Eval[string](tab, `document.getElementById('date').textContent`)
	if hash := testkit.Eval[string](tab, `location.hash`); !strings.HasPrefix(hash, "#date="+shown+"&") {
		t.Errorf("after play, URL state %q for date %q", hash, shown)
	}
}

// startNginx serves dir on a free loopback port and returns its URL and
// access log.
func startNginx(t *testing.T, nginx, dir string) (url, accessLog string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	prefix := t.TempDir()
	accessLog = filepath.Join(prefix, "access.log")
	user := ""
	if os.Getuid() == 0 {
		user = "user root;" // workers must read the test's private temporary directory
	}
	conf := user + fmt.Sprintf(`daemon on; pid %[1]s/nginx.pid; error_log %[1]s/error.log;
events { worker_connections 64; }
http {
  types { text/html html; application/javascript js; text/css css; application/json json; image/png png; }
  default_type application/octet-stream;
  access_log %[2]s;
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  server { listen 127.0.0.1:%[3]d; root %[4]s; }
}
`, prefix, accessLog, port, dir)
	cf := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(nginx, "-c", cf, "-p", prefix).CombinedOutput(); err != nil {
		t.Fatalf("nginx: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(prefix, "nginx.pid")); err == nil {
			exec.Command("kill", "-QUIT", strings.TrimSpace(string(b))).Run()
		}
	})
	return fmt.Sprintf("http://127.0.0.1:%d/", port), accessLog
}

// openSite has Chromium (with WebGL for MapLibre, or without a GPU) show
// a built site's page at url, and returns its tab, a wait for a date to
// be drawn ("DATE ready" in the title) and a screenshot of the map, saved
// as name when the test fails or with -keep.
func openSite(t *testing.T, url string, webGL bool) (tab *testkit.Tab, wait func(date string), shot func(name string) *image.RGBA) {
	t.Helper()
	browser := testkit.Chrome(t, 90*time.Second, testkit.Window{Width: 800, Height: 600, WebGL: webGL})
	tab = testkit.OpenTab(t, browser, "site", url, 800, 600)
	wait = func(date string) {
		t.Helper()
		tab.WaitFor(date, fmt.Sprintf(`document.title.endsWith(%q)`, date+" ready"))
	}
	shot = func(name string) *image.RGBA {
		t.Helper()
		img := tab.Screenshot("#map")
		testkit.Save(t, name, img)
		return img
	}
	return tab, wait, shot
}
