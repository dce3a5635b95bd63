# Stepwise — every task is one make target. `make run` and `make test` are
# the two a newcomer needs.

GO        ?= go
# The search index is SQLite FTS5, which the driver compiles in only with
# this build tag; every go command below passes it.
TAGS      := sqlite_fts5
BIN       := bin/stepwise
# Tests run at once inside one package. The default (one per core) leaves
# cores idle while browser tests wait on Chromium and the memory tests on
# their own process (handlers/body_limit_test.go); four keeps both busy.
PARALLEL  ?= 4
# A binary built with -race sleeps a second before it exits, for
# goroutines to report races; a test binary has waited for its tests by
# then, and 30 packages' seconds add up.
export GORACE ?= atexit_sleep_ms=10
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOSEC       := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0

.PHONY: run build generate check-generated test test-postgres test-cluster test-short lint vet cover fuzz bench bench-go clean

## run: start Stepwise on SQLite (./data/stepwise.db) with the built-in guide at http://127.0.0.1:8080
run:
	$(GO) run -tags $(TAGS) ./cmd/stepwise serve

## build: build the binary into bin/, stamped with the release (git describe) that "stepwise version" prints
build:
	$(GO) build -tags $(TAGS) -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/stepwise

## generate: regenerate the templ components (*_templ.go, committed)
generate:
	$(GO) tool templ generate -path views

## check-generated: fail when a *_templ.go file does not match its .templ (regenerating changes it)
check-generated:
	@sum() { find views -name '*_templ.go' -exec sha256sum {} + | sort; }; \
	before=$$(sum); $(GO) tool templ generate -path views >/dev/null 2>&1 || exit 1; \
	if [ "$$before" != "$$(sum)" ]; then \
		echo "generated templ files were stale; they are regenerated now: review and commit them"; exit 1; fi

## vet: go vet and gofmt
vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet -tags $(TAGS) ./...

## test: every test (unit, integration, browser, fuzz seeds) with the race detector
test: check-generated vet
	$(GO) test -tags $(TAGS) -race -count=1 -parallel $(PARALLEL) ./...

## test-postgres: the model, handler and API suites again, each test on a fresh schema of the PostgreSQL at 127.0.0.1:5432
# The browser tests (skipped by -short) check what happens in the browser
# and run once, in make test.
test-postgres:
	STEPWISE_TEST_DATABASE=postgres $(GO) test -tags $(TAGS) -race -count=1 -short -parallel $(PARALLEL) ./models/... ./handlers/...

## test-cluster: three instances on PostgreSQL behind nginx under load, one killed and one restarted (about 90 s)
# Without -race: the instances are this test binary, and the race
# detector's five- to tenfold slowdown would turn a test of availability
# into an overload test of a debug build (make test runs the same code
# with -race).
test-cluster:
	STEPWISE_CLUSTER_TEST=1 $(GO) test -tags $(TAGS) -count=1 -v -run '^TestCluster$$' ./cmd/stepwise/

## test-short: the same without the browser tests
test-short:
	$(GO) test -tags $(TAGS) -race -short -parallel $(PARALLEL) ./...

## lint: go vet, staticcheck, gosec, and govulncheck when its database is reachable
lint: vet
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...
	$(GO) run $(GOSEC) -tags $(TAGS) -quiet -exclude-generated ./...
	@$(GO) run $(GOVULNCHECK) -tags $(TAGS) ./... || echo "govulncheck could not complete (its vulnerability database may be unreachable from here); see README"

## cover: per-package statement coverage (all tests but the browser ones) and coverage.html
cover:
	$(GO) test -tags $(TAGS) -short -coverpkg=./... -coverprofile=coverage.out ./... >/dev/null
	@awk -f .ci/coverage-by-package.awk coverage.out
	$(GO) tool cover -html=coverage.out -o coverage.html
	@echo "HTML report: coverage.html"

## bench: seed 1,000 users × 50 guides, serve them and measure with wrk (docs/benchmarks.md); BENCHFLAGS=-duration=30s for longer runs
bench:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "wrk not found; installing it with apt-get"; \
		if [ "$$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi; \
		$$sudo apt-get update && $$sudo apt-get install -y wrk; }
	$(GO) build -tags $(TAGS) -trimpath -o $(BIN) ./cmd/stepwise
	$(GO) run -tags $(TAGS) ./cmd/bench -bin $(BIN) $(BENCHFLAGS)
	$(MAKE) bench-go

## bench-go: Go micro-benchmarks with allocations (step page rendering, step page queries)
bench-go:
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./models/ ./views/pages/

clean:
	rm -rf bin data coverage.out coverage.html

FUZZTIME ?= 30s
## fuzz: run every fuzz target for FUZZTIME each (make test runs their seed corpora)
fuzz:
	$(GO) test -tags $(TAGS) -run='^$$' -fuzz='^FuzzRender$$' -fuzztime=$(FUZZTIME) ./models/markdown/
	$(GO) test -tags $(TAGS) -run='^$$' -fuzz='^FuzzSlugify$$' -fuzztime=$(FUZZTIME) ./models/
	$(GO) test -tags $(TAGS) -run='^$$' -fuzz='^FuzzSafeNext$$' -fuzztime=$(FUZZTIME) ./handlers/
	$(GO) test -tags $(TAGS) -run='^$$' -fuzz='^FuzzAuthForms$$' -fuzztime=$(FUZZTIME) ./handlers/
