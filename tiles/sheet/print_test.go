package sheet

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	orbgeo "github.com/paulmach/orb/geo"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/tiles"
)

// writeFile renders the sheet in format f to a temporary file.
func writeFile(t *testing.T, s *Sheet, f Format) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if f == PDF {
		err = s.WritePDF(context.Background(), &buf)
	} else {
		err = s.WritePNG(context.Background(), &buf)
	}
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "sheet."+string(f))
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return name, buf.Bytes()
}

func decodePNG(t *testing.T, b []byte) *image.RGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, image.Point{}, draw.Src)
	return out
}

var (
	pageSizeRE = regexp.MustCompile(`Page size:\s+([0-9.]+) x ([0-9.]+) pts`)
	pagesRE    = regexp.MustCompile(`(?m)^Pages:\s+1$`)
)

// TestPDF reads printed sheets back with poppler: the page size in points,
// and in a 100 dpi rendering the legend, the scale bar, the map and the
// locator where the layout puts them. The scale bar is measured on the
// rendering and compared with the geodesic distance it spans at the map's
// centre.
func TestPDF(t *testing.T) {
	pdfinfo, pdftoppm := testkit.Tool(t, "pdfinfo", "poppler-utils"), testkit.Tool(t, "pdftoppm", "poppler-utils")
	r, sel := testRenderer(t)
	tests := map[string]Request{
		"A4 landscape":    {Day: siegeDay, Paper: A4, DPI: 100},
		"Letter portrait": {Day: siegeDay, Paper: Letter, Orientation: Portrait, DPI: 72},
		"A3 landscape box": {Day: siegeDay, Paper: A3, DPI: 100,
			BBox: orb.Bound{Min: orb.Point{112.3, 26.6}, Max: orb.Point{113.0, 27.3}}},
	}
	for name, req := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := New(r, sel, req)
			if err != nil {
				t.Fatal(err)
			}
			file, _ := writeFile(t, s, PDF)
			info, err := exec.Command(pdfinfo, file).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v\n%s", err, info)
			}
			m := pageSizeRE.FindSubmatch(info)
			pw, ph, _ := PageSize(s.Request.Paper, s.Request.Orientation)
			if m == nil {
				t.Fatalf("pdfinfo printed no page size:\n%s", info)
			}
			w, _ := strconv.ParseFloat(string(m[1]), 64)
			h, _ := strconv.ParseFloat(string(m[2]), 64)
			if math.Abs(w-pw) > 0.01 || math.Abs(h-ph) > 0.01 || !pagesRE.Match(info) {
				t.Errorf("pdfinfo: page %g x %g pts, want %g x %g, one page:\n%s", w, h, pw, ph, info)
			}
			out := filepath.Join(t.TempDir(), "page")
			if b, err := exec.Command(pdftoppm, "-r", "100", "-png", "-singlefile", file, out).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, b)
			}
			b, err := os.ReadFile(out + ".png")
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b)
			checkSheet(t, s, img, 100)
			testkit.Save(t, "pdf-"+name+".png", img)

			// poppler snaps the edges of rectangles to whole pixels, half a
			// pixel each: the bar is measured on the scale block alone at
			// 400 dpi, where that is well under 1 %.
			const dpi = 400
			sb := s.Layout.Scale
			crop := []string{"-r", strconv.Itoa(dpi), "-png", "-singlefile",
				"-x", strconv.Itoa(int(sb.X * dpi / 72)), "-y", strconv.Itoa(int(sb.Y * dpi / 72)),
				"-W", strconv.Itoa(int(sb.W*dpi/72) + 1), "-H", strconv.Itoa(int(sb.H*dpi/72) + 1), file, out + "-scale"}
			if b, err := exec.Command(pdftoppm, crop...).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, b)
			}
			if b, err = os.ReadFile(out + "-scale.png"); err != nil {
				t.Fatal(err)
			}
			scale := decodePNG(t, b)
			checkScaleBar(t, s, scale, dpi, orb.Point{float64(int(sb.X*dpi/72)) * 72 / dpi, float64(int(sb.Y*dpi/72)) * 72 / dpi})
			testkit.Save(t, "pdf-"+name+"-scale.png", scale)
		})
	}
}

