// Package tiles draws a campaign's features: XYZ tiles, and any rectangle
// of the Web Mercator world at any zoom (static images, animation frames,
// print sheets), encoded as PNG or animated GIF.
//
// Rendering is split in two steps. Plan finds the features near the frame
// through a spatial index, takes their state on the day, simplifies them
// for the zoom, shapes them into drawing operations (paint.Prim: unit
// symbols, tapered arrows, rings with teeth, dashed outlines) and clips
// them to the frame grown by each operation's ink, in frame pixels
// quantized to 1/64 pixel; labels are placed once per layers, day, zoom and
// scale over the whole campaign (kept in a cache.Cache) and each frame
// takes those that touch it. A Plan therefore knows exactly what the frame
// will show: Empty reports an empty frame without drawing, and Key
// identifies the drawing, so a cache can answer equal plans with the same
// bytes. Draw rasterizes with package paint (golang.org/x/image/vector);
// Encode writes tiles with package fastpng.
//
// Because every feature whose ink reaches a frame is drawn in it, with the
// same geometry in the same world pixel space, neighbouring tiles join
// without seams.
//
// gg (github.com/fogleman/gg) draws only the furniture of pictures:
// captions and attribution boxes here, the legend, scale bar and sheet in
// tiles/sheet.
package tiles
