package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/fastlane"
	"github.com/xiang-maps/xiang/internal/server"
)

// TestServeArchives serves seeded archives through serve, fast lane
// included: a tile asked for again is answered from the fast lane with
// the same bytes, and an unseeded date is a 404 JSON.
func TestServeArchives(t *testing.T) {
	dir := t.TempDir()
	if code, o, e := runCmd(t, "seed", "-dates", "1944-07-15", "-bbox", "112.55,26.85,112.65,26.95", "-zoom", "10-10", "-o", dir); code != 0 {
		t.Fatalf("seed: exit %d\n%s%s", code, o, e)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	cfg := server.Config{Archives: dir, Source: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, fastlane.Config{}, ln, make(chan os.Signal)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	base := "http://" + ln.Addr().String()
	// A connection handed to net/http stays there: one per request.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(path string) (int, []byte) {
		t.Helper()
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	var tile, again []byte
	var code int
	if code, tile = get("/tiles/all/1944-07-15/10/832/432.png"); code != 200 || len(tile) < 100 {
		t.Fatalf("tile: %d, %d bytes", code, len(tile))
	}
	if code, again = get("/tiles/all/1944-07-15/10/832/432.png"); code != 200 || !bytes.Equal(tile, again) {
		t.Errorf("tile again: %d, equal %v", code, bytes.Equal(tile, again))
	}
	// The request log is written as the handler returns, which may be just
	// after the client has read the response: wait for it.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !strings.Contains(logs.String(), "path=/tiles/all/1944-07-15/10/832/432.png"); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := strings.Count(logs.String(), "path=/tiles/all/1944-07-15/10/832/432.png"); n != 1 {
		t.Errorf("net/http logged the tile %d times; want 1 (then the fast lane)", n)
	}
	if code, body := get("/tiles/all/1944-07-16/10/832/432.png"); code != 404 || !strings.Contains(string(body), "seeded dates of these layers: 1944-07-15") {
		t.Errorf("unseeded date: %d %s", code, body)
	}
}