// TestPNG checks the raster sheet like the PDF, at its own resolution, and
// that it matches the PDF's map.
func TestPNG(t *testing.T) {
	r, sel := testRenderer(t)
	s, err := New(r, sel, Request{Day: siegeDay, Paper: A4, DPI: 100, Format: PNG})
	if err != nil {
		t.Fatal(err)
	}
	_, b := writeFile(t, s, PNG)
	img := decodePNG(t, b)
	if w, h := s.Request.Pixels(); img.Bounds() != image.Rect(0, 0, w, h) {
		t.Fatalf("PNG is %v, want %dx%d", img.Bounds(), w, h)
	}
	checkSheet(t, s, img, 100)
	checkScaleBar(t, s, img, 100, orb.Point{})
	testkit.Save(t, "png-A4.png", img)
}

// TestStripsJoin draws a sheet in strips and bands of 16 rows and compares
// it with the sheet drawn in one piece: labels are placed once for the
// whole map, so the strips join without visible seams.
func TestStripsJoin(t *testing.T) {
	r, sel := testRenderer(t)
	req := Request{Day: siegeDay, Paper: A4, DPI: 100, Format: PNG}
	one, err := New(r, sel, req)
	if err != nil {
		t.Fatal(err)
	}
	one.stripPixels = 1 << 30
	many, _ := New(r, sel, req)
	many.stripPixels = 1
	_, a := writeFile(t, one, PNG)
	_, b := writeFile(t, many, PNG)
	ia, ib := decodePNG(t, a), decodePNG(t, b)
	maxDelta, differ := 0, 0
	for i := 0; i < len(ia.Pix); i += 4 {
		d := 0
		for c := range 3 {
			d = max(d, absInt(int(ia.Pix[i+c])-int(ib.Pix[i+c])))
		}
		maxDelta = max(maxDelta, d)
		if d > 0 {
			differ++
		}
	}
	// No seam: tiles clips each frame's lines to the frame, which moves
	// their anti-aliasing by a few levels here and there, never more.
	if frac := float64(differ) / float64(len(ia.Pix)/4); maxDelta > 12 || frac > 0.005 {
		t.Errorf("16-row strips differ from one piece: max %d/255, %.4f %% of pixels", maxDelta, 100*frac)
		testkit.Save(t, "strips-one.png", ia)
		testkit.Save(t, "strips-many.png", ib)
	}
}

func TestDeterministic(t *testing.T) {
	r, sel := testRenderer(t)
	for _, f := range []Format{PDF, PNG} {
		s1, _ := New(r, sel, Request{Day: siegeDay, DPI: 72, Format: f})
		s2, _ := New(r, sel, Request{Day: siegeDay, DPI: 72, Format: f})
		_, a := writeFile(t, s1, f)
		_, b := writeFile(t, s2, f)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two writes of one request differ (%d and %d bytes)", f, len(a), len(b))
		}
	}
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// checkSheet probes a rendering of s at dpi for what the layout promises.
func checkSheet(t *testing.T, s *Sheet, img *image.RGBA, dpi float64) {
	t.Helper()
	k := dpi / 72
	px := func(x, y float64) color.RGBA { return img.RGBAAt(int(x*k), int(y*k)) }
	count := func(r Rect, pred func(c color.RGBA) bool) (n, total int) {
		for y := int(math.Ceil(r.Y * k)); y < int(r.Bottom()*k); y++ {
			for x := int(math.Ceil(r.X * k)); x < int(r.Right()*k); x++ {
				total++
				if pred(img.RGBAAt(x, y)) {
					n++
				}
			}
		}
		return n, total
	}
	red := func(c color.RGBA) bool { return c.R > 150 && c.G < 90 && c.B < 100 }
	blue := func(c color.RGBA) bool { return c.B > 120 && c.R < 90 }
	dark := func(c color.RGBA) bool { return int(c.R)+int(c.G)+int(c.B) < 200 }
	near := func(want color.NRGBA) func(c color.RGBA) bool {
		return func(c color.RGBA) bool {
			return absInt(int(c.R)-int(want.R)) < 6 && absInt(int(c.G)-int(want.G)) < 6 && absInt(int(c.B)-int(want.B)) < 6
		}
	}
	l := s.Layout

	if c := px(5, 5); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("page margin is %v, want white paper", c)
	}
	if n, _ := count(l.Header, dark); n < 200 {
		t.Errorf("header: %d dark pixels, want a title", n)
	}
	// The map: mostly the map's paper, with the siege ring and the advance
	// in Japanese red and the Chinese units in blue.
	if n, total := count(l.Map, near(tiles.Paper)); n < total/3 {
		t.Errorf("map: %d of %d pixels have the map's paper colour", n, total)
	}
	if n, _ := count(l.Map, red); n < 50 {
		t.Errorf("map: %d red pixels, want the siege and the advance", n)
	}
	if n, _ := count(l.Map, blue); n < 20 {
		t.Errorf("map: %d blue pixels, want Chinese units", n)
	}
	// Inside the siege ring, away from symbols: its light red fill.
	in := s.toPage(orb.Point{112.53, 26.97})
	if c := px(in[0], in[1]); !l.Map.Contains(in[0], in[1]) || !(int(c.R)-int(c.G) > 15) {
		t.Errorf("siege ring at %v: pixel %v, want its red fill", in, c)
	}
	// Outside the map: no map paper colour in the sidebar blocks.
	if n, _ := count(l.Legend, red); n < 10 {
		t.Errorf("legend: %d red pixels, want the Japanese swatches", n)
	}
	if n, _ := count(l.Legend, dark); n < 300 {
		t.Errorf("legend: %d dark pixels, want its text", n)
	}
	if n, _ := count(l.Locator, red); n < 4 {
		t.Errorf("locator: %d red pixels, want the map's extent", n)
	}
	if n, _ := count(l.Locator, near(land)); n < 200 {
		t.Errorf("locator: %d pixels of land, want China", n)
	}
	if n, _ := count(l.North, dark); n < 20 {
		t.Errorf("north arrow: %d dark pixels", n)
	}
	if n, _ := count(l.Sources, func(c color.RGBA) bool { return int(c.R)+int(c.G)+int(c.B) < 450 }); n < 100 {
		t.Errorf("sources: %d dark pixels, want the list", n)
	}
}

