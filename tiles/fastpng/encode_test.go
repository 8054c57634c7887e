package fastpng_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/xiang-maps/xiang/tiles/fastpng"
)

// premultiplied returns a w×h image whose pixels are valid premultiplied
// colours drawn from rnd: runs of one colour, as tiles have, broken by
// random antialiased pixels.
func premultiplied(rnd *rand.Rand, w, h int, noise float64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	var c color.RGBA
	for i := 0; i < len(img.Pix); i += 4 {
		if i%64 == 0 || rnd.Float64() < noise {
			a := uint8(rnd.IntN(256))
			if rnd.IntN(3) == 0 {
				a = []uint8{0, 0xff}[rnd.IntN(2)]
			}
			c = color.RGBA{uint8(rnd.IntN(int(a) + 1)), uint8(rnd.IntN(int(a) + 1)), uint8(rnd.IntN(int(a) + 1)), a}
		}
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

// nrgba decodes a PNG to non-premultiplied pixels.
func nrgba(t testing.TB, b []byte) *image.NRGBA {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	out := image.NewNRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Src)
	return out
}

// roundTrip checks that Encode's output decodes to exactly what
// image/png's encoding of the same image decodes to.
func roundTrip(t testing.TB, img *image.RGBA) {
	t.Helper()
	roundTripWith(t, img, fastpng.Default)
}

// roundTripWith is roundTrip with other encoder options.
func roundTripWith(t testing.TB, img *image.RGBA, o fastpng.Options) {
	t.Helper()
	var fast, std bytes.Buffer
	empty, err := fastpng.EncodeWith(&fast, img, o)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if empty != fastpng.Transparent(img) {
		t.Fatalf("Encode says empty %v, Transparent says %v", empty, !empty)
	}
	if empty {
		if fast.Len() != 0 {
			t.Fatalf("empty image: %d bytes written, want 0", fast.Len())
		}
		return
	}
	if err := png.Encode(&std, img); err != nil {
		t.Fatal(err)
	}
	a, b := nrgba(t, fast.Bytes()), nrgba(t, std.Bytes())
	if a.Rect != b.Rect || !bytes.Equal(a.Pix, b.Pix) {
		t.Fatalf("%v image: fast encoding decodes to other pixels than image/png's", img.Rect)
	}
}

func TestRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	tests := map[string]*image.RGBA{
		"tile, sparse ink": premultiplied(rnd, 256, 256, 0.01),
		"tile, noisy":      premultiplied(rnd, 256, 256, 0.5),
		"@2x":              premultiplied(rnd, 512, 512, 0.05),
		"odd size":         premultiplied(rnd, 301, 97, 0.2),
		"one pixel":        premultiplied(rnd, 1, 1, 1),
		"transparent":      image.NewRGBA(image.Rect(0, 0, 256, 256)),
		"sub-image":        premultiplied(rnd, 64, 64, 0.3).SubImage(image.Rect(7, 9, 40, 33)).(*image.RGBA),
		"256 colours":      fewColours(256),
		"257 colours":      fewColours(257),
	}
	for name, img := range tests {
		t.Run(name, func(t *testing.T) { roundTrip(t, img) })
	}
}

