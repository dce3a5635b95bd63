// Command bench measures Stepwise against the targets in PRODUCT.md with
// wrk: it seeds a demo database (1,000 users, 50 guides of 12 steps, 30%
// progress), starts the real binary on it, signs in through the real forms,
// checks that each workload returns the real page, then drives it at 64
// connections and prints one table. `make bench` runs it.
//
//	go run ./cmd/bench -bin bin/stepwise [-duration 10s] [-warmup 3s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"stepwise/cmd/internal/front"
)

// The demo data set every number is measured on (PRODUCT.md's).
const (
	benchUsers    = 1000
	benchGuides   = 50
	benchSteps    = 12
	benchProgress = 0.3
	benchPassword = "bench-password"
	benchEmail    = "user1@example.com"
)

type options struct {
	bin         string
	duration    time.Duration
	warmup      time.Duration
	connections int
	threads     int
	keep        bool
	database    string
	instances   int
	nginx       bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/stepwise", "the stepwise binary to measure")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured run per workload")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured warm-up run per workload")
	flag.IntVar(&o.connections, "connections", 64, "concurrent connections (wrk -c)")
	flag.IntVar(&o.threads, "threads", 2, "wrk threads (wrk -t)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (database, server log, wrk scripts)")
	flag.StringVar(&o.database, "database", "", "run on a fresh schema of this PostgreSQL (postgres://…), dropped afterwards; default a fresh SQLite file")
	flag.IntVar(&o.instances, "instances", 1, "serve instances; more than one share the -database PostgreSQL behind nginx")
	flag.BoolVar(&o.nginx, "nginx", false, "measure through deploy/nginx.conf (HTTPS) in front of the instances; implied by -instances above 1")
	flag.Parse()
	// Ctrl-C cancels the run so the deferred clean-up (server, temporary
	// directory) still happens.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: FAILED:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	wrkPath, err := exec.LookPath("wrk")
	if err != nil {
		return errors.New("wrk is not installed (make bench installs it with apt-get)")
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "stepwise-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "bench: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	if o.instances < 1 || o.instances > 1 && o.database == "" {
		return errors.New("-instances: one on SQLite; several share the PostgreSQL given by -database")
	}
	o.nginx = o.nginx || o.instances > 1
	database, err := newBenchDB(ctx, filepath.Join(tmp, "bench.db"), o.database)
	if err != nil {
		return err
	}
	defer func() {
		if err := database.drop(); err != nil {
			step("could not drop the benchmark's schema: " + err.Error())
		}
	}()

	rep := report{database: database.name()}
	load := loadAverage()
	step("seeding the demo database (" + database.name() + ")")
	if rep.seed, err = seed(ctx, bin, database); err != nil {
		return err
	}

	b := &bench{o: o, wrk: wrkPath, tmp: tmp}
	defer b.kill() // only does anything if a step below failed
	if err := b.start(ctx, bin, database); err != nil {
		return err
	}
	rep.startup = b.servers[0].startup
	rep.instances, rep.front = len(b.servers), b.front != nil
	if err := b.measure(ctx, database, &rep); err != nil {
		return fmt.Errorf("%w\n(server log: %s)", err, b.servers[0].logTail())
	}

	step("stopping the servers (SIGTERM) and timing a restart")
	for _, srv := range b.servers {
		if err := srv.stop(); err != nil {
			return err
		}
	}
	srv2, err := startServer(ctx, bin, database, filepath.Join(tmp, "server-restart.log"))
	if err != nil {
		return err
	}
	rep.restart = srv2.startup
	if err := srv2.stop(); err != nil {
		return err
	}

	if rep.machine, err = describeMachine(bin, wrkPath); err != nil {
		return err
	}
	rep.machine.load = load
	rep.print(os.Stdout, o)
	return nil
}

// bench is what the measuring steps share.
type bench struct {
	o       options
	wrk     string // path of the wrk binary
	tmp     string // scripts go here
	servers []*server
	front   *front.Nginx // nil without -nginx
	base    string       // where requests go: the server, or nginx
	check   *checkDB
}

// start starts the instances and, with -nginx, nginx in front of them.
func (b *bench) start(ctx context.Context, bin string, database *benchDB) error {
	var extra []string
	if b.o.nginx {
		extra = []string{"-trusted-proxies", "127.0.0.1"}
	}
	for i := range b.o.instances {
		step(fmt.Sprintf("starting server %d of %d", i+1, b.o.instances))
		srv, err := startServer(ctx, bin, database, filepath.Join(b.tmp, fmt.Sprintf("server-%d.log", i)), extra...)
		if err != nil {
			return err
		}
		b.servers = append(b.servers, srv)
	}
	b.base = b.servers[0].base
	if !b.o.nginx {
		return nil
	}
	step("starting nginx (deploy/nginx.conf) in front")
	nginx, err := front.Find()
	if err != nil {
		return err
	}
	site, err := os.ReadFile("deploy/nginx.conf")
	if err != nil {
		return fmt.Errorf("run the benchmark from the repository's root: %w", err)
	}
	var addrs []string
	for _, srv := range b.servers {
		addrs = append(addrs, strings.TrimPrefix(srv.base, "http://"))
	}
	dir := filepath.Join(b.tmp, "nginx")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	if b.front, err = front.Start(nginx, string(site), dir, addrs...); err != nil {
		return err
	}
	trust = b.front.Client.Transport.(*http.Transport).TLSClientConfig
	b.base = b.front.Base
	return nil
}

