package pmtiles

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Info is what an archive's header and metadata say besides its tiles.
type Info struct {
	// TileType is one of the Type constants.
	TileType uint8
	// TileCompression is how the tile bodies added are compressed, one of
	// the Compression constants; zero means CompressionNone. Readers
	// decompress MVT tiles by it, so vector tiles are added gzipped.
	TileCompression uint8
	// Bounds is the area the tiles cover, in degrees; Center and
	// CenterZoom where a client starts (the centre of Bounds and the
	// shallowest zoom when zero).
	Bounds     orb.Bound
	Center     orb.Point
	CenterZoom uint8
	// Metadata is the archive's JSON metadata object (name, attribution,
	// bounds, …); nil means {}.
	Metadata []byte
}

// content is where one distinct tile body lies in the tile data.
type content struct {
	offset uint64
	length uint32
}

// Writer builds an archive. Add tiles in increasing ID order, then Finish.
// The tile data is spooled to a temporary file until Finish; Close removes
// it. A Writer is not safe for concurrent use.
type Writer struct {
	spool            *os.File
	size             uint64
	entries          []entry
	contents         map[[sha256.Size]byte]content
	addressed        uint64
	minZoom, maxZoom uint8
}

// NewWriter returns a writer that spools tile data in a temporary file in
// dir ("" is os.TempDir), named by pattern as os.CreateTemp names it (""
// is ".pmtiles-data-*"). A caller that cleans up after a killed process
// names the spool so that it can find it again.
func NewWriter(dir, pattern string) (*Writer, error) {
	if pattern == "" {
		pattern = ".pmtiles-data-*"
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, fmt.Errorf("pmtiles: %w", err)
	}
	return &Writer{spool: f, contents: map[[sha256.Size]byte]content{}, minZoom: MaxZoom}, nil
}

// Add adds tile t with its bytes, which Add does not keep. Tiles must come
// in increasing ID order (see ID), which keeps the archive clustered.
// Bytes equal to an earlier tile's are stored once.
func (w *Writer) Add(t maptile.Tile, data []byte) error {
	if t.Z > MaxZoom || !t.Valid() {
		return fmt.Errorf("pmtiles: tile %d/%d/%d: not a tile", t.Z, t.X, t.Y)
	}
	if len(data) == 0 || len(data) > 1<<31 {
		return fmt.Errorf("pmtiles: tile %d/%d/%d: %d bytes", t.Z, t.X, t.Y, len(data))
	}
	id := ID(t)
	n := len(w.entries)
	if n > 0 {
		last := w.entries[n-1]
		if id < last.TileID+uint64(last.RunLength) {
			return fmt.Errorf("pmtiles: tile %d/%d/%d (id %d) added after id %d: want increasing ids", t.Z, t.X, t.Y, id, last.TileID+uint64(last.RunLength)-1)
		}
	}
	sum := sha256.Sum256(data)
	c, ok := w.contents[sum]
	if !ok {
		if _, err := w.spool.Write(data); err != nil {
			return fmt.Errorf("pmtiles: spooling tile data: %w", err)
		}
		c = content{offset: w.size, length: uint32(len(data))}
		w.size += uint64(len(data))
		w.contents[sum] = c
	}
	w.addressed++
	w.minZoom, w.maxZoom = min(w.minZoom, uint8(t.Z)), max(w.maxZoom, uint8(t.Z))
	if n > 0 {
		last := &w.entries[n-1]
		if last.Offset == c.offset && last.TileID+uint64(last.RunLength) == id && last.RunLength < 1<<32-1 {
			last.RunLength++
			return nil
		}
	}
	w.entries = append(w.entries, entry{TileID: id, Offset: c.offset, Length: c.length, RunLength: 1})
	return nil
}

// Len returns the number of tiles added.
func (w *Writer) Len() int { return int(w.addressed) }

// Finish writes the archive to out: header, root directory, metadata, leaf
// directories, tile data.
func (w *Writer) Finish(out io.Writer, info Info) error {
	if len(w.entries) == 0 {
		return errors.New("pmtiles: no tiles")
	}
	root, leaves := directories(w.entries)
	meta := info.Metadata
	if meta == nil {
		meta = []byte("{}")
	}
	var mbuf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&mbuf, gzip.BestCompression)
	zw.Write(meta)
	zw.Close()

	h := Header{
		RootOffset: HeaderLen, RootLength: uint64(len(root)),
		AddressedTiles: w.addressed, TileEntries: uint64(len(w.entries)), TileContents: uint64(len(w.contents)),
		Clustered:           true,
		InternalCompression: CompressionGzip, TileCompression: cmp.Or(info.TileCompression, CompressionNone), TileType: info.TileType,
		MinZoom: w.minZoom, MaxZoom: w.maxZoom,
		MinLon: info.Bounds.Min.Lon(), MinLat: info.Bounds.Min.Lat(),
		MaxLon: info.Bounds.Max.Lon(), MaxLat: info.Bounds.Max.Lat(),
		CenterZoom: info.CenterZoom, CenterLon: info.Center.Lon(), CenterLat: info.Center.Lat(),
	}
	if info.Center == (orb.Point{}) {
		c := info.Bounds.Center()
		h.CenterLon, h.CenterLat = c.Lon(), c.Lat()
	}
	if h.CenterZoom < h.MinZoom || h.CenterZoom > h.MaxZoom {
		h.CenterZoom = h.MinZoom
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(mbuf.Len())
	h.LeafOffset = h.MetadataOffset + h.MetadataLength
	h.LeafLength = uint64(len(leaves))
	h.DataOffset = h.LeafOffset + h.LeafLength
	h.DataLength = w.size

	for _, b := range [][]byte{h.marshal(), root, mbuf.Bytes(), leaves} {
		if _, err := out.Write(b); err != nil {
			return fmt.Errorf("pmtiles: %w", err)
		}
	}
	if _, err := w.spool.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	n, err := io.Copy(out, w.spool)
	if err != nil {
		return fmt.Errorf("pmtiles: %w", err)
	}
	if uint64(n) != w.size {
		return fmt.Errorf("pmtiles: copied %d bytes of tile data, want %d", n, w.size)
	}
	return nil
}

// directories serializes the entries as a root directory alone when it
// fits in the first 16 KiB, else as leaf directories, each of leafSize
// entries, and a root that points to them; leafSize grows until the root
// fits.
func directories(es []entry) (root, leaves []byte) {
	root = serializeDirectory(es)
	if len(root) <= rootLimit-HeaderLen {
		return root, nil
	}
	for leafSize := 4096; ; leafSize += leafSize / 5 {
		var rootEntries []entry
		var buf []byte
		for i := 0; i < len(es); i += leafSize {
			chunk := es[i:min(i+leafSize, len(es))]
			leaf := serializeDirectory(chunk)
			rootEntries = append(rootEntries, entry{TileID: chunk[0].TileID, Offset: uint64(len(buf)), Length: uint32(len(leaf))})
			buf = append(buf, leaf...)
		}
		root = serializeDirectory(rootEntries)
		if len(root) <= rootLimit-HeaderLen {
			return root, buf
		}
	}
}

// Close removes the spooled tile data. The Writer cannot be used after.
func (w *Writer) Close() error {
	name := w.spool.Name()
	err := w.spool.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}

// Distinct returns the number of distinct tile bodies added.
func (w *Writer) Distinct() int { return len(w.contents) }
