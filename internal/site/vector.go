package site

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles/fonts"
	"github.com/xiang-maps/xiang/tiles/glyphs"
	"github.com/xiang-maps/xiang/tiles/mapstyle"
	"github.com/xiang-maps/xiang/tiles/seed"
	"github.com/xiang-maps/xiang/tiles/sprite"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// vectorAssets are the vector site's own script (its page is the
// Leaflet site's, see page).
//
//go:embed vector
var vectorAssets embed.FS

// ArchiveName is the vector site's archive of every date.
const ArchiveName = "campaign.pmtiles"

// VectorManifest is the vector site's site.json: what the page needs
// besides the style.
type VectorManifest struct {
	Title       string     `json:"title"`
	Attribution string     `json:"attribution"`
	Bounds      [4]float64 `json:"bounds"`
	// MinZoom and MaxZoom are the archive's tile zooms (MapLibre draws
	// vector tiles as 512-px tiles: its zoom z reads tiles of zoom z).
	MinZoom int `json:"minzoom"`
	MaxZoom int `json:"maxzoom"`
	// Dates are the slider's first and last day; it moves by days.
	Dates  []string      `json:"dates"`
	Events []Event       `json:"events"`
	Legend []LegendEntry `json:"legend"`
}

// VectorStats says what a vector site holds.
type VectorStats struct {
	// Tiles is the number of vector tiles in the archive, ArchiveBytes its
	// size; StyleBytes is style.json's, SpriteBytes the sprite's (both
	// ratios), GlyphBytes the glyph PBFs' (GlyphRanges of them),
	// AssetBytes the page's, MapLibre's and the pmtiles reader's.
	Tiles                                                         int
	GlyphRanges                                                   int
	ArchiveBytes, StyleBytes, SpriteBytes, GlyphBytes, AssetBytes int64
}

// BuildVector writes a one-archive static site into cfg.Dir: every date
// of cfg.Selection in one PMTiles archive of vector tiles (campaign.pmtiles,
// cfg.MinZoom to cfg.MaxZoom over cfg.Bounds), the MapLibre style rewritten
// for a static host (the archive through the pmtiles reader's protocol,
// sprite and glyphs as files), the sprite, the glyph ranges the labels
// need, and the vector viewer: the slider from the first to the last of
// cfg.Days changes the style's day and loads nothing. cfg.Scale is not
// used.
func BuildVector(ctx context.Context, cfg Config) (VectorStats, error) {
	var st VectorStats
	if len(cfg.Days) == 0 {
		return st, errors.New("site: no dates")
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return st, err
	}
	first, last := cfg.Days[0], cfg.Days[len(cfg.Days)-1]
	var err error
	if st.Tiles, st.ArchiveBytes, err = writeVectorArchive(ctx, cfg, filepath.Join(cfg.Dir, ArchiveName)); err != nil {
		return st, err
	}

	style := siteStyle(cfg.Selection, first)
	sj, err := style.JSON()
	if err != nil {
		return st, fmt.Errorf("site: style: %w", err)
	}
	if st.StyleBytes, err = writeBytes(filepath.Join(cfg.Dir, "style.json"), sj); err != nil {
		return st, err
	}
	for _, ratio := range []int{1, 2} {
		sh, err := sprite.Build(cfg.Selection, ratio)
		if err != nil {
			return st, fmt.Errorf("site: sprite: %w", err)
		}
		name := "sprite"
		if ratio == 2 {
			name += "@2x"
		}
		for ext, b := range map[string][]byte{".json": sh.JSON, ".png": sh.PNG} {
			n, err := writeBytes(filepath.Join(cfg.Dir, name+ext), b)
			if err != nil {
				return st, err
			}
			st.SpriteBytes += n
		}
	}
	if st.GlyphRanges, st.GlyphBytes, err = writeGlyphs(ctx, cfg.Dir, style, cfg.Selection); err != nil {
		return st, err
	}

	m := VectorManifest{Title: cfg.Title, Attribution: html.EscapeString(cfg.Selection.Attribution()),
		Bounds:  [4]float64{cfg.Bounds.Min.Lon(), cfg.Bounds.Min.Lat(), cfg.Bounds.Max.Lon(), cfg.Bounds.Max.Lat()},
		MinZoom: cfg.MinZoom, MaxZoom: cfg.MaxZoom,
		Dates:  []string{first.String(), last.String()},
		Events: events(cfg.Selection, []geo.Day{first, last}), Legend: legend(cfg.Selection)}
	mj, err := json.Marshal(m)
	if err != nil {
		return st, err
	}
	if _, err := writeBytes(filepath.Join(cfg.Dir, "site.json"), mj); err != nil {
		return st, err
	}
	st.AssetBytes, err = writeVectorAssets(cfg.Dir)
	return st, err
}

// siteStyle is xiang's style of the selection on day, its URLs relative
// to the site: the archive through the pmtiles protocol, the sprite and
// the glyphs as files. The page makes them absolute.
func siteStyle(sel overlays.Selection, day geo.Day) *mapstyle.Style {
	s := mapstyle.New(sel, mapstyle.Options{Day: day})
	for id, src := range s.Sources {
		src.URL = "pmtiles://" + ArchiveName
		s.Sources[id] = src
	}
	s.Sprite = "sprite"
	s.Glyphs = "fonts/{fontstack}/{range}.pbf"
	return s
}

