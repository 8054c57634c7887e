package pmtiles

import (
	"fmt"
	"io"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// maxDirectoryBytes bounds a directory or the metadata, uncompressed.
const maxDirectoryBytes = 64 << 20

// Reader reads tiles from an archive. Open reads the header, the root and
// every leaf directory into memory (a few bytes per run of tiles), so a
// Tile costs one read of the tile's bytes. A Reader is safe for concurrent
// use when its io.ReaderAt is, as an *os.File is.
type Reader struct {
	r       io.ReaderAt
	header  Header
	entries []entry // tile entries of every directory, by TileID
	meta    []byte
}

// Open reads the archive's header, directories and metadata from r.
func Open(r io.ReaderAt) (*Reader, error) {
	hb := make([]byte, HeaderLen)
	if _, err := r.ReadAt(hb, 0); err != nil {
		return nil, fmt.Errorf("pmtiles: reading the header: %w", err)
	}
	h, err := parseHeader(hb)
	if err != nil {
		return nil, err
	}
	rd := &Reader{r: r, header: h}
	if rd.meta, err = rd.section(h.MetadataOffset, h.MetadataLength); err != nil {
		return nil, fmt.Errorf("pmtiles: metadata: %w", err)
	}
	if err := rd.readDirectory(h.RootOffset, h.RootLength, 0); err != nil {
		return nil, err
	}
	return rd, nil
}

// section reads and decompresses length bytes at off.
func (rd *Reader) section(off, length uint64) ([]byte, error) {
	if length > maxDirectoryBytes {
		return nil, fmt.Errorf("%w: a section of %d bytes", ErrFormat, length)
	}
	b := make([]byte, length)
	if _, err := rd.r.ReadAt(b, int64(off)); err != nil {
		return nil, fmt.Errorf("%w: reading %d bytes at %d: %v", ErrFormat, length, off, err)
	}
	return decompress(b, rd.header.InternalCompression, maxDirectoryBytes)
}

// readDirectory appends the tile entries of the directory at off, and of
// the leaves it points to, to rd.entries.
func (rd *Reader) readDirectory(off, length uint64, depth int) error {
	if depth > 3 {
		return fmt.Errorf("%w: leaf directories nested deeper than 3", ErrFormat)
	}
	b, err := rd.section(off, length)
	if err != nil {
		return err
	}
	es, err := parseDirectory(b)
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.RunLength == 0 {
			if err := rd.readDirectory(rd.header.LeafOffset+e.Offset, uint64(e.Length), depth+1); err != nil {
				return err
			}
			continue
		}
		if n := len(rd.entries); n > 0 && e.TileID < rd.entries[n-1].TileID+uint64(rd.entries[n-1].RunLength) {
			return fmt.Errorf("%w: tile id %d out of order", ErrFormat, e.TileID)
		}
		if len(rd.entries) >= maxEntries {
			return fmt.Errorf("%w: more than %d entries", ErrFormat, maxEntries)
		}
		rd.entries = append(rd.entries, e)
	}
	return nil
}

// Header returns the archive's header.
func (rd *Reader) Header() Header { return rd.header }

// Metadata returns the archive's JSON metadata, uncompressed. The caller
// must not modify it.
func (rd *Reader) Metadata() []byte { return rd.meta }

// Bounds returns the bounds the header states.
func (rd *Reader) Bounds() orb.Bound {
	h := rd.header
	return orb.Bound{Min: orb.Point{h.MinLon, h.MinLat}, Max: orb.Point{h.MaxLon, h.MaxLat}}
}

// Tile returns the bytes of tile t, or ok false when the archive does not
// hold it. Tiles are returned as stored (this package writes them
// uncompressed).
func (rd *Reader) Tile(t maptile.Tile) (data []byte, ok bool, err error) {
	if t.Z > MaxZoom || !t.Valid() {
		return nil, false, nil
	}
	e, ok := find(rd.entries, ID(t))
	if !ok || e.RunLength == 0 {
		return nil, false, nil
	}
	data = make([]byte, e.Length)
	if _, err := rd.r.ReadAt(data, int64(rd.header.DataOffset+e.Offset)); err != nil {
		return nil, false, fmt.Errorf("pmtiles: tile %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return data, true, nil
}

// Len returns the number of tiles the archive addresses.
func (rd *Reader) Len() int {
	n := 0
	for _, e := range rd.entries {
		n += int(e.RunLength)
	}
	return n
}
