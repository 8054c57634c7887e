// Package mbtiles writes and reads MBTiles 1.3 archives: SQLite databases
// of tiles that GDAL, QGIS, mbtileserver and most tile tools read
// (https://github.com/mapbox/mbtiles-spec/blob/master/1.3/spec.md).
//
// Archives use the schema mbutil writes, which stores identical tiles
// once: a table map from tile addresses to content ids, a table images
// from content ids to bytes, and the view tiles that joins them, which is
// what readers query. Rows are TMS (tile_row counts from the south), as
// the specification says; the API takes and returns XYZ tiles.
//
// The SQLite driver is modernc.org/sqlite, which needs no cgo.
package mbtiles
