package seed

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// Format is an archive format.
type Format string

// The archive formats.
const (
	PMTiles Format = "pmtiles"
	MBTiles Format = "mbtiles"
)

// ParseFormat parses a format name: pmtiles or mbtiles.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case PMTiles, MBTiles:
		return f, nil
	}
	return "", fmt.Errorf("format %q: want pmtiles or mbtiles", s)
}

// ErrExists is wrapped by the error of a job whose archive exists already
// with other contents (another job wrote it); Job.Force replaces it.
var ErrExists = errors.New("seed: archive exists with other contents")

// Job is one archive to seed. The zero values of Workers and Scale mean
// their defaults.
type Job struct {
	// Renderer draws the tiles; Selection is what it draws, Day the date
	// (geo.NoDay: the summary map).
	Renderer  *tiles.Renderer
	Selection overlays.Selection
	Day       geo.Day
	// Bounds is the box to cover, in degrees; MinZoom and MaxZoom the
	// zooms. Scale is 1 (256 px tiles, the default) or 2 (512 px, @2x).
	Bounds           orb.Bound
	MinZoom, MaxZoom int
	Scale            int
	// Format and Path say what to write where. The journal and temporary
	// files live beside Path.
	Format Format
	Path   string
	// Workers is the number of tiles rendered at once; zero means
	// runtime.NumCPU().
	Workers int
	// Force discards an existing archive and journal and starts over.
	Force bool
	// Name and Description go in the archive's metadata.
	Name, Description string
	// Vector, when set, makes the archive one of vector tiles from this
	// compiled selection (of Selection) instead of Renderer's PNG tiles:
	// MVT with every date, gzipped, empty tiles left out. It needs Day
	// geo.NoDay, Scale 1, Format PMTiles and MaxZoom at most
	// vector.MaxZoom.
	Vector *vector.Set
	// Progress, when set, is called after each tile (from one goroutine at
	// a time) with the tiles done and the total, including tiles found in
	// the journal.
	Progress func(done, total int)
}

// Stats says what a run did.
type Stats struct {
	// Tiles is the number of tiles in the archive; Rendered how many this
	// run drew (the rest came from the journal); Distinct how many
	// different tile bodies the archive stores.
	Tiles, Rendered, Distinct int
	// Bytes is the archive's size.
	Bytes int64
	// Skipped reports that the archive existed already, for this job.
	Skipped bool
	// Reset reports that a journal for another job was discarded.
	Reset bool
	// Render is the time spent rendering; Build the time spent writing
	// the archive from the journal.
	Render, Build time.Duration
}

// Metadata is what an archive says it holds, under "xiang" in PMTiles'
// JSON metadata and as xiang:… rows in MBTiles' metadata table.
type Metadata struct {
	Layers string `json:"layers"`
	// Date is YYYY-MM-DD, or empty for the summary map.
	Date  string `json:"date,omitempty"`
	Scale int    `json:"scale"`
	// All reports that Layers are every layer of the campaign, what the
	// layer list "all" selects.
	All bool `json:"all,omitempty"`
	// Job identifies the job that wrote the archive (a hash of the data,
	// layers, date, box, zooms, scale and format).
	Job string `json:"job"`
	// Vector reports an archive of vector tiles (MVT, every date).
	Vector bool `json:"vector,omitempty"`
}

