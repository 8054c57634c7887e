package cache

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// lenSize counts a string value's length as its size.
func lenSize(_ string, v string) int64 { return int64(len(v)) }

// op is one step of an LRU scenario: add key=val, get key (which must
// return val), or miss key (which must be absent).
type op struct {
	kind     byte // 'a'dd, 'g'et, 'm'iss
	key, val string
}

func add(k, v string) op { return op{kind: 'a', key: k, val: v} }
func get(k, v string) op { return op{kind: 'g', key: k, val: v} }
func miss(k string) op   { return op{kind: 'm', key: k} }

func TestLRU(t *testing.T) {
	tests := map[string]struct {
		max     int64
		ops     []op
		entries int
		bytes   int64
		evicted uint64
	}{
		"fits": {
			max: 10, ops: []op{add("a", "12345"), add("b", "12345"), get("a", "12345"), get("b", "12345")},
			entries: 2, bytes: 10,
		},
		"evicts least recently added": {
			max: 10, ops: []op{add("a", "12345"), add("b", "12345"), add("c", "1"), miss("a"), get("b", "12345"), get("c", "1")},
			entries: 2, bytes: 6, evicted: 1,
		},
		"get refreshes": {
			max: 10, ops: []op{add("a", "12345"), add("b", "12345"), get("a", "12345"), add("c", "1"), miss("b"), get("a", "12345")},
			entries: 2, bytes: 6, evicted: 1,
		},
		"evicts several for a big value": {
			max: 10, ops: []op{add("a", "123"), add("b", "123"), add("c", "123"), add("d", "123456789"), miss("a"), miss("b"), miss("c"), get("d", "123456789")},
			entries: 1, bytes: 9, evicted: 3,
		},
		"replace updates size": {
			max: 10, ops: []op{add("a", "12345678"), add("a", "12"), add("b", "12345678"), get("a", "12"), get("b", "12345678")},
			entries: 2, bytes: 10,
		},
		"too big is not stored": {
			max: 4, ops: []op{add("a", "1234"), add("b", "12345"), miss("b"), get("a", "1234")},
			entries: 1, bytes: 4,
		},
		"too big replaces nothing but drops old": {
			max: 4, ops: []op{add("a", "1"), add("a", "12345"), miss("a")},
			entries: 0, bytes: 0,
		},
		"zero bound stores nothing": {
			max: 0, ops: []op{add("a", "1"), miss("a")},
			entries: 0, bytes: 0,
		},
		"zero size values": {
			max: 1, ops: []op{add("a", ""), add("b", ""), get("a", ""), get("b", "")},
			entries: 2, bytes: 0,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := New(tc.max, lenSize)
			for i, o := range tc.ops {
				switch o.kind {
				case 'a':
					c.Add(o.key, o.val)
				case 'g':
					if v, ok := c.Get(o.key); !ok || v != o.val {
						t.Errorf("op %d: get %q = %q, %v; want %q", i, o.key, v, ok, o.val)
					}
				case 'm':
					if v, ok := c.Get(o.key); ok {
						t.Errorf("op %d: get %q = %q; want a miss", i, o.key, v)
					}
				}
			}
			s := c.Stats()
			if s.Entries != tc.entries || s.Bytes != tc.bytes || s.Evictions != tc.evicted || s.MaxBytes != max(tc.max, 0) {
				t.Errorf("stats %+v; want %d entries, %d bytes, %d evictions", s, tc.entries, tc.bytes, tc.evicted)
			}
			if s.Bytes > s.MaxBytes {
				t.Errorf("holds %d bytes, bound %d", s.Bytes, s.MaxBytes)
			}
		})
	}
}

func TestPeek(t *testing.T) {
	c := New(2, lenSize)
	c.Add("a", "1")
	c.Add("b", "2")
	if v, ok := c.Peek("a"); !ok || v != "1" {
		t.Errorf("Peek(a) = %q, %v", v, ok)
	}
	if _, ok := c.Peek("z"); ok {
		t.Error("Peek(z) found a value")
	}
	c.Add("c", "3") // Peek did not refresh a: it is evicted
	if _, ok := c.Peek("a"); ok {
		t.Error("Peek refreshed a")
	}
	if s := c.Stats(); s.Hits != 0 || s.Misses != 0 {
		t.Errorf("Peek counted: %+v", s)
	}
}

