package overlays

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/paulmach/orb/geojson"
)

// propReader reads typed values from feature properties and collects an
// error for each value of the wrong type, instead of panicking as orb's
// Must* helpers do.
type propReader struct {
	props geojson.Properties
	errs  []error
}

func (p *propReader) has(key string) bool {
	v, ok := p.props[key]
	return ok && v != nil
}

func (p *propReader) str(key string) string {
	v, ok := p.props[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		p.errs = append(p.errs, fmt.Errorf("%s: got %s, want a string", key, typeName(v)))
	}
	return s
}

func (p *propReader) num(key string) (float64, bool) {
	v, ok := p.props[key]
	if !ok || v == nil {
		return 0, false
	}
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		p.errs = append(p.errs, fmt.Errorf("%s: got %s, want a number", key, typeName(v)))
		return 0, false
	}
	return f, true
}

// enum reads a string that must be one of allowed.
func (p *propReader) enum(key string, allowed []string) string {
	s := p.str(key)
	if s != "" && !slices.Contains(allowed, s) {
		p.errs = append(p.errs, fmt.Errorf("%s %q: want one of %s", key, s, strings.Join(allowed, ", ")))
		return ""
	}
	return s
}

func typeName(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("string %q", v)
	case float64:
		return fmt.Sprintf("number %g", v)
	case bool:
		return fmt.Sprintf("%t", v)
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
