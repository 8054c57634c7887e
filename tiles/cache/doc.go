// Package cache is a memory-bounded least-recently-used map that coalesces
// concurrent loads of the same missing key.
//
// The bound is in bytes as reported by a size function given to New, so a
// cache of encoded tiles holds as many tiles as fit, large or small. Do
// loads a missing value once for every concurrent caller asking for its key
// (as golang.org/x/sync/singleflight does) and stores it. The cache knows
// nothing of tiles or HTTP: the server keys rendered tiles by their plan
// keys, and the renderer keys label layouts by layers, day, zoom and scale.
package cache
