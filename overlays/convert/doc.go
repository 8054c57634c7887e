// Package convert holds what xiang's readers and writers of other formats
// (overlays/kml, overlays/gpx, overlays/table) share: the layer they read
// into (GeoJSON features, each with the line of the input it came from),
// problems positioned as FILE:LINE, the summary of what was skipped or
// rounded, time values at any ISO 8601 precision kept to the day, layer ids
// from file names, and XML read in whatever encoding its declaration names.
//
// It does not validate: overlays.Load does that, on the layer files a
// Layer marshals to.
package convert
