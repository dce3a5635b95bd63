package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/acme/autocert"

	"stepwise/handlers/tlstest"
)

// writeSelfSigned writes a fresh certificate for 127.0.0.1 and its key as
// PEM files and returns their paths and a pool trusting it.
func writeSelfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	c := tlstest.New(t)
	certFile, keyFile = c.WriteFiles(t)
	return certFile, keyFile, c.Pool
}

var redirectRE = regexp.MustCompile(`http_redirect=(http://\S+)`)

func TestServeOverTLSWithRedirectListener(t *testing.T) {
	t.Parallel()
	cert, key, pool := writeSelfSigned(t)
	dbPath := filepath.Join(t.TempDir(), "stepwise.db")
	base, logs, stop := startServe(t, dbPath,
		"-tls-cert", cert, "-tls-key", key, "-tls-addr", "127.0.0.1:0", "-http-addr", "127.0.0.1:0")
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("serve logged addr %q, want an https URL", base)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}

	resp, err := client.Get(base + "/guides/backend-web-development/steps/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("HTTPS step page: got %d, TLS %v", resp.StatusCode, resp.TLS)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("HTTPS response without HSTS")
	}
	// fasthttp does not speak HTTP/2, so TLS must not offer it.
	if resp.TLS != nil && resp.TLS.NegotiatedProtocol == "h2" {
		t.Errorf("negotiated h2")
	}

	m := redirectRE.FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("no redirect listener in the log:\n%s", logs.String())
	}
	resp, err = client.Get(m[1] + "/guides?x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := base + "/guides?x=1"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Errorf("plain HTTP: got %d to %q, want 301 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if resp.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS on plain HTTP")
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v, want nil after shutdown", err)
	}
}

func TestTransportFlagsAreChecked(t *testing.T) {
	t.Parallel()
	cert, key, _ := writeSelfSigned(t)
	for _, tc := range []struct {
		name string
		f    transportFlags
		want string // part of the error
	}{
		{"autocert with a certificate", transportFlags{autocert: "example.com", cert: cert, key: key}, "mutually exclusive"},
		{"autocert with a key only", transportFlags{autocert: "example.com", key: key}, "mutually exclusive"},
		{"certificate without key", transportFlags{cert: cert}, "go together"},
		{"redirect without TLS", transportFlags{httpAddr: ":80"}, "needs -tls-cert or -autocert"},
		{"autocert with a port", transportFlags{autocert: "example.com:443"}, "domain name"},
		{"autocert with an address", transportFlags{autocert: "192.0.2.1"}, "domain name"},
		{"missing certificate file", transportFlags{cert: cert + ".missing", key: key}, "load TLS certificate"},
		{"bad proxy range", transportFlags{trustedProxies: "10.0.0.0/40"}, "trusted proxy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.f.transport("127.0.0.1:8080", "data/stepwise.db")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error about %q", err, tc.want)
			}
		})
	}

	// Through run, the flag error stops serve before it opens anything.
	var errOut strings.Builder
	err := run(context.Background(), []string{"serve", "-autocert", "example.com", "-tls-cert", cert, "-tls-key", key,
		"-database", filepath.Join(t.TempDir(), "x.db")}, &errOut, &errOut)
	if err == nil || !strings.Contains(err.Error(), "mutually exclusive") {
		t.Errorf("serve -autocert -tls-cert: got %v", err)
	}
}

