package site

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/web"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// Config says what site to build. Renderer, Selection, Days, Bounds, the
// zooms and Dir are required.
type Config struct {
	Renderer  *tiles.Renderer
	Selection overlays.Selection
	// Days are the dates of the slider, in order.
	Days             []geo.Day
	Bounds           orb.Bound
	MinZoom, MaxZoom int
	// Scale is 1 or 2 (512 px tiles for high-resolution screens); zero
	// means 1.
	Scale int
	// Dir is the output directory; its .seed subdirectory holds the
	// per-date archives while the site is built.
	Dir string
	// Workers renders tiles at once; zero means the number of CPUs.
	Workers int
	// Title names the site.
	Title string
	// Progress, when set, is called as seed.Job.Progress for each date.
	Progress func(date string, done, total int)
}

// Stats says what was built.
type Stats struct {
	Dates, Tiles, Distinct int
	// TileBytes is the size of tiles.pmtiles, IndexBytes of site.json,
	// AssetBytes of the viewer; DistinctBytes the sum of the distinct
	// tile bodies; ArchiveBytes the sum of the per-date archives seed
	// wrote on the way.
	TileBytes, IndexBytes, AssetBytes, DistinctBytes, ArchiveBytes int64
}

// Manifest is site.json.
type Manifest struct {
	Title       string     `json:"title"`
	Attribution string     `json:"attribution"`
	Bounds      [4]float64 `json:"bounds"`
	MinZoom     int        `json:"minzoom"`
	MaxZoom     int        `json:"maxzoom"`
	Scale       int        `json:"scale"`
	Dates       []string   `json:"dates"`
	// Grid lists, zoom by zoom, the tiles of the box as [z, x0, y0, x1,
	// y1]; a tile's position is its rank in this order (rows of x).
	Grid [][5]int `json:"grid"`
	// Base holds the body number of each position on the first date;
	// Changes, for each later date, [position, body] pairs against the
	// date before it.
	Base    []int      `json:"base"`
	Changes [][][2]int `json:"changes"`
	// Empty is the body number of the transparent tile, which the viewer
	// need not fetch (-1 if none).
	Empty  int           `json:"empty"`
	Events []Event       `json:"events"`
	Legend []LegendEntry `json:"legend"`
}

// Event is a dated event of the slider's list.
type Event struct {
	Date string `json:"date"`
	End  string `json:"end,omitempty"`
	Name string `json:"name"`
	Side string `json:"side,omitempty"`
}

// LegendEntry is one line of the legend: a colour and what it means.
type LegendEntry struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// Build renders the tiles of every date (resuming an interrupted build)
// and writes the site into cfg.Dir.
func Build(ctx context.Context, cfg Config) (Stats, error) {
	var st Stats
	if len(cfg.Days) == 0 {
		return st, errors.New("site: no dates")
	}
	if cfg.Scale == 0 {
		cfg.Scale = 1
	}
	list, err := seed.Cover(cfg.Bounds, cfg.MinZoom, cfg.MaxZoom)
	if err != nil {
		return st, fmt.Errorf("site: %w", err)
	}
	work := filepath.Join(cfg.Dir, ".seed")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return st, err
	}
	// Files a killed build was writing through a temporary name.
	temps, _ := filepath.Glob(filepath.Join(cfg.Dir, ".site-*"))
	for _, f := range temps {
		os.Remove(f)
	}
	var paths []string
	for _, d := range cfg.Days {
		job := seed.Job{Renderer: cfg.Renderer, Selection: cfg.Selection, Day: d, Bounds: cfg.Bounds,
			MinZoom: cfg.MinZoom, MaxZoom: cfg.MaxZoom, Scale: cfg.Scale, Format: seed.PMTiles,
			Path: filepath.Join(work, d.String()+".pmtiles"), Workers: cfg.Workers}
		if cfg.Progress != nil {
			date := d.String()
			job.Progress = func(done, total int) { cfg.Progress(date, done, total) }
		}
		s, err := seed.Run(ctx, job)
		if err != nil {
			return st, err
		}
		st.ArchiveBytes += s.Bytes
		paths = append(paths, job.Path)
	}

	m := Manifest{Title: cfg.Title, Attribution: html.EscapeString(cfg.Selection.Attribution()),
		Bounds:  [4]float64{cfg.Bounds.Min.Lon(), cfg.Bounds.Min.Lat(), cfg.Bounds.Max.Lon(), cfg.Bounds.Max.Lat()},
		MinZoom: cfg.MinZoom, MaxZoom: cfg.MaxZoom, Scale: cfg.Scale, Empty: -1,
		Events: events(cfg.Selection, cfg.Days), Legend: legend(cfg.Selection)}
	for z := cfg.MinZoom; z <= cfg.MaxZoom; z++ {
		zl, _ := seed.Cover(cfg.Bounds, z, z)
		a, b := zl[0], zl[len(zl)-1]
		m.Grid = append(m.Grid, [5]int{z, int(a.X), int(a.Y), int(b.X), int(b.Y)})
	}
	// The spool lives in the work directory, which a finished build
	// removes and a killed one leaves for the next run to clear.
	spools, _ := filepath.Glob(filepath.Join(work, ".spool-*"))
	for _, f := range spools {
		os.Remove(f)
	}
	w, err := pmtiles.NewWriter(work, ".spool-*")
	if err != nil {
		return st, err
	}
	defer w.Close()
	bodies := map[[sha256.Size]byte]int{}
	empty := fastEmpty(cfg)
	var prev []int
	for i, p := range paths {
		m.Dates = append(m.Dates, cfg.Days[i].String())
		ids, err := readDate(p, list, func(data []byte) (int, error) {
			sum := sha256.Sum256(data)
			if id, ok := bodies[sum]; ok {
				return id, nil
			}
			id := len(bodies)
			bodies[sum] = id
			st.DistinctBytes += int64(len(data))
			if string(data) == string(empty) {
				m.Empty = id
			}
			return id, w.Add(tileOf(id), data)
		})
		if err != nil {
			return st, err
		}
		if i == 0 {
			m.Base = ids
		} else {
			ch := [][2]int{}
			for pos, id := range ids {
				if id != prev[pos] {
					ch = append(ch, [2]int{pos, id})
				}
			}
			m.Changes = append(m.Changes, ch)
		}
		prev = ids
	}
	st.Dates, st.Tiles, st.Distinct = len(paths), len(list), len(bodies)

	if st.TileBytes, err = writeFile(filepath.Join(cfg.Dir, "tiles.pmtiles"), func(f *os.File) error {
		return w.Finish(f, pmtiles.Info{TileType: pmtiles.TypePNG, Bounds: cfg.Bounds, Metadata: []byte(`{"name":"xiang site: distinct tiles, by body number"}`)})
	}); err != nil {
		return st, err
	}
	mj, err := json.Marshal(m)
	if err != nil {
		return st, err
	}
	if st.IndexBytes, err = writeFile(filepath.Join(cfg.Dir, "site.json"), func(f *os.File) error {
		_, err := f.Write(mj)
		return err
	}); err != nil {
		return st, err
	}
	if st.AssetBytes, err = writeAssets(cfg.Dir); err != nil {
		return st, err
	}
	return st, os.RemoveAll(work)
}