// TestOptions: every filter at every level round-trips exactly, on RGBA
// and palette images; bad options are errors.
func TestOptions(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 6))
	imgs := map[string]*image.RGBA{
		"rgba":    premultiplied(rnd, 301, 97, 0.2),
		"palette": fewColours(200),
	}
	for _, f := range []fastpng.Filter{fastpng.FilterNone, fastpng.FilterSub, fastpng.FilterUp, fastpng.FilterPaeth} {
		for level := 1; level <= 9; level++ {
			for name, img := range imgs {
				t.Run(fmt.Sprintf("filter=%d/level=%d/%s", f, level, name), func(t *testing.T) {
					roundTripWith(t, img, fastpng.Options{Filter: f, Level: level})
				})
			}
		}
	}
	for _, o := range []fastpng.Options{{Level: 0}, {Level: 10}, {Filter: 3, Level: 1}, {Filter: 5, Level: 1}} {
		if _, err := fastpng.EncodeWith(io.Discard, imgs["rgba"], o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// fewColours returns a 256×256 image of exactly n distinct colours: opaque
// ones, and for n ≤ 3 translucent ones too.
func fewColours(n int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < len(img.Pix); i += 4 {
		k := (i / 4) % n
		if n <= 3 {
			a := uint8(255 - k*100) // 255, 155, 55: premultiplied blue at three opacities
			img.Pix[i+2], img.Pix[i+3] = a, a
			continue
		}
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(k%256), uint8(k/256), 7, 255
	}
	return img
}

// TestPalette: an image of at most 256 colours is written with a palette
// (colour type 3), one of more as RGBA (6), both exact.
func TestPalette(t *testing.T) {
	for _, tc := range []struct {
		n        int
		wantType byte
	}{{1, 3}, {3, 3}, {256, 3}, {257, 6}} {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			img := fewColours(tc.n)
			roundTrip(t, img)
			var buf bytes.Buffer
			if _, err := fastpng.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if got := buf.Bytes()[8+8+9]; got != tc.wantType {
				t.Errorf("%d colours: colour type %d, want %d", tc.n, got, tc.wantType)
			}
		})
	}
}

func TestEmpty(t *testing.T) {
	for _, size := range [][2]int{{256, 256}, {512, 512}, {900, 640}} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			b := fastpng.Empty(size[0], size[1])
			if !bytes.Equal(b, fastpng.Empty(size[0], size[1])) {
				t.Fatal("two calls, two bodies")
			}
			img := nrgba(t, b)
			if img.Rect.Dx() != size[0] || img.Rect.Dy() != size[1] {
				t.Fatalf("size %v, want %v", img.Rect.Size(), size)
			}
			for i := 3; i < len(img.Pix); i += 4 {
				if img.Pix[i] != 0 {
					t.Fatalf("pixel %d has alpha %d", i/4, img.Pix[i])
				}
			}
			// One bit a pixel: about what optipng -o2 reaches (116 bytes at 256×256).
			if max := 100 + size[0]*size[1]/2048; len(b) > max {
				t.Errorf("%d bytes, want at most %d", len(b), max)
			}
		})
	}
}

// FuzzEncode: any premultiplied image round-trips exactly.
func FuzzEncode(f *testing.F) {
	f.Add(uint8(3), uint8(2), []byte{0, 0, 0, 0, 10, 20, 30, 40, 255, 255, 255, 255})
	f.Add(uint8(1), uint8(1), []byte{1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, w, h uint8, pix []byte) {
		width, height := int(w%64)+1, int(h%64)+1
		img := image.NewRGBA(image.Rect(0, 0, width, height))
		for i := 0; i+3 < len(img.Pix) && len(pix) > 0; i += 4 {
			j := i % len(pix)
			a := pix[j]
			img.Pix[i+3] = a
			for k := range 3 { // premultiplied: no channel above alpha
				img.Pix[i+k] = uint8(int(pix[(j+k+1)%len(pix)]) % (int(a) + 1))
			}
		}
		roundTrip(t, img)
	})
}

func benchEncode(b *testing.B, enc func(io.Writer, *image.RGBA) error) {
	img := premultiplied(rand.New(rand.NewPCG(3, 4)), 256, 256, 0.02)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := enc(&buf, img); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// BenchmarkEncode and BenchmarkImagePNG compare the tile encoder with
// image/png (BestSpeed) on the same tile-like image.
func BenchmarkEncode(b *testing.B) {
	benchEncode(b, func(w io.Writer, img *image.RGBA) error { _, err := fastpng.Encode(w, img); return err })
}

func BenchmarkImagePNG(b *testing.B) {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	benchEncode(b, func(w io.Writer, img *image.RGBA) error { return enc.Encode(w, img) })
}

func ExampleEncode() {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	var buf bytes.Buffer
	empty, _ := fastpng.Encode(&buf, img)
	if empty {
		buf.Write(fastpng.Empty(256, 256)) // the one transparent tile
	}
	fmt.Println(empty, bytes.HasPrefix(buf.Bytes(), []byte("\x89PNG")))
	// Output: true true
}
