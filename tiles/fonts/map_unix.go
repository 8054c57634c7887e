//go:build unix

package fonts

import (
	"fmt"
	"os"
	"syscall"
)

// readFont maps a font file read-only into memory instead of copying it:
// a CJK collection is 20 MB of which a map's labels touch a few hundred
// kB, and the pages stay in the page cache, shared by every process that
// maps the file. A font in use keeps its mapping for the life of the
// process, as the faces made from it may; release unmaps a file that held
// no usable font.
func readFont(path string) (data []byte, release func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size <= 0 || size > 1<<30 || !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("fonts: %s: %d bytes, not a font file", path, size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		data, err = os.ReadFile(path)
		return data, func() {}, err
	}
	return data, func() { syscall.Munmap(data) }, nil
}
