package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fetch GETs path with ctx and returns the status, the Retry-After header
// and the body; a request that ctx ended returns status 0.
func fetch(ctx context.Context, ts *httptest.Server, path string) (status int, retryAfter string, body []byte) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+path, nil)
	if err != nil {
		return 0, "", nil
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		return 0, "", nil
	}
	defer res.Body.Close()
	body, _ = io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Retry-After"), body
}

// gifs starts n requests for animated GIFs of width+i×height pixels (i from
// 0 to n-1), so that none shares another's render; stop cancels those
// still waiting and waits for them all.
func gifs(ts *httptest.Server, n, width, height int) (statuses chan int, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	statuses = make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, _, _ := fetch(ctx, ts, fmt.Sprintf("/animate/all/auto/%dx%d.gif?step=P1D", width+i, height))
			statuses <- status
		})
	}
	return statuses, func() { cancel(); wg.Wait() }
}

// holdImages makes every image render wait, with its slot held, until the
// returned function is called.
func holdImages(s *Server) (release func()) {
	gate := make(chan struct{})
	s.onImage = func() { <-gate }
	return sync.OnceFunc(func() { close(gate) })
}

// TestTilesNotStarved: while 24 large GIFs hold or wait for render slots,
// cold tiles still get a slot and are answered, not kept waiting until a
// 503. The GIFs are held in their slots for as long as the test runs, so
// the tiles' time limit (RenderTimeout) is the failure criterion: the
// finding is tiles waiting behind images until it runs out.
func TestTilesNotStarved(t *testing.T) {
	s, ts := newServer(t, "", Config{MaxRenders: 2, RenderTimeout: 5 * time.Second,
		AnimationTimeout: time.Minute, MaxImagesPerClient: 1000})
	release := holdImages(s)
	_, stop := gifs(ts, 24, 500, 375)
	defer stop()
	defer release()
	// Wait until the GIFs hold render slots and the rest queue for them.
	for deadline := time.Now().Add(20 * time.Second); metric(t, ts, "xiang_renders_in_flight") == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no GIF started")
		}
	}
	time.Sleep(100 * time.Millisecond)

	var wg sync.WaitGroup
	for day := 1; day <= 8; day++ {
		wg.Go(func() {
			path := fmt.Sprintf("/tiles/all/1944-07-%02d/8/208/108.png", day)
			start := time.Now()
			status, _, body := fetch(context.Background(), ts, path)
			if status != http.StatusOK {
				t.Errorf("%s: %d %s after %v", path, status, body, time.Since(start))
			}
		})
	}
	wg.Wait()
}

// TestImagesPerClient: one client asking for more expensive images at once
// than its share gets 429s with Retry-After for the extra ones; tiles are
// not counted.
func TestImagesPerClient(t *testing.T) {
	s, ts := newServer(t, "", Config{AnimationTimeout: time.Minute})
	release := holdImages(s)
	const n = 6
	statuses, stop := gifs(ts, n, 100, 75)
	defer stop()
	defer release()
	counts := map[int]int{}
	for range n - DefaultMaxImagesPerClient {
		counts[<-statuses]++
	}
	if counts[http.StatusTooManyRequests] != n-DefaultMaxImagesPerClient {
		t.Errorf("statuses of the first %d answers: %v, want all 429", n-DefaultMaxImagesPerClient, counts)
	}
	// The 429 says when to come back, in JSON like every error.
	status, retry, body := fetch(context.Background(), ts, "/static/all/auto/100x100.png?date=1944-07-01")
	var e errorBody
	if status != http.StatusTooManyRequests || retry == "" || json.Unmarshal(body, &e) != nil || e.Error == "" {
		t.Errorf("extra static image: %d, Retry-After %q, %s", status, retry, body)
	}
	if status, _, body := fetch(context.Background(), ts, "/tiles/all/1944-07-01/8/208/108.png"); status != http.StatusOK {
		t.Errorf("tile: %d %s", status, body)
	}
	// Once the client's images are done, it may ask again.
	release()
	for range DefaultMaxImagesPerClient {
		if status := <-statuses; status != http.StatusOK {
			t.Errorf("held GIF: %d", status)
		}
	}
	if status, _, body := fetch(context.Background(), ts, "/static/all/auto/100x100.png?date=1944-07-01"); status != http.StatusOK {
		t.Errorf("static image after the GIFs: %d %s", status, body)
	}
}
