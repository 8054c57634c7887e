package sheet

import (
	"errors"
	"fmt"

	"github.com/xiang-maps/xiang/tiles/view"
)

// The conditions a bad request is reported with, each wrapped in a
// *RequestError that names the parameter. A server answers all of them
// with 400 Bad Request.
var (
	ErrPaper       = errors.New("unknown paper size")
	ErrOrientation = errors.New("unknown orientation")
	ErrDPI         = errors.New("resolution out of range")
	ErrBBox        = view.ErrBBox // the box parser is the view package's
	ErrDate        = errors.New("invalid date")
	ErrFormat      = errors.New("unknown format")
	ErrText        = errors.New("invalid text")
	ErrTooLarge    = errors.New("sheet too large")
)

// RequestError is a bad print request: the parameter at fault (paper,
// orientation, dpi, bbox, date, format, title, subtitle, layers), the
// value given and what is wrong with it. Err wraps one of the Err*
// sentinels, or overlays.ErrUnknownLayer for the layers.
type RequestError struct {
	Param string
	Value string
	Err   error
}

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 64

// Error formats the problem as `param "value": what is wrong`.
func (e *RequestError) Error() string {
	v := fmt.Sprintf("%q", e.Value)
	if len(e.Value) > maxQuoted {
		v = fmt.Sprintf("%q… (%d bytes)", e.Value[:maxQuoted], len(e.Value))
	}
	return fmt.Sprintf("%s %s: %v", e.Param, v, e.Err)
}

// Unwrap returns the underlying error.
func (e *RequestError) Unwrap() error { return e.Err }

func badParam(param, value string, err error) error {
	return &RequestError{Param: param, Value: value, Err: err}
}
