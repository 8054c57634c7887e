package server

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/testkit"
)

// block is a rectangle of tiles at one zoom: columns x0..x0+w-1, rows
// y0..y0+h-1.
type block struct {
	z, x0, y0, w, h int
}

// frame is the block as one frame of the renderer.
func (b block) frame() geo.Frame {
	return geo.Frame{Zoom: float64(b.z), Scale: 1,
		X: float64(b.x0 * geo.TileSize), Y: float64(b.y0 * geo.TileSize),
		Width: b.w * geo.TileSize, Height: b.h * geo.TileSize}
}

// hengyang is a 4×3 block at z9 around Hengyang that the test campaign's
// march, river, railway, towns and siege ring cross.
var hengyang = block{z: 9, x0: 415, y0: 215, w: 4, h: 3}

// renderBlock renders the block directly with the server's renderer, as
// one frame, through the same PNG encoding the tiles get.
func renderBlock(t *testing.T, s *Server, layers string, day geo.Day, b block) *image.RGBA {
	t.Helper()
	d := s.data.Load()
	sel, err := d.campaign.Select(layers)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.renderer.Plan(context.Background(), sel, day, b.frame())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := d.renderer.Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	return toRGBA(decodePNG(t, buf.Bytes()))
}

// toRGBA converts an image to premultiplied RGBA, where transparent pixels
// compare equal whatever colour they carry.
func toRGBA(img image.Image) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// compareImages fails the test when got and want differ by more than 2/255
// on more than 0.1 % of pixels, or when want shows almost nothing; then (or
// with -keep) it writes both and a diff image to testdata/out.
func compareImages(t *testing.T, name string, got, want *image.RGBA) {
	t.Helper()
	if got.Rect.Size() != want.Rect.Size() {
		t.Fatalf("%s: size %v, want %v", name, got.Rect.Size(), want.Rect.Size())
	}
	d, vis := testkit.Compare(got, want)
	if d.Fraction > 0.001 {
		t.Errorf("%s: %v", name, d)
	} else {
		t.Logf("%s: %v", name, d)
	}
	painted := 0
	for i := 3; i < len(want.Pix); i += 4 {
		if want.Pix[i] > 0 {
			painted++
		}
	}
	if frac := float64(painted) / float64(len(want.Pix)/4); frac < 0.005 {
		t.Errorf("%s: only %.3f%% of pixels painted; the comparison proves nothing", name, 100*frac)
	}
	if !*testkit.Keep && !t.Failed() {
		return
	}
	dir := filepath.Join("testdata", "out")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Log(err)
		return
	}
	for suffix, img := range map[string]image.Image{"got": got, "want": want, "diff": vis} {
		path := filepath.Join(dir, name+"-"+suffix+".png")
		var buf bytes.Buffer
		png.Encode(&buf, img)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err == nil {
			t.Logf("wrote %s", path)
		}
	}
}

// TestStitchedTiles is what a GDAL-style client does: fetch every tile of
// a block at one zoom over HTTP and stitch them. The mosaic must match one
// render of the same extent made by the renderer directly.
func TestStitchedTiles(t *testing.T) {
	s, ts := newServer(t, "", Config{})
	for _, date := range []string{"1944-06-25", "1944-07-16", ""} {
		name := "stitch-" + date
		path := "/tiles/all/" + date + "/"
		day := geo.NoDay
		if date == "" {
			name, path = "stitch-summary", "/tiles/all/"
		} else {
			day, _ = geo.ParseDay(date)
		}
		t.Run(name, func(t *testing.T) {
			b := hengyang
			mosaic := image.NewRGBA(image.Rect(0, 0, b.w*geo.TileSize, b.h*geo.TileSize))
			for row := range b.h {
				for col := range b.w {
					tile := maptile.New(uint32(b.x0+col), uint32(b.y0+row), maptile.Zoom(b.z))
					res := get(t, ts, fmt.Sprintf("%s%d/%d/%d.png", path, tile.Z, tile.X, tile.Y))
					if res.status != http.StatusOK {
						t.Fatalf("tile %v: %d %s", tile, res.status, res.body)
					}
					img := decodePNG(t, res.body)
					at := image.Pt(col*geo.TileSize, row*geo.TileSize)
					draw.Draw(mosaic, image.Rectangle{at, at.Add(img.Bounds().Size())}, img, img.Bounds().Min, draw.Src)
				}
			}
			compareImages(t, name, mosaic, renderBlock(t, s, "all", day, b))
		})
	}
}

