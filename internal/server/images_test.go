package server

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/view"
)

// probe is a place on the map that a picture must (or must not) show in
// a colour.
type probe struct {
	name string
	at   orb.Point // lon, lat
	is   shade
	want bool // whether the colour must be there (else: must not)
}

// shade is a family of colours: Japanese red in full or lighter (a leg in
// progress), Chinese blue, dark ink.
type shade struct {
	name string
	is   func(c color.NRGBA) bool
}

var (
	japanRed  = shade{"Japanese red", func(c color.NRGBA) bool { return int(c.R) > int(c.G)+60 && int(c.R) > int(c.B)+40 }}
	chinaBlue = shade{"Chinese blue", func(c color.NRGBA) bool { return int(c.B) > int(c.R)+50 && int(c.B) > int(c.G)+20 }}
	darkInk   = shade{"ink", func(c color.NRGBA) bool { return c.R < 100 && c.G < 100 && c.B < 100 }}
)

// shadeNear reports whether a pixel within r pixels of p is of shade s.
func shadeNear(img image.Image, p orb.Point, r int, s shade) bool {
	x0, y0 := int(p[0]), int(p[1])
	for y := y0 - r; y <= y0+r; y++ {
		for x := x0 - r; x <= x0+r; x++ {
			if (image.Point{x, y}).In(img.Bounds()) && s.is(color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)) {
				return true
			}
		}
	}
	return false
}

