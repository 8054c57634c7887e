// Package geo holds xiang's small geographic and calendar vocabulary, on top
// of github.com/paulmach/orb: calendar days and reduced-precision ISO 8601
// dates as spans, positions along a route by geodesic length, and the
// projection of lon/lat geometry to Web Mercator world coordinates.
//
// It knows nothing of layers, features or drawing.
package geo
