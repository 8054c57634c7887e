// Package glyphs serves MapLibre glyph ranges: signed distance fields of
// 256 code points of a font stack, in the glyph PBF that MapLibre GL and
// node-fontnik use (docs/vector.md), rendered from the fonts xiang sets
// text in (tiles/fonts): the Go fonts and, for Chinese, the CJK font.
package glyphs

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/xiang-maps/xiang/tiles/cache"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

// The SDF parameters of node-fontnik and TinySDF, which MapLibre's
// shaders assume: a 24-pixel em, 3 pixels of buffer around each glyph's
// bitmap, distances encoded over a radius of 8 pixels, the outline at
// 255×(1−Cutoff).
const (
	Size   = 24
	Buffer = 3
	Radius = 8
	Cutoff = 0.25
)

// The names of the fonts a stack may list.
const (
	Regular = "Go Regular"
	Bold    = "Go Bold"
	CJK     = "Noto Sans CJK"
)

// Errors a request can be answered with as a 4xx.
var (
	ErrRange       = errors.New("bad glyph range")
	ErrUnknownFont = errors.New("unknown font")
)

// ParseRange parses a glyph range "start-end": 256 code points starting
// at a multiple of 256, up to 65280-65535 (MapLibre requests no more).
func ParseRange(s string) (rune, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, fmt.Errorf("%w %q: want start-end, such as 0-255", ErrRange, s)
	}
	start, err1 := parseUint(a)
	end, err2 := parseUint(b)
	switch {
	case err1 != nil || err2 != nil:
		return 0, fmt.Errorf("%w %q: want two decimal numbers, such as 256-511", ErrRange, s)
	case start%256 != 0 || end != start+255:
		return 0, fmt.Errorf("%w %q: want 256 code points from a multiple of 256, such as 256-511", ErrRange, s)
	case end > 0xffff:
		return 0, fmt.Errorf("%w %q: the last range is 65280-65535", ErrRange, s)
	}
	return rune(start), nil
}

// parseUint parses a short decimal number without signs or leading zeros.
func parseUint(s string) (int, error) {
	if s == "" || len(s) > 5 || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("not a decimal number: %q", s)
	}
	return strconv.Atoi(s)
}

// Stack is a parsed font stack: the styles of its fonts, in order.
type Stack struct {
	Name   string
	styles []fonts.Style
}

// ParseStack parses a font stack as MapLibre requests it: font names
// joined by commas ("Go Bold" or "Go Regular,Noto Sans CJK"). Each code
// point is taken from the first font of the stack that has it, and then
// from the CJK font, so that "Go Regular" alone sets Chinese names too.
func ParseStack(fs *fonts.Set, name string) (Stack, error) {
	if name == "" || len(name) > 256 {
		return Stack{}, fmt.Errorf("%w: font stack %q: want %q, %q or %q, joined by commas", ErrUnknownFont, name, Regular, Bold, CJK)
	}
	st := Stack{Name: name}
	for _, n := range strings.Split(name, ",") {
		switch strings.TrimSpace(n) {
		case Regular:
			st.styles = append(st.styles, fonts.Regular)
		case Bold:
			st.styles = append(st.styles, fonts.Bold)
		case CJK:
			if fs.Font(fonts.CJK) == nil {
				return Stack{}, fmt.Errorf("%w %q: no CJK font is installed", ErrUnknownFont, n)
			}
			st.styles = append(st.styles, fonts.CJK)
		default:
			return Stack{}, fmt.Errorf("%w %q in stack %q: want %q, %q or %q", ErrUnknownFont, n, name, Regular, Bold, CJK)
		}
	}
	if fs.Font(fonts.CJK) != nil {
		st.styles = append(st.styles, fonts.CJK)
	}
	return st, nil
}

