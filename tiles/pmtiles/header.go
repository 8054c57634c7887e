package pmtiles

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderLen is the length of a version 3 header, in bytes.
const HeaderLen = 127

// rootLimit bounds the header and the root directory together: a client
// reads them in one request of the first 16 KiB.
const rootLimit = 16384

// Compression values of the header.
const (
	CompressionUnknown = 0
	CompressionNone    = 1
	CompressionGzip    = 2
)

// Tile types of the header.
const (
	TypeUnknown = 0
	TypeMVT     = 1
	TypePNG     = 2
	TypeJPEG    = 3
	TypeWebP    = 4
	TypeAVIF    = 5
)

// ErrFormat is wrapped by the errors of data that is not a valid archive.
var ErrFormat = errors.New("pmtiles: not a valid PMTiles v3 archive")

// Header is the fixed-size start of an archive. Offsets and lengths are in
// bytes from the start of the file; positions are in degrees.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	// AddressedTiles counts tiles (runs expanded), TileEntries directory
	// entries of tiles, TileContents distinct tile bodies.
	AddressedTiles, TileEntries, TileContents uint64
	Clustered                                 bool
	InternalCompression, TileCompression      uint8
	TileType                                  uint8
	MinZoom, MaxZoom                          uint8
	MinLon, MinLat, MaxLon, MaxLat            float64
	CenterZoom                                uint8
	CenterLon, CenterLat                      float64
}

func e7(v float64) uint32 {
	if v < 0 {
		return uint32(int32(v*1e7 - 0.5))
	}
	return uint32(int32(v*1e7 + 0.5))
}

func fromE7(b []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(b))) / 1e7 }

// marshal encodes h in its 127 bytes.
func (h *Header) marshal() []byte {
	b := make([]byte, HeaderLen)
	copy(b, "PMTiles")
	b[7] = 3
	le := binary.LittleEndian
	for i, v := range []uint64{h.RootOffset, h.RootLength, h.MetadataOffset, h.MetadataLength,
		h.LeafOffset, h.LeafLength, h.DataOffset, h.DataLength,
		h.AddressedTiles, h.TileEntries, h.TileContents} {
		le.PutUint64(b[8+8*i:], v)
	}
	if h.Clustered {
		b[96] = 1
	}
	b[97], b[98], b[99] = h.InternalCompression, h.TileCompression, h.TileType
	b[100], b[101] = h.MinZoom, h.MaxZoom
	le.PutUint32(b[102:], e7(h.MinLon))
	le.PutUint32(b[106:], e7(h.MinLat))
	le.PutUint32(b[110:], e7(h.MaxLon))
	le.PutUint32(b[114:], e7(h.MaxLat))
	b[118] = h.CenterZoom
	le.PutUint32(b[119:], e7(h.CenterLon))
	le.PutUint32(b[123:], e7(h.CenterLat))
	return b
}

// parseHeader decodes the first HeaderLen bytes of an archive.
func parseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen || string(b[:7]) != "PMTiles" {
		return Header{}, fmt.Errorf("%w: no PMTiles magic number", ErrFormat)
	}
	if b[7] != 3 {
		return Header{}, fmt.Errorf("%w: version %d, want 3", ErrFormat, b[7])
	}
	le := binary.LittleEndian
	u := func(i int) uint64 { return le.Uint64(b[8+8*i:]) }
	h := Header{
		RootOffset: u(0), RootLength: u(1), MetadataOffset: u(2), MetadataLength: u(3),
		LeafOffset: u(4), LeafLength: u(5), DataOffset: u(6), DataLength: u(7),
		AddressedTiles: u(8), TileEntries: u(9), TileContents: u(10),
		Clustered:           b[96] == 1,
		InternalCompression: b[97], TileCompression: b[98], TileType: b[99],
		MinZoom: b[100], MaxZoom: b[101],
		MinLon: fromE7(b[102:]), MinLat: fromE7(b[106:]), MaxLon: fromE7(b[110:]), MaxLat: fromE7(b[114:]),
		CenterZoom: b[118], CenterLon: fromE7(b[119:]), CenterLat: fromE7(b[123:]),
	}
	return h, nil
}
