package site

import "embed"

// assets are the site's own files: the page of both viewers (index.html,
// a template, page.js and site.css), the Leaflet viewer's site.js and the
// vendored pmtiles reader.
//
//go:embed assets
var assets embed.FS