func TestRemovePurge(t *testing.T) {
	c := New(100, lenSize)
	c.Add("a", "1")
	c.Add("b", "22")
	c.Remove("a")
	c.Remove("missing")
	if _, ok := c.Get("a"); ok {
		t.Error("a still present after Remove")
	}
	if s := c.Stats(); s.Bytes != 2 || s.Entries != 1 {
		t.Errorf("after Remove: %+v", s)
	}
	c.Purge()
	if s := c.Stats(); s.Bytes != 0 || s.Entries != 0 {
		t.Errorf("after Purge: %+v", s)
	}
	c.Add("c", "333")
	if v, ok := c.Get("c"); !ok || v != "333" {
		t.Errorf("after Purge and Add: %q, %v", v, ok)
	}
}

// TestConcurrentBound hammers a small cache from many goroutines (run with
// -race) and checks the bound holds.
func TestConcurrentBound(t *testing.T) {
	c := New(1000, lenSize)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := strconv.Itoa((i * (g + 1)) % 300)
				if _, ok := c.Get(k); !ok {
					c.Add(k, fmt.Sprintf("%0*d", 1+i%40, i))
				}
			}
		})
	}
	wg.Wait()
	if s := c.Stats(); s.Bytes > 1000 || s.Bytes < 0 {
		t.Errorf("bound broken: %+v", s)
	}
}

func TestDoCoalesces(t *testing.T) {
	c := New(100, lenSize)
	var loads atomic.Int32
	release := make(chan struct{})
	const n = 20
	var wg sync.WaitGroup
	results := make([]Result, n)
	var started sync.WaitGroup
	started.Add(n)
	for i := range n {
		wg.Go(func() {
			started.Done()
			v, res, err := c.Do(context.Background(), "k", func(context.Context) (string, error) {
				loads.Add(1)
				<-release
				return "value", nil
			})
			if err != nil || v != "value" {
				t.Errorf("caller %d: %q, %v", i, v, err)
			}
			results[i] = res
		})
	}
	started.Wait()
	// The load cannot finish before release, so every caller either starts
	// it or joins it; wait for all of them, then let it finish.
	waitFor(t, func(s Stats) bool { return s.Loads+s.Shared == n }, c)
	close(release)
	wg.Wait()
	if got := loads.Load(); got != 1 {
		t.Errorf("load ran %d times, want 1", got)
	}
	if loaded := slices.Index(results, Loaded); loaded < 0 || slices.Index(results[loaded+1:], Loaded) >= 0 {
		t.Errorf("results %v: want exactly one Loaded", results)
	}
	if v, res, err := c.Do(context.Background(), "k", nil); v != "value" || res != Hit || err != nil {
		t.Errorf("after load: %q, %v, %v; want a hit", v, res, err)
	}
}

func TestDoErrorsAreNotStored(t *testing.T) {
	c := New(100, lenSize)
	boom := errors.New("boom")
	if _, _, err := c.Do(context.Background(), "k", func(context.Context) (string, error) { return "", boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	v, res, err := c.Do(context.Background(), "k", func(context.Context) (string, error) { return "ok", nil })
	if v != "ok" || res != Loaded || err != nil {
		t.Errorf("second Do: %q, %v, %v; want a fresh load", v, res, err)
	}
}

func TestDoPanic(t *testing.T) {
	c := New(100, lenSize)
	_, _, err := c.Do(context.Background(), "k", func(context.Context) (string, error) { panic("kaboom") })
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "kaboom" || len(pe.Stack) == 0 {
		t.Fatalf("err %v, want a PanicError with a stack", err)
	}
	if _, ok := c.Get("k"); ok {
		t.Error("a panicked load stored a value")
	}
}

// TestDoCancel: a caller that gives up gets its context's error while a
// patient caller still gets the value; the load sees no cancellation while
// anyone waits, and its value is stored.
func TestDoCancel(t *testing.T) {
	c := New(100, lenSize)
	release := make(chan struct{})
	loadCtxErr := make(chan error, 1)
	load := func(ctx context.Context) (string, error) {
		<-release
		loadCtxErr <- ctx.Err()
		return "v", nil
	}
	impatient, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := c.Do(impatient, "k", load)
		errc <- err
	}()
	waitFor(t, func(s Stats) bool { return s.Loads == 1 }, c)
	patient := make(chan string, 1)
	go func() {
		v, _, err := c.Do(context.Background(), "k", load)
		if err != nil {
			t.Errorf("patient caller: %v", err)
		}
		patient <- v
	}()
	waitFor(t, func(s Stats) bool { return s.Shared == 1 }, c)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Errorf("impatient caller: %v, want context.Canceled", err)
	}
	close(release)
	if v := <-patient; v != "v" {
		t.Errorf("patient caller got %q", v)
	}
	if err := <-loadCtxErr; err != nil {
		t.Errorf("load context was cancelled while a caller waited: %v", err)
	}
}

