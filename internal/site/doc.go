// Package site builds a static web site of a campaign — a viewer with a
// date slider and the tiles of a box, zooms and dates — that any static
// host honouring HTTP range requests serves (S3, GitHub Pages, nginx).
//
// Tiles are stored once across dates: the site holds one PMTiles archive,
// tiles.pmtiles, of the distinct tile bodies, the n-th body at the tile whose
// PMTiles ID is n, and site.json, which for each date maps every tile
// address of the box to a body number (the first date in full, each later
// date as its changes). The viewer (Leaflet and the pmtiles reader from
// npm, vendored) reads both; so the site's bytes grow with the distinct
// tiles, not with dates × tiles. The tiles are rendered through package
// seed, per date, so an interrupted build resumes.
package site
