package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/xiang-maps/xiang/bench"
)

// fetchResult describes the tiles fetched from a server for nginx.
type fetchResult struct {
	Base      string       `json:"base"`
	Tiles     int          `json:"tiles"`
	Bytes     int64        `json:"bytes"`
	Distinct  int          `json:"distinct_bodies"`
	Smallest  int          `json:"smallest_bytes"` // the empty tile, when there is one
	SmallestN int          `json:"smallest_count"` // tiles of that size
	Hot       string       `json:"hot_path"`       // the largest tile
	HotBytes  int          `json:"hot_bytes"`
	Cold      bench.Timing `json:"cold"` // first request of each tile: the server renders it
	Warm      bench.Timing `json:"warm"` // second request: from the server's cache
}

// runFetch requests every tile of a list from a running server, one at a
// time, so that the server renders and caches each; saves each body under
// -root at the request path, for nginx to serve the same bytes; then
// requests every tile again and checks that the bytes did not change. It
// writes the request paths to -paths and the path of the largest tile (the
// hot tile of the serving benchmark) to -hot.
func runFetch(args []string, stdout io.Writer) error {
	fs := flagSet("fetch")
	base := fs.String("base", "", "server `URL`, e.g. http://127.0.0.1:8080")
	prefix := fs.String("prefix", "", "tile `path` before z/x/y.png, e.g. /tiles/all/1944-07-15")
	list := fs.String("tiles", "", "tile list `file`")
	root := fs.String("root", "", "`directory` to save the tiles in, at their request paths")
	paths := fs.String("paths", "", "write the request paths to this `file`")
	hot := fs.String("hot", "", "write the largest tile's request path to this `file`")
	jsonOut := fs.String("json", "", "write the result to this `file`")
	timeout := fs.Duration("timeout", 2*time.Minute, "bound on the whole fetch")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "base", "prefix", "tiles", "root"); err != nil {
		return err
	}
	tl, err := readTileFile(*list)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second}
	get := func(p string) ([]byte, time.Duration, error) {
		start := time.Now()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(*base, "/")+p, nil)
		if err != nil {
			return nil, 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		d := time.Since(start)
		if err != nil {
			return nil, 0, fmt.Errorf("GET %s: %w", p, err)
		}
		if resp.StatusCode != http.StatusOK {
			return nil, 0, fmt.Errorf("GET %s: %s: %.200s", p, resp.Status, b)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "image/png" {
			return nil, 0, fmt.Errorf("GET %s: Content-Type %q, want image/png", p, ct)
		}
		return b, d, nil
	}

	res := fetchResult{Base: *base, Tiles: len(tl)}
	reqPaths := make([]string, len(tl))
	bodies := make([][]byte, len(tl))
	cold := make([]time.Duration, len(tl))
	warm := make([]time.Duration, len(tl))
	start := time.Now()
	for i, t := range tl {
		reqPaths[i] = path.Join("/", *prefix, bench.TilePath(t)+".png")
		if bodies[i], cold[i], err = get(reqPaths[i]); err != nil {
			return err
		}
	}
	coldWall := time.Since(start)
	start = time.Now()
	for i := range tl {
		b, d, err := get(reqPaths[i])
		if err != nil {
			return err
		}
		if !bytes.Equal(b, bodies[i]) {
			return fmt.Errorf("GET %s: a second request answered different bytes (%d, then %d)", reqPaths[i], len(bodies[i]), len(b))
		}
		warm[i] = d
	}
	warmWall := time.Since(start)

	distinct := map[string]bool{}
	hotI := 0
	res.Smallest = -1
	for i, b := range bodies {
		res.Bytes += int64(len(b))
		distinct[string(b)] = true
		if len(b) > len(bodies[hotI]) {
			hotI = i
		}
		switch {
		case res.Smallest < 0 || len(b) < res.Smallest:
			res.Smallest, res.SmallestN = len(b), 1
		case len(b) == res.Smallest:
			res.SmallestN++
		}
		file := filepath.Join(*root, filepath.FromSlash(reqPaths[i]))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return err
		}
	}
	res.Distinct = len(distinct)
	res.Hot, res.HotBytes = reqPaths[hotI], len(bodies[hotI])
	res.Cold = bench.Summarize(cold, nil, coldWall, res.Bytes)
	res.Warm = bench.Summarize(warm, nil, warmWall, res.Bytes)
	fmt.Fprintf(stdout, "fetched %d tiles (%.1f MB, %d distinct), cold %.0f tiles/s, warm %.0f req/s sequential; hot tile %s (%d bytes)\n",
		res.Tiles, float64(res.Bytes)/1e6, res.Distinct, res.Cold.WallPerS, res.Warm.WallPerS, res.Hot, res.HotBytes)
	if *paths != "" {
		if err := os.WriteFile(*paths, []byte(strings.Join(reqPaths, "\n")+"\n"), 0o644); err != nil {
			return err
		}
	}
	if *hot != "" {
		if err := os.WriteFile(*hot, []byte(res.Hot+"\n"), 0o644); err != nil {
			return err
		}
	}
	if *jsonOut != "" {
		return writeJSON(*jsonOut, res)
	}
	return nil
}

// runWait polls a URL until it answers 200 or the timeout passes, and
// can save the body.
func runWait(args []string, stdout io.Writer) error {
	fs := flagSet("wait")
	url := fs.String("url", "", "`URL` to poll")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	save := fs.String("o", "", "write the body of the 200 answer to this `file`")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required(fs, "url"); err != nil {
		return err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(*timeout)
	for {
		resp, err := client.Get(*url)
		if err == nil {
			var body []byte
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode == http.StatusOK {
				if *save != "" {
					return os.WriteFile(*save, body, 0o644)
				}
				return nil
			}
			if err == nil {
				err = fmt.Errorf("%s", resp.Status)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not ready after %v: %w", *url, *timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
