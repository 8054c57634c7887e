package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/xiang-maps/xiang/geo"
	"github.com/xiang-maps/xiang/tiles"
	"github.com/xiang-maps/xiang/tiles/view"
)

func runAnimate(e *env, args []string) error {
	fs := flagSet(e, "animate", "-from YYYY-MM-DD -to YYYY-MM-DD [flags]",
		"Write an animated GIF of the selected layers, one frame per step from -from to\n"+
			"-to, the date written on each frame. The view is -center, -bbox or fitted to the\n"+
			"layers, as for xiang static.")
	sf := selectionFlags(fs, "")
	from := fs.String("from", "", "first `date`, YYYY-MM-DD (default: the start of the layers)")
	to := fs.String("to", "", "last `date`, YYYY-MM-DD (default: the end of the layers)")
	step := fs.String("step", "auto", "ISO 8601 `duration` between frames: P1D, P7D, P2W, P1M; auto: the shortest of P1D, P2D, P3D, P7D, P14D, P1M… that gives at most 240 frames")
	center := fs.String("center", "", "`lon,lat,zoom` to centre on")
	bbox := fs.String("bbox", "", "`minlon,minlat,maxlon,maxlat` to fit")
	size := fs.String("size", "640x480", "image `WxH` in pixels")
	delay := fs.Duration("delay", 500*time.Millisecond, "how long each frame shows")
	plain := fs.Bool("plain", false, "leave out the title, scale bar and legend of every frame (the date and attribution stay)")
	out := fs.String("o", "", "output `file` (default: standard output)")
	if err := parseNoArgs(fs, args); err != nil {
		return err
	}
	w, h, err := view.ParseSize(*size, 1)
	if err != nil {
		return usageErr(fs, "-%v", err)
	}
	var st geo.Step
	if *step != "auto" {
		if st, err = geo.ParseStep(*step); err != nil {
			return usageErr(fs, "-step: %v", err)
		}
	}
	if *delay < 20*time.Millisecond || *delay > time.Minute {
		return usageErr(fs, "-delay %v: want 20ms to 1m", *delay)
	}
	c, sel, err := sf.load(fs)
	if err != nil {
		return err
	}
	ext := view.Extent(sel)
	if ext.Empty() && (*from == "" || *to == "") {
		return usageErr(fs, "-layers %q: no dated feature; give -from and -to", *sf.layers)
	}
	fromDay, toDay := ext.From, ext.To
	if *from != "" {
		if fromDay, err = geo.ParseDay(*from); err != nil {
			return usageErr(fs, "-from: %v", err)
		}
	}
	if *to != "" {
		if toDay, err = geo.ParseDay(*to); err != nil {
			return usageErr(fs, "-to: %v", err)
		}
	}
	if *step == "auto" && toDay >= fromDay {
		st = geo.AutoStep(fromDay, toDay, tiles.MaxFrames)
	}
	days, err := st.Range(fromDay, toDay, tiles.MaxFrames)
	if err != nil {
		return usageErr(fs, "%v", err)
	}
	frame, err := mapFrame(sel, *center, *bbox, w, h, 1)
	if err != nil {
		return usageErr(fs, "%v", err)
	}
	r := tiles.New(c)
	opt := tiles.AnimationOptions{ImageOptions: tiles.ImageOptions{Background: tiles.Paper, Attribution: sel.Attribution()}, Delay: *delay, Plain: *plain}
	if isTerminal(e.stderr) {
		opt.Progress = func(done, total int) {
			fmt.Fprintf(e.stderr, "\rframe %d of %d", done, total)
			if done == total {
				fmt.Fprintln(e.stderr)
			}
		}
	}
	return writeOutput(e, *out, func(wr io.Writer) error {
		return r.Animate(context.Background(), wr, sel, days, frame, opt)
	})
}
