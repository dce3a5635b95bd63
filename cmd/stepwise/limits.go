package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"stepwise/handlers"
)

// limitFlags are serve's flags bounding what clients may hold of the
// server at once (handlers.Limits): connections, slow requests, uploads.
type limitFlags struct {
	maxConns, maxConnsPerIP     int
	maxUploads, maxUploadsPerIP int
	readTimeout, uploadTimeout  time.Duration
}

func (f *limitFlags) register(fs *flag.FlagSet) {
	d := handlers.DefaultLimits()
	fs.IntVar(&f.maxConns, "max-conns", envInt("STEPWISE_MAX_CONNS", d.MaxConns),
		"connections served at once; one more is answered 503 and closed (env STEPWISE_MAX_CONNS)")
	fs.IntVar(&f.maxConnsPerIP, "max-conns-per-ip", envInt("STEPWISE_MAX_CONNS_PER_IP", d.MaxConnsPerIP),
		"connections one peer IPv4 address may hold at once, 0 for no limit; one more is answered 429 and closed. "+
			"Behind a reverse proxy every connection comes from the proxy, so this would cap the proxy as a whole: "+
			"with -trusted-proxies it is off unless set, and clients are best limited at the proxy "+
			"(or set this above the proxy's own connection limit) (env STEPWISE_MAX_CONNS_PER_IP)")
	fs.DurationVar(&f.readTimeout, "read-timeout", envDuration("STEPWISE_READ_TIMEOUT", d.ReadTimeout),
		"time a request has to arrive, headers and body; a slower one is answered 408 and closed (env STEPWISE_READ_TIMEOUT)")
	fs.DurationVar(&f.uploadTimeout, "upload-timeout", envDuration("STEPWISE_UPLOAD_TIMEOUT", d.UploadTimeout),
		"time an image upload's or a guide import's body has to arrive (env STEPWISE_UPLOAD_TIMEOUT)")
	fs.IntVar(&f.maxUploads, "max-uploads", envInt("STEPWISE_MAX_UPLOADS", d.MaxUploads),
		"image uploads and guide imports read and handled at once; one more is answered 503 (env STEPWISE_MAX_UPLOADS)")
	fs.IntVar(&f.maxUploadsPerIP, "max-uploads-per-ip", envInt("STEPWISE_MAX_UPLOADS_PER_IP", d.MaxUploadsPerIP),
		"of those, how many one client address may have; one more is answered 429 (env STEPWISE_MAX_UPLOADS_PER_IP)")
}

// limits checks the parsed flags and returns them as handlers.Limits.
// behindProxy is whether -trusted-proxies names any: then the per-address
// connection limit is off unless it was set (flag or environment), since
// every connection would count against the proxy's one address.
func (f *limitFlags) limits(fs *flag.FlagSet, behindProxy bool, log *slog.Logger) (handlers.Limits, error) {
	switch {
	case f.maxConns < 1:
		return handlers.Limits{}, fmt.Errorf("-max-conns must be at least 1, not %d", f.maxConns)
	case f.maxConnsPerIP < 0:
		return handlers.Limits{}, fmt.Errorf("-max-conns-per-ip must be 0 (no limit) or more, not %d", f.maxConnsPerIP)
	case f.readTimeout <= 0:
		return handlers.Limits{}, fmt.Errorf("-read-timeout must be a positive duration such as 15s")
	case f.uploadTimeout <= 0:
		return handlers.Limits{}, fmt.Errorf("-upload-timeout must be a positive duration such as 2m")
	case f.maxUploads < 1:
		return handlers.Limits{}, fmt.Errorf("-max-uploads must be at least 1, not %d", f.maxUploads)
	case f.maxUploadsPerIP < 1:
		return handlers.Limits{}, fmt.Errorf("-max-uploads-per-ip must be at least 1, not %d", f.maxUploadsPerIP)
	}
	perIP := f.maxConnsPerIP
	if behindProxy && !flagSet(fs, "max-conns-per-ip", "STEPWISE_MAX_CONNS_PER_IP") {
		perIP = 0
		log.Info("connections per address unlimited: behind a trusted proxy every connection is the proxy's; set -max-conns-per-ip to limit them")
	}
	if perIP == 0 {
		perIP = -1 // handlers.Limits: negative is no limit, zero the default
	}
	return handlers.Limits{
		MaxConns: f.maxConns, MaxConnsPerIP: perIP,
		ReadTimeout: f.readTimeout, UploadTimeout: f.uploadTimeout,
		MaxUploads: f.maxUploads, MaxUploadsPerIP: f.maxUploadsPerIP,
	}, nil
}

// flagSet says whether the flag name was given, or its environment
// variable set.
func flagSet(fs *flag.FlagSet, name, envKey string) bool {
	_, set := os.LookupEnv(envKey)
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
