package fastpng

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// maxEmpty bounds how many sizes of empty image Empty keeps.
const maxEmpty = 16

var empties struct {
	sync.Mutex
	m map[[2]int][]byte
}

// Empty returns the canonical PNG of a transparent width×height image:
// the same bytes for every caller, whatever found the image empty. The
// bytes are shared: callers must not modify them. The PNGs of the first 16
// sizes asked for are kept.
func Empty(width, height int) []byte {
	key := [2]int{width, height}
	empties.Lock()
	defer empties.Unlock()
	if b, ok := empties.m[key]; ok {
		return b
	}
	var buf bytes.Buffer
	// One transparent palette entry, so one bit a pixel; BestCompression
	// keeps it tiny (116 bytes at 256×256, as optipng -o2 writes it).
	img := image.NewPaletted(image.Rect(0, 0, width, height), color.Palette{color.NRGBA{}})
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		panic(err) // encoding to memory cannot fail
	}
	if empties.m == nil {
		empties.m = map[[2]int][]byte{}
	}
	if len(empties.m) < maxEmpty {
		empties.m[key] = buf.Bytes()
	}
	return buf.Bytes()
}

// Transparent reports whether every pixel of img has alpha 0.
func Transparent(img *image.RGBA) bool {
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		row := img.Pix[img.PixOffset(img.Rect.Min.X, y):img.PixOffset(img.Rect.Max.X, y)]
		for i := 3; i < len(row); i += 4 {
			if row[i] != 0 {
				return false
			}
		}
	}
	return true
}
