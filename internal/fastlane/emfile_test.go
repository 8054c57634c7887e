//go:build unix

package fastlane

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// emfileChild, set in the environment, makes TestAcceptSurvivesEMFILE the
// server in a child process with its value as Config.MaxConns.
const emfileChild = "XIANG_FASTLANE_EMFILE_CHILD"

// TestAcceptSurvivesEMFILE: a server whose process may open 256 files is
// sent 300 connections. It runs out of file descriptors (or sheds the
// connections over MaxConns), survives, and answers /healthz once they
// have closed.
func TestAcceptSurvivesEMFILE(t *testing.T) {
	if v := os.Getenv(emfileChild); v != "" {
		maxConns, _ := strconv.Atoi(v)
		emfileServer(t, maxConns)
		return
	}
	for name, tc := range map[string]struct {
		maxConns int
		shed     bool
	}{
		"no bound: backs off on EMFILE": {maxConns: -1},
		"bound under the limit: sheds":  {maxConns: 100, shed: true},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptSurvivesEMFILE$", "-test.v")
			cmd.Env = append(os.Environ(), emfileChild+"="+strconv.Itoa(tc.maxConns))
			stdin, _ := cmd.StdinPipe()
			stdout, _ := cmd.StdoutPipe()
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			lines := bufio.NewScanner(stdout)
			var addr string
			for lines.Scan() {
				if a, ok := strings.CutPrefix(lines.Text(), "addr "); ok {
					addr = a
					break
				}
			}
			if addr == "" {
				t.Fatalf("child did not start: %s", stderr.String())
			}
			var conns []net.Conn
			for range 300 {
				c, err := net.DialTimeout("tcp", addr, 5*time.Second)
				if err != nil {
					t.Fatalf("dial %d: %v", len(conns), err)
				}
				conns = append(conns, c)
			}
			// Let the server meet the limit, then make it serve meanwhile.
			time.Sleep(300 * time.Millisecond)
			for _, c := range conns {
				c.Close()
			}
			if err := healthz(addr, 10*time.Second); err != nil {
				t.Fatalf("after the connections closed: %v\nchild: %s", err, stderr.String())
			}
			stdin.Close()
			var report string
			for lines.Scan() {
				if r, ok := strings.CutPrefix(lines.Text(), "report "); ok {
					report = r
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("child: %v\n%s", err, stderr.String())
			}
			var shed, emfile int
			fmt.Sscanf(report, "shed=%d emfile=%d", &shed, &emfile)
			t.Logf("child: %s", report)
			if tc.shed && shed < 150 || !tc.shed && emfile == 0 {
				t.Errorf("child: %s: want the limit met (shed when bounded, EMFILE when not)", report)
			}
		})
	}
}

// healthz GETs /healthz on a new connection until it answers 200, for at
// most wait.
func healthz(addr string, wait time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	deadline := time.Now().Add(wait)
	for {
		res, err := client.Get("http://" + addr + "/healthz")
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// emfileServer is the child: it lowers its file limit to 256, serves until
// its stdin closes, and reports what happened.
func emfileServer(t *testing.T, maxConns int) {
	lim := syscall.Rlimit{Cur: 256, Max: 256}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &countHandler{Handler: slog.NewTextHandler(os.Stderr, nil)}
	fl := Listen(ln, testResponder{}, Config{MaxConns: maxConns, Logger: slog.New(logs)})
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(fl) }()
	fmt.Println("addr", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	select {
	case err := <-served:
		t.Fatalf("the server stopped: %v", err)
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	hs.Shutdown(ctx)
	fl.Close()
	fmt.Printf("report shed=%d emfile=%d\n", fl.Shed(), logs.emfile.Load())
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatal(err)
	}
}

// countHandler counts the accept-loop warnings that name EMFILE.
type countHandler struct {
	slog.Handler
	emfile atomic.Int64
}

// Handle counts r if it is an EMFILE warning, and logs it.
func (h *countHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" && strings.Contains(a.Value.String(), "too many open files") {
			h.emfile.Add(1)
		}
		return true
	})
	return h.Handler.Handle(ctx, r)
}