// tileOf is the tile where body number id is stored: the tile whose
// PMTiles ID is id, so that bodies go in in increasing ID order.
func tileOf(id int) maptile.Tile {
	t, _ := pmtiles.Tile(uint64(id))
	return t
}

// fastEmpty is the canonical empty tile of the site's scale.
func fastEmpty(cfg Config) []byte {
	s := geo.TileSize * cfg.Scale
	return cfg.Renderer.EmptyPNG(s, s)
}

// readDate returns the body number of every tile of list in the archive
// at path, numbering bodies with id.
func readDate(path string, list []maptile.Tile, id func([]byte) (int, error)) ([]int, error) {
	a, err := seed.Open(path)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	ids := make([]int, len(list))
	for i, t := range list {
		data, ok, err := a.Tile(context.Background(), t)
		if err == nil && !ok {
			err = fmt.Errorf("%s: tile %d/%d/%d missing", path, t.Z, t.X, t.Y)
		}
		if err == nil {
			ids[i], err = id(data)
		}
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
	}
	return ids, nil
}

// writeFile writes a file through a temporary name and returns its size.
func writeFile(path string, write func(*os.File) error) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".site-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(f.Name())
	err = write(f)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("site: %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// writeAssets writes the viewer: the page, site.js, the shared page files
// and Leaflet (the viewer's copy). It returns their size.
func writeAssets(dir string) (int64, error) {
	files, err := tree(web.Files(), "leaflet", "leaflet")
	if err != nil {
		return 0, err
	}
	return writePage(dir, leafletPage, append([]asset{{assets, "assets/site.js", "site.js"}}, files...))
}

// events lists the selection's dated events within the days.
func events(sel overlays.Selection, days []geo.Day) []Event {
	out := []Event{}
	first, last := days[0], days[len(days)-1]
	for _, l := range sel {
		for _, f := range l.Features {
			if f.Kind != overlays.KindEvent || f.Span.To < first || f.Span.From > last {
				continue
			}
			e := Event{Date: f.Span.From.String(), Name: f.Name, Side: string(f.Side)}
			if f.Span.To != f.Span.From && f.Span.To != geo.MaxDay {
				e.End = f.Span.To.String()
			}
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int {
		if a.Date < b.Date {
			return -1
		} else if a.Date > b.Date {
			return 1
		}
		return 0
	})
	return out
}

// legend lists the colours of the symbols the selection uses.
func legend(sel overlays.Selection) []LegendEntry {
	var out []LegendEntry
	for _, e := range tiles.Legend(sel) {
		out = append(out, LegendEntry{Label: e.Label, Color: e.Color})
	}
	return out
}
