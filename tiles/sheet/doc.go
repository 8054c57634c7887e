// Package sheet lays out and writes printable maps: one page of A4, A3,
// Letter or Tabloid, portrait or landscape, at 72 to 600 dpi, as PDF or
// PNG.
//
// A sheet holds the map of the selected layers on a date (or the summary
// map) fitted to a box or to the layers, with the furniture of an atlas
// page: title, subtitle and date line; a graticule with degree labels; a
// legend made from the same entries as the tiles' (tiles.Legend); a scale
// bar in kilometres that is true at the map's centre latitude, with the
// representative fraction; a north arrow; a locator map placing the map in
// China (outline from Natural Earth, public domain); the list of sources
// cited by the features visible on the sheet; and the attribution.
//
// The map is drawn by the tiles package at a scale of DPI/96, so its lines,
// symbols and labels have the size on paper they have on a screen at 100 %,
// and its zoom does not depend on the resolution. Memory stays bounded: the
// map is drawn in horizontal strips of the same zoom (tiles places labels
// once for the whole campaign, so strips join without seams), a PDF embeds
// each strip as an image, and a PNG is encoded band by band. A whole sheet
// may have at most MaxPixels pixels.
//
// In a PDF the map is a raster image at the sheet's resolution and the
// furniture is vector graphics and text in the embedded Go fonts; legend
// swatches and text the Go fonts cannot set (Chinese source titles) are
// small raster images at the same resolution. A PNG is the same page drawn
// whole as a raster.
//
// ParseRequest reads a request from URL query parameters, and Write
// renders it; bad requests are *RequestError values that wrap one of the
// Err* sentinels.
package sheet
