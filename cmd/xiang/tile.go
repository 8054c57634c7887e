package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/tiles"
)

func runTile(e *env, args []string) error {
	fs := flagSet(e, "tile", "-z Z -x X -y Y [flags]",
		"Render XYZ tile Z/X/Y of the selected layers on a date as a transparent PNG.\n"+
			"Without -date it draws the summary map (every feature, every movement complete).")
	sf := selectionFlags(fs, "the summary map")
	z := fs.Int("z", -1, "zoom level (0-24)")
	x := fs.Int("x", -1, "tile column (0 to 2^z-1)")
	y := fs.Int("y", -1, "tile row (0 to 2^z-1)")
	scale := fs.Int("scale", 1, "1 for 256 px tiles, 2 for 512 px (@2x)")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	if *z < 0 || *z > geo.MaxZoom {
		return usageErr(fs, "-z %d: want 0 to %d", *z, geo.MaxZoom)
	}
	n := 1 << *z
	if *x < 0 || *x >= n || *y < 0 || *y >= n {
		return usageErr(fs, "-x %d -y %d: want 0 to %d at zoom %d", *x, *y, n-1, *z)
	}
	if *scale != 1 && *scale != 2 {
		return usageErr(fs, "-scale %d: want 1 or 2", *scale)
	}
	d, err := sf.day(fs)
	if err != nil {
		return err
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	r := tiles.New(c)
	return writeOutput(e, *out, func(w io.Writer) error {
		return r.Tile(context.Background(), w, sel, d, maptile.New(uint32(*x), uint32(*y), maptile.Zoom(*z)), *scale)
	})
}

// writeOutput runs write on the named file (created, or replaced only when
// write succeeds) or on standard output when name is "" or "-".
func writeOutput(e *env, name string, write func(io.Writer) error) error {
	if name == "" || name == "-" {
		bw := bufio.NewWriter(e.stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(dirOf(name), ".xiang-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

func dirOf(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if os.IsPathSeparator(name[i]) {
			return name[:i+1]
		}
	}
	return "."
}
