package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// result is one measured wrk run.
type result struct {
	workload    workload
	requests    int64
	seconds     float64
	errors      int64 // socket errors and timeouts plus HTTP statuses ≥ 400
	httpErrors  int64 // of which HTTP statuses ≥ 400
	p50, p90    time.Duration
	p99, max    time.Duration
	consistency string // for the toggle: what the database check found

	cpuPerRequest time.Duration // the server's CPU time per request
}

func (r result) perSecond() float64 { return float64(r.requests) / r.seconds }

// scriptDone is the Lua done() hook: wrk calls it once at the end with the
// summary and the latency histogram; it prints one "bench key value" line
// per figure, which is easier to parse than wrk's human output. Latencies
// are in microseconds.
const scriptDone = `
function done(summary, latency, requests)
  local e = summary.errors
  local out = {
    requests = summary.requests,
    duration_us = summary.duration,
    errors = e.connect + e.read + e.write + e.timeout + e.status,
    http_errors = e.status,
    p50_us = latency:percentile(50),
    p90_us = latency:percentile(90),
    p99_us = latency:percentile(99),
    max_us = latency.max,
  }
  for k, v in pairs(out) do
    io.write(string.format("bench %s %d\n", k, v))
  end
end
`

// writeScript writes the workload's wrk script: method, headers (the
// session cookie, htmx and CSRF headers), body, and the done() hook.
func writeScript(dir string, w workload) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: written by cmd/bench\n", w.name)
	fmt.Fprintf(&b, "wrk.method = %s\n", strconv.Quote(w.method))
	if w.body != nil {
		// wrk sends Content-Length for a body, even an empty one.
		fmt.Fprintf(&b, "wrk.body = %s\n", strconv.Quote(*w.body))
	}
	keys := make([]string, 0, len(w.headers))
	for k := range w.headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		// Header values here are ASCII tokens; Go's quoting is valid Lua.
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", strconv.Quote(k), strconv.Quote(w.headers[k]))
	}
	b.WriteString(scriptDone)
	path := filepath.Join(dir, "wrk-"+w.key+".lua")
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}

// runWrk runs wrk with the script against url and parses its figures.
func runWrk(ctx context.Context, wrkPath, script, url string, conns, threads int, d time.Duration) (result, error) {
	secs := max(1, int(math.Ceil(d.Seconds())))
	// #nosec G204 -- wrk found on PATH; the arguments are the benchmark's own
	cmd := exec.CommandContext(ctx, wrkPath,
		"-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", fmt.Sprintf("%ds", secs),
		"--timeout", "5s", "--latency", "-s", script, url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("wrk: %w\n%s", err, out.String())
	}
	res, err := parseWrk(out.Bytes())
	if err != nil {
		return result{}, fmt.Errorf("%w\nwrk output:\n%s", err, out.String())
	}
	return res, nil
}

// parseWrk reads the "bench key value" lines of the done() hook.
func parseWrk(out []byte) (result, error) {
	vals := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "bench" {
			continue
		}
		v, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return result{}, fmt.Errorf("wrk figure %s: %w", f[1], err)
		}
		vals[f[1]] = v
	}
	for _, k := range []string{"requests", "duration_us", "errors", "http_errors", "p50_us", "p90_us", "p99_us", "max_us"} {
		if _, ok := vals[k]; !ok {
			return result{}, fmt.Errorf("wrk printed no %s figure", k)
		}
	}
	if vals["duration_us"] <= 0 || vals["requests"] == 0 {
		return result{}, fmt.Errorf("wrk completed no requests")
	}
	us := func(k string) time.Duration { return time.Duration(vals[k]) * time.Microsecond }
	return result{
		requests:   vals["requests"],
		seconds:    float64(vals["duration_us"]) / 1e6,
		errors:     vals["errors"],
		httpErrors: vals["http_errors"],
		p50:        us("p50_us"), p90: us("p90_us"), p99: us("p99_us"), max: us("max_us"),
	}, nil
}