// Run seeds the job's archive: it resumes from the journal when there is
// one for the same job, renders what is missing with Workers goroutines,
// then builds the archive and renames it into place. An archive already
// at Path for the same job is left alone (Stats.Skipped). When ctx ends,
// Run stops rendering, keeps what is journalled for the next run and
// returns ctx's error.
func Run(ctx context.Context, job Job) (Stats, error) {
	var st Stats
	if job.Scale == 0 {
		job.Scale = 1
	}
	if job.Scale != 1 && job.Scale != 2 {
		return st, fmt.Errorf("seed: scale %d: want 1 or 2", job.Scale)
	}
	if job.Workers <= 0 {
		job.Workers = runtime.NumCPU()
	}
	if _, err := ParseFormat(string(job.Format)); err != nil {
		return st, fmt.Errorf("seed: %w", err)
	}
	if job.Vector != nil && (job.Day != geo.NoDay || job.Scale != 1 || job.Format != PMTiles || job.MaxZoom > vector.MaxZoom) {
		return st, fmt.Errorf("seed: vector tiles hold every date, at scale 1, in PMTiles, to zoom %d: got date %s, scale %d, format %s, zoom %d",
			vector.MaxZoom, job.Day, job.Scale, job.Format, job.MaxZoom)
	}
	list, err := Cover(job.Bounds, job.MinZoom, job.MaxZoom)
	if err != nil {
		return st, fmt.Errorf("seed: %w", err)
	}
	id, err := jobID(job)
	if err != nil {
		return st, err
	}
	journalPath := sidePath(job.Path, ".journal")
	removeTemps(job.Path)
	if job.Force {
		if err := os.Remove(job.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return st, err
		}
		if err := os.Remove(journalPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return st, err
		}
	} else if _, err := os.Stat(job.Path); err == nil {
		m, err := ReadMetadata(job.Path, job.Format)
		if err != nil {
			return st, fmt.Errorf("seed: %s exists and is not a readable archive (-force replaces it): %w", job.Path, err)
		}
		if m.Job != id {
			return st, fmt.Errorf("seed: %s: %w (-force replaces it)", job.Path, ErrExists)
		}
		// A run killed between the rename and removing its journal
		// leaves one behind.
		os.Remove(journalPath)
		st.Skipped = true
		st.Tiles = len(list)
		if fi, err := os.Stat(job.Path); err == nil {
			st.Bytes = fi.Size()
		}
		return st, nil
	}

	j, reset, err := openJournal(journalPath, id)
	if err != nil {
		return st, fmt.Errorf("seed: %w", err)
	}
	st.Reset = reset
	start := time.Now()
	rendered, err := render(ctx, job, list, j)
	st.Rendered = rendered
	st.Render = time.Since(start)
	if err != nil {
		if cerr := j.close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		return st, err
	}
	if err := j.flush(); err != nil {
		j.close()
		return st, fmt.Errorf("seed: journal %s: %w", journalPath, err)
	}
	start = time.Now()
	meta := Metadata{Layers: job.Selection.String(), Scale: job.Scale, Job: id,
		All: len(job.Selection) == len(job.Renderer.Campaign().Layers), Vector: job.Vector != nil}
	if job.Day != geo.NoDay {
		meta.Date = job.Day.String()
	}
	distinct, err := build(job, meta, list, j)
	st.Build = time.Since(start)
	j.close()
	if err != nil {
		return st, err
	}
	if err := os.Remove(journalPath); err != nil {
		return st, err
	}
	st.Tiles, st.Distinct = len(list), distinct
	if fi, err := os.Stat(job.Path); err == nil {
		st.Bytes = fi.Size()
	}
	return st, nil
}

