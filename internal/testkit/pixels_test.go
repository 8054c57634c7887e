package testkit

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// strip is a 4×1 image: red, a red off by 40, blue, white.
func strip() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 4, 1))
	for x, c := range []color.RGBA{{200, 16, 46, 255}, {240, 16, 46, 255}, {31, 78, 156, 255}, {255, 255, 255, 255}} {
		img.SetRGBA(x, 0, c)
	}
	return img
}

func TestNear(t *testing.T) {
	img := strip()
	for _, tc := range []struct {
		name string
		c    color.Color
		tol  int
		want int
	}{
		{"red within 39", color.RGBA{200, 16, 46, 255}, 39, 1},
		{"red within 40", color.RGBA{200, 16, 46, 255}, 40, 2},
		{"blue exactly", color.NRGBA{31, 78, 156, 255}, 0, 1},
		{"black", color.Black, 40, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Near(img, tc.c, tc.tol); got != tc.want {
				t.Errorf("Near = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestCountAndChanged(t *testing.T) {
	img := strip()
	reddish := func(c color.NRGBA) bool { return int(c.R) > int(c.G)+60 && int(c.R) > int(c.B)+40 }
	if got := Count(img, reddish); got != 2 {
		t.Errorf("Count(reddish) = %d, want 2", got)
	}
	other := RGBA(img)
	other.SetRGBA(3, 0, color.RGBA{250, 255, 255, 255}) // off by 5
	other.SetRGBA(0, 0, color.RGBA{200, 16, 100, 255})  // off by 54
	for _, tc := range []struct {
		tol, want int
	}{{4, 2}, {5, 1}, {54, 0}} {
		if got := Changed(img, other, tc.tol); got != tc.want {
			t.Errorf("Changed(tol %d) = %d, want %d", tc.tol, got, tc.want)
		}
	}
}

func TestDataURL(t *testing.T) {
	img := strip()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	got := DataURL(t, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(buf.Bytes()))
	if d, _ := Compare(got, img); d.MaxDelta != 0 {
		t.Errorf("decoded data URL differs: %v", d)
	}
}