// colourNear reports whether a pixel within r pixels of p is within tol
// (per channel) of c.
func colourNear(img image.Image, p orb.Point, r int, c color.NRGBA, tol int) bool {
	return shadeNear(img, p, r, shade{"", func(g color.NRGBA) bool {
		return absDiff(g.R, c.R) <= tol && absDiff(g.G, c.G) <= tol && absDiff(g.B, c.B) <= tol
	}})
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// saveFailure writes a picture that failed a check to testdata/out, where
// a person can look at it, and says where.
func saveFailure(t *testing.T, name string, b []byte) {
	t.Helper()
	dir := filepath.Join("testdata", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	p := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_", ":", "").Replace(name))
	if err := os.WriteFile(p, b, 0o644); err == nil {
		t.Logf("picture saved as %s", p)
	}
}

// crop copies a rectangle of img into a new image.
func crop(img image.Image, r image.Rectangle) *image.RGBA {
	out := image.NewRGBA(image.Rectangle{Max: r.Size()})
	draw.Draw(out, out.Rect, img, r.Min, draw.Src)
	return out
}

// testFrame is the frame the server draws for a view of the test campaign.
func testFrame(t *testing.T, layers, v string, w, h, scale int) geo.Frame {
	t.Helper()
	c, err := overlays.LoadDir(testCampaign)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select(layers)
	if err != nil {
		t.Fatal(err)
	}
	vw, err := view.Parse(v)
	if err != nil {
		t.Fatal(err)
	}
	return vw.Frame(sel, w, h, float64(scale))
}

// TestStatic draws static images of the test campaign fitted to the
// layers, to a box and centred on a point, and checks that the features
// are where they belong, in their side's colour, with the date and the
// attribution drawn in.
func TestStatic(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	japan, china, ink := japanRed, chinaBlue, darkInk
	garrison := orb.Point{112.65, 26.95}
	tests := []struct {
		name, layers, view string
		w, h, scale        int
		date               string
		probes             []probe
	}{
		{"auto on 30 June", "march", "auto", 400, 300, 1, "1944-06-30", []probe{
			{"march west", orb.Point{111.9, 26.7}, japan, true},
			{"march east", orb.Point{113.3, 26.7}, japan, true},
			{"garrison", garrison, china, true},
		}},
		{"auto on 15 June: the march halfway to Hengyang", "march", "auto", 400, 300, 1, "1944-06-15", []probe{
			{"march west", orb.Point{111.8, 26.7}, japan, true},
			{"march east, not yet reached", orb.Point{113.3, 26.7}, japan, false},
			{"garrison", garrison, china, true},
		}},
		{"auto summary @2x", "march", "auto", 300, 200, 2, "", []probe{
			{"march east", orb.Point{113.3, 26.7}, japan, true},
			{"garrison", garrison, china, true},
		}},
		{"bbox around Hengyang with context", "march,context", "112.4,26.6,112.9,27.1", 400, 400, 1, "1944-07-01", []probe{
			{"garrison", garrison, china, true},
			{"Hengyang, a context place", orb.Point{112.61888, 26.88946}, ink, true},
		}},
		{"bbox after the garrison's end", "march", "112.4,26.6,112.9,27.1", 400, 400, 1, "1944-08-20", []probe{
			{"no garrison", garrison, china, false},
		}},
		{"centred on the garrison", "march", "112.65,26.95,9", 300, 200, 1, "1944-06-20", []probe{
			{"garrison", garrison, china, true},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			scale := ""
			if tc.scale == 2 {
				scale = "@2x"
			}
			path := fmt.Sprintf("/static/%s/%s/%dx%d%s.png", tc.layers, tc.view, tc.w, tc.h, scale)
			if tc.date != "" {
				path += "?date=" + tc.date
			}
			res := get(t, ts, path)
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "image/png" {
				t.Fatalf("%s: %d %s: %s", path, res.status, res.header.Get("Content-Type"), res.body)
			}
			img := decodePNG(t, res.body)
			W, H := tc.w*tc.scale, tc.h*tc.scale
			if img.Bounds().Dx() != W || img.Bounds().Dy() != H {
				t.Fatalf("size %v, want %dx%d", img.Bounds(), W, H)
			}
			f := testFrame(t, tc.layers, tc.view, tc.w, tc.h, tc.scale)
			failed := false
			for _, p := range tc.probes {
				px := f.Pixel(geo.World(p.at))
				if got := shadeNear(img, px, 3*tc.scale, p.is); got != p.want {
					t.Errorf("%s at %v (pixel %.0f,%.0f): %s present %v, want %v", p.name, p.at, px[0], px[1], p.is.name, got, p.want)
					failed = true
				}
			}
			// Paper in a corner away from the features, the caption's white
			// box at the top left and the attribution's at the bottom right.
			if !colourNear(img, orb.Point{float64(W) / 2, float64(H) - 3}, 0, tiles.Paper, 2) &&
				!colourNear(img, orb.Point{3, float64(H) / 2}, 0, tiles.Paper, 2) {
				t.Errorf("no paper background at the edges")
				failed = true
			}
			white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
			for _, at := range []orb.Point{{8 * float64(tc.scale), 8 * float64(tc.scale)}, {float64(W - 6*tc.scale), float64(H - 6*tc.scale)}} {
				if !colourNear(img, at, 2*tc.scale, white, 12) || !shadeNear(img, at, 14*tc.scale, darkInk) {
					t.Errorf("no text box near %v", at)
					failed = true
				}
			}
			if failed {
				saveFailure(t, tc.name+".png", res.body)
			}
		})
	}
}

// TestStaticCaption checks that the date is drawn: two dates differ in the
// caption's corner even where the map is the same.
func TestStaticCaption(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	corner := func(date string) *image.RGBA {
		res := get(t, ts, "/static/context/auto/300x200.png?date="+date)
		if res.status != http.StatusOK {
			t.Fatalf("%d: %s", res.status, res.body)
		}
		return crop(decodePNG(t, res.body), image.Rect(0, 0, 150, 30))
	}
	a, b := corner("1944-06-18"), corner("1944-06-19")
	if d, _ := testkit.Compare(a, b); d.Fraction < 0.005 {
		t.Errorf("captions of 18 and 19 June: %v differ", d)
	}
}

// TestStaticCaching checks the strong ETag, the 304 and the
// determinism of static images and animations.
func TestStaticCaching(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	_, other := newServer(t, "", Config{ImageCacheBytes: -1})
	for _, path := range []string{
		"/static/march/auto/200x150.png?date=1944-06-20",
		"/static/march,siege/112.4,26.6,112.9,27.1/100x100@2x.png",
		"/animate/march/auto/80x60.gif?from=1944-06-10&to=1944-06-20&step=P5D",
	} {
		first := get(t, ts, path)
		etag := first.header.Get("ETag")
		if first.status != http.StatusOK || !strings.HasPrefix(etag, `"`) || !strings.Contains(first.header.Get("Cache-Control"), "max-age=86400") {
			t.Fatalf("%s: %d, ETag %q, Cache-Control %q", path, first.status, etag, first.header.Get("Cache-Control"))
		}
		again := get(t, ts, path, "If-None-Match: "+etag)
		if again.status != http.StatusNotModified || len(again.body) != 0 || again.header.Get("ETag") != etag {
			t.Errorf("%s revalidated: %d with %d bytes, ETag %q", path, again.status, len(again.body), again.header.Get("ETag"))
		}
		// Another server, without an image cache: the same bytes and ETag.
		fresh := get(t, other, path, "If-None-Match: "+etag)
		if fresh.status != http.StatusNotModified {
			t.Errorf("%s on another server: %d, want 304", path, fresh.status)
		}
		if res := get(t, other, path); !bytes.Equal(res.body, first.body) || res.header.Get("ETag") != etag {
			t.Errorf("%s: another server draws other bytes (ETag %q, want %q)", path, res.header.Get("ETag"), etag)
		}
	}
	if hits := metric(t, ts, `xiang_cache_hits_total{cache="image"}`); hits < 3 {
		t.Errorf("%v image cache hits, want at least 3", hits)
	}
	if n := metric(t, ts, `xiang_image_render_duration_seconds_count{kind="static"}`); n != 2 {
		t.Errorf("%v static renders, want 2", n)
	}
}

// TestAnimate checks the frames of animated GIFs: one per step, each with
// the march advanced where it should be.
func TestAnimate(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := []struct {
		name, path string
		frames     int
	}{
		{"every 5 days", "/animate/march/auto/200x150.gif?from=1944-06-10&to=1944-06-30&step=P5D", 5},
		{"weekly over the layer's dates", "/animate/march/auto/100x80.gif?step=P7D", 14}, // 1 June to 31 August
		{"daily by default", "/animate/march/112.4,26.6,112.9,27.1/60x60.gif?from=1944-07-01&to=1944-07-10", 10},
		{"monthly from a date", "/animate/march,siege/auto/60x40.gif?from=1944-06-01&step=P1M", 3},
		{"undated layer with dates", "/animate/context/auto/60x40.gif?from=1944-06-01&to=1944-06-02", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := get(t, ts, tc.path)
			if res.status != http.StatusOK || res.header.Get("Content-Type") != "image/gif" {
				t.Fatalf("%d %s: %s", res.status, res.header.Get("Content-Type"), res.body)
			}
			g, err := gif.DecodeAll(bytes.NewReader(res.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Image) != tc.frames {
				t.Errorf("%d frames, want %d", len(g.Image), tc.frames)
			}
		})
	}

	// In the 5-day animation the march advances 0.5° a frame along 26.7°N
	// (10 June at 111.6°E, 20 June at 112.6°E, 30 June at 113.6°E): each
	// frame differs from the one before along the stretch just covered,
	// and not far ahead of it.
	res := get(t, ts, tests[0].path)
	g, err := gif.DecodeAll(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	f := testFrame(t, "march", "auto", 200, 150, 1)
	band := func(lon0, lon1 float64) image.Rectangle {
		a, b := f.Pixel(geo.World(orb.Point{lon0, 26.7})), f.Pixel(geo.World(orb.Point{lon1, 26.7}))
		return image.Rect(int(a[0]), int(a[1])-4, int(b[0]), int(b[1])+5)
	}
	changed := func(a, b *image.Paletted, r image.Rectangle) int {
		n := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if a.Palette[a.ColorIndexAt(x, y)] != b.Palette[b.ColorIndexAt(x, y)] {
					n++
				}
			}
		}
		return n
	}
	for i := 1; i < len(g.Image); i++ {
		head0, head1 := 111.6+0.5*float64(i-1), 111.6+0.5*float64(i)
		covered := band(head0+0.1, head1-0.05)
		if n := changed(g.Image[i-1], g.Image[i], covered); n < 10 {
			t.Errorf("frame %d: %d pixels changed along the march from %.2f°E to %.2f°E, want at least 10", i, n, head0, head1)
		}
		if i < len(g.Image)-1 {
			ahead := band(head1+0.25, 113.6)
			if n := changed(g.Image[i-1], g.Image[i], ahead); n != 0 {
				t.Errorf("frame %d: %d pixels changed ahead of the march", i, n)
			}
		}
	}
	if t.Failed() {
		saveFailure(t, "march.gif", res.body)
	}
}

// TestStaticSizeLimit checks the largest static image and the first too
// large.
func TestStaticSizeLimit(t *testing.T) {
	_, ts := newServer(t, "", Config{})
	tests := []struct {
		path   string
		status int
		w, h   int
	}{
		{"/static/march/auto/2048x16.png", 200, 2048, 16},
		{"/static/march/auto/16x1024@2x.png", 200, 32, 2048},
		{"/static/march/auto/2049x16.png", 400, 0, 0},
		{"/static/march/auto/16x2049.png", 400, 0, 0},
		{"/static/march/auto/1025x16@2x.png", 400, 0, 0},
	}
	for _, tc := range tests {
		res := get(t, ts, tc.path)
		if res.status != tc.status {
			t.Errorf("%s: %d, want %d: %s", tc.path, res.status, tc.status, res.body)
			continue
		}
		if tc.status != 200 {
			if msg := errorMessage(t, res); !strings.Contains(msg, "size") || !strings.Contains(msg, "2048") {
				t.Errorf("%s: error %q does not name the size and the limit", tc.path, msg)
			}
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(res.body))
		if err != nil || cfg.Width != tc.w || cfg.Height != tc.h {
			t.Errorf("%s: %dx%d (%v), want %dx%d", tc.path, cfg.Width, cfg.Height, err, tc.w, tc.h)
		}
	}
}

// FuzzParseImageRequest checks that the parsers of the image routes never
// panic and that what they accept is within bounds.
func FuzzParseImageRequest(f *testing.F) {
	for _, s := range []string{
		"march|auto|200x150.png|date=1944-06-20",
		"march,context|112.4,26.6,112.9,27.1|100x100@2x.png|",
		"march|112.65,26.95,9|300x200.png|date=1944-02-30",
		"march|auto|80x60.gif|from=1944-06-10&to=1944-06-20&step=P5D",
		"all|auto|2049x10.gif|step=P1M",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parts := strings.SplitN(s, "|", 4)
		if len(parts) != 4 {
			return
		}
		vars := map[string]string{"layers": parts[0], "view": parts[1], "file": parts[2]}
		check := func(req imageRequest, err error) {
			if err != nil {
				var re *api.Error
				if !errors.As(err, &re) || re.Part == "" {
					t.Fatalf("%q: error %v is not a request error naming a part", s, err)
				}
				return
			}
			if req.scale != 1 && req.scale != 2 || req.width < 1 || req.height < 1 ||
				req.width*req.scale > tiles.MaxImageSide || req.height*req.scale > tiles.MaxImageSide {
				t.Fatalf("%q: accepted %+v", s, req)
			}
		}
		check(parseStaticRequest(vars, parts[3]))
		req, err := parseAnimateRequest(vars, parts[3])
		check(req, err)
		if err == nil && (req.scale != 1 || req.step.Days < 0 || req.from != geo.NoDay && req.to != geo.NoDay && req.to < req.from) {
			t.Fatalf("%q: accepted animation %+v", s, req)
		}
	})
}
