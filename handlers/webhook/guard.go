package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrPrivateTarget: the address dialled is not on the public internet and
// the admin setting does not allow such targets.
var ErrPrivateTarget = errors.New("webhook target is a private, loopback or link-local address")

// nonPublic are ranges netip's predicates do not cover: carrier-grade NAT,
// "this network", IETF protocol assignments, benchmarking, broadcast, and
// NAT64 prefixes (which reach IPv4 addresses, private ones included).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}

// Private reports whether a is an address webhooks must not reach unless
// an admin allows it: loopback, private (RFC 1918, IPv6 ULA), link-local,
// unspecified, multicast, carrier-grade NAT and the ranges above.
func Private(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() || !a.IsValid() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// control is the dialer's Control function: it runs for the address
// actually being connected to, after name resolution, so a name that
// resolves to a public address when checked and a private one when
// dialled (DNS rebinding) is still refused.
func control(allowPrivate func() bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("webhook dial %s: %w", address, ErrPrivateTarget)
		}
		if Private(ap.Addr()) && !allowPrivate() {
			return fmt.Errorf("webhook dial %s: %w", address, ErrPrivateTarget)
		}
		return nil
	}
}
