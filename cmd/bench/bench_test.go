package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseWrk(t *testing.T) {
	t.Parallel()
	out := []byte(`Running 10s test @ http://127.0.0.1:1234/
  2 threads and 64 connections
bench requests 75000
bench duration_us 10000000
bench errors 3
bench http_errors 2
bench p50_us 8500
bench p90_us 20000
bench p99_us 45000
bench max_us 90000
Requests/sec:   7500.00
`)
	res, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if res.requests != 75000 || res.seconds != 10 || res.errors != 3 || res.httpErrors != 2 {
		t.Errorf("counts = %+v", res)
	}
	if res.p50 != 8500*time.Microsecond || res.p99 != 45*time.Millisecond || res.max != 90*time.Millisecond {
		t.Errorf("latencies = %v %v %v", res.p50, res.p99, res.max)
	}
	if got := res.perSecond(); got != 7500 {
		t.Errorf("perSecond = %v, want 7500", got)
	}

	if _, err := parseWrk([]byte("bench requests 10\n")); err == nil {
		t.Error("parseWrk accepted output without the other figures")
	}
}

func TestWriteScript(t *testing.T) {
	t.Parallel()
	body := ""
	w := workload{key: "toggle", name: "toggle", method: "POST", body: &body,
		headers: map[string]string{"Cookie": "stepwise_session=abc", "X-CSRF-Token": `t"ok`}}
	path, err := writeScript(t.TempDir(), w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`wrk.method = "POST"`,
		`wrk.body = ""`,
		`wrk.headers["Cookie"] = "stepwise_session=abc"`,
		`wrk.headers["X-CSRF-Token"] = "t\"ok"`,
		`function done(summary, latency, requests)`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("script lacks %s:\n%s", want, b)
		}
	}
}

func TestCompareTotals(t *testing.T) {
	t.Parallel()
	before := progressTotals{step: 1, user: 181, all: 180001}
	if _, err := compareTotals(before, progressTotals{step: 0, user: 180, all: 180000}); err != nil {
		t.Errorf("a toggle off: %v", err)
	}
	if _, err := compareTotals(before, progressTotals{step: 2, user: 182, all: 180002}); err == nil {
		t.Error("a doubled row passed")
	}
	if _, err := compareTotals(before, progressTotals{step: 1, user: 180, all: 180000}); err == nil {
		t.Error("a lost row passed")
	}
}
