package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// page is what one viewer's index.html names: its map library and its
// script. The rest of the page is the same for both viewers: the panel of
// assets/index.html, page.js (title, slider, play, events, legend, URL
// state, embed snippet), site.css and the pmtiles reader.
type page struct {
	// Library is the map library's files without their .css and .js.
	Library string
	// Script is the viewer's own script, loaded after page.js.
	Script string
	// Icon gives the page an empty data: icon, so that the browser asks
	// the host for no favicon.
	Icon bool
}

var (
	// leafletPage is the page of Build's site: Leaflet and site.js.
	leafletPage = page{Library: "leaflet/leaflet", Script: "site.js"}
	// vectorPage is the page of BuildVector's site: MapLibre and
	// vector.js.
	vectorPage = page{Library: "maplibre/maplibre-gl", Script: "vector.js", Icon: true}
)

// pageTemplate is assets/index.html, the page of both viewers.
var pageTemplate = template.Must(template.ParseFS(assets, "assets/index.html"))

// asset is a file of a site: from in src, written at to (slash-separated,
// relative to the site).
type asset struct {
	src      fs.FS
	from, to string
}

// pageAssets are the files both viewers' pages load besides their map
// library and script.
var pageAssets = []asset{
	{assets, "assets/page.js", "page.js"},
	{assets, "assets/site.css", "site.css"},
	{assets, "assets/pmtiles/pmtiles.js", "pmtiles/pmtiles.js"},
	{assets, "assets/pmtiles/LICENSE", "pmtiles/LICENSE"},
}

// render returns p's index.html.
func (p page) render() ([]byte, error) {
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, p); err != nil {
		return nil, fmt.Errorf("site: index.html of %s: %w", p.Script, err)
	}
	return b.Bytes(), nil
}

// tree lists the files below root in src as assets written below to.
func tree(src fs.FS, root, to string) ([]asset, error) {
	var out []asset
	err := fs.WalkDir(src, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		out = append(out, asset{src, p, path.Join(to, p[len(root):])})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("site: %s: %w", root, err)
	}
	return out, nil
}

// writePage writes a viewer into dir: p's index.html, the shared page
// files and the viewer's own files. It returns their size.
func writePage(dir string, p page, files []asset) (int64, error) {
	index, err := p.render()
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("site: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), index, 0o644); err != nil {
		return 0, fmt.Errorf("site: %w", err)
	}
	n := int64(len(index))
	for _, a := range append(pageAssets[:len(pageAssets):len(pageAssets)], files...) {
		b, err := fs.ReadFile(a.src, a.from)
		if err != nil {
			return 0, fmt.Errorf("site: %w", err)
		}
		out := filepath.Join(dir, filepath.FromSlash(a.to))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return 0, fmt.Errorf("site: %w", err)
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return 0, fmt.Errorf("site: %w", err)
		}
		n += int64(len(b))
	}
	return n, nil
}
