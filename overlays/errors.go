package overlays

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrUnknownLayer is wrapped by errors about a layer id the campaign lacks.
var ErrUnknownLayer = errors.New("unknown layer")

// ErrInvalid is wrapped by every ValidationError.
var ErrInvalid = errors.New("invalid layer data")

// ValidationError is one problem found in a layer file. Feature is the index
// of the feature in the file's "features" array, or -1 for a problem with the
// file as a whole; Line and Column locate malformed JSON (0 when unknown).
type ValidationError struct {
	File    string
	Feature int
	Name    string
	Line    int
	Column  int
	Err     error
}

// Error formats the problem as `FILE: feature N ("name"): what is wrong`.
// A file name holding control characters or invalid UTF-8 is quoted, so
// that printing it cannot drive a terminal.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(QuoteName(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d, column %d", e.Line, e.Column)
	}
	if e.Feature >= 0 {
		fmt.Fprintf(&b, ": feature %d", e.Feature)
		if e.Name != "" {
			fmt.Fprintf(&b, " (%q)", e.Name)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() []error { return []error{e.Err, ErrInvalid} }

// quoteName returns a file name as it is when it prints safely, else quoted
// with Go escapes.
func QuoteName(name string) string {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return strconv.Quote(name)
	}
	return name
}

// ValidationErrors is what Load found wrong with a campaign: the first
// MaxProblems problems in file and feature order (and the ErrTooLarge
// problem, if any, that stopped checking), and how many more were found
// but not kept.
type ValidationErrors struct {
	Problems []*ValidationError
	More     int
}

// Len returns the number of problems found, kept or not.
func (es *ValidationErrors) Len() int { return len(es.Problems) + es.More }

// add keeps e when there is room, else counts it; the one problem that
// stops loading, ErrTooLarge, is always kept.
func (es *ValidationErrors) add(e *ValidationError) {
	if len(es.Problems) < MaxProblems || errors.Is(e.Err, ErrTooLarge) {
		es.Problems = append(es.Problems, e)
	} else {
		es.More++
	}
}

// merge adds the problems of o after those of es.
func (es *ValidationErrors) merge(o *ValidationErrors) {
	for _, e := range o.Problems {
		es.add(e)
	}
	es.More += o.More
}

// Error lists the kept problems, one a line, and then how many more there
// were.
func (es *ValidationErrors) Error() string {
	var b strings.Builder
	for i, e := range es.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	if es.More > 0 {
		fmt.Fprintf(&b, "\n… and %d more problem(s)", es.More)
	}
	return b.String()
}

// Unwrap returns the kept problems, for errors.Is and errors.As.
func (es *ValidationErrors) Unwrap() []error {
	out := make([]error, len(es.Problems))
	for i, e := range es.Problems {
		out[i] = e
	}
	return out
}
