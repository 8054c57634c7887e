package sheet

import (
	"fmt"
	"strings"
)

// Paper is a sheet size by name. Its Size is exact in PostScript points
// (1/72 inch), as PDF page sizes are given.
type Paper string

// The paper sizes a sheet can be printed on.
const (
	A4      Paper = "A4"      // 210 × 297 mm
	A3      Paper = "A3"      // 297 × 420 mm
	Letter  Paper = "Letter"  // 8.5 × 11 in
	Tabloid Paper = "Tabloid" // 11 × 17 in
)

// Papers returns every paper size, smallest first.
func Papers() []Paper { return []Paper{A4, Letter, A3, Tabloid} }

// Size returns the portrait width and height of p in points; ok is false
// for an unknown paper.
func (p Paper) Size() (w, h float64, ok bool) {
	switch p {
	case A4:
		return 595.28, 841.89, true
	case A3:
		return 841.89, 1190.55, true
	case Letter:
		return 612, 792, true
	case Tabloid:
		return 792, 1224, true
	}
	return 0, 0, false
}

// ParsePaper reads a paper name, ignoring case: "a4", "A3", "letter",
// "Tabloid". Errors wrap ErrPaper.
func ParsePaper(s string) (Paper, error) {
	for _, p := range Papers() {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: want A4, A3, Letter or Tabloid", ErrPaper)
}

// Orientation is which way up the paper is.
type Orientation string

// The orientations. Landscape is the default: most campaign maps are wider
// than they are tall.
const (
	Landscape Orientation = "landscape"
	Portrait  Orientation = "portrait"
)

// ParseOrientation reads "landscape" or "portrait", ignoring case. Errors
// wrap ErrOrientation.
func ParseOrientation(s string) (Orientation, error) {
	for _, o := range []Orientation{Landscape, Portrait} {
		if strings.EqualFold(s, string(o)) {
			return o, nil
		}
	}
	return "", fmt.Errorf("%w: want landscape or portrait", ErrOrientation)
}

// PageSize returns the width and height in points of paper p turned to
// orientation o; ok is false when either is unknown.
func PageSize(p Paper, o Orientation) (w, h float64, ok bool) {
	w, h, ok = p.Size()
	switch {
	case !ok:
		return 0, 0, false
	case o == Landscape:
		return h, w, true
	case o == Portrait:
		return w, h, true
	}
	return 0, 0, false
}

// Format is the file format of a sheet.
type Format string

// The formats. A PDF holds the map as a raster image at the sheet's
// resolution and the furniture as vector graphics and text; a PNG is the
// whole sheet as one raster image.
const (
	PDF Format = "pdf"
	PNG Format = "png"
)

// ParseFormat reads "pdf" or "png", ignoring case. Errors wrap ErrFormat.
func ParseFormat(s string) (Format, error) {
	for _, f := range []Format{PDF, PNG} {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w: want pdf or png", ErrFormat)
}

// ContentType returns the media type of the format.
func (f Format) ContentType() string {
	if f == PNG {
		return "image/png"
	}
	return "application/pdf"
}
