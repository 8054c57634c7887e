// Package gpx reads GPX 1.0 and 1.1 files into xiang layers: a track
// (trk, its segments joined) becomes a movement, with coordTimes when its
// points have times; a route (rte) an undated movement; a waypoint (wpt) a
// place, or an event when it has a time. Files are read in any encoding
// their XML declaration names: GPS units and old tools write ISO-8859-1.
package gpx
