// Package seed renders a pyramid of tiles — a box, a range of zooms, one
// date — into an archive file (PMTiles or MBTiles), with a pool of
// workers, in a way that survives being killed.
//
// Each rendered tile is appended, with a checksum, to a journal beside the
// archive (.NAME.journal). A run that finds a journal for the same job
// (same layers and data, date, box, zooms, scale and format) keeps the
// tiles it holds and renders only the rest; a torn last record, as
// SIGKILL may leave, is cut off. Once every tile is in the journal the
// archive is built from it into a temporary file, synced and renamed into
// place, and the journal removed: the archive's name only ever holds a
// complete archive. Tiles are the bytes `xiang serve` answers for the same
// address: tiles.Renderer.Plan and Encode, the canonical empty PNG for
// empty tiles, every tile of the box stored (identical ones once).
package seed
