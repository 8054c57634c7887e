package glyphs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"github.com/xiang-maps/xiang/internal/testkit"
	"github.com/xiang-maps/xiang/tiles/fonts"
)

func server() *Server { return NewServer(fonts.Default(), 8<<20, 2) }

func get(t testing.TB, stack, rng string) (string, string, []Glyph) {
	t.Helper()
	p, err := server().PBF(context.Background(), stack, rng)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sum) != 24 {
		t.Errorf("digest %q", p.Sum)
	}
	zr, err := gzip.NewReader(bytes.NewReader(p.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(zr); err != nil || !bytes.Equal(plain, p.Body) {
		t.Errorf("gzipped PBF: %v, %d bytes for %d", err, len(plain), len(p.Body))
	}
	name, r, gs, err := Decode(p.Body)
	if err != nil {
		t.Fatal(err)
	}
	return name, r, gs
}

func find(gs []Glyph, r rune) *Glyph {
	for i := range gs {
		if gs[i].ID == r {
			return &gs[i]
		}
	}
	return nil
}

// at returns the SDF value at pixel x, y of the glyph's ink box (the
// bitmap has Buffer pixels of margin).
func at(g *Glyph, x, y int) byte { return g.Bitmap[(y+Buffer)*(g.Width+2*Buffer)+x+Buffer] }

// TestMetrics decodes the Latin range and checks glyphs against the Go
// font's own metrics, read through sfnt rather than the face.
func TestMetrics(t *testing.T) {
	name, rng, gs := get(t, Regular, "0-255")
	if name != Regular || rng != "0-255" {
		t.Errorf("stack %q range %q", name, rng)
	}
	if len(gs) < 190 {
		t.Errorf("%d glyphs in 0-255, want the Latin-1 set", len(gs))
	}
	f := fonts.Default().Font(fonts.Regular)
	var buf sfnt.Buffer
	for _, r := range "AgHx," {
		t.Run(string(r), func(t *testing.T) {
			g := find(gs, r)
			if g == nil {
				t.Fatal("missing")
			}
			idx, _ := f.GlyphIndex(&buf, r)
			b, adv, err := f.GlyphBounds(&buf, idx, fixed.I(Size), font.HintingNone)
			if err != nil {
				t.Fatal(err)
			}
			if want := int(math.Round(float64(adv) / 64)); g.Advance != want {
				t.Errorf("advance %d, want %d", g.Advance, want)
			}
			// The bitmap covers the glyph's bounds, rounded out to pixels.
			minX, maxX := float64(b.Min.X)/64, float64(b.Max.X)/64
			minY, maxY := float64(b.Min.Y)/64, float64(b.Max.Y)/64
			// Top is node-fontnik's: above the baseline, less the ascender.
			ascent := fonts.Default().Face(fonts.Regular, Size).Metrics().Ascent.Round()
			if g.Left != int(math.Floor(minX)) || g.Top != -int(math.Floor(minY))-ascent {
				t.Errorf("left %d top %d, want %v %v", g.Left, g.Top, math.Floor(minX), -int(math.Floor(minY))-ascent)
			}
			if math.Abs(float64(g.Width)-(maxX-minX)) > 2 || math.Abs(float64(g.Height)-(maxY-minY)) > 2 {
				t.Errorf("%dx%d, want about %.1fx%.1f", g.Width, g.Height, maxX-minX, maxY-minY)
			}
			if len(g.Bitmap) != (g.Width+2*Buffer)*(g.Height+2*Buffer) {
				t.Errorf("bitmap of %d bytes for %dx%d", len(g.Bitmap), g.Width, g.Height)
			}
		})
	}
	if sp := find(gs, ' '); sp == nil || sp.Advance == 0 || sp.Bitmap != nil || sp.Width != 0 {
		t.Errorf("space: %+v, want an advance and no bitmap", sp)
	}
}

// TestSDFInsideOutside checks the field's sign: the stem of an H and the
// ring of an O are inside the outline (above 255·(1−Cutoff)), the O's
// counter and the buffer's corners outside, far outside is 0.
func TestSDFInsideOutside(t *testing.T) {
	_, _, gs := get(t, Bold, "0-255")
	edge := byte(191) // 255·(1−Cutoff)
	h, o := find(gs, 'H'), find(gs, 'O')
	if h == nil || o == nil {
		t.Fatal("H or O missing")
	}
	stem := h.Width / 8 // inside the left stem of a bold H
	if v := at(h, stem, h.Height/4); v <= edge {
		t.Errorf("H stem: %d, want > %d", v, edge)
	}
	if v := at(o, o.Width/2, o.Height/2); v >= edge {
		t.Errorf("O counter: %d, want < %d", v, edge)
	}
	if v := at(o, o.Width/2, 1); v <= edge {
		t.Errorf("O top of the ring: %d, want > %d", v, edge)
	}
	if v := o.Bitmap[0]; v >= edge || v > 64 {
		t.Errorf("corner of the buffer: %d, want well outside", v)
	}
	// The field falls off outwards: a pixel further out is lower.
	row := (o.Height/2 + Buffer) * (o.Width + 2*Buffer)
	if !(o.Bitmap[row] < o.Bitmap[row+2] && o.Bitmap[row+2] < o.Bitmap[row+Buffer+1]) {
		t.Errorf("left of O's middle row: %v, want increasing inwards", o.Bitmap[row:row+Buffer+2])
	}
}

// TestSDFSquare checks SDF against distances it must give for a filled
// square: inside, on the edge, and one and two pixels out.
func TestSDFSquare(t *testing.T) {
	const n = 8
	alpha := make([]float64, n*n)
	for i := range alpha {
		alpha[i] = 1
	}
	b := SDF(alpha, n, n)
	W := n + 2*Buffer
	val := func(d float64) byte { return byte(math.Max(0, math.Min(255, math.Round(255-255*(d/Radius+Cutoff))))) }
	for _, tc := range []struct {
		name string
		x, y int
		want byte
	}{
		{"centre", Buffer + n/2, Buffer + n/2, 255},
		{"one in", Buffer, Buffer + n/2, val(-1)},
		{"one out", Buffer - 1, Buffer + n/2, val(1)},
		{"two out", Buffer - 2, Buffer + n/2, val(2)},
		{"corner", 0, 0, val(3 * math.Sqrt2)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := b[tc.y*W+tc.x]; int(got)-int(tc.want) > 1 || int(tc.want)-int(got) > 1 {
				t.Errorf("%d, want %d", got, tc.want)
			}
		})
	}
}

