// Package deploy tests the deployment in this directory: replicas of
// `xiang serve` behind nginx, with a shared Redis cache.
package deploy

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xiang-maps/xiang/internal/testkit"
)

// freePort returns a loopback port free at the time of the call.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start runs a program until the test ends (or kill), its output in the
// test's log directory.
func start(t *testing.T, dir, name string, args ...string) *exec.Cmd {
	t.Helper()
	out, err := os.Create(filepath.Join(dir, filepath.Base(name)+"-"+strconv.Itoa(freePort(t))+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		out.Close()
	})
	return cmd
}

// waitUp waits for a TCP port to accept connections.
func waitUp(t *testing.T, port int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("port %d did not open", port)
}

// renders reads xiang_tile_render_duration_seconds_count from a replica.
func renders(t *testing.T, port int) int {
	t.Helper()
	res, err := http.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "xiang_tile_render_duration_seconds_count "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatal("no render count in /metrics")
	return 0
}

const nginxConf = `daemon off;
%s
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[2]s/client;
    proxy_temp_path %[2]s/proxy;
    fastcgi_temp_path %[2]s/fastcgi;
    uwsgi_temp_path %[2]s/uwsgi;
    scgi_temp_path %[2]s/scgi;
%[3]s
}
`

// TestScaleOut: three replicas behind nginx (consistent hash on the
// address, proxy_cache in front) share a Redis cache. A load of dated
// tiles, with one replica killed by SIGKILL in the middle, sees no error;
// the cache in front holds each distinct tile once; a replica started
// later serves warm tiles from Redis without rendering.
func TestScaleOut(t *testing.T) {
	redisBin := testkit.Tool(t, "redis-server", "redis-server")
	nginxBin := testkit.Tool(t, "nginx", "nginx-light")
	dir := t.TempDir()
	logs := t.TempDir()

	bin := filepath.Join(dir, "xiang")
	build := exec.Command("go", "build", "-o", bin, "github.com/xiang-maps/xiang/cmd/xiang")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	rport := freePort(t)
	start(t, logs, redisBin, "--port", strconv.Itoa(rport), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru")
	waitUp(t, rport)
	shared := fmt.Sprintf("redis://127.0.0.1:%d/0", rport)

	replica := func() (int, *exec.Cmd) {
		p := freePort(t)
		cmd := start(t, logs, bin, "serve", "-addr", "127.0.0.1:"+strconv.Itoa(p), "-log-level", "warn",
			"-canonical-redirects", "-shared-cache", shared)
		waitUp(t, p)
		return p, cmd
	}
	var ports []int
	var cmds []*exec.Cmd
	for range 3 {
		p, c := replica()
		ports, cmds = append(ports, p), append(cmds, c)
	}

	nport := freePort(t)
	prefix := filepath.Join(dir, "nginx")
	cacheDir := filepath.Join(prefix, "cache")
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf, err := os.ReadFile("nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	// The deployed server block, with this test's ports and paths.
	block := string(conf)
	block = strings.ReplaceAll(block, "/var/cache/nginx/xiang", cacheDir)
	block = strings.ReplaceAll(block, "listen 80;", "listen 127.0.0.1:"+strconv.Itoa(nport)+";")
	var servers strings.Builder
	for _, p := range ports {
		fmt.Fprintf(&servers, "    server 127.0.0.1:%d max_fails=1 fail_timeout=10s;\n", p)
	}
	block = strings.Replace(block, "    server 127.0.0.1:8081 max_fails=1 fail_timeout=10s;\n    server 127.0.0.1:8082 max_fails=1 fail_timeout=10s;\n    server 127.0.0.1:8083 max_fails=1 fail_timeout=10s;\n", servers.String(), 1)
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(fmt.Sprintf(nginxConf, user, prefix, block)), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, logs, nginxBin, "-c", confPath, "-p", prefix)
	waitUp(t, nport)
	front := "http://127.0.0.1:" + strconv.Itoa(nport)

	// The load: 30 days of a 3×3 block at Hengyang at z10, twice, in a
	// random order, from 8 clients that follow redirects.
	var paths []string
	for pass := 0; pass < 2; pass++ {
		for day := 1; day <= 30; day++ {
			for x := 829; x <= 831; x++ {
				for y := 431; y <= 433; y++ {
					paths = append(paths, fmt.Sprintf("/tiles/all/1944-06-%02d/10/%d/%d.png", day, x, y))
				}
			}
		}
	}
	rand.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	client := &http.Client{Timeout: 15 * time.Second}
	var next, done, failed atomic.Int64
	var mu sync.Mutex
	var firstErr string
	var wg sync.WaitGroup
	killAt := int64(len(paths) / 3)
	began := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(paths)) {
					return
				}
				if i == killAt {
					cmds[0].Process.Signal(syscall.SIGKILL)
				}
				res, err := client.Get(front + paths[i])
				var body []byte
				if err == nil {
					body, err = io.ReadAll(res.Body)
					res.Body.Close()
				}
				if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(body, []byte("\x89PNG")) {
					failed.Add(1)
					mu.Lock()
					if firstErr == "" {
						firstErr = fmt.Sprintf("%s: %v %v", paths[i], err, res)
					}
					mu.Unlock()
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	if failed.Load() > 0 {
		t.Fatalf("%d of %d requests failed; first: %s", failed.Load(), len(paths), firstErr)
	}

	// The cache in front: PNG objects against distinct tiles.
	noFollow := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	distinct := map[string]bool{}
	hits, seen := 0, map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		res, err := noFollow.Get(front + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusFound {
			t.Fatalf("%s: %d, want 302", p, res.StatusCode)
		}
		distinct[res.Header.Get("Location")] = true
		if res.Header.Get("X-Cache") == "HIT" {
			hits++
		}
	}
	pngs := 0
	filepath.Walk(cacheDir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		if i := bytes.Index(b, []byte("\r\n\r\n")); i > 0 && bytes.Contains(b[:i], []byte("Content-Type: image/png")) {
			pngs++
		}
		return nil
	})
	sum := 0
	for _, p := range ports[1:] {
		sum += renders(t, p)
	}
	t.Logf("%d requests (each a redirect and a tile) in %v, %.0f/s; %d distinct tiles, %d PNG objects in the cache in front; redirects hit %d/%d after the load; renders by the two live replicas: %d",
		len(paths), elapsed.Round(time.Millisecond), float64(len(paths))/elapsed.Seconds(), len(distinct), pngs, hits, len(seen), sum)
	if pngs > len(distinct)+2 {
		t.Errorf("%d PNG objects in the cache in front for %d distinct tiles", pngs, len(distinct))
	}

	// A replica started later serves the same addresses from Redis,
	// rendering nothing.
	late, _ := replica()
	for _, p := range paths[:60] {
		res, err := client.Get("http://127.0.0.1:" + strconv.Itoa(late) + p)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Fatalf("late replica %s: %d", p, res.StatusCode)
		}
	}
	if n := renders(t, late); n != 0 {
		t.Errorf("the late replica rendered %d tiles; want 0 (all in Redis)", n)
	}
}
