package handlers

import (
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// LimitConns returns ln refusing a connection from a peer address that
// holds l.MaxConnsPerIP open already (no limit when it is negative). An
// IPv6 peer is counted by its /64, the block one host is given. The refused
// connection is answered 429 (plain HTTP) or just closed (TLS, whose
// handshake the accepting loop must not wait for). serve listens through
// it; the total (l.MaxConns) is the app's own.
//
// fasthttp's MaxConnsPerIP is not used: it counts IPv4 peers only, and
// its connection wrapper is released twice when a shutdown closes idle
// connections while their workers close them too.
func LimitConns(ln net.Listener, l Limits) net.Listener {
	perIP := l.withDefaults().MaxConnsPerIP
	if perIP < 0 {
		return ln
	}
	return &connLimiter{Listener: ln, perIP: perIP, open: map[netip.Addr]int{}}
}

type connLimiter struct {
	net.Listener
	perIP int
	mu    sync.Mutex
	open  map[netip.Addr]int
}

// tooManyConns is the answer to a connection over the limit.
var tooManyConns = func() string {
	const body = "Too many connections from your address at once.\n"
	return "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body
}()

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key, ok := peerKey(c.RemoteAddr())
		if !ok { // not an IP peer (a Unix socket): nothing to count by
			return c, nil
		}
		if l.take(key) {
			release := sync.OnceFunc(func() { l.give(key) })
			if tc, ok := c.(*tls.Conn); ok {
				return &countedTLSConn{Conn: tc, release: release}, nil
			}
			return &countedConn{Conn: c, release: release}, nil
		}
		if _, isTLS := c.(*tls.Conn); !isTLS {
			_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			_, _ = io.WriteString(c, tooManyConns)
		}
		_ = c.Close()
	}
}

func (l *connLimiter) take(key netip.Addr) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key] >= l.perIP {
		return false
	}
	l.open[key]++
	return true
}

func (l *connLimiter) give(key netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[key]--; l.open[key] <= 0 {
		delete(l.open, key)
	}
}

// peerKey is what a peer's connections are counted by: its IPv4 address,
// or its IPv6 address's /64.
func peerKey(a net.Addr) (netip.Addr, bool) {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.Addr{}, false
	}
	ip, ok := netip.AddrFromSlice(ta.IP)
	if !ok {
		return netip.Addr{}, false
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr(), true
	}
	return ip, true
}

// countedConn gives its peer's count back when closed (once, however
// often it is closed).
type countedConn struct {
	net.Conn
	release func()
}

func (c *countedConn) Close() error {
	c.release()
	return c.Conn.Close()
}

// countedTLSConn is countedConn for TLS, keeping *tls.Conn's methods, by
// which fasthttp knows the request came over TLS.
type countedTLSConn struct {
	*tls.Conn
	release func()
}

func (c *countedTLSConn) Close() error {
	c.release()
	return c.Conn.Close()
}
