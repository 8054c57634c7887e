// Package archives indexes a directory of archives written by `xiang
// seed` (PMTiles and MBTiles) by what each holds — a layer set, a date, a
// scale — so that `xiang serve -archives` can answer tile requests from
// them, and say what was seeded when a request names something that was
// not. It does not serve HTTP.
package archives

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/internal/api"
	"github.com/xiang-maps/xiang/tiles/seed"
)

// ErrNotSeeded is wrapped by the errors of Find for what no archive holds.
var ErrNotSeeded = errors.New("not seeded")

// Key is what one archive holds: a layer set (ids sorted, joined by
// commas), a date (geo.NoDay for the summary map) and a scale.
type Key struct {
	Layers string
	Day    geo.Day
	Scale  int
}

// Set is the archives of a directory, by what they hold. It is immutable
// and safe for concurrent use; to see new archives, open the directory
// again.
type Set struct {
	byKey map[Key]*seed.Archive
	// all is the layer set of archives seeded with every layer, which
	// the layer list "all" names ("" if none).
	all     string
	version string // hash of the archives' job ids
	list    []Info
}

// Info describes one archive, as /api/archives lists it.
type Info struct {
	File    string     `json:"file"`
	Layers  string     `json:"layers"`
	All     bool       `json:"all,omitempty"`
	Date    string     `json:"date,omitempty"`
	Scale   int        `json:"scale"`
	MinZoom int        `json:"minzoom"`
	MaxZoom int        `json:"maxzoom"`
	Bounds  [4]float64 `json:"bounds"`
}

// setKey is the canonical form of a list of layer ids: sorted, joined.
func setKey(ids string) string {
	parts := strings.Split(ids, ",")
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ",")
}

// Open opens every .pmtiles and .mbtiles archive of `xiang seed` in dir.
// A file that is not one is an error naming it; two archives of the same
// layers, date and scale are too, and so is a directory without archives.
func Open(dir string) (*Set, error) {
	var paths []string
	for _, ext := range []string{"*.pmtiles", "*.mbtiles"} {
		m, err := filepath.Glob(filepath.Join(dir, ext))
		if err != nil {
			return nil, err
		}
		paths = append(paths, m...)
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("archives: %w", err)
		}
		return nil, fmt.Errorf("archives: %s holds no .pmtiles or .mbtiles file (write some with xiang seed)", dir)
	}
	slices.Sort(paths)
	set := &Set{byKey: map[Key]*seed.Archive{}}
	h := sha256.New()
	for _, p := range paths {
		if strings.HasPrefix(filepath.Base(p), ".") {
			continue // a seed's temporary file
		}
		a, err := seed.Open(p)
		if err != nil {
			set.Close()
			return nil, fmt.Errorf("archives: %w", err)
		}
		x := a.Xiang
		if x.Vector {
			// xiang seed -vector: MVT with every date, not raster
			// tiles of one date to serve here.
			a.Close()
			continue
		}
		day := geo.NoDay
		if x.Date != "" {
			if day, err = geo.ParseDay(x.Date); err != nil {
				a.Close()
				set.Close()
				return nil, fmt.Errorf("archives: %s: %w", p, err)
			}
		}
		k := Key{Layers: setKey(x.Layers), Day: day, Scale: max(x.Scale, 1)}
		if old, dup := set.byKey[k]; dup {
			a.Close()
			set.Close()
			return nil, fmt.Errorf("archives: %s and %s both hold layers %s on %s at scale %d", old.Path, p, x.Layers, cmp.Or(x.Date, "the summary map"), k.Scale)
		}
		set.byKey[k] = a
		if x.All {
			set.all = k.Layers
		}
		h.Write([]byte(x.Job))
		d := a.Description
		set.list = append(set.list, Info{File: filepath.Base(p), Layers: x.Layers, All: x.All, Date: x.Date,
			Scale: k.Scale, MinZoom: d.MinZoom, MaxZoom: d.MaxZoom, Bounds: d.Bounds})
	}
	set.version = hex.EncodeToString(h.Sum(nil)[:6])
	return set, nil
}

// Close closes every archive of the set.
func (set *Set) Close() {
	for _, a := range set.byKey {
		a.Close()
	}
}

// Find returns the archive of a layer list (as written in a URL: "all",
// or ids in any order), a day (geo.NoDay for the summary map) and a scale,
// or a 404 *api.Error wrapping ErrNotSeeded that names what was seeded.
func (set *Set) Find(layers string, day geo.Day, scale int) (*seed.Archive, error) {
	k := Key{Layers: setKey(layers), Day: day, Scale: scale}
	if layers == "all" {
		k.Layers = set.all
	}
	if a, ok := set.byKey[k]; ok {
		return a, nil
	}
	var sets, dates []string
	for key := range set.byKey {
		name := key.Layers
		if key.Layers == set.all {
			name = "all"
		}
		if !slices.Contains(sets, name) {
			sets = append(sets, name)
		}
		if key.Layers == k.Layers && key.Scale == scale {
			dates = append(dates, cmp.Or(dayName(key.Day), "summary"))
		}
	}
	slices.Sort(sets)
	slices.Sort(dates)
	what := dayName(day)
	if what == "" {
		what = "the summary map"
	}
	msg := fmt.Sprintf("layers %s on %s at @%dx: not seeded; ", api.Quote(layers), what, scale)
	if len(dates) == 0 {
		msg += "seeded layer sets: " + limitList(sets)
	} else {
		msg += "seeded dates of these layers: " + limitList(dates)
	}
	err := fmt.Errorf("%s: %w", msg, ErrNotSeeded)
	return nil, &api.Error{Status: http.StatusNotFound, Part: "archive", Msg: err.Error(), Err: err}
}

// dayName is a day as YYYY-MM-DD, or "" for geo.NoDay.
func dayName(d geo.Day) string {
	if d == geo.NoDay {
		return ""
	}
	return d.String()
}

// limitList joins at most 40 items, saying how many more there are.
func limitList(items []string) string {
	const n = 40
	if len(items) > n {
		return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more (see /api/archives)", len(items)-n)
	}
	return strings.Join(items, ", ")
}

// Version identifies the set: a hash of its archives' job ids.
func (set *Set) Version() string { return set.version }

// Len returns the number of archives.
func (set *Set) Len() int { return len(set.byKey) }

// List describes the archives, by file name.
func (set *Set) List() []Info { return set.list }

// TileJSON describes archive a with the tile URL template tmpl, for the
// date ("" for the summary map).
func TileJSON(a *seed.Archive, tmpl, date string) api.TileJSON {
	d := a.Description
	return api.TileJSON{TileJSON: "3.0.0", Name: d.Name, Description: d.Description,
		Attribution: html.EscapeString(d.Attribution), Scheme: "xyz", Tiles: []string{tmpl},
		MinZoom: d.MinZoom, MaxZoom: d.MaxZoom, Bounds: d.Bounds, Center: d.Center,
		Date: date, DataVersion: a.Xiang.Job}
}
