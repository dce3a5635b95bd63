package handlers

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies parses a comma-separated list of CIDR ranges or single
// addresses (one address is its own /32 or /128): the reverse proxies whose
// X-Forwarded-For and X-Forwarded-Proto headers Stepwise believes.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: %w", s, err)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q: not an IP address or CIDR range", s)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// fiberProxies spells trusted as Fiber's TrustedProxies wants them. Always
// in CIDR form: Fiber compares a bare address with the peer's textual
// form, which an IPv6 spelling could miss.
func fiberProxies(trusted []netip.Prefix) []string {
	out := make([]string, len(trusted))
	for i, p := range trusted {
		out[i] = p.String()
	}
	return out
}

// forwardedFor rewrites X-Forwarded-For, when the direct peer is a trusted
// proxy, to the one address c.IP() should report. Fiber's c.IP() takes the
// leftmost address of the header, which any client can write itself
// (proxies append to what the client sent); the address to believe is the
// nearest one, from the right, that is not one of our own proxies. Without
// a believable address it names the peer (the header stays, so code that
// refuses forwarded requests still sees one). For an untrusted peer Fiber
// ignores the header already.
func forwardedFor(trusted []netip.Prefix) fiber.Handler {
	if len(trusted) == 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return func(c *fiber.Ctx) error {
		if !c.IsProxyTrusted() {
			return c.Next()
		}
		h := &c.Request().Header
		var hops []string
		// Several X-Forwarded-For headers are one list, in order.
		for _, v := range h.PeekAll(fiber.HeaderXForwardedFor) {
			hops = append(hops, strings.Split(string(v), ",")...)
		}
		if len(hops) == 0 {
			return c.Next()
		}
		h.Del(fiber.HeaderXForwardedFor)
		ip := c.Context().RemoteIP().String()
		if a, ok := clientAddr(hops, trusted); ok {
			ip = a.String()
		}
		h.Set(fiber.HeaderXForwardedFor, ip)
		return c.Next()
	}
}

// clientAddr walks hops from the nearest (rightmost) and returns the first
// address outside trusted. If every hop is trusted the request started
// inside, and the farthest hop is the client. An unparsable hop stops the
// walk: what lies beyond it cannot be vouched for.
func clientAddr(hops []string, trusted []netip.Prefix) (netip.Addr, bool) {
	var farthest netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		s := strings.TrimSpace(hops[i])
		if s == "" {
			continue
		}
		a, ok := parseHop(s)
		if !ok {
			return netip.Addr{}, false
		}
		if !inAny(trusted, a) {
			return a, true
		}
		farthest = a
	}
	return farthest, farthest.IsValid()
}

// parseHop reads one X-Forwarded-For entry: an address, or an address with
// a port as some proxies write it.
func parseHop(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, perr := netip.ParseAddrPort(s)
		if perr != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

func inAny(prefixes []netip.Prefix, a netip.Addr) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
