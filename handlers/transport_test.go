package handlers_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"stepwise/handlers"
	"stepwise/handlers/root/roottest"
	"stepwise/handlers/tlstest"
)

const (
	plainCookie = "stepwise_session"
	hostCookie  = "__Host-stepwise_session"
	wantHSTS    = "max-age=63072000; includeSubDomains"
)

// selfSigned returns a server TLS config with a fresh certificate for
// 127.0.0.1, and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	c := tlstest.New(t)
	return c.ServerConfig(), c.Pool
}

// newTransportServer is newServer with trusted proxies, over TLS when
// tlsCfg is set.
func newTransportServer(t *testing.T, tlsCfg *tls.Config, proxies ...string) *server {
	t.Helper()
	trusted, err := handlers.ParseTrustedProxies(strings.Join(proxies, ","))
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedWriter{b: &strings.Builder{}}
	cfg := roottest.Config(t, logs)
	cfg.TrustedProxies = trusted
	built := roottest.New(t, cfg)
	app, d, m := built.Fiber, cfg.DB, built.Models
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "http"
	if tlsCfg != nil {
		ln, scheme = tls.NewListener(ln, tlsCfg), "https"
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return &server{t: t, URL: scheme + "://" + ln.Addr().String(), DB: d, Models: m, Logs: logs}
}

// clientVia is srv.client() with its own round tripper and jar.
func (s *server) clientVia(rt http.RoundTripper, jar http.CookieJar) *client {
	if tr, ok := rt.(*http.Transport); ok {
		s.t.Cleanup(tr.CloseIdleConnections)
	}
	return &client{t: s.t, srv: s, http: &http.Client{
		Jar: jar, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// proxied adds what a reverse proxy would to every request.
type proxied struct {
	base   *http.Transport
	header http.Header
}

func (p proxied) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range p.header {
		r.Header[k] = v
	}
	return p.base.RoundTrip(r)
}

// anyJar keeps cookies by name and sends them all: the browser behind a
// TLS-terminating proxy talks HTTPS, though the test's hop to the app is
// plain HTTP (where a standard jar would hold back Secure cookies).
type anyJar struct {
	mu sync.Mutex
	m  map[string]*http.Cookie
}

func (j *anyJar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cs {
		if c.MaxAge < 0 {
			delete(j.m, c.Name)
		} else {
			j.m[c.Name] = c
		}
	}
}

func (j *anyJar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	for _, c := range j.m {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func sessionSetCookie(t *testing.T, r *response) *http.Cookie {
	t.Helper()
	var found *http.Cookie
	for _, c := range r.Cookies() {
		if strings.HasSuffix(c.Name, plainCookie) {
			if found != nil {
				t.Fatalf("two session cookies: %s and %s", found.Name, c.Name)
			}
			found = c
		}
	}
	if found == nil {
		t.Fatalf("%s: no session cookie in %q", r.Request.URL.Path, r.Header.Values("Set-Cookie"))
	}
	return found
}

// wantHostCookie checks what the __Host- prefix and our policy require.
func wantHostCookie(t *testing.T, ck *http.Cookie) {
	t.Helper()
	if ck.Name != hostCookie || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode ||
		ck.Path != "/" || ck.Domain != "" {
		t.Errorf("session cookie %q: got Secure=%v HttpOnly=%v SameSite=%v Path=%q Domain=%q; "+
			"want %s, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain",
			ck.Name, ck.Secure, ck.HttpOnly, ck.SameSite, ck.Path, ck.Domain, hostCookie)
	}
}

func wantPlainCookie(t *testing.T, ck *http.Cookie) {
	t.Helper()
	if ck.Name != plainCookie || ck.Secure {
		t.Errorf("session cookie: got %q Secure=%v, want %s without Secure", ck.Name, ck.Secure, plainCookie)
	}
}

// accessIP returns the client address the access-log line of r records.
func (s *server) accessIP(r *response) string {
	s.t.Helper()
	re := regexp.MustCompile(`msg=request request_id=` + regexp.QuoteMeta(r.Header.Get("X-Request-Id")) + ` .*? ip=(\S+)`)
	m := re.FindStringSubmatch(s.Logs.String())
	if m == nil {
		s.t.Fatalf("no access-log line for request %s:\n%s", r.Header.Get("X-Request-Id"), s.Logs.String())
	}
	return m[1]
}

// recordedIPs are the addresses of user's sessions and audit events.
func (s *server) recordedIPs(email string) (sessions, audit []string) {
	s.t.Helper()
	ctx := context.Background()
	if err := s.DB.Select(ctx, &sessions,
		`SELECT s.ip FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = ?`, email); err != nil {
		s.t.Fatal(err)
	}
	if err := s.DB.Select(ctx, &audit,
		`SELECT a.ip FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE u.email = ?`, email); err != nil {
		s.t.Fatal(err)
	}
	return sessions, audit
}

func TestHTTPSServesPagesWithHSTSAndHostCookie(t *testing.T) {
	t.Parallel()
	tlsCfg, pool := selfSigned(t)
	srv := newTransportServer(t, tlsCfg)
	jar, _ := cookiejar.New(nil)
	c := srv.clientVia(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}, jar)

	home := c.get("/")
	wantStatus(t, home, http.StatusOK)
	if home.TLS == nil {
		t.Fatal("home page not served over TLS")
	}
	if got := home.Header.Get("Strict-Transport-Security"); got != wantHSTS {
		t.Errorf("HSTS: got %q, want %q", got, wantHSTS)
	}
	// A visitor's form token goes with a __Host- cookie; the session,
	// created at sign-up, has the __Host- name too and works under it: the
	// account page knows the user.
	wantVisitorCookie(t, c.get("/login"), true)
	wantHostCookie(t, sessionSetCookie(t, c.signupForm("tls@example.com", "Tess", "correct horse battery staple")))
	wantStatus(t, c.get("/account"), http.StatusOK)
	sessions, _ := srv.recordedIPs("tls@example.com")
	if len(sessions) != 1 || sessions[0] != "127.0.0.1" {
		t.Errorf("session addresses: got %q, want [127.0.0.1]", sessions)
	}
}

func TestPlainHTTPHasNoHSTSAndPlainCookie(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	// No proxy is trusted, so an X-Forwarded-Proto from the client changes
	// nothing.
	c := srv.clientVia(proxied{base: &http.Transport{}, header: http.Header{"X-Forwarded-Proto": {"https"}}}, &anyJar{m: map[string]*http.Cookie{}})
	r := c.get("/login")
	wantStatus(t, r, http.StatusOK)
	if got := r.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS on plain HTTP: %q", got)
	}
	wantVisitorCookie(t, r, false)
	wantPlainCookie(t, sessionSetCookie(t, c.signupForm("plain@example.com", "Paul", "correct horse battery staple")))
}

func TestTrustedProxySetsClientAddressAndScheme(t *testing.T) {
	t.Parallel()
	srv := newTransportServer(t, nil, "127.0.0.0/8", "10.0.0.0/8")
	for _, tc := range []struct {
		name string
		xff  []string
		want string
	}{
		{"one address", []string{"203.0.113.9"}, "203.0.113.9"},
		{"spoofed leftmost ignored", []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops skipped", []string{"203.0.113.9, 10.1.2.3"}, "203.0.113.9"},
		{"several headers are one list", []string{"198.51.100.1", "203.0.113.9"}, "203.0.113.9"},
		{"with a port", []string{"203.0.113.9:5555"}, "203.0.113.9"},
		{"IPv6", []string{"2001:db8::7"}, "2001:db8::7"},
		{"all trusted: the farthest", []string{"10.9.9.9, 10.1.2.3"}, "10.9.9.9"},
		{"garbage: the peer", []string{"203.0.113.9, nonsense"}, "127.0.0.1"},
		{"no header: the peer", nil, "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := srv.clientVia(proxied{base: &http.Transport{}, header: http.Header{"X-Forwarded-For": tc.xff}}, &anyJar{m: map[string]*http.Cookie{}})
			r := c.get("/healthz")
			if got := srv.accessIP(r); got != tc.want {
				t.Errorf("X-Forwarded-For %q: client address %s, want %s", tc.xff, got, tc.want)
			}
			if got := r.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("HSTS without X-Forwarded-Proto: %q", got)
			}
		})
	}

	// A browser on HTTPS behind the proxy: Secure __Host- cookie, HSTS, and
	// its address in what the app records.
	c := srv.clientVia(proxied{base: &http.Transport{}, header: http.Header{
		"X-Forwarded-For":   {"198.51.100.1, 203.0.113.9"},
		"X-Forwarded-Proto": {"https"},
	}}, &anyJar{m: map[string]*http.Cookie{}})
	r := c.get("/login")
	if got := r.Header.Get("Strict-Transport-Security"); got != wantHSTS {
		t.Errorf("HSTS behind the proxy: got %q, want %q", got, wantHSTS)
	}
	wantVisitorCookie(t, r, true)
	wantHostCookie(t, sessionSetCookie(t, c.signupForm("proxied@example.com", "Pat", "correct horse battery staple")))
	wantStatus(t, c.get("/account"), http.StatusOK)
	sessions, audit := srv.recordedIPs("proxied@example.com")
	if len(sessions) != 1 || sessions[0] != "203.0.113.9" {
		t.Errorf("session addresses: got %q, want [203.0.113.9]", sessions)
	}
	if len(audit) == 0 || audit[0] != "203.0.113.9" {
		t.Errorf("audit addresses: got %q, want [203.0.113.9]", audit)
	}
}

func TestUntrustedPeerForwardedHeadersAreIgnored(t *testing.T) {
	t.Parallel()
	srv := newTransportServer(t, nil, "10.0.0.0/8") // the test's 127.0.0.1 is not a proxy
	c := srv.clientVia(proxied{base: &http.Transport{}, header: http.Header{
		"X-Forwarded-For":   {"203.0.113.9"},
		"X-Forwarded-Proto": {"https"},
		"X-Forwarded-Host":  {"evil.example"},
	}}, &anyJar{m: map[string]*http.Cookie{}})
	r := c.get("/login")
	if got := srv.accessIP(r); got != "127.0.0.1" {
		t.Errorf("client address: got %s, want the peer 127.0.0.1", got)
	}
	if got := r.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS for an untrusted X-Forwarded-Proto: %q", got)
	}
	wantVisitorCookie(t, r, false)
	wantPlainCookie(t, sessionSetCookie(t, c.signupForm("direct@example.com", "Dee", "correct horse battery staple")))
	sessions, audit := srv.recordedIPs("direct@example.com")
	if len(sessions) != 1 || sessions[0] != "127.0.0.1" || len(audit) == 0 || audit[0] != "127.0.0.1" {
		t.Errorf("recorded addresses: sessions %q, audit %q; want 127.0.0.1", sessions, audit)
	}
}

func TestSecurityPolicies(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, path := range []string{"/", "/static/nope.css"} {
		r := srv.client().get(path)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q: want script-src 'self' and no unsafe-inline or unsafe-eval", path, csp)
		}
		pp := r.Header.Get("Permissions-Policy")
		for _, feature := range []string{"camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "browsing-topics"} {
			if !strings.Contains(pp, feature+"=()") {
				t.Errorf("%s: Permissions-Policy %q does not deny %s", path, pp, feature)
			}
		}
		for h, want := range map[string]string{
			"Cross-Origin-Opener-Policy":   "same-origin",
			"Cross-Origin-Resource-Policy": "same-origin",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s: %s: got %q, want %q", path, h, got, want)
			}
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	t.Parallel()
	got, err := handlers.ParseTrustedProxies(" 10.0.0.0/8, 192.168.1.7 ,::1,, 172.16.5.4/12")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("172.16.0.0/12"),
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "fe80::1%eth0", "10.0.0"} {
		if _, err := handlers.ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q: got nil error", bad)
		}
	}
}
