// Package pmtiles writes and reads PMTiles version 3 archives: one file of
// tiles, addressed by Hilbert tile IDs through compressed directories, that
// any static host serves to browsers with HTTP range requests
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md).
//
// A Writer takes tiles in increasing tile ID order and writes a clustered
// archive: tile data in ID order, identical tiles stored once (their
// entries share an offset, and runs of them become one entry with a run
// length), gzip-compressed directories, leaf directories when the root
// would not fit in the first 16 KiB, and JSON metadata. A Reader finds
// tiles and reads the metadata of such an archive, or of any PMTiles v3
// archive whose directories are gzip-compressed or uncompressed.
//
// The package knows nothing of what the tiles show; it stores bytes.
package pmtiles