// TestGDALTranslate runs the real gdal_translate against the server with
// the TMS description from docs (testing.md): it mosaics a box of tiles
// itself, and its output must match a direct render of that box; so must
// it with -canonical-redirects, following each tile's redirect.
func TestGDALTranslate(t *testing.T) {
	gdal := testkit.Tool(t, "gdal_translate", "gdal-bin")
	t.Run("direct", func(t *testing.T) { gdalTranslate(t, gdal, false) })
	t.Run("redirected", func(t *testing.T) { gdalTranslate(t, gdal, true) })
}

func gdalTranslate(t *testing.T, gdal string, redirects bool) {
	const maxZoom = 12
	s, ts := newServer(t, "", Config{MaxZoom: maxZoom, CanonicalRedirects: redirects})
	const date = "1944-06-25"
	dir := t.TempDir()
	const world = 20037508.342789244 // half the side of the Web Mercator square, in metres
	xml := fmt.Sprintf(`<GDAL_WMS>
  <Service name="TMS"><ServerUrl>%s/tiles/all/%s/${z}/${x}/${y}.png</ServerUrl></Service>
  <DataWindow>
    <UpperLeftX>%[3]f</UpperLeftX><UpperLeftY>%[4]f</UpperLeftY>
    <LowerRightX>%[4]f</LowerRightX><LowerRightY>%[3]f</LowerRightY>
    <TileLevel>%[5]d</TileLevel><TileCountX>1</TileCountX><TileCountY>1</TileCountY>
    <YOrigin>top</YOrigin>
  </DataWindow>
  <Projection>EPSG:3857</Projection>
  <BlockSizeX>256</BlockSizeX><BlockSizeY>256</BlockSizeY>
  <BandsCount>4</BandsCount>
</GDAL_WMS>
`, ts.URL, date, -world, world, maxZoom)
	xmlPath := filepath.Join(dir, "tms.xml")
	writeFile(t, xmlPath, xml)

	// The box is the Hengyang block exactly, in EPSG:3857 metres, read at
	// the block's own resolution, so GDAL reads zoom 9 tiles unresampled.
	b := hengyang
	tileMetres := 2 * world / float64(int(1)<<b.z)
	ulx, uly := -world+float64(b.x0)*tileMetres, world-float64(b.y0)*tileMetres
	lrx, lry := ulx+float64(b.w)*tileMetres, uly-float64(b.h)*tileMetres
	out := filepath.Join(dir, "out.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, gdal, "-q", "-of", "PNG",
		"-projwin", fmt.Sprint(ulx), fmt.Sprint(uly), fmt.Sprint(lrx), fmt.Sprint(lry),
		"-outsize", fmt.Sprint(b.w*geo.TileSize), fmt.Sprint(b.h*geo.TileSize),
		xmlPath, out)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=60", "no_proxy=127.0.0.1", "NO_PROXY=127.0.0.1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", cmd.Args, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got := toRGBA(decodePNG(t, raw))
	day, _ := geo.ParseDay(date)
	want := renderBlock(t, s, "all", day, b)
	compareImages(t, "gdal-translate", got, want)

	// Pixel probes: Hengyang's marker is drawn, open country is clear.
	probe := func(lon, lat float64) color.RGBA {
		f := b.frame()
		w := geo.World([2]float64{lon, lat})
		px := int(w[0]*f.PixelsPerWorld() - f.X)
		py := int(w[1]*f.PixelsPerWorld() - f.Y)
		return got.RGBAAt(px, py)
	}
	if c := probe(112.61888, 26.88946); c.A < 200 {
		t.Errorf("Hengyang marker not drawn by gdal_translate's mosaic: %v", c)
	}
	if c := probe(114.4, 27.5); c.A != 0 {
		t.Errorf("open country painted: %v", c)
	}
	served := `xiang_http_requests_total{code="200",route="tile"}`
	if redirects {
		served = `xiang_http_requests_total{code="200",route="tile_content"}`
		if n := metric(t, ts, `xiang_http_requests_total{code="302",route="tile"}`); n < float64(b.w*b.h) {
			t.Errorf("%v redirects, want at least %d", n, b.w*b.h)
		}
	}
	if n := metric(t, ts, served); n < float64(b.w*b.h) {
		t.Errorf("gdal_translate fetched %v tiles, want at least %d", n, b.w*b.h)
	}
}
