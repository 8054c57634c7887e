package importer

import (
	"bytes"
	"io/fs"
	"slices"
	"strings"
	"time"
)

// memFS is a flat, read-only file system of layer files in memory: what
// overlays.Load validates before anything is written.
type memFS map[string][]byte

var (
	_ fs.ReadDirFS = memFS(nil)
	_ fs.StatFS    = memFS(nil)
)

// Open opens a file at the root.
func (m memFS) Open(name string) (fs.File, error) {
	data, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name, int64(len(data))}}, nil
}

// Stat describes a file at the root.
func (m memFS) Stat(name string) (fs.FileInfo, error) {
	data, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return memInfo{name, int64(len(data))}, nil
}

// ReadDir lists the root, "."; there are no other directories.
func (m memFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	var out []fs.DirEntry
	for n, data := range m {
		out = append(out, fs.FileInfoToDirEntry(memInfo{n, int64(len(data))}))
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// memInfo describes a regular file in a memFS.
type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
