package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles/mbtiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
	"github.com/xiang-maps/xiang/tiles/vector"
)

// Description is the metadata of an archive Run writes, the same for
// both formats, in TileJSON's vocabulary with xiang's own under "xiang":
// PMTiles holds it as its JSON metadata, MBTiles as rows of its metadata
// table (bounds and center as comma lists, xiang's members as xiang:…).
type Description struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Attribution string     `json:"attribution,omitempty"`
	Type        string     `json:"type"`
	Format      string     `json:"format"`
	Bounds      [4]float64 `json:"bounds"`
	Center      [3]float64 `json:"center"`
	MinZoom     int        `json:"minzoom"`
	MaxZoom     int        `json:"maxzoom"`
	TileSize    int        `json:"tileSize"`
	// VectorLayers describes the layers of vector tiles (TileJSON's
	// vector_layers); absent for PNG tiles.
	VectorLayers []vector.VectorLayer `json:"vector_layers,omitempty"`
	Xiang        Metadata             `json:"xiang"`
}

func describe(job Job, meta Metadata) Description {
	b, c := job.Bounds, job.Bounds.Center()
	name := job.Name
	if name == "" {
		name = "xiang " + meta.Layers
		if meta.Date != "" {
			name += " " + meta.Date
		}
	}
	d := Description{
		Name: name, Description: job.Description, Attribution: job.Selection.Attribution(),
		Type: "overlay", Format: "png",
		Bounds:  [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()},
		Center:  [3]float64{c.Lon(), c.Lat(), float64(job.MinZoom)},
		MinZoom: job.MinZoom, MaxZoom: job.MaxZoom, TileSize: 256 * job.Scale,
		Xiang: meta,
	}
	if job.Vector != nil {
		d.Format, d.VectorLayers = "pbf", vector.Schema()
		for i := range d.VectorLayers {
			d.VectorLayers[i].MinZoom, d.VectorLayers[i].MaxZoom = job.MinZoom, job.MaxZoom
		}
		if job.Name == "" {
			d.Name += " (vector, every date)"
		}
	}
	return d
}

func writePMTiles(out *os.File, job Job, meta Metadata, sorted []maptile.Tile, j *journal) (int, error) {
	// The spool shares the archive's temporary prefix, so the next run
	// removes it if this one is killed.
	w, err := pmtiles.NewWriter(filepath.Dir(job.Path), tempPrefix(job.Path)+"data-*")
	if err != nil {
		return 0, err
	}
	defer w.Close()
	for _, t := range sorted {
		data, err := j.read(j.done[t])
		if err != nil {
			return 0, fmt.Errorf("seed: journal: %w", err)
		}
		if len(data) == 0 && job.Vector != nil {
			continue // an empty vector tile: readers take a missing tile as empty
		}
		if err := w.Add(t, data); err != nil {
			return 0, err
		}
	}
	tj := describe(job, meta)
	mj, err := json.Marshal(tj)
	if err != nil {
		return 0, err
	}
	info := pmtiles.Info{TileType: pmtiles.TypePNG, Bounds: job.Bounds, Center: job.Bounds.Center(),
		CenterZoom: uint8(job.MinZoom), Metadata: mj}
	if job.Vector != nil {
		info.TileType, info.TileCompression = pmtiles.TypeMVT, pmtiles.CompressionGzip
	}
	if err := w.Finish(out, info); err != nil {
		return 0, err
	}
	return w.Distinct(), nil
}

