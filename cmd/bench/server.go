package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"stepwise/cmd/internal/front"
)

// seed runs `stepwise seed-demo` into a fresh database and returns how
// long it took.
func seed(ctx context.Context, bin string, database *benchDB) (time.Duration, error) {
	start := time.Now()
	// #nosec G204 -- bin is the binary under test, named by whoever runs the benchmark
	cmd := exec.CommandContext(ctx, bin, "seed-demo",
		"--users", strconv.Itoa(benchUsers), "--guides", strconv.Itoa(benchGuides),
		"--steps", strconv.Itoa(benchSteps), "--progress", strconv.FormatFloat(benchProgress, 'f', -1, 64),
		"--password", benchPassword, "-database", database.url)
	cmd.Env = append(os.Environ(), database.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("seed-demo: %w\n%s", err, out)
	}
	return time.Since(start), nil
}

// server is a running `stepwise serve`.
type server struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:port
	logPath string
	startup time.Duration // process start to first 200 on /readyz
	exited  chan struct{} // closed when the process has exited
	waitErr error         // cmd.Wait's result, once exited is closed
}

// startServer starts the binary on a free loopback port and waits until
// /readyz answers 200; the time that takes is the start-up time.
func startServer(ctx context.Context, bin string, database *benchDB, logPath string, extra ...string) (*server, error) {
	addr, err := front.FreeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(logPath) // #nosec G304 -- a file in the benchmark's temporary directory
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own descriptor
	// Not CommandContext: the server must get SIGTERM and drain, not be
	// killed, when the benchmark ends.
	// The API workloads make far more than a token's default allowance;
	// every request is still counted (a write), only never refused.
	args := append([]string{"serve", "-addr", addr, "-admin-addr", "off", "-database", database.url, "-log-level", "warn",
		"-api-rate-limit", "1000000000"}, database.serverArgs(addr)...)
	args = append(args, extra...)
	cmd := exec.Command(bin, args...) // #nosec G204 -- the binary under test
	cmd.Env = append(os.Environ(), database.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	s := &server{cmd: cmd, base: "http://" + addr, logPath: logPath, exited: make(chan struct{})}

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(ctx, 10*time.Second); err != nil {
		s.kill()
		return nil, fmt.Errorf("%w\n(server log: %s)", err, s.logTail())
	}
	s.startup = time.Since(start)
	return s, nil
}

// waitReady polls /readyz every few milliseconds: the poll interval bounds
// how much the start-up figure can overstate.
func (s *server) waitReady(ctx context.Context, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if s.hasExited() {
			return fmt.Errorf("server exited during start-up: %v", s.waitErr)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return fmt.Errorf("server not ready after %s", limit)
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) hasExited() bool {
	select {
	case <-s.exited:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM and waits for the graceful shutdown; an exit status
// other than 0 is an error.
func (s *server) stop() error {
	if !s.hasExited() {
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			return fmt.Errorf("stop server: %w", err)
		}
	}
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return fmt.Errorf("server exited with %v\n(server log: %s)", s.waitErr, s.logTail())
		}
		return nil
	case <-time.After(20 * time.Second):
		s.kill()
		return errors.New("server did not stop within 20 s of SIGTERM")
	}
}

// kill ends the server at once if it is still running (after a failure).
func (s *server) kill() {
	if s.hasExited() {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// logTail is the end of the server's log, for error messages.
func (s *server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	if len(b) == 0 {
		return "empty"
	}
	return "\n" + string(b)
}

// memory is what the sampler saw of the server's resident set.
type memory struct {
	maxRSS, lastRSS, peak int64 // bytes; peak is VmHWM, the kernel's high-water mark
}

// memWatch samples /proc/<pid>/status while the workloads run.
type memWatch struct {
	pid     int
	quit    chan struct{}
	result  chan memory
	stopped *memory
}

func watchMemory(pid int) *memWatch {
	w := &memWatch{pid: pid, quit: make(chan struct{}), result: make(chan memory, 1)}
	go w.loop()
	return w
}

func (w *memWatch) loop() {
	var m memory
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if rss, hwm, err := readMemory(w.pid); err == nil {
			m.lastRSS = rss
			m.maxRSS = max(m.maxRSS, rss)
			// The kernel updates VmHWM lazily; a sample can exceed it.
			m.peak = max(m.peak, hwm, rss)
		}
		select {
		case <-w.quit:
			w.result <- m
			return
		case <-tick.C:
		}
	}
}

// stop ends sampling (once) and returns what was seen.
func (w *memWatch) stop() memory {
	if w.stopped == nil {
		close(w.quit)
		m := <-w.result
		w.stopped = &m
	}
	return *w.stopped
}

// readMemory returns VmRSS and VmHWM (peak RSS) of pid in bytes.
func readMemory(pid int) (rss, hwm int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if name == "VmRSS" {
			rss = kb * 1024
		} else {
			hwm = kb * 1024
		}
	}
	return rss, hwm, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// cpuTime returns the user plus system CPU time pid has used.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; count fields after it.
	_, rest, ok := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	var ticks int64
	for _, field := range f[11:13] { // utime and stime, fields 14 and 15
		n, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
