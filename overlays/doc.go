// Package overlays loads and validates dated GeoJSON campaign layers and
// answers what is on the map on a given day: which features are visible, how
// far each movement has got, and how each feature is styled.
//
// The file format is documented in docs/format.md. A Campaign is read-only
// once loaded and safe for concurrent use. Drawing is the tiles package's job.
package overlays
