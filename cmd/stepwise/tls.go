package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"

	"stepwise/db"
	"stepwise/handlers"
)

// transportFlags are serve's flags for HTTPS and reverse proxies.
type transportFlags struct {
	cert, key      string
	autocert       string
	autocertCache  string
	autocertEmail  string
	tlsAddr        string
	httpAddr       string
	trustedProxies string
}

func (f *transportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.cert, "tls-cert", env("STEPWISE_TLS_CERT", ""),
		"serve HTTPS with this PEM certificate (chain) file and -tls-key (env STEPWISE_TLS_CERT)")
	fs.StringVar(&f.key, "tls-key", env("STEPWISE_TLS_KEY", ""),
		"PEM private key of -tls-cert (env STEPWISE_TLS_KEY)")
	fs.StringVar(&f.autocert, "autocert", env("STEPWISE_AUTOCERT", ""),
		"serve HTTPS with certificates obtained automatically (ACME) for these comma-separated domains (env STEPWISE_AUTOCERT)")
	fs.StringVar(&f.autocertCache, "autocert-cache", env("STEPWISE_AUTOCERT_CACHE", ""),
		"directory for the ACME account key and certificates (default: autocert beside the database) (env STEPWISE_AUTOCERT_CACHE)")
	fs.StringVar(&f.autocertEmail, "autocert-email", env("STEPWISE_AUTOCERT_EMAIL", ""),
		"optional contact address given to the certificate authority (env STEPWISE_AUTOCERT_EMAIL)")
	fs.StringVar(&f.tlsAddr, "tls-addr", env("STEPWISE_TLS_ADDR", ":443"),
		"address to serve HTTPS on when TLS is on; -addr is then unused (env STEPWISE_TLS_ADDR)")
	fs.StringVar(&f.httpAddr, "http-addr", env("STEPWISE_HTTP_ADDR", ""),
		`with TLS, address of a listener redirecting HTTP to HTTPS (and answering ACME challenges); `+
			`default ":80" with -autocert, none otherwise; "off" for none (env STEPWISE_HTTP_ADDR)`)
	fs.StringVar(&f.trustedProxies, "trusted-proxies", env("STEPWISE_TRUSTED_PROXIES", ""),
		"comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For/-Proto are believed (env STEPWISE_TRUSTED_PROXIES)")
}

// transport is how serve listens: plain HTTP on addr, or HTTPS on addr with
// an optional listener that redirects plain HTTP there.
type transport struct {
	addr     string      // the app's listen address
	tls      *tls.Config // nil for plain HTTP
	redirect string      // the redirect listener's address; "" for none
	// served says whether a host name (lower case, no port) has a
	// certificate here: the redirect listener sends browsers nowhere else.
	served  func(host string) bool
	acme    *autocert.Manager // nil unless -autocert
	proxies []netip.Prefix
}

// transport checks the flags' combination and builds the transport.
// plainAddr is -addr; database places the default autocert cache.
func (f *transportFlags) transport(plainAddr, database string) (*transport, error) {
	proxies, err := handlers.ParseTrustedProxies(f.trustedProxies)
	if err != nil {
		return nil, err
	}
	t := &transport{addr: plainAddr, proxies: proxies}
	domains, err := parseDomains(f.autocert)
	if err != nil {
		return nil, err
	}
	switch {
	case len(domains) > 0 && (f.cert != "" || f.key != ""):
		return nil, errors.New("-autocert and -tls-cert/-tls-key are mutually exclusive")
	case len(domains) > 0 && db.IsPostgresURL(database):
		// Each instance would ask for its own certificates and answer
		// challenges meant for another; one TLS terminator does it once.
		return nil, errors.New("-autocert is for a single server on SQLite: with PostgreSQL (several instances), end TLS at the load balancer (deploy/nginx.conf) and give the instances -trusted-proxies")
	case len(domains) > 0:
		cache := f.autocertCache
		if cache == "" {
			cache = filepath.Join(filepath.Dir(database), "autocert")
		}
		t.acme = &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(domains...),
			Cache:      autocert.DirCache(cache),
			Email:      f.autocertEmail,
		}
		t.tls = tlsConfig()
		t.tls.GetCertificate = t.acme.GetCertificate
		// Lets the manager answer tls-alpn-01 challenges on the HTTPS port.
		t.tls.NextProtos = append(t.tls.NextProtos, acme.ALPNProto)
		t.served = func(host string) bool { return slices.Contains(domains, host) }
		t.redirect = ":80" // http-01 challenges arrive on port 80
	case f.cert != "" || f.key != "":
		if f.cert == "" || f.key == "" {
			return nil, errors.New("-tls-cert and -tls-key go together")
		}
		cert, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, fmt.Errorf("load TLS certificate: %w", err)
		}
		t.tls = tlsConfig()
		t.tls.Certificates = []tls.Certificate{cert}
		// VerifyHostname knows wildcards and IP addresses, as browsers do.
		t.served = func(host string) bool { return cert.Leaf.VerifyHostname(host) == nil }
	default:
		if f.httpAddr != "" && f.httpAddr != "off" {
			return nil, errors.New("-http-addr redirects to HTTPS: it needs -tls-cert or -autocert")
		}
		return t, nil
	}
	t.addr = f.tlsAddr
	switch f.httpAddr {
	case "": // the mode's default, set above
	case "off":
		t.redirect = ""
	default:
		t.redirect = f.httpAddr
	}
	return t, nil
}

