// Package tlstest makes throwaway self-signed certificates for tests that
// serve HTTPS on 127.0.0.1.
package tlstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Cert is a fresh ECDSA certificate for 127.0.0.1, valid for an hour.
type Cert struct {
	DER  []byte
	Key  *ecdsa.PrivateKey
	Leaf *x509.Certificate
	// Pool trusts the certificate, for clients.
	Pool *x509.CertPool
}

// New makes a certificate or fails the test.
func New(t testing.TB) Cert {
	t.Helper()
	c, err := Make()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Make makes a certificate, for tools that are not tests (the benchmark's
// nginx).
func Make() (Cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Cert{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "stepwise test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return Cert{}, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return Cert{}, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return Cert{DER: der, Key: key, Leaf: leaf, Pool: pool}, nil
}

// ServerConfig is a TLS 1.2+ server configuration presenting c.
func (c Cert) ServerConfig() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{{Certificate: [][]byte{c.DER}, PrivateKey: c.Key, Leaf: c.Leaf}},
	}
}

// WriteFiles writes c and its key as PEM files in a temporary directory and
// returns their paths.
func (c Cert) WriteFiles(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile, err := c.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// Write writes c and its key as PEM files cert.pem and key.pem in dir and
// returns their paths.
func (c Cert) Write(dir string) (certFile, keyFile string, err error) {
	keyDER, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}
