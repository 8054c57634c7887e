// Package tiles draws a campaign's features with gg: XYZ tiles, and any
// rectangle of the Web Mercator world at any zoom (static images, animation
// frames, print sheets), and encodes them as PNG.
//
// Rendering is split in two steps. Plan finds the features near the frame
// through a spatial index, takes their state on the day, simplifies them for
// the zoom and clips them to the frame grown by each feature's pixel overhang
// (stroke, marker, arrowhead), in the 1/64-pixel fixed point gg rasterizes
// in. A Plan therefore knows exactly what the frame will show: Empty reports
// an empty frame without drawing, and Key identifies the drawing, so a cache
// can answer equal plans with the same bytes. Draw and Encode then rasterize
// and encode.
//
// Because every feature whose overhang reaches a frame is drawn in it, with
// the same geometry in the same world pixel space, neighbouring tiles join
// without seams.
package tiles
