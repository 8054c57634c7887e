package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"

	"github.com/paulmach/orb/maptile"

	"github.com/xiang-maps/xiang/bench"
)

// compareResult says how alike two renderings of the same tile list are:
// the check that xiang and the peer draw the same features in the same
// style, not a fidelity target.
type compareResult struct {
	A, B      string  `json:"-"`
	Tiles     int     `json:"tiles"`
	BothEmpty int     `json:"both_empty"`
	OnlyA     int     `json:"only_a_empty"` // empty in A, not in B
	OnlyB     int     `json:"only_b_empty"`
	Pixels    int64   `json:"pixels"`
	Off       int64   `json:"pixels_off"` // pixels off by more than 64/255, over white
	OffRatio  float64 `json:"pixels_off_ratio"`
	MeanDiff  float64 `json:"mean_abs_diff"` // mean per-channel difference over white, 0–255
	WorstTile string  `json:"worst_tile"`
	WorstOff  float64 `json:"worst_tile_off_ratio"`
}

// runCompare decodes dir/z/x/y.png of both directories for every tile of a
// list, composites both over white and counts the pixels whose colour
// differs by more than 64/255 in a channel.
func runCompare(args []string, stdout io.Writer) error {
	a, b, tl, jsonOut, err := pairArgs("compare", "first tile `directory`", "second tile `directory`", args)
	if err != nil {
		return err
	}
	res := compareResult{Tiles: len(tl)}
	var sum int64
	for _, t := range tl {
		p := bench.TilePath(t) + ".png"
		ia, err := decodePNG(filepath.Join(*a, p))
		if err != nil {
			return err
		}
		ib, err := decodePNG(filepath.Join(*b, p))
		if err != nil {
			return err
		}
		if ia.Bounds() != ib.Bounds() {
			return fmt.Errorf("%s: sizes %v and %v differ", p, ia.Bounds(), ib.Bounds())
		}
		ea, eb := transparent(ia), transparent(ib)
		switch {
		case ea && eb:
			res.BothEmpty++
		case ea:
			res.OnlyA++
		case eb:
			res.OnlyB++
		}
		var off int64
		r := ia.Bounds()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				ca, cb := overWhite(ia.At(x, y)), overWhite(ib.At(x, y))
				worst := 0
				for k := range 3 {
					d := abs(int(ca[k]) - int(cb[k]))
					sum += int64(d)
					worst = max(worst, d)
				}
				if worst > 64 {
					off++
				}
			}
		}
		n := int64(r.Dx() * r.Dy())
		res.Pixels += n
		res.Off += off
		if f := float64(off) / float64(n); f > res.WorstOff {
			res.WorstOff, res.WorstTile = f, bench.TilePath(t)
		}
	}
	res.OffRatio = float64(res.Off) / float64(res.Pixels)
	res.MeanDiff = float64(sum) / float64(3*res.Pixels)
	fmt.Fprintf(stdout, "%s vs %s: %.3f%% of pixels off by > 64/255 over white (mean diff %.2f/255), empty in both %d, only in first %d, only in second %d; worst tile %s (%.1f%%)\n",
		*a, *b, 100*res.OffRatio, res.MeanDiff, res.BothEmpty, res.OnlyA, res.OnlyB, res.WorstTile, 100*res.WorstOff)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

func transparent(img image.Image) bool {
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0 {
				return false
			}
		}
	}
	return true
}

// overWhite composites c over an opaque white background.
func overWhite(c color.Color) [3]uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bit
	w := 0xffff - a
	return [3]uint8{uint8((r + w) >> 8), uint8((g + w) >> 8), uint8((b + w) >> 8)}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// pairArgs parses the flags of a command that reads the tiles of a list
// in two directories: -a and -b (described by aUsage and bUsage), -tiles
// (read) and -json, all but -json required.
func pairArgs(name, aUsage, bUsage string, args []string) (a, b *string, tl []maptile.Tile, jsonOut *string, err error) {
	fs := flagSet(name)
	a = fs.String("a", "", aUsage)
	b = fs.String("b", "", bUsage)
	list := fs.String("tiles", "", "tile list `file`")
	jsonOut = fs.String("json", "", "write the result to this `file`")
	if err := parse(fs, args); err != nil {
		return nil, nil, nil, nil, err
	}
	if err := required(fs, "a", "b", "tiles"); err != nil {
		return nil, nil, nil, nil, err
	}
	if tl, err = readTileFile(*list); err != nil {
		return nil, nil, nil, nil, err
	}
	return a, b, tl, jsonOut, nil
}