// Glyph is one glyph of a range: its SDF bitmap, (Width+2·Buffer) ×
// (Height+2·Buffer) bytes, nil when the glyph has no ink; Left and Top
// place the bitmap's ink relative to the pen on the baseline (Top upwards),
// Advance moves the pen; all in pixels at Size.
type Glyph struct {
	ID            rune
	Bitmap        []byte
	Width, Height int
	Left, Top     int
	Advance       int
}

// Render renders the glyphs of the 256 code points from start that a
// font of the stack has.
func Render(fs *fonts.Set, st Stack, start rune) []Glyph {
	faces := make([]font.Face, len(st.styles))
	var buf sfnt.Buffer
	var out []Glyph
	for r := start; r < start+256; r++ {
		for i, style := range st.styles {
			f := fs.Font(style)
			if f == nil {
				continue
			}
			if idx, err := f.GlyphIndex(&buf, r); err != nil || idx == 0 {
				continue
			}
			if faces[i] == nil {
				faces[i] = fs.Face(style, Size)
			}
			if g, ok := renderGlyph(faces[i], r); ok {
				// node-fontnik's top: the glyph's top above the
				// baseline less the font's ascender, which MapLibre's
				// shaping and its own TinySDF glyphs assume.
				g.Top -= faces[i].Metrics().Ascent.Round()
				out = append(out, g)
			}
			break
		}
	}
	return out
}

// renderGlyph rasterises one glyph and turns its coverage into an SDF.
func renderGlyph(face font.Face, r rune) (Glyph, bool) {
	dr, mask, mp, adv, ok := face.Glyph(fixed.Point26_6{}, r)
	if !ok {
		return Glyph{}, false
	}
	g := Glyph{ID: r, Advance: int(math.Round(float64(adv) / 64))}
	if dr.Empty() {
		return g, true
	}
	g.Width, g.Height = dr.Dx(), dr.Dy()
	g.Left, g.Top = dr.Min.X, -dr.Min.Y
	alpha := make([]float64, g.Width*g.Height)
	for y := range g.Height {
		for x := range g.Width {
			_, _, _, a := mask.At(mp.X+x, mp.Y+y).RGBA()
			alpha[y*g.Width+x] = float64(a) / 0xffff
		}
	}
	g.Bitmap = SDF(alpha, g.Width, g.Height)
	return g, true
}

// inf stands for an infinite squared distance.
const inf = 1e20

// SDF returns the signed distance field of a w×h coverage image (0 to 1,
// row by row) with Buffer pixels of margin, as TinySDF encodes it: 255 ×
// (1 − Cutoff − d/Radius) clamped to bytes, d the distance in pixels
// to the outline, negative inside. It uses the Felzenszwalb–Huttenlocher
// distance transform on the outside and inside grids.
func SDF(alpha []float64, w, h int) []byte {
	W, H := w+2*Buffer, h+2*Buffer
	outer := make([]float64, W*H)
	inner := make([]float64, W*H)
	for i := range outer {
		outer[i] = inf
	}
	for y := range h {
		for x := range w {
			a := alpha[y*w+x]
			if a <= 0 {
				continue
			}
			j := (y+Buffer)*W + x + Buffer
			if a >= 1 {
				outer[j], inner[j] = 0, inf
				continue
			}
			d := 0.5 - a
			outer[j], inner[j] = max(d, 0)*max(d, 0), min(d, 0)*min(d, 0)
		}
	}
	n := max(W, H)
	f, z, v := make([]float64, n), make([]float64, n+1), make([]int, n)
	edt(outer, 0, 0, W, H, W, f, z, v)
	// Unlike TinySDF, the inside is transformed over the whole grid too,
	// so that ink reaching the edge of the glyph's box is measured to the
	// margin beyond it.
	edt(inner, 0, 0, W, H, W, f, z, v)
	out := make([]byte, W*H)
	for i := range out {
		d := math.Sqrt(outer[i]) - math.Sqrt(inner[i])
		out[i] = uint8(math.Max(0, math.Min(255, math.Round(255-255*(d/Radius+Cutoff)))))
	}
	return out
}