// render draws the tiles of list that the journal lacks, with job.Workers
// goroutines, appending each to the journal; it returns how many it drew.
func render(ctx context.Context, job Job, list []maptile.Tile, j *journal) (int, error) {
	// The first tile of each zoom waits for the labels of that zoom and
	// day to be placed, which no other worker can share: taking the zooms
	// in turn lets workers place different zooms' labels at once.
	byZoom := map[maptile.Zoom][]maptile.Tile{}
	var zooms []maptile.Zoom
	for _, t := range list {
		if _, ok := j.done[t]; !ok {
			if byZoom[t.Z] == nil {
				zooms = append(zooms, t.Z)
			}
			byZoom[t.Z] = append(byZoom[t.Z], t)
		}
	}
	var todo []maptile.Tile
	for i := 0; len(todo) < len(list)-len(j.done); i++ {
		for _, z := range zooms {
			if i < len(byZoom[z]) {
				todo = append(todo, byZoom[z][i])
			}
		}
	}
	total, done := len(list), len(list)-len(todo)
	if job.Progress != nil {
		job.Progress(done, total)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type result struct {
		t    maptile.Tile
		data []byte
	}
	jobs := make(chan maptile.Tile)
	results := make(chan result, job.Workers)
	var wg sync.WaitGroup
	for range job.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for t := range jobs {
				buf.Reset()
				var err error
				if job.Vector != nil {
					err = encodeVector(ctx, job.Vector, t, &buf)
				} else {
					var p *tiles.Plan
					p, err = job.Renderer.Plan(ctx, job.Selection, job.Day, geo.TileFrame(t, job.Scale))
					if err == nil {
						_, err = job.Renderer.Encode(&buf, p)
					}
				}
				if err != nil {
					cancel(fmt.Errorf("seed: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err))
					return
				}
				select {
				case results <- result{t, bytes.Clone(buf.Bytes())}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, t := range todo {
			select {
			case jobs <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	n := 0
	var werr error
	for r := range results {
		if werr != nil {
			continue
		}
		if werr = j.add(r.t, r.data); werr != nil {
			cancel(werr)
			continue
		}
		n++
		done++
		if job.Progress != nil {
			job.Progress(done, total)
		}
	}
	if werr != nil {
		return n, fmt.Errorf("seed: journal: %w", werr)
	}
	if err := context.Cause(ctx); err != nil {
		return n, err
	}
	return n, nil
}

// encodeVector writes vector tile t of s, gzipped, to buf; nothing for an
// empty tile.
func encodeVector(ctx context.Context, s *vector.Set, t maptile.Tile, buf *bytes.Buffer) error {
	body, err := s.Encode(ctx, t)
	if err != nil || len(body) == 0 {
		return err
	}
	zw, err := gzip.NewWriterLevel(buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	zw.Write(body)
	return zw.Close()
}

// build writes the archive from the journal to a temporary file beside
// job.Path, syncs it and renames it into place. It returns the number of
// distinct tiles.
func build(job Job, meta Metadata, list []maptile.Tile, j *journal) (int, error) {
	sorted := slices.Clone(list)
	slices.SortFunc(sorted, func(a, b maptile.Tile) int { return cmpUint(pmtiles.ID(a), pmtiles.ID(b)) })
	tmp, err := os.CreateTemp(filepath.Dir(job.Path), tempPrefix(job.Path)+"*")
	if err != nil {
		return 0, fmt.Errorf("seed: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after the rename, a no-op
	var distinct int
	switch job.Format {
	case PMTiles:
		distinct, err = writePMTiles(tmp, job, meta, sorted, j)
	case MBTiles:
		tmp.Close()
		os.Remove(tmpName)
		distinct, err = writeMBTiles(tmpName, job, meta, sorted, j)
		if err == nil {
			tmp, err = os.OpenFile(tmpName, os.O_RDWR, 0)
		}
	}
	if err != nil {
		if tmp != nil {
			tmp.Close()
		}
		return 0, err
	}
	err = tmp.Sync()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmpName, 0o644)
	}
	if err == nil {
		err = os.Rename(tmpName, job.Path)
	}
	if err != nil {
		return 0, fmt.Errorf("seed: %s: %w", job.Path, err)
	}
	if d, err := os.Open(filepath.Dir(job.Path)); err == nil {
		d.Sync()
		d.Close()
	}
	return distinct, nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// jobID hashes what decides an archive's bytes: the selected layers'
// content, the date, box, zooms, scale and format.
func jobID(job Job) (string, error) {
	h := sha256.New()
	if err := job.Selection.WriteContent(h); err != nil {
		return "", fmt.Errorf("seed: %w", err)
	}
	fmt.Fprintf(h, "|%d|%v|%d-%d|%d|%s", job.Day, job.Bounds, job.MinZoom, job.MaxZoom, job.Scale, job.Format)
	if job.Vector != nil {
		fmt.Fprint(h, "|mvt")
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// sidePath returns the hidden file beside path with the given suffix.
func sidePath(path, suffix string) string {
	return filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+suffix)
}

func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// removeTemps removes the temporary archives a killed build left.
func removeTemps(path string) {
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(path), tempPrefix(path)+"*"))
	for _, f := range old {
		os.Remove(f)
	}
}
