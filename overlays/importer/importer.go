// Package importer reads campaign layers from files of any format xiang
// knows — .geojson (xiang's own), .csv, .kml, .kmz and .gpx, in any mix —
// one layer per file, validates them together as one campaign, and maps
// every problem back to the line of the input it came from. Nothing is
// written until everything is valid: Import.Write writes the layer files.
package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xiang-maps/xiang/overlays"
	"github.com/xiang-maps/xiang/overlays/convert"
	"github.com/xiang-maps/xiang/overlays/gpx"
	"github.com/xiang-maps/xiang/overlays/kml"
	"github.com/xiang-maps/xiang/overlays/table"
)

// Extensions are the file extensions Read reads, lower-case.
var Extensions = []string{".csv", ".geojson", ".gpx", ".kml", ".kmz"}

// Options configures Read. The zero value works.
type Options struct {
	// Dates is the order of slashed dates in CSV files (table.Options).
	Dates table.Order
}

// Import is what Read read: the validated campaign, the layer files that
// hold it, and a summary of what was skipped or rounded.
type Import struct {
	Campaign *overlays.Campaign
	// Files are the layer files by name (id.geojson), in id order.
	Files   []File
	Summary convert.Summary
}

// File is one layer file to write.
type File struct {
	Name   string // id.geojson
	Source string // the input it was read from
	Data   []byte
}

// Importable reports whether a path names a file Read reads, by its
// extension.
func Importable(path string) bool {
	return slices.Contains(Extensions, strings.ToLower(filepath.Ext(path)))
}

// Expand replaces each directory among paths with the files in it that
// Read reads, in name order.
func Expand(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		n := len(out)
		for _, e := range entries {
			if !e.IsDir() && Importable(e.Name()) {
				out = append(out, filepath.Join(p, e.Name()))
			}
		}
		if len(out) == n {
			return nil, fmt.Errorf("%s: no %s files", overlays.QuoteName(p), strings.Join(Extensions, ", "))
		}
	}
	return out, nil
}

// Read reads the files at paths (directories expanded) into one campaign.
// It returns every problem at once: a *convert.Problems whose problems
// read FILE:LINE: what is wrong (FILE: feature N: … for .geojson inputs,
// as xiang validate writes them).
func Read(paths []string, opts Options) (*Import, error) {
	paths, err := Expand(paths)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("no input files")
	}
	probs := &convert.Problems{}
	imp := &Import{}
	type origin struct {
		file  string
		lines []int // by feature index; nil for .geojson inputs
	}
	fsys := memFS{}
	origins := map[string]origin{}
	for _, p := range paths {
		data, err := readRegular(p)
		if err != nil {
			probs.Add(p, 0, err)
			continue
		}
		ext := strings.ToLower(filepath.Ext(p))
		var l *convert.Layer
		var sum convert.Summary
		switch ext {
		case ".geojson":
			id := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
			name := id + ".geojson"
			if prev, ok := origins[name]; ok {
				probs.Addf(p, 0, "layer %q is also read from %s: rename one of the files", id, prev.file)
				continue
			}
			origins[name] = origin{file: p}
			fsys[name] = data
			imp.Files = append(imp.Files, File{Name: name, Source: p, Data: data})
			continue
		case ".kml":
			l, sum, err = kml.Read(p, data)
		case ".kmz":
			l, sum, err = kml.ReadKMZ(p, data)
		case ".gpx":
			l, sum, err = gpx.Read(p, data)
		case ".csv":
			l, sum, err = table.Read(p, data, table.Options{Dates: opts.Dates})
		default:
			probs.Addf(p, 0, "unknown file type %q: want one of %s", ext, strings.Join(Extensions, ", "))
			continue
		}
		imp.Summary.Merge(sum)
		var ps *convert.Problems
		if errors.As(err, &ps) {
			for _, e := range ps.List {
				probs.Add(e.File, e.Line, e.Err)
			}
			probs.More += ps.More
		} else if err != nil {
			probs.Add(p, 0, err)
		}
		if l == nil {
			continue
		}
		name := l.ID + ".geojson"
		if prev, ok := origins[name]; ok {
			probs.Addf(p, 0, "layer %q is also read from %s: rename one of the files", l.ID, prev.file)
			continue
		}
		data, err = l.MarshalJSON()
		if err != nil {
			probs.Add(p, 0, err)
			continue
		}
		lines := make([]int, len(l.Features))
		for i, f := range l.Features {
			lines[i] = f.Line
		}
		origins[name] = origin{file: p, lines: lines}
		fsys[name] = data
		imp.Files = append(imp.Files, File{Name: name, Source: p, Data: data})
	}
	// The features that were read are validated even when others were
	// not, so that every problem is reported at once.
	var c *overlays.Campaign
	if len(fsys) > 0 {
		c, err = overlays.Load(fsys)
	}
	var ve *overlays.ValidationErrors
	if errors.As(err, &ve) {
		for _, e := range ve.Problems {
			o := origins[e.File]
			if o.lines == nil { // a .geojson input: xiang's own messages
				e.File = o.file
				probs.Add("", 0, e)
				continue
			}
			line := 0
			if e.Feature >= 0 && e.Feature < len(o.lines) {
				line = o.lines[e.Feature]
			}
			msg := e.Err
			if e.Name != "" {
				msg = fmt.Errorf("%q: %w", e.Name, e.Err)
			}
			probs.Add(o.file, line, msg)
		}
		probs.More += ve.More
	} else if err != nil && probs.Len() == 0 {
		return nil, err
	}
	if probs.Len() > 0 {
		sortProblems(probs, paths)
		return nil, probs
	}
	slices.SortFunc(imp.Files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	imp.Campaign = c
	return imp, nil
}