// writeGlyphs writes fonts/{stack}/{range}.pbf for every font stack of the
// style and every range holding a character of a name of the selection
// that MapLibre asks the server for (and the first range, of digits and
// Latin letters). It returns the number of files and their size.
func writeGlyphs(ctx context.Context, dir string, style *mapstyle.Style, sel overlays.Selection) (int, int64, error) {
	var stacks []string
	for _, l := range style.Layers {
		list, ok := l.Layout["text-font"].([]any)
		if !ok {
			continue
		}
		var names []string
		for _, f := range list {
			if s, ok := f.(string); ok {
				names = append(names, s)
			}
		}
		if s := strings.Join(names, ","); s != "" && !slices.Contains(stacks, s) {
			stacks = append(stacks, s)
		}
	}
	starts := map[rune]bool{0: true}
	for _, l := range sel {
		for _, f := range l.Features {
			for _, r := range f.Name + f.NameZh {
				if !drawnLocally(r) {
					starts[r&^255] = true
				}
			}
		}
	}
	srv := glyphs.NewServer(fonts.Default(), 64<<20, 1)
	var files int
	var size int64
	for _, stack := range stacks {
		for start := range starts {
			b, err := srv.PBF(ctx, stack, glyphs.Range(start))
			if err != nil {
				return 0, 0, fmt.Errorf("site: glyphs %s %s: %w", stack, glyphs.Range(start), err)
			}
			p := filepath.Join(dir, "fonts", stack, glyphs.Range(start)+".pbf")
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return 0, 0, err
			}
			n, err := writeBytes(p, b.Body)
			if err != nil {
				return 0, 0, err
			}
			files++
			size += n
		}
	}
	return files, size, nil
}

// localRanges are the code points MapLibre GL JS 5 draws with the
// browser's own font (its localIdeographFontFamily, "sans-serif" by
// default, as the site's page leaves it) instead of asking for glyphs:
// CJK ideographs, kana, Hangul, CJK punctuation and full-width forms (the
// Basic Multilingual Plane part of its test).
var localRanges = [][2]rune{
	{0x02EA, 0x02EB}, {0x1100, 0x11FF}, {0x2E80, 0x2FDF}, {0x3000, 0x30FF}, {0x3105, 0x312F},
	{0x3131, 0x318E}, {0x31A0, 0x4DBF}, {0x4E00, 0xA48C}, {0xA490, 0xA4C6}, {0xA960, 0xA97C},
	{0xAC00, 0xD7C6}, {0xD7CB, 0xD7FB}, {0xF900, 0xFA6D}, {0xFA70, 0xFAD9}, {0xFE10, 0xFE1F},
	{0xFE30, 0xFE4F}, {0xFF00, 0xFFEF},
}

// drawnLocally reports whether MapLibre draws r without glyphs.
func drawnLocally(r rune) bool {
	for _, lr := range localRanges {
		if lr[0] <= r && r <= lr[1] {
			return true
		}
	}
	return false
}

// writeBytes writes b to path through a temporary name and returns its
// size.
func writeBytes(path string, b []byte) (int64, error) {
	return writeFile(path, func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
}

// writeVectorAssets writes the vector viewer: the page, vector.js, the
// shared page files and MapLibre (the viewer's copy). It returns their
// size.
func writeVectorAssets(dir string) (int64, error) {
	return writePage(dir, vectorPage, []asset{
		{vectorAssets, "vector/vector.js", "vector.js"},
		{web.Files(), "maplibre/maplibre-gl.js", "maplibre/maplibre-gl.js"},
		{web.Files(), "maplibre/maplibre-gl.css", "maplibre/maplibre-gl.css"},
		{web.Files(), "maplibre/LICENSE.txt", "maplibre/LICENSE.txt"},
	})
}

// writeVectorArchive seeds the archive of vector tiles of every date at
// path (resuming an interrupted build through seed's journal) and returns
// its tile count and size.
func writeVectorArchive(ctx context.Context, cfg Config, path string) (int, int64, error) {
	set, err := vector.Compile(ctx, cfg.Selection, cfg.Renderer, vector.Limits{})
	if err != nil {
		return 0, 0, fmt.Errorf("site: %w", err)
	}
	job := seed.Job{Renderer: cfg.Renderer, Selection: cfg.Selection, Day: geo.NoDay, Bounds: cfg.Bounds,
		MinZoom: cfg.MinZoom, MaxZoom: cfg.MaxZoom, Scale: 1, Format: seed.PMTiles, Path: path,
		Workers: cfg.Workers, Vector: set, Name: cfg.Title}
	if cfg.Progress != nil {
		job.Progress = func(done, total int) { cfg.Progress("vector", done, total) }
	}
	st, err := seed.Run(ctx, job)
	if err != nil {
		return 0, 0, err
	}
	return st.Tiles, st.Bytes, nil
}
