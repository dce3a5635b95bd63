package models

import "net/netip"

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

// PrivateAddr reports whether a is an address webhooks must not reach
// unless an admin allows it: loopback, private (RFC 1918, IPv6 ULA), link-local,
// unspecified, multicast, carrier-grade NAT and the ranges above. The
// delivery worker's dialer asks it of every address it connects to, and
// the webhook operations of every address a subscription names outright.
func PrivateAddr(a netip.Addr) bool {
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
