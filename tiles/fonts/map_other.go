//go:build !unix

package fonts

import "os"

// readFont reads a font file into memory; release does nothing.
func readFont(path string) (data []byte, release func(), err error) {
	data, err = os.ReadFile(path)
	return data, func() {}, err
}