// checkScaleBar measures the bar on a rendering at dpi whose pixel (0,0)
// is at page point origin — along its middle row, from its left end to its
// right end, to a fraction of a pixel from the anti-aliasing of the end
// pixels — and compares it with the bar's length, and the geodesic
// distance that length spans through the map's centre with the distance
// the bar is labelled with: both within 1 %.
func checkScaleBar(t *testing.T, s *Sheet, img *image.RGBA, dpi float64, origin orb.Point) {
	t.Helper()
	k := dpi / 72
	bar := s.Layout.ScaleBar
	y := int((bar.Y + bar.H/2 - origin[1]) * k)
	// cover is how much of a pixel the bar's ink covers, 0 to 1.
	cover := func(x int) float64 {
		c := img.RGBAAt(x, y)
		luma := (float64(c.R) + float64(c.G) + float64(c.B)) / 3
		return math.Min(1, math.Max(0, (255-luma)/(255-float64(ink.R))))
	}
	first, last := -1, -1
	for x := int((bar.X - origin[0] - 6) * k); x <= int((bar.Right()-origin[0]+6)*k); x++ {
		if cover(x) > 0.02 {
			if first < 0 {
				first = x
			}
			last = x
		}
	}
	if first < 0 {
		t.Fatalf("no scale bar on row %d", y)
	}
	left, right := float64(first)+1-cover(first), float64(last)+cover(last)
	measured := (right - left) / k
	t.Logf("scale bar at %g dpi: %.3f pt measured, %.3f pt drawn for %s", dpi, measured, bar.W, s.Scale.Label(s.Scale.Metres, true))
	if math.Abs(measured-bar.W)/bar.W > 0.01 {
		t.Errorf("scale bar measures %.2f pt (pixels %.2f–%.2f on row %d at %g dpi), want %.2f", measured, left, right, y, dpi, bar.W)
	}
	m := s.Layout.Map
	cx, cy := m.X+m.W/2, m.Y+m.H/2
	a, b := s.fromPage(cx-measured/2, cy), s.fromPage(cx+measured/2, cy)
	d := orbgeo.Distance(a, b)
	t.Logf("the measured bar spans %.1f m through the map's centre at %s", d, formatLat(s.Scale.Lat))
	if math.Abs(d-s.Scale.Metres)/s.Scale.Metres > 0.01 {
		t.Errorf("scale bar labelled %s spans %.0f m at the map's centre (%v to %v)", s.Scale.Label(s.Scale.Metres, true), d, a, b)
	}
}
