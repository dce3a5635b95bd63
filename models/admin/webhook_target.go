package admin

import (
	"net/netip"
	"net/url"
	"strings"

	"stepwise/models"
)

// checkTarget returns why a subscription may not deliver to rawURL (a URL
// NewWebhook.Validate accepted), or "". Unless allowPrivate, a URL whose
// host is a loopback, private or link-local address, or a localhost name,
// is refused now, when the user can still fix it. The worker's dialer
// checks every address again when it connects (models.PrivateAddr, the same
// predicate), which also catches a name that resolves to such an address.
func checkTarget(rawURL string, allowPrivate bool) string {
	if allowPrivate {
		return ""
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "Enter an http:// or https:// URL."
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	private := host == "localhost" || strings.HasSuffix(host, ".localhost")
	if a, err := netip.ParseAddr(host); err == nil {
		private = models.PrivateAddr(a.WithZone(""))
	}
	if private {
		return "That address is loopback, private or link-local, which webhooks may not reach unless an admin allows it in the site settings."
	}
	return ""
}
