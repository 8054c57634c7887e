// Package vector compiles a selection of xiang's layers into Mapbox Vector
// Tiles (MVT 2.1) that hold every date at once, per docs/vector.md.
//
// Compile turns each feature into pieces in world coordinates (geo.World),
// each valid from a start day to an end day: a movement becomes one piece
// of its route per day of its advance and one arrowhead per position, so
// that the filter start_day <= D <= end_day draws exactly what the time
// model (overlays.Feature.At) draws on day D. Set.Encode then writes one
// tile: the pieces near it (a grid index), clipped to the tile with a
// buffer, projected to the tile's extent, simplified for its zoom and
// marshalled with github.com/paulmach/orb/encoding/mvt.
package vector