// edt transforms a rectangle of a grid of squared distances in place:
// columns, then rows.
func edt(grid []float64, x0, y0, w, h, stride int, f, z []float64, v []int) {
	for x := x0; x < x0+w; x++ {
		edt1(grid, y0*stride+x, stride, h, f, z, v)
	}
	for y := y0; y < y0+h; y++ {
		edt1(grid, y*stride+x0, 1, w, f, z, v)
	}
}

// edt1 is the one-dimensional squared distance transform of n samples
// of grid from off, step apart: the lower envelope of parabolas.
func edt1(grid []float64, off, step, n int, f, z []float64, v []int) {
	v[0], z[0], z[1] = 0, -inf, inf
	f[0] = grid[off]
	k := 0
	for q := 1; q < n; q++ {
		f[q] = grid[off+q*step]
		var s float64
		for {
			r := v[k]
			s = (f[q] - f[r] + float64(q*q-r*r)) / float64(q-r) / 2
			if s > z[k] {
				break
			}
			if k--; k < 0 {
				break
			}
		}
		k++
		v[k], z[k], z[k+1] = q, s, inf
	}
	k = 0
	for q := range n {
		for z[k+1] < float64(q) {
			k++
		}
		r := v[k]
		grid[off+q*step] = f[r] + float64((q-r)*(q-r))
	}
}

// Server renders glyph ranges on demand and keeps the encoded PBFs of the
// most recently used in a byte-bounded cache. It is safe for concurrent
// use.
type Server struct {
	fs      *fonts.Set
	cache   *cache.Cache[key, PBF]
	renders chan struct{} // a token per range being rendered
}

type key struct {
	stack string
	start rune
}

// PBF is an encoded glyph range, the same gzipped, and a digest of it
// (hex, 24 digits of SHA-256), for ETags.
type PBF struct {
	Body []byte
	Gzip []byte
	Sum  string
}

// NewServer returns a Server over a font set whose cache holds at most
// maxBytes of PBFs and which renders at most renders ranges at once (at
// least one): a map's first view asks for dozens of CJK ranges together.
func NewServer(fs *fonts.Set, maxBytes int64, renders int) *Server {
	return &Server{
		fs:      fs,
		cache:   cache.New(maxBytes, func(k key, p PBF) int64 { return int64(len(p.Body) + len(p.Gzip) + len(k.stack) + 128) }),
		renders: make(chan struct{}, max(renders, 1)),
	}
}

// PBF returns the glyph PBF of a font stack and a range ("0-255"). Bad
// ranges wrap ErrRange, unknown fonts ErrUnknownFont. A range the fonts
// have no glyph of is a valid stack without glyphs.
func (s *Server) PBF(ctx context.Context, stack, rng string) (PBF, error) {
	start, err := ParseRange(rng)
	if err != nil {
		return PBF{}, err
	}
	st, err := ParseStack(s.fs, stack)
	if err != nil {
		return PBF{}, err
	}
	p, _, err := s.cache.Do(ctx, key{stack, start}, func(ctx context.Context) (PBF, error) {
		select {
		case s.renders <- struct{}{}:
			defer func() { <-s.renders }()
		case <-ctx.Done():
			return PBF{}, ctx.Err()
		}
		b := Encode(stack, start, Render(s.fs, st, start))
		sum := sha256.Sum256(b)
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		if err != nil {
			return PBF{}, err
		}
		zw.Write(b)
		if err := zw.Close(); err != nil {
			return PBF{}, fmt.Errorf("gzipping glyphs %s of %q: %w", Range(start), stack, err)
		}
		return PBF{Body: b, Gzip: gz.Bytes(), Sum: hex.EncodeToString(sum[:12])}, nil
	})
	return p, err
}

// Range returns the name of the range from start: "256-511".
func Range(start rune) string { return fmt.Sprintf("%d-%d", start, start+255) }
