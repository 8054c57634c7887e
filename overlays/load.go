package overlays

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/xiang-maps/xiang/geo"
)

// MaxFileSize bounds the size of one layer file, so that a bad file cannot
// exhaust memory.
const MaxFileSize = 64 << 20

// MaxProblems bounds how many problems Load keeps and reports; it counts
// the rest (ValidationErrors.More) without keeping them, so that a small
// file with millions of bad features costs little memory and output.
const MaxProblems = 100

// MaxFeatures and MaxVertices bound a campaign's data: a campaign map has
// hundreds or thousands of features, and data far beyond these bounds would
// make tiles take minutes to plan, so Load refuses it. Load stops checking
// a campaign at its MaxFeatures+1st feature.
const (
	MaxFeatures = 100_000
	MaxVertices = 2_000_000
)

// ErrTooLarge is wrapped by the problem reported when a campaign exceeds
// MaxFeatures or MaxVertices.
var ErrTooLarge = errors.New("more data than a campaign map needs")

// bom is the UTF-8 byte order mark, which RFC 7946 lets readers ignore.
var bom = []byte("\xef\xbb\xbf")

var layerID = regexp.MustCompile(`^[a-z0-9-]+$`)

// LoadDir loads every *.geojson file in dir as a campaign; problems name
// files by their path under dir. It reads only regular files: a FIFO,
// device or socket named *.geojson is a problem, not something to block on.
func LoadDir(dir string) (*Campaign, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("campaign directory: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("campaign directory %s: not a directory", QuoteName(dir))
	}
	c, err := Load(os.DirFS(dir))
	var ve *ValidationErrors
	if errors.As(err, &ve) {
		for _, e := range ve.Problems {
			e.File = filepath.Join(dir, e.File)
		}
	}
	return c, err
}

// Load loads every *.geojson file at the root of fsys as one layer of a
// campaign, validates all of them, and returns either the campaign or a
// *ValidationErrors holding the first MaxProblems problems found and the
// count of the rest. Files are decoded a feature at a time, so memory stays
// near the size of the data.
func Load(fsys fs.FS) (*Campaign, error) {
	names, err := fs.Glob(fsys, "*.geojson")
	if err != nil {
		return nil, fmt.Errorf("listing layers: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .geojson layer files found")
	}
	slices.Sort(names)
	problems := &ValidationErrors{}
	c := &Campaign{byID: map[string]*Layer{}}
	features, vertices := 0, 0
	for _, name := range names {
		l := loadLayer(fsys, name, problems, &features)
		if l == nil {
			continue
		}
		l.Index = len(c.Layers)
		c.Layers = append(c.Layers, l)
		c.byID[l.ID] = l
		for _, f := range l.Features {
			vertices += geo.Vertices(f.Geometry)
		}
	}
	if problems.Len() == 0 && vertices > MaxVertices {
		problems.add(&ValidationError{Feature: -1, Err: fmt.Errorf(
			"%w: %d vertices, the limit is %d", ErrTooLarge, vertices, MaxVertices)})
	}
	if problems.Len() > 0 {
		return nil, problems
	}
	c.finish()
	return c, nil
}

// loadLayer reads one file, adding its problems to problems and its
// features to *features, the count of the campaign's; it returns the layer
// only when the file has no problem.
func loadLayer(fsys fs.FS, name string, problems *ValidationErrors, features *int) *Layer {
	before := problems.Len()
	fileErr := func(err error) { problems.add(&ValidationError{File: name, Feature: -1, Err: err}) }
	id := strings.TrimSuffix(path.Base(name), ".geojson")
	if !layerID.MatchString(id) {
		fileErr(fmt.Errorf("layer id %q (the file name) must match [a-z0-9-]+", id))
		return nil
	}
	data, err := readRegular(fsys, name)
	if err != nil {
		fileErr(err)
		return nil
	}
	data = bytes.TrimPrefix(data, bom)
	l := &Layer{ID: id, File: name}
	if err := decodeLayer(data, l, problems, features); err != nil && !errors.Is(err, errStop) {
		ve := &ValidationError{File: name, Feature: -1, Err: jsonError(err)}
		ve.Line, ve.Column = jsonPosition(data, err)
		problems.add(ve)
	}
	if problems.Len() > before {
		return nil
	}
	return l
}

// readRegular reads a regular file of at most MaxFileSize bytes.
func readRegular(fsys fs.FS, name string) ([]byte, error) {
	// Stat before opening: opening a FIFO for reading blocks until a
	// writer appears.
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", st.Mode().Type())
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", MaxFileSize>>20)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file larger than %d MiB", MaxFileSize>>20)
	}
	return data, nil
}
