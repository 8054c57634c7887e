package seed

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/paulmach/orb/maptile"
)

// journalMagic starts every journal, followed by the job's id.
const journalMagic = "xiang seed journal 1\n"

// recordHead is the fixed part of a record: z, x, y, length, CRC-32 of
// the address and the bytes.
const recordHead = 1 + 4 + 4 + 4 + 4

// maxTileBytes bounds one tile's bytes in a journal.
const maxTileBytes = 64 << 20

// ref is where a journalled tile's bytes are.
type ref struct {
	off int64
	n   uint32
}

// journal is an append-only file of rendered tiles.
type journal struct {
	f    *os.File
	w    *bufio.Writer
	size int64
	done map[maptile.Tile]ref
}

// openJournal opens the journal at path for job id, keeping the tiles it
// holds when it was written for the same job, else starting it afresh
// (reset reports that it did, when there was one). A torn last record is
// cut off.
func openJournal(path, id string) (j *journal, reset bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	j = &journal{f: f, done: map[maptile.Tile]ref{}}
	head := journalMagic + id + "\n"
	ok, err := j.load(head)
	if err != nil {
		f.Close()
		return nil, false, fmt.Errorf("journal %s: %w", path, err)
	}
	if !ok {
		st, _ := f.Stat()
		reset = st != nil && st.Size() > 0
		j.done = map[maptile.Tile]ref{}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, false, err
		}
		if _, err := f.WriteAt([]byte(head), 0); err != nil {
			f.Close()
			return nil, false, err
		}
		j.size = int64(len(head))
	}
	if err := f.Truncate(j.size); err != nil {
		f.Close()
		return nil, false, err
	}
	if _, err := f.Seek(j.size, io.SeekStart); err != nil {
		f.Close()
		return nil, false, err
	}
	j.w = bufio.NewWriterSize(f, 256<<10)
	return j, reset, nil
}

// load reads the records of a journal that starts with head, stopping at
// the first incomplete or corrupt one; ok is false when the journal is for
// another job (or empty).
func (j *journal) load(head string) (ok bool, err error) {
	r := bufio.NewReaderSize(io.NewSectionReader(j.f, 0, 1<<62), 256<<10)
	got := make([]byte, len(head))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != head {
		return false, nil
	}
	off := int64(len(head))
	var h [recordHead]byte
	var body []byte
	for {
		if _, err := io.ReadFull(r, h[:]); err != nil {
			break
		}
		z, x, y := h[0], binary.LittleEndian.Uint32(h[1:]), binary.LittleEndian.Uint32(h[5:])
		n, sum := binary.LittleEndian.Uint32(h[9:]), binary.LittleEndian.Uint32(h[13:])
		t := maptile.New(x, y, maptile.Zoom(z))
		if n > maxTileBytes || !t.Valid() {
			break
		}
		body = append(body[:0], make([]byte, n)...)
		if _, err := io.ReadFull(r, body); err != nil {
			break
		}
		if crc32.Update(crc32.ChecksumIEEE(h[:13]), crc32.IEEETable, body) != sum {
			break
		}
		j.done[t] = ref{off: off + recordHead, n: n}
		off += recordHead + int64(n)
	}
	j.size = off
	return true, nil
}

// add appends a rendered tile.
func (j *journal) add(t maptile.Tile, data []byte) error {
	if len(data) > maxTileBytes {
		return fmt.Errorf("tile %d/%d/%d: %d bytes, more than %d", t.Z, t.X, t.Y, len(data), maxTileBytes)
	}
	var h [recordHead]byte
	h[0] = byte(t.Z)
	binary.LittleEndian.PutUint32(h[1:], t.X)
	binary.LittleEndian.PutUint32(h[5:], t.Y)
	binary.LittleEndian.PutUint32(h[9:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[13:], crc32.Update(crc32.ChecksumIEEE(h[:13]), crc32.IEEETable, data))
	if _, err := j.w.Write(h[:]); err != nil {
		return err
	}
	if _, err := j.w.Write(data); err != nil {
		return err
	}
	j.done[t] = ref{off: j.size + recordHead, n: uint32(len(data))}
	j.size += recordHead + int64(len(data))
	return nil
}

// flush writes buffered records to the file (the page cache: a killed
// process loses nothing flushed, only a crash of the machine can).
func (j *journal) flush() error { return j.w.Flush() }

// read returns a journalled tile's bytes.
func (j *journal) read(r ref) ([]byte, error) {
	b := make([]byte, r.n)
	if _, err := j.f.ReadAt(b, r.off); err != nil {
		return nil, err
	}
	return b, nil
}

// close flushes and closes the journal.
func (j *journal) close() error {
	err := j.flush()
	if cerr := j.f.Close(); err == nil {
		err = cerr
	}
	return err
}
