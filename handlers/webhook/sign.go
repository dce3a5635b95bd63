// Package webhook delivers queued webhook events: it signs each body,
// posts it with a guarded HTTP client, and records the outcome so the
// models' queue can retry or give up. It runs beside the server, never
// inside a request.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Header names of a delivery.
const (
	HeaderEvent     = "Stepwise-Event"
	HeaderDelivery  = "Stepwise-Delivery"
	HeaderSignature = "Stepwise-Signature"
)

// ReplayWindow is how old a signature a receiver should accept: the
// timestamp is signed, so an old request replayed later is refused.
const ReplayWindow = 5 * time.Minute

// Sign returns the Stepwise-Signature header for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under secret>".
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors from Verify.
var (
	ErrBadSignature = errors.New("webhook signature does not match")
	ErrStale        = errors.New("webhook signature is outside the replay window")
)

// Verify checks header against body as a receiver should: the HMAC in
// constant time, then the timestamp within ReplayWindow of now. It is what
// the README describes, and what the tests' receiver runs.
func Verify(secret []byte, header string, body []byte, now time.Time) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrBadSignature
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, ts, body)) {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(unix, 0)); d > ReplayWindow || d < -ReplayWindow {
		return ErrStale
	}
	return nil
}
