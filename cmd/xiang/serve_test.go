package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/fastlane"
	"github.com/xiang-maps/xiang/internal/server"
	"github.com/xiang-maps/xiang/overlays"
)

func TestParseBytes(t *testing.T) {
	tests := map[string]struct {
		in   string
		want int64
		bad  string // part of the error message; "" for success
	}{
		"bytes":            {in: "1234", want: 1234},
		"zero":             {in: "0", want: 0},
		"B":                {in: "512B", want: 512},
		"KB":               {in: "64KB", want: 64_000},
		"kB":               {in: "64kB", want: 64_000},
		"MB":               {in: "256MB", want: 256_000_000},
		"mb lower":         {in: "256mb", want: 256_000_000},
		"GB":               {in: "2GB", want: 2_000_000_000},
		"TB":               {in: "1TB", want: 1_000_000_000_000},
		"KiB":              {in: "4KiB", want: 4096},
		"MiB":              {in: "128MiB", want: 128 << 20},
		"GiB":              {in: "1GiB", want: 1 << 30},
		"TiB":              {in: "1TiB", want: 1 << 40},
		"fraction":         {in: "1.5GiB", want: 3 << 29},
		"space":            {in: " 256 MB ", want: 256_000_000},
		"rounds down":      {in: "1.0005KB", want: 1000},
		"empty":            {in: "", bad: "want a size"},
		"unit only":        {in: "MB", bad: "want a size"},
		"negative":         {in: "-5MB", bad: "want a size"},
		"unknown unit":     {in: "256M", bad: `unknown unit "M"`},
		"unknown word":     {in: "lots", bad: "want a size"},
		"two dots":         {in: "1.2.3MB", bad: "not a number"},
		"dot only":         {in: ".MB", bad: "not a number"},
		"too large":        {in: "99999999TB", bad: "too large"},
		"unit before":      {in: "MB256", bad: "want a size"},
		"trailing garbage": {in: "256MBx", bad: "unknown unit"},
	}
	for name, tc := range tests {
		got, err := parseBytes(tc.in)
		switch {
		case tc.bad == "" && (err != nil || got != tc.want):
			t.Errorf("%s: parseBytes(%q) = %d, %v; want %d", name, tc.in, got, err, tc.want)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%s: parseBytes(%q) = %d, %v; want an error about %q", name, tc.in, got, err, tc.bad)
		}
	}
}

// FuzzParseBytes: a size either fails or is non-negative, and a plain
// number of bytes reads back as itself.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"256MB", "1GiB", "0", "1.5GB", "12 kib", "-1", "1e3", "9999999999999TiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseBytes(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("%q: %d", s, n)
		}
		if again, err := parseBytes(strconv.FormatInt(n, 10)); err != nil || again != n {
			t.Fatalf("%q → %d → %d, %v", s, n, again, err)
		}
	})
}

func TestServeUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		has  string
	}{
		{[]string{"serve", "-h"}, 0, "-max-zoom"},
		{[]string{"serve", "-cache", "lots"}, 2, "-cache"},
		{[]string{"serve", "-cache", "256M"}, 2, `unknown unit "M"`},
		{[]string{"serve", "-max-zoom", "0"}, 2, "-max-zoom 0"},
		{[]string{"serve", "-max-zoom", "25"}, 2, "-max-zoom 25"},
		{[]string{"serve", "-log-level", "loud"}, 2, "-log-level"},
		{[]string{"serve", "-images-per-client", "-1"}, 2, "-images-per-client -1"},
		{[]string{"serve", "-memory-limit", "lots"}, 2, "-memory-limit"},
		{[]string{"serve", "-h"}, 0, "-basemap"},
		{[]string{"serve", "-basemap", "tiles.example.org/{z}/{x}/{y}.png"}, 2, "-basemap"},
		{[]string{"serve", "-basemap", "https://tiles.example.org/{z}/{x}.png"}, 2, "{y}"},
		{[]string{"serve", "-basemap", "ftp://tiles.example.org/{z}/{x}/{y}.png"}, 2, "-basemap"},
		{[]string{"serve", "extra"}, 2, "unexpected argument"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-data", "/nonexistent"}, 1, "campaign directory"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-data", "../../overlays/testdata/broken"}, 1, "b-kinds.geojson: feature 1"},
	}
	for _, tc := range tests {
		code, out, errOut := runCmd(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.has) {
			t.Errorf("xiang %v: exit %d (want %d), output lacks %q:\n%s%s", tc.args, code, tc.code, tc.has, out, errOut)
		}
	}
}

