// Package fonts holds the parsed fonts that xiang sets text in: the Go
// fonts (regular and bold) for Latin text and, when one is installed, a CJK
// font for Chinese names. It makes faces and measures text; it draws
// nothing.
package fonts

import (
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// CJKPaths are the font files searched, in order, for Chinese labels
// (name_zh). Debian's fonts-noto-cjk installs the first.
var CJKPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
}

// RegularTTF and BoldTTF are the Go fonts' TrueType data, for embedding in
// documents.
var (
	RegularTTF = goregular.TTF
	BoldTTF    = gobold.TTF
)

// Style picks one of the fonts of a Set.
type Style uint8

// The styles.
const (
	Regular Style = iota // the Go font
	Bold                 // the Go font, bold
	CJK                  // the CJK font, when one was found
)

// Latin returns Bold or Regular.
func Latin(bold bool) Style {
	if bold {
		return Bold
	}
	return Regular
}

// Set holds parsed fonts. It is read-only and safe for concurrent use;
// faces made from it are not.
type Set struct {
	regular, bold *opentype.Font
	cjk           *opentype.Font
	cjkPath       string
	measure       sync.Map // measureKey → float64 width in pixels
	measured      atomic.Int64
	mu            sync.Mutex
	faces         map[faceKey]font.Face // for measuring only, under mu
}

type faceKey struct {
	style Style
	size  float64
}

type measureKey struct {
	faceKey
	text string
}

// maxMeasured bounds the cache of text widths.
const maxMeasured = 50000

// Default returns the Go fonts and the first CJK font found on CJKPaths,
// parsed once.
var Default = sync.OnceValue(func() *Set { return Load(CJKPaths) })

// Load parses the Go fonts and the first readable CJK font of paths (a
// .ttf/.otf, or a .ttc collection, whose Simplified Chinese member is
// preferred). A missing CJK font is not an error: Chinese names are then
// left out of labels.
func Load(paths []string) *Set {
	s := &Set{faces: map[faceKey]font.Face{}}
	var err error
	if s.regular, err = opentype.Parse(goregular.TTF); err != nil {
		panic(err) // the embedded Go fonts always parse
	}
	if s.bold, err = opentype.Parse(gobold.TTF); err != nil {
		panic(err)
	}
	for _, p := range paths {
		data, release, err := readFont(p)
		if err != nil {
			continue
		}
		if fnt := pickCJK(data); fnt != nil {
			s.cjk, s.cjkPath = fnt, p
			break
		}
		release()
	}
	return s
}

// pickCJK returns the Simplified Chinese font of a collection, or its first
// font, or the font itself.
func pickCJK(data []byte) *opentype.Font {
	coll, err := opentype.ParseCollection(data)
	if err != nil {
		return nil
	}
	var first *opentype.Font
	var buf sfnt.Buffer
	for i := range coll.NumFonts() {
		fnt, err := coll.Font(i)
		if err != nil {
			continue
		}
		if first == nil {
			first = fnt
		}
		name, _ := fnt.Name(&buf, sfnt.NameIDFull)
		if strings.Contains(name, " SC") {
			return fnt
		}
	}
	return first
}

// HasCJK reports whether a CJK font was found, and which file.
func (s *Set) HasCJK() (string, bool) { return s.cjkPath, s.cjk != nil }

// Font returns the parsed font of a style, or nil for CJK when no CJK
// font was found. It is read-only; its methods take their own buffers.
func (s *Set) Font(st Style) *opentype.Font {
	switch st {
	case Bold:
		return s.bold
	case CJK:
		return s.cjk
	}
	return s.regular
}

// Face returns a new face of the style at size pixels (points at 72 dpi),
// or nil for CJK when no CJK font was found. Faces are single-goroutine.
func (s *Set) Face(st Style, size float64) font.Face {
	fnt := s.regular
	switch st {
	case Bold:
		fnt = s.bold
	case CJK:
		if s.cjk == nil {
			return nil
		}
		fnt = s.cjk
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // sizes are positive constants
	}
	return face
}

// Width returns the advance width of text in pixels (0 for CJK text when
// no CJK font was found). Widths of up to 50,000 strings are cached.
func (s *Set) Width(st Style, size float64, text string) float64 {
	k := measureKey{faceKey{st, size}, text}
	if w, ok := s.measure.Load(k); ok {
		return w.(float64)
	}
	s.mu.Lock()
	face, ok := s.faces[k.faceKey]
	if !ok {
		face = s.Face(st, size)
		s.faces[k.faceKey] = face
	}
	w := 0.0
	if face != nil {
		w = float64(font.MeasureString(face, text)) / 64
	}
	s.mu.Unlock()
	// Campaign labels are a bounded set; other text (captions, titles)
	// is measured every time once the cache is full.
	if s.measured.Add(1) <= maxMeasured {
		s.measure.Store(k, w)
	}
	return w
}
