package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/fastlane"
)

// TestShutdownFinishesInFlight: a tile whose render is under way when the
// server is told to stop is still answered in full, and Shutdown waits
// for it; new connections are refused meanwhile.
func TestShutdownFinishesInFlight(t *testing.T) {
	s, _ := newServer(t, "", Config{})
	started, release := make(chan struct{}), make(chan struct{})
	s.onRender = func() {
		close(started)
		<-release
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := s.FastLane(ln, fastlane.Config{})
	hs := &http.Server{Handler: s, ConnContext: fastlane.ConnContext, ConnState: fastlane.ConnState}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(fl) }()

	type result struct {
		status int
		body   []byte
		err    error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + warmTile)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{res.StatusCode, b, err}
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the render never started")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stopped := make(chan error, 1)
	go func() {
		err := hs.Shutdown(ctx)
		fl.Close()
		if werr := fl.Wait(ctx); err == nil {
			err = werr
		}
		stopped <- err
	}()
	// Shutdown must wait for the response, and the listener is closed.
	select {
	case err := <-stopped:
		t.Fatalf("Shutdown returned (%v) while a response was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("new connection accepted during shutdown")
	}
	close(release)
	r := <-got
	if r.err != nil || r.status != http.StatusOK || len(r.body) == 0 {
		t.Fatalf("in-flight response: %d, %d bytes, %v", r.status, len(r.body), r.err)
	}
	decodePNG(t, r.body)
	if err := <-stopped; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
	}
}
