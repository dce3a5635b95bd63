package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// defaultAdminAddr is where the admin listener goes unless told otherwise:
// loopback, so only the machine itself (a Prometheus agent, an operator
// with ssh) reaches it.
const defaultAdminAddr = "127.0.0.1:6060"

// startAdmin serves the Prometheus metrics (/metrics) and Go's profiler
// (/debug/pprof/) on addr, a listener of their own: both reveal
// internals, so neither is ever on the public port. An address off
// loopback is allowed (a scraper on another machine) with a warning.
func startAdmin(addr string, metrics http.Handler, log *slog.Logger) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-admin-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-admin-addr: %w (give each instance on a machine its own admin address, or -admin-addr off)", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		log.Warn("the admin listener (metrics, profiler) is reachable beyond this machine: let only your monitoring reach it", "addr", addr)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("admin listening", "metrics", "http://"+ln.Addr().String()+"/metrics", "profiler", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { _ = srv.Close() }, nil
}