// Write writes the layer files into dir, creating it. Each file is written
// to a temporary name and renamed, so that a reader never sees half a file.
func (imp *Import) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range imp.Files {
		tmp, err := os.CreateTemp(dir, "."+f.Name+".*")
		if err != nil {
			return err
		}
		_, werr := tmp.Write(f.Data)
		cerr := tmp.Close()
		merr := os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it 0600
		if err := errors.Join(werr, cerr, merr); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		if err := os.Rename(tmp.Name(), filepath.Join(dir, f.Name)); err != nil {
			os.Remove(tmp.Name())
			return err
		}
	}
	return nil
}

// Load reads a campaign from path: a directory of layer files, as
// overlays.LoadDir reads it, or any file Read reads, or a directory
// holding such files. It is what -data accepts.
func Load(path string, opts Options) (*overlays.Campaign, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("campaign directory or file: %w", err)
	}
	if st.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			return nil, err
		}
		foreign := slices.ContainsFunc(entries, func(e fs.DirEntry) bool {
			return !e.IsDir() && Importable(e.Name()) && !strings.EqualFold(filepath.Ext(e.Name()), ".geojson")
		})
		if !foreign {
			return overlays.LoadDir(path)
		}
	}
	imp, err := Read([]string{path}, opts)
	if err != nil {
		return nil, err
	}
	return imp.Campaign, nil
}

// readRegular reads a regular file of at most overlays.MaxFileSize bytes.
func readRegular(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > overlays.MaxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", overlays.MaxFileSize>>20)
	}
	return os.ReadFile(path)
}

// sortProblems orders problems by input, in the order of paths, then by
// line, keeping the order of problems on one line.
func sortProblems(ps *convert.Problems, paths []string) {
	rank := func(file string) int {
		for i, p := range paths {
			if file == p || strings.HasPrefix(file, p+"!") {
				return i
			}
		}
		return len(paths)
	}
	slices.SortStableFunc(ps.List, func(a, b *convert.Problem) int {
		if ra, rb := rank(a.File), rank(b.File); ra != rb {
			return ra - rb
		}
		return a.Line - b.Line
	})
}