func writeMBTiles(path string, job Job, meta Metadata, sorted []maptile.Tile, j *journal) (int, error) {
	tj := describe(job, meta)
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	md := map[string]string{
		"name": tj.Name, "type": tj.Type, "format": tj.Format, "version": "1.3",
		"bounds":  f(tj.Bounds[0]) + "," + f(tj.Bounds[1]) + "," + f(tj.Bounds[2]) + "," + f(tj.Bounds[3]),
		"center":  f(tj.Center[0]) + "," + f(tj.Center[1]) + "," + strconv.Itoa(job.MinZoom),
		"minzoom": strconv.Itoa(tj.MinZoom), "maxzoom": strconv.Itoa(tj.MaxZoom),
		"xiang:layers": meta.Layers, "xiang:scale": strconv.Itoa(meta.Scale), "xiang:job": meta.Job,
	}
	if tj.Description != "" {
		md["description"] = tj.Description
	}
	if tj.Attribution != "" {
		md["attribution"] = tj.Attribution
	}
	if meta.Date != "" {
		md["xiang:date"] = meta.Date
	}
	if meta.All {
		md["xiang:all"] = "true"
	}
	w, err := mbtiles.Create(path, md)
	if err != nil {
		return 0, err
	}
	for _, t := range sorted {
		data, err := j.read(j.done[t])
		if err == nil {
			err = w.Add(t, data)
		}
		if err != nil {
			w.Abort()
			return 0, fmt.Errorf("seed: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return w.Distinct(), nil
}

// ReadMetadata returns what an archive written by Run says it holds.
func ReadMetadata(path string, format Format) (Metadata, error) {
	a, err := Open(path)
	if err != nil {
		return Metadata{}, err
	}
	defer a.Close()
	if a.Format != format {
		return Metadata{}, fmt.Errorf("%s: a %s archive, want %s", path, a.Format, format)
	}
	return a.Xiang, nil
}

// Archive is an archive written by Run, open for reading. It is safe for
// concurrent use.
type Archive struct {
	Format Format
	Path   string
	Description
	pm    *pmtiles.Reader
	mb    *mbtiles.Reader
	close func() error
}

// Open opens an archive Run wrote; the format is its extension's
// (.pmtiles or .mbtiles).
func Open(path string) (*Archive, error) {
	a := &Archive{Path: path}
	switch filepath.Ext(path) {
	case ".pmtiles":
		a.Format = PMTiles
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		rd, err := pmtiles.Open(f)
		if err == nil {
			err = json.Unmarshal(rd.Metadata(), &a.Description)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		a.pm, a.close = rd, f.Close
	case ".mbtiles":
		a.Format = MBTiles
		rd, err := mbtiles.Open(path)
		if err != nil {
			return nil, err
		}
		md, err := rd.Metadata(context.Background())
		if err != nil {
			rd.Close()
			return nil, err
		}
		a.Description = fromRows(md)
		a.mb, a.close = rd, rd.Close
	default:
		return nil, fmt.Errorf("%s: want a .pmtiles or .mbtiles file", path)
	}
	if a.Xiang.Job == "" {
		a.Close()
		return nil, fmt.Errorf("%s: not an archive of xiang seed (no xiang metadata)", path)
	}
	return a, nil
}

// fromRows reads the Description of MBTiles metadata rows.
func fromRows(md map[string]string) Description {
	floats := func(s string, out []float64) {
		for i, p := range strings.SplitN(s, ",", len(out)) {
			out[i], _ = strconv.ParseFloat(strings.TrimSpace(p), 64)
		}
	}
	d := Description{Name: md["name"], Description: md["description"], Attribution: md["attribution"],
		Type: md["type"], Format: md["format"]}
	floats(md["bounds"], d.Bounds[:])
	floats(md["center"], d.Center[:])
	d.MinZoom, _ = strconv.Atoi(md["minzoom"])
	d.MaxZoom, _ = strconv.Atoi(md["maxzoom"])
	d.Xiang = Metadata{Layers: md["xiang:layers"], Date: md["xiang:date"], Job: md["xiang:job"], All: md["xiang:all"] == "true"}
	d.Xiang.Scale, _ = strconv.Atoi(md["xiang:scale"])
	d.TileSize = 256 * max(d.Xiang.Scale, 1)
	return d
}

// Tile returns the bytes of tile t, or ok false when the archive does not
// hold it.
func (a *Archive) Tile(ctx context.Context, t maptile.Tile) (data []byte, ok bool, err error) {
	if a.pm != nil {
		return a.pm.Tile(t)
	}
	return a.mb.Tile(ctx, t)
}

// Close closes the archive.
func (a *Archive) Close() error { return a.close() }