func TestEmptyRange(t *testing.T) {
	// Surrogates: no font maps them.
	name, rng, gs := get(t, Regular, "55296-55551")
	if name != Regular || rng != "55296-55551" || len(gs) != 0 {
		t.Errorf("stack %q range %q with %d glyphs, want an empty stack", name, rng, len(gs))
	}
}

func TestCJK(t *testing.T) {
	_, ok := fonts.Default().HasCJK()
	testkit.Require(t, ok, "a CJK font (Debian package fonts-noto-cjk)")
	// 衡 U+8861 and 阳 U+9633 of 衡阳, Hengyang; the Go font has neither,
	// so the stack falls back to the CJK font.
	for _, r := range "衡阳" {
		start := r &^ 255
		_, rng, gs := get(t, Regular, Range(start))
		g := find(gs, r)
		if g == nil {
			t.Fatalf("%c missing from %s", r, rng)
		}
		if g.Advance < Size-2 || g.Advance > Size+1 || g.Width < Size/2 {
			t.Errorf("%c: advance %d, %dx%d: want a full-width ideograph", r, g.Advance, g.Width, g.Height)
		}
	}
	if _, err := ParseStack(fonts.Default(), "Go Bold,"+CJK); err != nil {
		t.Error(err)
	}
}

func TestBadRequests(t *testing.T) {
	s := server()
	for _, tc := range []struct{ stack, rng string }{
		{Regular, "0-256"}, {Regular, "1-256"}, {Regular, "65536-65791"}, {Regular, "-0-255"},
		{Regular, "00-255"}, {Regular, "0255"}, {Regular, ""}, {"Arial", "0-255"}, {"", "0-255"},
		{Regular + ",Comic Sans", "0-255"},
	} {
		t.Run(tc.stack+"/"+tc.rng, func(t *testing.T) {
			_, err := s.PBF(context.Background(), tc.stack, tc.rng)
			if !errors.Is(err, ErrRange) && !errors.Is(err, ErrUnknownFont) {
				t.Errorf("error %v, want ErrRange or ErrUnknownFont", err)
			}
		})
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"0-255", "65280-65535", "256-511", "1-256", "", "-", "00-255", "99999-100254"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, err := ParseRange(s)
		if err != nil {
			if !errors.Is(err, ErrRange) {
				t.Errorf("%q: error %v does not wrap ErrRange", s, err)
			}
			return
		}
		if start%256 != 0 || start > 0xff00 || Range(start) != s {
			t.Errorf("%q parsed as %d", s, start)
		}
	})
}

func FuzzParseStack(f *testing.F) {
	for _, s := range []string{Regular, Bold + "," + Regular, CJK, "", ",", "Go Regular,,Go Bold", "Arial"} {
		f.Add(s)
	}
	fs := fonts.Default()
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStack(fs, s)
		if err != nil {
			if !errors.Is(err, ErrUnknownFont) {
				t.Errorf("%q: error %v does not wrap ErrUnknownFont", s, err)
			}
			return
		}
		if st.Name != s || len(st.styles) == 0 {
			t.Errorf("%q parsed as %+v", s, st)
		}
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(Regular, 0, []Glyph{{ID: 'a', Bitmap: []byte{1, 2}, Width: 1, Height: 1, Left: -1, Top: 3, Advance: 7}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _, _, _ = Decode(b) // must not panic
	})
}

// BenchmarkCJKRange renders and encodes the range of 衡 (U+8861), without
// the cache.
func BenchmarkCJKRange(b *testing.B) {
	fs := fonts.Default()
	if _, ok := fs.HasCJK(); !ok {
		b.Skip("no CJK font")
	}
	st, err := ParseStack(fs, Regular)
	if err != nil {
		b.Fatal(err)
	}
	var n int
	for b.Loop() {
		n = len(Encode(Regular, 0x8800, Render(fs, st, 0x8800)))
	}
	b.ReportMetric(float64(n), "bytes/range")
}

func ExampleParseRange() {
	start, err := ParseRange("34816-35071")
	fmt.Println(start, err)
	_, err = ParseRange("34816-35000")
	fmt.Println(err)
	// Output:
	// 34816 <nil>
	// bad glyph range "34816-35000": want 256 code points from a multiple of 256, such as 256-511
}

// TestConcurrent asks for ranges from many goroutines at once, some the
// same: every answer decodes to its own range.
func TestConcurrent(t *testing.T) {
	s := NewServer(fonts.Default(), 1<<20, 1)
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			rng := Range(rune(i%4) * 256)
			p, err := s.PBF(context.Background(), Regular, rng)
			if err == nil {
				var got string
				_, got, _, err = Decode(p.Body)
				if err == nil && got != rng {
					err = fmt.Errorf("asked for %s, got %s", rng, got)
				}
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
