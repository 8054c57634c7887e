package pmtiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// entry is one directory entry: RunLength tiles from TileID on, with the
// same bytes at Offset; a RunLength of 0 points to a leaf directory.
type entry struct {
	TileID    uint64
	Offset    uint64
	Length    uint32
	RunLength uint32
}

// maxEntries bounds the entries of one directory a reader accepts.
const maxEntries = 1 << 24

// serializeDirectory encodes entries as the spec lays them out (count,
// delta-coded IDs, run lengths, lengths, offsets with 0 for "right after
// the previous") and gzips them.
func serializeDirectory(entries []entry) []byte {
	var raw []byte
	raw = binary.AppendUvarint(raw, uint64(len(entries)))
	var last uint64
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, e.TileID-last)
		last = e.TileID
	}
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, uint64(e.RunLength))
	}
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, uint64(e.Length))
	}
	for i, e := range entries {
		if i > 0 && e.Offset == entries[i-1].Offset+uint64(entries[i-1].Length) {
			raw = binary.AppendUvarint(raw, 0)
		} else {
			raw = binary.AppendUvarint(raw, e.Offset+1)
		}
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(raw)
	zw.Close()
	return buf.Bytes()
}

// decompress undoes the archive's internal compression, reading at most
// limit bytes.
func decompress(b []byte, compression uint8, limit int64) ([]byte, error) {
	switch compression {
	case CompressionNone:
		return b, nil
	case CompressionGzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFormat, err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%w: more than %d bytes uncompressed", ErrFormat, limit)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: internal compression %d is not supported (want none or gzip)", ErrFormat, compression)
}

// parseDirectory decodes an uncompressed directory.
func parseDirectory(b []byte) ([]entry, error) {
	r := bytes.NewReader(b)
	next := func() (uint64, error) {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return 0, fmt.Errorf("%w: truncated directory", ErrFormat)
		}
		return v, nil
	}
	n, err := next()
	if err != nil {
		return nil, err
	}
	if n > maxEntries || n > uint64(len(b)) {
		return nil, fmt.Errorf("%w: directory of %d entries in %d bytes", ErrFormat, n, len(b))
	}
	es := make([]entry, n)
	var id uint64
	for i := range es {
		d, err := next()
		if err != nil {
			return nil, err
		}
		if i > 0 && d == 0 {
			return nil, fmt.Errorf("%w: tile ids not increasing", ErrFormat)
		}
		id += d
		es[i].TileID = id
	}
	for i := range es {
		v, err := next()
		if err != nil {
			return nil, err
		}
		if v > 1<<32-1 {
			return nil, fmt.Errorf("%w: run length %d", ErrFormat, v)
		}
		es[i].RunLength = uint32(v)
	}
	for i := range es {
		v, err := next()
		if err != nil {
			return nil, err
		}
		if v > 1<<32-1 {
			return nil, fmt.Errorf("%w: length %d", ErrFormat, v)
		}
		es[i].Length = uint32(v)
	}
	for i := range es {
		v, err := next()
		if err != nil {
			return nil, err
		}
		switch {
		case v > 0:
			es[i].Offset = v - 1
		case i == 0:
			return nil, fmt.Errorf("%w: first offset is relative", ErrFormat)
		default:
			es[i].Offset = es[i-1].Offset + uint64(es[i-1].Length)
		}
	}
	return es, nil
}

// find returns the entry of es (sorted by TileID) that holds id: a tile
// entry whose run covers it, or the leaf directory whose range may.
func find(es []entry, id uint64) (entry, bool) {
	lo, hi := 0, len(es)-1
	for lo <= hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case es[m].TileID < id:
			lo = m + 1
		case es[m].TileID > id:
			hi = m - 1
		default:
			return es[m], true
		}
	}
	// hi is the last entry before id.
	if hi >= 0 {
		e := es[hi]
		if e.RunLength == 0 || id-e.TileID < uint64(e.RunLength) {
			return e, true
		}
	}
	return entry{}, false
}