// TestDoAllGiveUp: when every caller gives up, the load's context is
// cancelled, a new caller starts a new load, and a value the first load
// still produces is stored.
func TestDoAllGiveUp(t *testing.T) {
	c := New(100, lenSize)
	release := make(chan struct{})
	sawCancel := make(chan bool, 1)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, _, err := c.Do(ctx, "k", func(lctx context.Context) (string, error) {
			<-release
			sawCancel <- lctx.Err() != nil
			return "late", nil
		})
		errc <- err
	}()
	waitFor(t, func(s Stats) bool { return s.Loads == 1 }, c)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	close(release)
	if !<-sawCancel {
		t.Error("load context not cancelled after every caller gave up")
	}
	waitFor(t, func(s Stats) bool { return s.Entries == 1 }, c)
	if v, ok := c.Get("k"); !ok || v != "late" {
		t.Errorf("late value: %q, %v", v, ok)
	}
}

func waitFor(t *testing.T, cond func(Stats) bool, c *Cache[string, string]) {
	t.Helper()
	for !cond(c.Stats()) {
		runtime.Gosched()
	}
}

func TestResultString(t *testing.T) {
	for r, want := range map[Result]string{Hit: "hit", Loaded: "loaded", Shared: "shared", 9: "Result(9)"} {
		if got := r.String(); got != want {
			t.Errorf("%d: %q, want %q", r, got, want)
		}
	}
}

// BenchmarkGetHit measures a hit, the warm path of a tile server.
func BenchmarkGetHit(b *testing.B) {
	c := New(1<<30, func(int, []byte) int64 { return 40 << 10 })
	for i := range 1000 {
		c.Add(i, make([]byte, 1))
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, ok := c.Get(i % 1000); !ok {
			b.Fatal("miss")
		}
		i++
	}
}

// BenchmarkGetHitParallel measures hits from every CPU: the mutex is shared.
func BenchmarkGetHitParallel(b *testing.B) {
	c := New(1<<30, func(int, []byte) int64 { return 40 << 10 })
	for i := range 1000 {
		c.Add(i, make([]byte, 1))
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Get(i % 1000)
			i++
		}
	})
}

// BenchmarkMapBaseline is the naive alternative — a map under a mutex with
// no recency or size bound — to show what the LRU bookkeeping costs.
func BenchmarkMapBaseline(b *testing.B) {
	var mu sync.Mutex
	m := map[int][]byte{}
	for i := range 1000 {
		m[i] = make([]byte, 1)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		mu.Lock()
		_, ok := m[i%1000]
		mu.Unlock()
		if !ok {
			b.Fatal("miss")
		}
		i++
	}
}

// TestDoWaiting: waiting is called by, and only by, the callers that wait
// for a load another caller started, before they wait.
func TestDoWaiting(t *testing.T) {
	c := New(100, lenSize)
	release := make(chan struct{})
	var waiting atomic.Int32
	const n = 5
	var wg sync.WaitGroup
	results := make([]Result, n)
	for i := range n {
		wg.Go(func() {
			_, results[i], _ = c.DoWaiting(context.Background(), "k", func(context.Context) (string, error) {
				<-release
				return "value", nil
			}, func() { waiting.Add(1) })
		})
	}
	waitFor(t, func(s Stats) bool { return s.Loads+s.Shared == n }, c)
	for waiting.Load() != n-1 { // called before the wait, so before release
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if got := waiting.Load(); got != n-1 {
		t.Errorf("waiting called %d times, want %d", got, n-1)
	}
	if _, res, _ := c.DoWaiting(context.Background(), "k", nil, func() { t.Error("waiting called on a hit") }); res != Hit {
		t.Errorf("result %v, want a hit", res)
	}
}
