// Package front runs deploy/nginx.conf, unprivileged on loopback ports,
// in front of Stepwise instances: the load balancer of the cluster test
// and of the benchmark's multi-instance runs. The configuration runs as
// written, with only its paths, ports, certificate and upstream servers
// changed, so what is tested and measured is what is deployed.
package front

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"stepwise/handlers/tlstest"
)

// Nginx is a running nginx.
type Nginx struct {
	// Base is https://127.0.0.1:PORT, the TLS listener.
	Base string
	// HTTPAddr is the plain-HTTP listener, which only redirects.
	HTTPAddr string
	// Client trusts nginx's certificate and does not follow redirects.
	Client *http.Client
	dir    string
	cmd    *exec.Cmd
}

// Find is the nginx binary: on PATH, else where Debian puts it.
func Find() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/nginx", "/sbin/nginx"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("nginx not found; install Debian's nginx (apt-get install nginx)")
}

// Start runs nginx (the binary) on site, the text of deploy/nginx.conf,
// with instances (host:port) as its upstream servers, keeping its files
// in dir, and waits until it answers.
func Start(nginx, site, dir string, instances ...string) (*Nginx, error) {
	cert, err := tlstest.Make()
	if err != nil {
		return nil, err
	}
	certFile, keyFile, err := cert.Write(dir)
	if err != nil {
		return nil, err
	}
	httpAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	httpsAddr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	var servers []string
	for _, addr := range instances {
		servers = append(servers, "    server "+addr+" max_fails=3 fail_timeout=10s;")
	}
	conf := site
	for _, r := range []struct{ old, new string }{
		{"/var/cache/nginx/stepwise", filepath.Join(dir, "cache")},
		{"    server 127.0.0.1:8081 max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:8082 max_fails=3 fail_timeout=10s;",
			strings.Join(servers, "\n")},
		{"listen 80;", "listen " + httpAddr + ";"},
		{"listen 443 ssl http2;", "listen " + httpsAddr + " ssl http2;"},
		{"/etc/ssl/stepwise/fullchain.pem", certFile},
		{"/etc/ssl/stepwise/privkey.pem", keyFile},
	} {
		if !strings.Contains(conf, r.old) {
			return nil, fmt.Errorf("deploy/nginx.conf no longer has %q", r.old)
		}
		conf = strings.ReplaceAll(conf, r.old, r.new)
	}
	// Started as root, nginx's workers would become nobody, who cannot
	// write dir: they stay the caller's user.
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`daemon off;
%[3]s
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, conf, user)
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(main), 0o600); err != nil {
		return nil, err
	}
	errorLog := filepath.Join(dir, "error.log")
	// #nosec G204 -- nginx on the configuration written above
	if out, err := exec.Command(nginx, "-t", "-q", "-p", dir, "-e", errorLog, "-c", confFile).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("nginx -t: %w\n%s", err, out)
	}
	// #nosec G204 -- as above
	cmd := exec.Command(nginx, "-p", dir, "-e", errorLog, "-c", confFile)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &Nginx{Base: "https://" + httpsAddr, HTTPAddr: httpAddr, dir: dir, cmd: cmd, Client: &http.Client{
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cert.Pool, MinVersion: tls.VersionTLS12}},
		Timeout:   10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
	for deadline := time.Now().Add(10 * time.Second); ; {
		resp, err := n.Client.Get(n.Base + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
			return n, nil
		}
		if time.Now().After(deadline) {
			n.Stop()
			return nil, fmt.Errorf("nginx did not answer: %w\n%s", err, n.ErrorLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ErrorLog is what nginx logged, for error messages.
func (n *Nginx) ErrorLog() string {
	b, _ := os.ReadFile(filepath.Join(n.dir, "error.log")) // #nosec G304 -- our own directory
	return string(b)
}

// Stop ends nginx.
func (n *Nginx) Stop() {
	_ = n.cmd.Process.Kill()
	_ = n.cmd.Wait()
}

// FreeAddr asks the kernel for a free loopback port. Another process could
// take it before it is bound; on a test or benchmark machine that is rare
// enough to accept.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
