package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/tiles/mbtiles"
	"github.com/xiang-maps/xiang/tiles/pmtiles"
)

// tileJSON is the archive metadata shared by both formats, in TileJSON's
// vocabulary, with xiang's own under "xiang".
type tileJSON struct {
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
	Xiang       Metadata   `json:"xiang"`
}

func describe(job Job, meta Metadata) tileJSON {
	b, c := job.Bounds, job.Bounds.Center()
	name := job.Name
	if name == "" {
		name = "xiang " + meta.Layers
		if meta.Date != "" {
			name += " " + meta.Date
		}
	}
	return tileJSON{
		Name: name, Description: job.Description, Attribution: job.Selection.Attribution(),
		Type: "overlay", Format: "png",
		Bounds:  [4]float64{b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()},
		Center:  [3]float64{c.Lon(), c.Lat(), float64(job.MinZoom)},
		MinZoom: job.MinZoom, MaxZoom: job.MaxZoom, TileSize: 256 * job.Scale,
		Xiang: meta,
	}
}

func writePMTiles(out *os.File, job Job, meta Metadata, sorted []maptile.Tile, j *journal) (int, error) {
	w, err := pmtiles.NewWriter(filepath.Dir(job.Path))
	if err != nil {
		return 0, err
	}
	defer w.Close()
	for _, t := range sorted {
		data, err := j.read(j.done[t])
		if err != nil {
			return 0, fmt.Errorf("seed: journal: %w", err)
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
	switch format {
	case PMTiles:
		f, err := os.Open(path)
		if err != nil {
			return Metadata{}, err
		}
		defer f.Close()
		rd, err := pmtiles.Open(f)
		if err != nil {
			return Metadata{}, err
		}
		var tj tileJSON
		if err := json.Unmarshal(rd.Metadata(), &tj); err != nil {
			return Metadata{}, fmt.Errorf("%s: metadata: %w", path, err)
		}
		return tj.Xiang, nil
	case MBTiles:
		rd, err := mbtiles.Open(path)
		if err != nil {
			return Metadata{}, err
		}
		defer rd.Close()
		md, err := rd.Metadata(context.Background())
		if err != nil {
			return Metadata{}, err
		}
		scale, _ := strconv.Atoi(md["xiang:scale"])
		return Metadata{Layers: md["xiang:layers"], Date: md["xiang:date"], Scale: scale, Job: md["xiang:job"]}, nil
	}
	return Metadata{}, fmt.Errorf("format %q: want pmtiles or mbtiles", format)
}
