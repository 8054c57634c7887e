// Package kml reads KML 2.2 and KMZ files into xiang layers and writes
// layers as KML and KMZ that keep their times.
//
// Reading: Placemarks with Point, LineString, LinearRing, Polygon,
// MultiGeometry, gx:Track and gx:MultiTrack; the Document's name titles the
// layer and a Folder's name is kept in the property "folder"; TimeStamp
// and TimeSpan at any precision, kept to the day; ExtendedData (Data and
// SchemaData) as properties; styles as sides where they are xiang's, else
// as simplestyle colours. Tours, overlays, network links, models and
// placemarks without geometry are skipped and counted.
//
// Writing: one Folder per layer, a TimeSpan on every dated feature,
// movements as gx:Track with a time per vertex (from coordTimes, or
// interpolated along the line by length between start and end), a style
// per side, names in both scripts, and every property in ExtendedData, so
// that reading the file back gives the same layer.
package kml
