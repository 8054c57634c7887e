package tiles

import (
	"bytes"
	"context"
	"image"
	"image/draw"
	"image/png"
	"io"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fastpng"
)

// TestEncodeTilePNGLossless: the fast encoder's output decodes to exactly the
// pixels image/png's own encoding of the same render decodes to.
func TestEncodeTilePNGLossless(t *testing.T) {
	r, sel := synthetic(t, 1)
	r2, sel2 := testRenderer(t)
	cases := []*Plan{
		mustPlanR(t, r, sel, geo.NoDay, geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 8), 1)),
		mustPlanR(t, r, sel, geo.NoDay, geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 11), 2)),
		mustPlanR(t, r2, sel2, geo.Date(1944, 7, 1), geo.CenterFrame(orb.Point{112.6, 26.9}, 9, 1, 301, 97)),
	}
	for i, p := range cases {
		img := p.Draw(r.fonts)
		var fast, std bytes.Buffer
		empty, err := fastpng.Encode(&fast, img)
		if err != nil || empty {
			t.Fatalf("case %d: empty %v, err %v", i, empty, err)
		}
		if err := png.Encode(&std, img); err != nil {
			t.Fatal(err)
		}
		fastLen, stdLen := fast.Len(), std.Len()
		a, err := png.Decode(&fast)
		if err != nil {
			t.Fatalf("case %d: fast PNG does not decode: %v", i, err)
		}
		b, _ := png.Decode(&std)
		na, nb := image.NewNRGBA(a.Bounds()), image.NewNRGBA(b.Bounds())
		draw.Draw(na, na.Bounds(), a, image.Point{}, draw.Src)
		draw.Draw(nb, nb.Bounds(), b, image.Point{}, draw.Src)
		if !bytes.Equal(na.Pix, nb.Pix) || a.Bounds() != img.Bounds() {
			t.Errorf("case %d: fast encoding differs from image/png's", i)
		}
		t.Logf("case %d: %dx%d, fast %d bytes, image/png %d bytes", i, img.Bounds().Dx(), img.Bounds().Dy(), fastLen, stdLen)
	}
	var buf bytes.Buffer
	if empty, err := fastpng.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 256, 256))); !empty || err != nil || buf.Len() != 0 {
		t.Errorf("transparent image: empty %v, err %v, %d bytes written", empty, err, buf.Len())
	}
}

func mustPlanR(t testing.TB, r *Renderer, sel overlays.Selection, d geo.Day, f geo.Frame) *Plan {
	t.Helper()
	p, err := r.Plan(context.Background(), sel, d, f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func benchEncode(b *testing.B, enc func(io.Writer, *image.RGBA) error) {
	r, sel := synthetic(b, 10)
	p, _ := r.Plan(context.Background(), sel, geo.NoDay, geo.TileFrame(maptile.At(orb.Point{111.7, 27.5}, 10), 1))
	img := p.Draw(r.fonts)
	b.SetBytes(int64(len(img.Pix)))
	b.ReportAllocs()
	for b.Loop() {
		if err := enc(io.Discard, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeTilePNG(b *testing.B) {
	benchEncode(b, func(w io.Writer, img *image.RGBA) error { _, err := fastpng.Encode(w, img); return err })
}

// BenchmarkEncodeStdPNG is the baseline: image/png at BestSpeed with pooled buffers.
func BenchmarkEncodeStdPNG(b *testing.B) {
	benchEncode(b, func(w io.Writer, img *image.RGBA) error { return EncodePNG(w, img) })
}
