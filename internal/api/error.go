package api

import (
	"fmt"
	"net/http"
)

// Error is a client error: a message naming the part of the
// request at fault (z, x, y, scale, extension, date, layers, url, …), the
// value found and what was expected. It becomes a 4xx JSON response.
type Error struct {
	Status int    // 400 unless set
	Part   string // the bad part, for tests and logs
	Msg    string
	Err    error // the underlying error, if any
	// RetryAfter, when positive, is sent as Retry-After, in seconds.
	RetryAfter int
}

// Error returns the message sent to the client.
func (e *Error) Error() string { return e.Msg }

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// BadPart returns a 400 error about one part of the request.
func BadPart(part, value, want string) *Error {
	return &Error{Status: http.StatusBadRequest, Part: part, Msg: part + " " + Quote(value) + ": " + want}
}

// MaxQuoted bounds how much of a bad value an error message repeats.
const MaxQuoted = 64

// Quote quotes a value for a message, shortened when long.
func Quote(s string) string {
	if len(s) > MaxQuoted {
		return fmt.Sprintf("%q… (%d bytes)", s[:MaxQuoted], len(s))
	}
	return fmt.Sprintf("%q", s)
}