func TestTransportDefaults(t *testing.T) {
	t.Parallel()
	cert, key, _ := writeSelfSigned(t)
	plain, err := (&transportFlags{tlsAddr: ":443", trustedProxies: "10.0.0.0/8"}).transport("127.0.0.1:8080", "db/s.db")
	if err != nil {
		t.Fatal(err)
	}
	if plain.addr != "127.0.0.1:8080" || plain.tls != nil || plain.redirect != "" || len(plain.proxies) != 1 {
		t.Errorf("plain: got addr %q tls %v redirect %q proxies %v", plain.addr, plain.tls != nil, plain.redirect, plain.proxies)
	}

	direct, err := (&transportFlags{cert: cert, key: key, tlsAddr: ":443"}).transport("127.0.0.1:8080", "db/s.db")
	if err != nil {
		t.Fatal(err)
	}
	if direct.addr != ":443" || direct.redirect != "" || direct.tls.MinVersion != tls.VersionTLS12 {
		t.Errorf("certificate: got addr %q redirect %q min version %x", direct.addr, direct.redirect, direct.tls.MinVersion)
	}

	auto, err := (&transportFlags{autocert: "Example.com, www.example.com", tlsAddr: ":443"}).transport("127.0.0.1:8080", "db/s.db")
	if err != nil {
		t.Fatal(err)
	}
	if auto.addr != ":443" || auto.redirect != ":80" {
		t.Errorf("autocert: got addr %q redirect %q", auto.addr, auto.redirect)
	}
	for host, want := range map[string]bool{"example.com": true, "www.example.com": true, "evil.example": false} {
		if auto.served(host) != want {
			t.Errorf("autocert: served(%q) = %v, want %v", host, !want, want)
		}
	}
	for host, want := range map[string]bool{"127.0.0.1": true, "localhost": false, "::1": false} {
		if direct.served(host) != want {
			t.Errorf("certificate: served(%q) = %v, want %v", host, !want, want)
		}
	}
	if got, _ := auto.acme.Cache.(autocert.DirCache); got != autocert.DirCache(filepath.Join("db", "autocert")) {
		t.Errorf("autocert cache: got %q, want db/autocert", got)
	}
	off, err := (&transportFlags{autocert: "example.com", httpAddr: "off"}).transport("", "db/s.db")
	if err != nil || off.redirect != "" {
		t.Errorf(`-http-addr off: got redirect %q, err %v`, off.redirect, err)
	}
}

func TestAutocertRefusesUnknownHosts(t *testing.T) {
	t.Parallel()
	tr, err := (&transportFlags{autocert: "example.com,www.example.com", autocertCache: t.TempDir()}).transport("", "x.db")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, host := range []string{"example.com", "www.example.com"} {
		if err := tr.acme.HostPolicy(ctx, host); err != nil {
			t.Errorf("HostPolicy(%q): %v, want allowed", host, err)
		}
	}
	for _, host := range []string{"evil.example", "sub.example.com", "127.0.0.1"} {
		if err := tr.acme.HostPolicy(ctx, host); err == nil {
			t.Errorf("HostPolicy(%q): allowed, want refused", host)
		}
	}
	// The certificate hook asks the policy before any ACME traffic.
	if _, err := tr.tls.GetCertificate(&tls.ClientHelloInfo{ServerName: "evil.example"}); err == nil {
		t.Errorf("GetCertificate for an unknown host: got a certificate")
	}

	// The HTTP listener answers ACME challenges only for known hosts.
	h := tr.acme.HTTPHandler(httpsRedirect{served: tr.served})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://evil.example/.well-known/acme-challenge/x", nil))
	if rec.Code != http.StatusForbidden {
		t.Errorf("challenge for an unknown host: got %d, want 403", rec.Code)
	}
}

func TestHTTPSRedirect(t *testing.T) {
	t.Parallel()
	auto := httpsRedirect{served: func(h string) bool { return h == "example.com" }}
	anyHost := func(string) bool { return true }
	direct := httpsRedirect{served: anyHost, port: "8443"}
	for _, tc := range []struct {
		name     string
		h        httpsRedirect
		method   string
		target   string
		status   int
		location string
	}{
		{"GET keeps path and query", auto, http.MethodGet, "http://example.com/guides/x?step=2&a=%2F", 301, "https://example.com/guides/x?step=2&a=%2F"},
		{"port and case dropped", auto, http.MethodHead, "http://EXAMPLE.com:80/", 301, "https://example.com/"},
		{"POST keeps its method", auto, http.MethodPost, "http://example.com/login", 308, "https://example.com/login"},
		{"unknown host refused", auto, http.MethodGet, "http://evil.example/", 400, ""},
		{"certificate mode: to the HTTPS port", direct, http.MethodGet, "http://127.0.0.1:8080/a", 301, "https://127.0.0.1:8443/a"},
		{"certificate mode: IPv6", direct, http.MethodGet, "http://[::1]:8080/a", 301, "https://[::1]:8443/a"},
		{"port 443 left out, IPv6", httpsRedirect{served: anyHost}, http.MethodGet, "http://[::1]/", 301, "https://[::1]/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			if rec.Code != tc.status || rec.Header().Get("Location") != tc.location {
				t.Errorf("got %d to %q, want %d to %q", rec.Code, rec.Header().Get("Location"), tc.status, tc.location)
			}
			if rec.Header().Get("Strict-Transport-Security") != "" {
				t.Errorf("HSTS on plain HTTP")
			}
		})
	}
	if got := httpsPort(&net.TCPAddr{Port: 443}); got != "" {
		t.Errorf("httpsPort(443) = %q, want empty", got)
	}
}
