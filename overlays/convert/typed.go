package convert

import "strconv"

// numeric are the properties xiang reads as numbers.
var numeric = map[string]bool{"rank": true, "stroke-width": true, "stroke-opacity": true, "fill-opacity": true}

// Typed turns a text value (from KML's ExtendedData, a CSV cell) into the JSON type xiang expects of
// the property; a value that does not parse stays a string, for
// validation to report.
func Typed(key, v string) any {
	switch {
	case numeric[key]:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	case key == "approximate":
		if b, err := strconv.ParseBool(v); err == nil {
			return b
		}
	}
	return v
}