// TestServe runs the serve loop on a real listener: it serves, reloads on
// a signal (keeping the old data when the new is invalid) and stops
// cleanly when its context ends.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"march.geojson", "context.geojson"} {
		b, err := os.ReadFile(filepath.Join(good, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	cfg := server.Config{
		Load:   func() (*overlays.Campaign, error) { return loadCampaign(dir) },
		Source: dir,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	}
	ctx, cancel := context.WithCancel(context.Background())
	reload := make(chan os.Signal)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, fastlane.Config{}, ln, reload) }()

	base := "http://" + ln.Addr().String()
	health := func() (version string, layers int) {
		t.Helper()
		res, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var h struct {
			Version string
			Layers  int
		}
		if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
			t.Fatal(err)
		}
		return h.Version, h.Layers
	}
	v1, n := health()
	if n != 2 {
		t.Fatalf("%d layers", n)
	}
	res, err := http.Get(base + "/tiles/all/1944-07-01/8/208/108.png")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("tile: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}

	// Invalid data on reload: logged, old data kept.
	if err := os.WriteFile(filepath.Join(dir, "bad.geojson"), []byte(`{"type": "Feature"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	reload <- nil
	waitFor(t, "the rejected reload", func() bool { return strings.Contains(logs.String(), "reload rejected") })
	if v, _ := health(); v != v1 {
		t.Errorf("version changed to %s after an invalid reload", v)
	}
	// Valid data on reload: served.
	os.Remove(filepath.Join(dir, "bad.geojson"))
	os.Remove(filepath.Join(dir, "context.geojson"))
	reload <- nil
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), "msg=reloaded") })
	if v, n := health(); v == v1 || n != 1 {
		t.Errorf("after a valid reload: version %s, %d layers", v, n)
	}

	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve returned %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("still serving after shutdown")
	}
	out := logs.String()
	for _, want := range []string{"msg=serving url=" + base + "/", "reload rejected", "bad.geojson", "msg=reloaded", "msg=stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// TestServeHungLoad: a reload or a first load that never returns (a FIFO
// read, a hung network file system) does not stop SIGTERM from stopping
// the server.
func TestServeHungLoad(t *testing.T) {
	tests := map[string]struct {
		hangFirst bool // the first load hangs, else the reload
	}{
		"reload":  {},
		"startup": {hangFirst: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hang := make(chan struct{})
			defer close(hang)
			var calls atomic.Int32
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var logs lockedBuffer
			cfg := server.Config{
				Load: func() (*overlays.Campaign, error) {
					if n := calls.Add(1); tc.hangFirst || n > 1 {
						<-hang
					}
					return loadCampaign(good)
				},
				Source: good,
				Logger: slog.New(slog.NewTextHandler(&logs, nil)),
			}
			ctx, cancel := context.WithCancel(context.Background())
			reload := make(chan os.Signal, 1)
			done := make(chan error, 1)
			go func() { done <- serve(ctx, cfg, fastlane.Config{}, ln, reload) }()
			if !tc.hangFirst {
				waitFor(t, "the server", func() bool { return strings.Contains(logs.String(), "msg=serving") })
				reload <- nil
				waitFor(t, "the reload", func() bool { return calls.Load() == 2 })
			}
			cancel() // SIGTERM
			select {
			case err := <-done:
				if tc.hangFirst && err == nil {
					t.Error("serve returned no error when stopped while loading")
				}
			case <-time.After(20 * time.Second): // the finding is a hang
				t.Fatal("serve did not stop while a load hung")
			}
		})
	}
}

// lockedBuffer is a strings.Builder safe for a logger's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestServerURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/",
		"0.0.0.0:80":     "http://localhost:80/",
		"[::]:8080":      "http://localhost:8080/",
		"[::1]:8080":     "http://[::1]:8080/",
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := serverURL(a); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}

// TestMemoryLimit: -memory-limit auto derives a soft limit from -cache, so
// that RSS stays near the caches rather than twice them; GOMEMLIMIT wins.
func TestMemoryLimit(t *testing.T) {
	const mib = 1 << 20
	tests := map[string]struct {
		flag    string
		cache   int64
		env     bool
		want    int64
		wantErr bool
	}{
		"auto, default cache":  {"auto", 256 * mib, false, (256 + 32 + 192) * mib, false},
		"auto, no cache":       {"auto", -1, false, (32 + 192) * mib, false},
		"auto, GOMEMLIMIT":     {"auto", 256 * mib, true, 0, false},
		"off":                  {"off", 256 * mib, false, 0, false},
		"size":                 {"1GiB", 256 * mib, false, 1 << 30, false},
		"size over GOMEMLIMIT": {"1GiB", 256 * mib, true, 1 << 30, false},
		"too small":            {"1MB", 256 * mib, false, 0, true},
		"bad":                  {"lots", 256 * mib, false, 0, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := memoryLimit(tc.flag, tc.cache, tc.env)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("memoryLimit(%q, %d, %v) = %d, %v; want %d (error %v)", tc.flag, tc.cache, tc.env, got, err, tc.want, tc.wantErr)
			}
		})
	}
}
