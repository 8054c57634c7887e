package sharedcache

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/testkit"
)

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// runRedis starts redis-server on port and returns a function that stops it.
func runRedis(t *testing.T, bin string, port int) func() {
	t.Helper()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close()
			return stop
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("redis-server did not start")
	return stop
}

// TestDownAndBack: with Redis down every call is a quick miss, and once it
// is back (after the backoff) values are stored and found again.
func TestDownAndBack(t *testing.T) {
	bin := testkit.Tool(t, "redis-server", "redis-server")
	port := freePort(t)
	r, err := Open(Config{URL: "redis://127.0.0.1:" + strconv.Itoa(port) + "/0", TTL: time.Minute, Backoff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()

	// Down: misses, each bounded by the timeout, then skipped.
	start := time.Now()
	for i := 0; i < 50; i++ {
		r.Set(ctx, "a", []byte("x"))
		if _, ok := r.Get(ctx, "a"); ok {
			t.Fatal("a hit with Redis down")
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("100 calls with Redis down took %v", d)
	}
	if r.Errors() == 0 {
		t.Error("no errors counted with Redis down")
	}

	stop := runRedis(t, bin, port)
	time.Sleep(250 * time.Millisecond) // the backoff
	r.Set(ctx, "a", []byte("tile"))
	if b, ok := r.Get(ctx, "a"); !ok || string(b) != "tile" {
		t.Fatalf("after Redis came up: %q %v", b, ok)
	}
	if _, ok := r.Get(ctx, "b"); ok {
		t.Fatal("a hit for a key never set")
	}
	stop()
	if _, ok := r.Get(ctx, "a"); ok {
		t.Fatal("a hit after Redis stopped")
	}
	if _, err := Open(Config{URL: "http://nope"}); err == nil {
		t.Error("a bad URL opened")
	}
}
