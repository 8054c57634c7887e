package site

import "embed"

// assets are the site's own files: index.html, site.js, site.css and the
// vendored pmtiles reader.
//
//go:embed assets
var assets embed.FS
