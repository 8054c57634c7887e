package paint

import (
	"encoding/binary"
	"image"
	"image/color"
)

// over composites colour c over dst through mask, exactly as
// draw.DrawMask(dst, r, image.NewUniform(c), image.Point{}, mask, mp,
// draw.Over) does, pixel for pixel, but faster on what tiles are made of:
// it skips uncovered pixels eight at a time, and a pixel with the same
// coverage and the same colour underneath as the one before it — the
// inside of a fill — takes that pixel's result without arithmetic.
func over(dst *image.RGBA, r image.Rectangle, c color.Color, mask *image.Alpha, mp image.Point) {
	orig := r.Min
	r = r.Intersect(dst.Rect).Intersect(mask.Rect.Add(orig.Sub(mp)))
	if r.Empty() {
		return
	}
	mp = mp.Add(r.Min.Sub(orig))
	const m = 0xffff
	sr, sg, sb, sa := c.RGBA()
	n := r.Dx()
	lastM, lastD, lastO := uint32(0), uint32(0), uint32(0) // ma 0 never reaches the memo
	for y := r.Min.Y; y < r.Max.Y; y++ {
		d := dst.Pix[dst.PixOffset(r.Min.X, y):][: 4*n : 4*n]
		mk := mask.Pix[mask.PixOffset(mp.X, mp.Y+y-r.Min.Y):][:n:n]
		for x := 0; x < n; {
			if x+8 <= n && binary.LittleEndian.Uint64(mk[x:]) == 0 {
				x += 8
				continue
			}
			ma := uint32(mk[x])
			if ma == 0 {
				x++
				continue
			}
			dp := binary.LittleEndian.Uint32(d[4*x:])
			if ma != lastM || dp != lastD {
				ma16 := ma | ma<<8
				// As image/draw's drawGlyphOver computes it.
				a := (m - (sa * ma16 / m)) * 0x101
				o := uint32(uint8((uint32(uint8(dp))*a+sr*ma16)/m>>8)) |
					uint32(uint8((uint32(uint8(dp>>8))*a+sg*ma16)/m>>8))<<8 |
					uint32(uint8((uint32(uint8(dp>>16))*a+sb*ma16)/m>>8))<<16 |
					uint32(uint8((uint32(uint8(dp>>24))*a+sa*ma16)/m>>8))<<24
				lastM, lastD, lastO = ma, dp, o
			}
			binary.LittleEndian.PutUint32(d[4*x:], lastO)
			x++
		}
	}
}
