package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"

	"stepwise/models"
)

// ErrPrivateTarget: the address dialled is not on the public internet and
// the admin setting does not allow such targets.
var ErrPrivateTarget = errors.New("webhook target is a private, loopback or link-local address")

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
		if models.PrivateAddr(ap.Addr()) && !allowPrivate() {
			return fmt.Errorf("webhook dial %s: %w", address, ErrPrivateTarget)
		}
		return nil
	}
}
