package webhook

import (
	"net"
	"net/http"
	"time"
)

// Timeout bounds one delivery attempt, connecting included.
const Timeout = 5 * time.Second

// NewClient returns the HTTP client deliveries use: a short timeout, no
// proxy (which would dial for us, past the guard), no redirects followed
// (a 3xx is a failed attempt), and the address guard on every connection.
// Connections are not reused, so turning the setting off takes effect on
// the next attempt.
func NewClient(allowPrivate func() bool) *http.Client {
	dialer := &net.Dialer{Timeout: Timeout, Control: control(allowPrivate)}
	return &http.Client{
		Timeout: Timeout,
		Transport: &http.Transport{
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			TLSHandshakeTimeout:    Timeout,
			ResponseHeaderTimeout:  Timeout,
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 16 << 10,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
