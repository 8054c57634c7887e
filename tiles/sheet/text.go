package sheet

import (
	"strings"
	"unicode"

	"github.com/xiang-maps/xiang/tiles/fonts"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// typeset measures and breaks the sheet's text. Latin text is set in the
// Go fonts (embedded in PDFs); runs of characters the Go fonts lack —
// Chinese source titles, for one — are set in the CJK font when one is
// installed. It measures with faces of its own rather than
// tiles.Fonts.Width, which remembers every string it measures, so that
// user titles cannot grow a server's memory. A typeset is single-goroutine.
type typeset struct {
	fonts *fonts.Set
	goFnt *sfnt.Font
	buf   sfnt.Buffer
	cjk   bool
	faces map[faceKey]font.Face // sizes in points, for measuring
}

// faceKey names a face: a size in points or pixels and a font.
type faceKey struct {
	size      float64
	bold, cjk bool
}

// run is a stretch of text set in one font.
type run struct {
	text string
	cjk  bool
}

func newTypeset(fs *fonts.Set) *typeset {
	f, err := opentype.Parse(fonts.RegularTTF)
	if err != nil {
		panic(err) // the embedded Go font always parses
	}
	_, cjk := fs.HasCJK()
	return &typeset{fonts: fs, goFnt: f, cjk: cjk, faces: map[faceKey]font.Face{}}
}

// face returns a face at size (points or pixels, as the caller measures),
// made once per typeset.
func (t *typeset) face(k faceKey) font.Face {
	if f, ok := t.faces[k]; ok {
		return f
	}
	var f font.Face
	if k.cjk {
		f = t.fonts.Face(fonts.CJK, k.size)
	} else {
		f = t.fonts.Face(fonts.Latin(k.bold), k.size)
	}
	t.faces[k] = f
	return f
}

// hasGo reports whether the Go fonts have a glyph for r.
func (t *typeset) hasGo(r rune) bool {
	if r < 0x80 {
		return true
	}
	i, err := t.goFnt.GlyphIndex(&t.buf, r)
	return err == nil && i != 0
}

// runs splits s into runs of the Go font and of the CJK font. Without a
// CJK font everything is one Go run (missing glyphs show as boxes).
func (t *typeset) runs(s string) []run {
	if !t.cjk {
		return []run{{text: s}}
	}
	var out []run
	start, cur := 0, false
	for i, r := range s {
		c := !t.hasGo(r) && !unicode.IsSpace(r)
		if i > 0 && c != cur {
			out = append(out, run{s[start:i], cur})
			start = i
		}
		cur = c
	}
	if start < len(s) {
		out = append(out, run{s[start:], cur})
	}
	return out
}

// width returns the advance width of s in points at size points.
func (t *typeset) width(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range t.runs(s) {
		w += faceWidth(t.face(faceKey{size, bold && !r.cjk, r.cjk}), r.text)
	}
	return w
}

// faceWidth returns the advance width of s in face, in the face's units
// (points or pixels).
func faceWidth(face font.Face, s string) float64 {
	return float64(font.MeasureString(face, s)) / 64
}

// fit returns s, or its longest prefix ending in "…", that is at most
// width points wide.
func (t *typeset) fit(s string, size float64, bold bool, width float64) string {
	if t.width(s, size, bold) <= width {
		return s
	}
	rs := []rune(s)
	lo, hi := 0, len(rs) // the longest prefix that fits is rs[:lo]
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.width(strings.TrimRight(string(rs[:mid]), " ,;:")+"…", size, bold) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return strings.TrimRight(string(rs[:lo]), " ,;:") + "…"
}

// wrap breaks s into lines at most width points wide at spaces, at most
// max lines; the last line is shortened with "…" when text is left over.
// A word wider than the line is shortened.
func (t *typeset) wrap(s string, size float64, bold bool, width float64, max int) []string {
	words := strings.Fields(s)
	var lines []string
	line := ""
	for i, w := range words {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if t.width(try, size, bold) <= width || line == "" {
			line = try
			continue
		}
		if len(lines) == max-1 {
			return append(lines, t.fit(strings.Join(append([]string{line}, words[i:]...), " "), size, bold, width))
		}
		lines = append(lines, t.fit(line, size, bold, width))
		line = w
	}
	if line != "" {
		lines = append(lines, t.fit(line, size, bold, width))
	}
	return lines
}
