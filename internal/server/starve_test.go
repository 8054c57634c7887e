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

// gifs starts n requests for large animated GIFs, each of a different size
// so that none shares another's render; cancel stops them.
func gifs(ts *httptest.Server, n int) (statuses chan int, cancel func()) {
	ctx, stop := context.WithCancel(context.Background())
	statuses = make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, _, _ := fetch(ctx, ts, fmt.Sprintf("/animate/all/auto/%dx375.gif?step=P1D", 500+i))
			statuses <- status
		})
	}
	return statuses, func() { stop(); wg.Wait() }
}

// TestTilesNotStarved: while 24 large GIFs render, cold tiles still get
// a render slot and are answered, not kept waiting until a 503. Their time
// limit (RenderTimeout) is the failure criterion: the finding is tiles
// waiting behind images until it runs out.
func TestTilesNotStarved(t *testing.T) {
	_, ts := newServer(t, "", Config{MaxRenders: 2, RenderTimeout: 5 * time.Second,
		AnimationTimeout: time.Minute, MaxImagesPerClient: 1000})
	_, cancel := gifs(ts, 24)
	defer cancel()
	// Wait until the GIFs hold render slots and the rest queue for them.
	for deadline := time.Now().Add(20 * time.Second); metric(t, ts, "xiang_renders_in_flight") == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no GIF started")
		}
	}
	time.Sleep(200 * time.Millisecond)

	var wg sync.WaitGroup
	for day := 1; day <= 8; day++ {
		wg.Go(func() {
			path := fmt.Sprintf("/tiles/all/1944-07-%02d/8/208/108.png", day)
			start := time.Now()
			status, _, body := fetch(context.Background(), ts, path)
			if status != http.StatusOK {
				t.Errorf("%s: %d %s after %v", path, status, body, time.Since(start))
			} else {
				t.Logf("%s: %d in %v", path, status, time.Since(start))
			}
		})
	}
	wg.Wait()
}

// TestImagesPerClient: one client asking for more expensive images at once
// than its share gets 429s with Retry-After for the extra ones.
func TestImagesPerClient(t *testing.T) {
	_, ts := newServer(t, "", Config{AnimationTimeout: time.Minute})
	const n = 6
	statuses, cancel := gifs(ts, n)
	defer cancel()
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
	// Cheap work is not counted: tiles are served meanwhile.
	if status, _, body := fetch(context.Background(), ts, "/tiles/all/1944-07-01/8/208/108.png"); status != http.StatusOK {
		t.Errorf("tile: %d %s", status, body)
	}
}
