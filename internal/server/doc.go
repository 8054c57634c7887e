// Package server is xiang's HTTP service: XYZ tiles of a campaign for any
// date, TileJSON, the layer catalog, GeoJSON of a date, the event list, the
// legend and its swatches, static images and animated GIFs for articles,
// the viewer (internal/web) with its embed page and oEmbed, health and
// Prometheus metrics, on the routes fixed by the design (docs/http.md lists
// them with their caching rules).
//
// Tiles are cached by what they show, not by their URL: a request is
// planned (tiles.Renderer.Plan), and the plan's Key — the quantized clipped
// geometry and styles in the tile, independent of the date and the tile's
// address — names the encoded bytes in a byte-bounded LRU (tiles/cache)
// and is the tile's strong ETag. A sweep over consecutive dates therefore
// renders a tile only on the days its content changes, and a client or CDN
// revalidating a tile gets a 304 whenever its content is unchanged. A
// second, smaller LRU maps tile addresses (data generation, layer list,
// date, z/x/y, scale) to those keys, so a warm request neither plans nor
// renders: it parses the URL, does two map lookups and writes bytes and
// headers prepared when the tile was cached.
//
// Server is also the Responder of a fast lane (internal/fastlane, started
// by FastLane): warm tiles are answered by Respond with heads prepared
// once per cached tile from the headers api.ServeEntry and the CORS
// middleware set, and a cold tile declined there reaches handleTile with
// its parse and failed lookup noted, so neither is done twice.
//
// Renders run on at most Config.MaxRenders goroutines at once, concurrent
// requests for the same content share one render, and a request waits for
// its render at most Config.RenderTimeout. The campaign and its renderer
// are swapped atomically by Reload, which keeps the old data serving when
// the new data does not validate.
//
// Static images and GIFs are cached by request in their own byte-bounded
// LRU, with the hash of their bytes as strong ETag; tiles/view turns
// their URLs' views and sizes into frames, as it does for the static and
// animate commands.
package server
