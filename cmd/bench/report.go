package main

import (
	"bufio"
	"debug/buildinfo"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report is everything the benchmark prints at the end.
type report struct {
	database         string // SQLite or PostgreSQL
	instances        int
	front            bool // through nginx
	seed             time.Duration
	startup, restart time.Duration
	results          []result
	memory           memory
	machine          machine
}

// machine describes where the numbers were measured.
type machine struct {
	load      string // 1-, 5- and 15-minute load averages when the run began
	cpus      int
	cpuModel  string
	goVersion string // the toolchain that built the measured binary
	wrk       string
}

// loadAverage is /proc/loadavg's first three figures: a high one at the
// start means something else was using the CPUs, and the figures suffer.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func describeMachine(bin, wrkPath string) (machine, error) {
	m := machine{cpus: runtime.NumCPU(), cpuModel: "unknown", goVersion: "unknown"}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpuModel = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		return m, fmt.Errorf("read build info of %s: %w", bin, err)
	}
	m.goVersion = info.GoVersion
	// wrk -v prints its version and exits 1; the first line is enough.
	out, _ := exec.Command(wrkPath, "-v").CombinedOutput()
	m.wrk, _, _ = strings.Cut(string(out), "\n")
	m.wrk, _, _ = strings.Cut(m.wrk, " Copyright")
	return m, nil
}

// target is one PRODUCT.md figure and what was reached.
type target struct {
	what    string
	reached string
	met     bool
}

func (r report) targets() []target {
	var ts []target
	latency := func(key, what string, limit time.Duration) {
		for _, res := range r.results {
			if res.workload.key != key {
				continue
			}
			reached := ms(res.p99)
			if res.errors > 0 {
				reached += fmt.Sprintf(" with %d errors", res.errors)
			}
			ts = append(ts, target{what, reached, res.p99 < limit && res.errors == 0})
			if res.consistency != "" {
				ts = append(ts, target{"toggle: no lost or doubled rows", res.consistency, true})
			}
		}
	}
	latency("step", "step page p99 < 10 ms at 64 connections", 10*time.Millisecond)
	latency("toggle", "toggle p99 < 15 ms", 15*time.Millisecond)
	ts = append(ts,
		target{"resident memory < 100 MB", mb(r.memory.peak) + " peak (VmHWM)", r.memory.peak < 100<<20},
		target{"start-up < 0.5 s", ms(r.startup) + " (first start)", r.startup < 500*time.Millisecond},
	)
	return ts
}

// print writes the results as Markdown: one table of workloads, the
// start-up, memory and machine lines, and the targets.
func (r report) print(w io.Writer, o options) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | requests/s | p50 | p99 | errors (HTTP ≥ 400) | server CPU/request |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, res := range r.results {
		fmt.Fprintf(w, "| %s — `%s %s` | %.0f | %s | %s | %d (%d) | %d µs |\n", res.workload.name,
			res.workload.method, res.workload.path, res.perSecond(), ms(res.p50), ms(res.p99), res.errors, res.httpErrors,
			res.cpuPerRequest.Microseconds())
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- start-up (process start to first 200 on /readyz): %s first start after seeding (loads the built-in guide), %s on restart\n",
		ms(r.startup), ms(r.restart))
	fmt.Fprintf(w, "- resident memory: peak %s (VmHWM), largest sample under load %s, %s after the runs\n",
		mb(r.memory.peak), mb(r.memory.maxRSS), mb(r.memory.lastRSS))
	fmt.Fprintf(w, "- database: %s; %d instance(s)", r.database, r.instances)
	if r.front {
		fmt.Fprint(w, " behind deploy/nginx.conf over HTTPS (server CPU/request counts the instances, not nginx; memory is the largest instance's)")
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- seed-demo (%d users, %d guides × %d steps, %.0f%% progress): %s\n",
		benchUsers, benchGuides, benchSteps, benchProgress*100, r.seed.Round(10*time.Millisecond))
	fmt.Fprintf(w, "- load: wrk -c %d -t %d, %s measured after %s warm-up per workload; errors = socket errors, timeouts and HTTP statuses ≥ 400; server CPU/request = the server's user+system CPU time during the run ÷ requests\n",
		o.connections, o.threads, o.duration, o.warmup)
	fmt.Fprintf(w, "- machine: %d CPUs (nproc), %s, %s %s/%s, %s (wrk shares the CPUs with the server); load average at the start %s\n",
		r.machine.cpus, r.machine.cpuModel, r.machine.goVersion, runtime.GOOS, runtime.GOARCH, r.machine.wrk, r.machine.load)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target (PRODUCT.md) | reached | |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, t := range r.targets() {
		verdict := "missed"
		if t.met {
			verdict = "met"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, t.reached, verdict)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
