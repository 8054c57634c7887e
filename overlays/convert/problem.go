package convert

import (
	"errors"
	"fmt"
	"strings"

	"github.com/xiang-maps/xiang/overlays"
)

// ErrInput is wrapped by every Problem.
var ErrInput = errors.New("invalid input")

// Problem is one thing wrong with an input file, at a line (0 when the
// problem is with the file as a whole or its line is unknown).
type Problem struct {
	File string
	Line int
	Err  error
}

// Error formats the problem as `FILE:LINE: what is wrong`.
func (p *Problem) Error() string {
	if p.File == "" {
		return p.Err.Error() // an error that names its file itself
	}
	name := overlays.QuoteName(p.File)
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", name, p.Line, p.Err)
	}
	return fmt.Sprintf("%s: %v", name, p.Err)
}

// Unwrap returns the underlying error and ErrInput.
func (p *Problem) Unwrap() []error { return []error{p.Err, ErrInput} }

// Problems collects the problems of one or more inputs, keeping the first
// overlays.MaxProblems and counting the rest.
type Problems struct {
	List []*Problem
	More int
}

// Add records a problem at file:line.
func (ps *Problems) Add(file string, line int, err error) {
	if len(ps.List) < overlays.MaxProblems {
		ps.List = append(ps.List, &Problem{File: file, Line: line, Err: err})
	} else {
		ps.More++
	}
}

// Addf records a problem at file:line with a formatted message.
func (ps *Problems) Addf(file string, line int, format string, args ...any) {
	ps.Add(file, line, fmt.Errorf(format, args...))
}

// Len returns the number of problems found, kept or not.
func (ps *Problems) Len() int { return len(ps.List) + ps.More }

// Err returns nil when there is no problem, else ps itself.
func (ps *Problems) Err() error {
	if ps.Len() == 0 {
		return nil
	}
	return ps
}

// Error lists the kept problems, one a line, and how many more there were.
func (ps *Problems) Error() string {
	var b strings.Builder
	for i, p := range ps.List {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Error())
	}
	if ps.More > 0 {
		fmt.Fprintf(&b, "\n… and %d more problem(s)", ps.More)
	}
	return b.String()
}

// Unwrap returns the kept problems, for errors.Is and errors.As.
func (ps *Problems) Unwrap() []error {
	out := make([]error, len(ps.List))
	for i, p := range ps.List {
		out[i] = p
	}
	return out
}