// parseDomains reads -autocert: host names only, lower case.
func parseDomains(list string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(list, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, ":/ ") || net.ParseIP(d) != nil {
			return nil, fmt.Errorf("-autocert %q: want a domain name, without scheme or port", d)
		}
		out = append(out, d)
	}
	return out, nil
}

// tlsConfig is what both certificate sources share: TLS 1.2 at least and,
// for 1.2, only forward-secret AEAD cipher suites (1.3's are all fine and
// not configurable). ALPN offers HTTP/1.1 only: fasthttp does not speak
// HTTP/2, so a client that negotiated h2 would fail.
func tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		NextProtos: []string{"http/1.1"},
	}
}

// listen opens the app's listener, TLS when configured, and returns the
// URL scheme it serves.
func (t *transport) listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", t.addr)
	if err != nil {
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	if t.tls == nil {
		return ln, "http", nil
	}
	return tls.NewListener(ln, t.tls), "https", nil
}

// serveRedirect starts the plain-HTTP listener, if there is one, sending
// every request to https on the port of httpsAddr (and, with autocert,
// answering http-01 challenges first). It returns a function that shuts
// the listener down gracefully.
func (t *transport) serveRedirect(httpsAddr net.Addr, log *slog.Logger) (stop func(), err error) {
	if t.tls == nil || t.redirect == "" {
		return func() {}, nil
	}
	var h http.Handler = httpsRedirect{served: t.served, port: httpsPort(httpsAddr)}
	if t.acme != nil {
		h = t.acme.HTTPHandler(h)
	}
	ln, err := net.Listen("tcp", t.redirect)
	if err != nil {
		return nil, fmt.Errorf("listen for HTTP redirects: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("HTTP redirect listener stopped", "err", err)
		}
	}()
	log.Info("redirecting HTTP to HTTPS", "http_redirect", "http://"+ln.Addr().String())
	return func() {
		// Redirects answer at once; a few seconds drain them all, and a
		// redirect cut short costs a client one retry.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

// httpsPort is the port to put in redirect URLs: empty for 443, which
// URLs leave out.
func httpsPort(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || tcp.Port == 443 {
		return ""
	}
	return strconv.Itoa(tcp.Port)
}

// httpsRedirect sends every plain-HTTP request permanently to the same
// path and query over HTTPS, for the hosts that have a certificate here:
// it never sends a browser somewhere the HTTPS listener cannot serve (nor,
// with a forged Host, anywhere else).
type httpsRedirect struct {
	served func(host string) bool
	port   string // HTTPS port, "" for 443
}

func (h httpsRedirect) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	host = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	if host == "" || !h.served(host) {
		http.Error(w, "unknown host", http.StatusBadRequest)
		return
	}
	switch {
	case h.port != "":
		host = net.JoinHostPort(host, h.port)
	case strings.Contains(host, ":"):
		host = "[" + host + "]" // an IPv6 literal
	}
	// 301 is what every client follows for GET; 308 also keeps the method
	// and body of a form post.
	status := http.StatusMovedPermanently
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		status = http.StatusPermanentRedirect
	}
	// #nosec G710 -- host has a certificate here (checked above); the rest stays on it
	http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), status)
}
