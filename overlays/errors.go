package overlays

import (
	"errors"
	"fmt"
	"strings"
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
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d, column %d", e.Line, e.Column)
	}
	if e.Feature >= 0 {
		fmt.Fprintf(&b, ": feature %d", e.Feature)
		if e.Name != "" {
			fmt.Fprintf(&b, " (%q)", e.Name)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ValidationError) Unwrap() []error { return []error{e.Err, ErrInvalid} }

// ValidationErrors is every problem found while loading a campaign, in file
// and feature order.
type ValidationErrors []*ValidationError

// Error lists the problems, one a line.
func (es ValidationErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the individual problems, for errors.Is and errors.As.
func (es ValidationErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