// kill ends whatever still runs after a failure.
func (b *bench) kill() {
	if b.front != nil {
		b.front.Stop()
	}
	for _, srv := range b.servers {
		srv.kill()
	}
}

// cpuTime is the CPU time the instances have used in all.
func (b *bench) cpuTime() (time.Duration, error) {
	var sum time.Duration
	for _, srv := range b.servers {
		d, err := cpuTime(srv.pid())
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// measure signs in, verifies every workload, then times each with wrk
// while sampling the server's memory.
func (b *bench) measure(ctx context.Context, database *benchDB, rep *report) error {
	step("signing in as " + benchEmail)
	sess, err := login(ctx, b.base, benchEmail, benchPassword)
	if err != nil {
		return err
	}
	if b.check, err = openCheckDB(database); err != nil {
		return err
	}
	defer b.check.Close()
	if sess.displayName, err = b.check.displayName(benchEmail); err != nil {
		return err
	}
	if sess.token, err = apiToken(ctx, b.base, benchEmail, benchPassword); err != nil {
		return err
	}

	workloads := defineWorkloads(sess)
	for _, w := range workloads {
		step("verifying " + w.name)
		if err := w.verify(ctx, b.base, b.check); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
	}

	var mems []*memWatch
	for _, srv := range b.servers {
		mem := watchMemory(srv.pid())
		defer mem.stop()
		mems = append(mems, mem)
	}
	for _, w := range workloads {
		res, err := b.runWorkload(ctx, w)
		if err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
		rep.results = append(rep.results, res)
	}
	for _, mem := range mems { // the largest instance's
		m := mem.stop()
		rep.memory.peak = max(rep.memory.peak, m.peak)
		rep.memory.maxRSS = max(rep.memory.maxRSS, m.maxRSS)
		rep.memory.lastRSS = max(rep.memory.lastRSS, m.lastRSS)
	}
	return nil
}

// runWorkload warms up, measures, and checks the workload still returns
// the real thing afterwards (a session lost half-way would otherwise turn
// into fast, wrong answers), plus the database for the toggle.
func (b *bench) runWorkload(ctx context.Context, w workload) (result, error) {
	script, err := writeScript(b.tmp, w)
	if err != nil {
		return result{}, err
	}
	url := b.base + w.path
	before, err := b.check.progressTotals(benchEmail, w.toggles)
	if err != nil {
		return result{}, err
	}
	step(fmt.Sprintf("warming up %s (%s)", w.name, b.o.warmup))
	if _, err := runWrk(ctx, b.wrk, script, url, b.o.connections, b.o.threads, b.o.warmup); err != nil {
		return result{}, err
	}
	if err := b.check.waitQuiet(ctx, 300*time.Millisecond, 10*time.Second); err != nil {
		return result{}, err
	}

	step(fmt.Sprintf("measuring %s (%s, %d connections)", w.name, b.o.duration, b.o.connections))
	// The server's CPU time per request is steadier than requests/s on a
	// machine whose cores wrk shares: it shows what a change saves.
	cpu0, err := b.cpuTime()
	if err != nil {
		return result{}, err
	}
	res, err := runWrk(ctx, b.wrk, script, url, b.o.connections, b.o.threads, b.o.duration)
	if err != nil {
		return result{}, err
	}
	if err := b.check.waitQuiet(ctx, 300*time.Millisecond, 10*time.Second); err != nil {
		return result{}, err
	}
	cpu1, err := b.cpuTime()
	if err != nil {
		return result{}, err
	}
	res.workload = w
	res.cpuPerRequest = (cpu1 - cpu0) / time.Duration(res.requests)

	if err := w.verify(ctx, b.base, b.check); err != nil {
		return result{}, fmt.Errorf("after the run: %w", err)
	}
	if w.toggles != nil {
		after, err := b.check.progressTotals(benchEmail, w.toggles)
		if err != nil {
			return result{}, err
		}
		if res.consistency, err = compareTotals(before, after); err != nil {
			return result{}, err
		}
	}
	return res, nil
}

// step prints what the benchmark is doing, so a long run is not silent.
func step(msg string) { fmt.Fprintln(os.Stderr, "bench:", msg) }
