package tiles

import (
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// CJKFontPaths are the font files searched, in order, for Chinese labels
// (name_zh). Debian's fonts-noto-cjk installs the first.
var CJKFontPaths = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/arphic/uming.ttc",
}

// Fonts holds the parsed fonts labels are set in: the Go fonts for Latin
// text and, when one is installed, a CJK font for Chinese names. Fonts is
// read-only and safe for concurrent use; faces made from it are not.
type Fonts struct {
	regular, bold *opentype.Font
	cjk           *opentype.Font
	cjkPath       string
	measure       sync.Map // measureKey → float64 width in pixels
	measured      atomic.Int64
	mu            sync.Mutex
	faces         map[faceKey]font.Face // for measuring only, under mu
}

type faceKey struct {
	style fontStyle
	size  float64
}

type measureKey struct {
	faceKey
	text string
}

// fontStyle picks one of the fonts.
type fontStyle uint8

const (
	fontRegular fontStyle = iota
	fontBold
	fontCJK
)

// maxMeasured bounds the cache of text widths.
const maxMeasured = 50000

var (
	defaultFonts     *Fonts
	defaultFontsOnce sync.Once
)

// DefaultFonts returns the Go fonts and the first CJK font found on
// CJKFontPaths, parsed once.
func DefaultFonts() *Fonts {
	defaultFontsOnce.Do(func() { defaultFonts = LoadFonts(CJKFontPaths) })
	return defaultFonts
}

// LoadFonts parses the Go fonts and the first readable CJK font of paths (a
// .ttf/.otf, or a .ttc collection, whose Simplified Chinese member is
// preferred). A missing CJK font is not an error: Chinese names are then
// left out of labels.
func LoadFonts(paths []string) *Fonts {
	f := &Fonts{faces: map[faceKey]font.Face{}}
	var err error
	if f.regular, err = opentype.Parse(goregular.TTF); err != nil {
		panic(err) // the embedded Go fonts always parse
	}
	if f.bold, err = opentype.Parse(gobold.TTF); err != nil {
		panic(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if fnt := pickCJK(data); fnt != nil {
			f.cjk, f.cjkPath = fnt, p
			break
		}
	}
	return f
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
func (f *Fonts) HasCJK() (string, bool) { return f.cjkPath, f.cjk != nil }

// face returns a new face; faces are single-goroutine.
func (f *Fonts) face(style fontStyle, size float64) font.Face {
	fnt := f.regular
	switch style {
	case fontBold:
		fnt = f.bold
	case fontCJK:
		fnt = f.cjk
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // sizes are positive constants
	}
	return face
}

// width returns the advance width of text in pixels.
func (f *Fonts) width(style fontStyle, size float64, text string) float64 {
	k := measureKey{faceKey{style, size}, text}
	if w, ok := f.measure.Load(k); ok {
		return w.(float64)
	}
	f.mu.Lock()
	face, ok := f.faces[k.faceKey]
	if !ok {
		face = f.face(style, size)
		f.faces[k.faceKey] = face
	}
	adv := font.MeasureString(face, text)
	f.mu.Unlock()
	w := fixedFloat(adv)
	// Campaign labels are a bounded set; other text (captions, titles)
	// is measured every time once the cache is full.
	if f.measured.Add(1) <= maxMeasured {
		f.measure.Store(k, w)
	}
	return w
}

func fixedFloat(v fixed.Int26_6) float64 { return float64(v) / 64 }

// Face returns a new face of the Go font, bold or regular, at size pixels
// (points at 72 dpi). Faces are single-goroutine.
func (f *Fonts) Face(size float64, bold bool) font.Face {
	if bold {
		return f.face(fontBold, size)
	}
	return f.face(fontRegular, size)
}

// CJKFace returns a new face of the CJK font, if one was found.
func (f *Fonts) CJKFace(size float64) (font.Face, bool) {
	if f.cjk == nil {
		return nil, false
	}
	return f.face(fontCJK, size), true
}

// Width returns the advance width in pixels of text set in the Go font.
func (f *Fonts) Width(size float64, bold bool, text string) float64 {
	if bold {
		return f.width(fontBold, size, text)
	}
	return f.width(fontRegular, size, text)
}

// RegularTTF and BoldTTF are the Go fonts' TrueType data, for embedding in
// documents.
var (
	RegularTTF = goregular.TTF
	BoldTTF    = gobold.TTF
)
