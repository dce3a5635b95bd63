package handlers

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device
// Cookies"): a browser that signs in successfully gets a signed cookie
// naming the account's email, a random nonce and the date. When it later
// types that email again, its guesses count against the nonce's own
// budget (models.LoginBudget) instead of the one every unknown browser
// shares, so nobody else's failures can lock the owner out. The cookie
// grants nothing else: it is no session and no proof of identity.
const (
	deviceCookieName = "stepwise_device"
	// deviceCookieHTTPS is its name on HTTPS: the __Host- prefix makes
	// browsers refuse it from plain HTTP or another host.
	deviceCookieHTTPS = "__Host-stepwise_device"
	// deviceLifetime is how long a device stays recognised after its
	// last successful sign-in (each one renews it).
	deviceLifetime = 180 * 24 * time.Hour
	// deviceMaxAccounts is how many accounts one browser is remembered
	// for (a shared computer); the oldest is forgotten first.
	deviceMaxAccounts = 5
	// deviceNonceSize is the random part of a device's entry, in bytes.
	deviceNonceSize = 16
	// deviceCookieMax bounds the cookie read, so a forged giant is not
	// parsed.
	deviceCookieMax = 1024
)

// devices issues and recognises device cookies. The cookie is one or more
// entries "nonce.issued.mac", newest first, joined by "~": nonce is
// base64url, issued is Unix seconds, and mac is HMAC-SHA256 under key over
// the email, the nonce and issued. The email is not in the cookie; an
// entry is valid for the email whose MAC it carries.
type devices struct {
	key []byte
	// sessions says whether cookies are Secure on plain HTTP too.
	sessions *scs.SessionManager
	now      func() time.Time
}

// newDevices returns the device cookies signed with key. Without a key
// (tests and tools that build the app without cmd) it makes a random one,
// so devices are recognised by this process only.
func newDevices(key []byte, sm *scs.SessionManager) *devices {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24)
	}
	return &devices{key: key, sessions: sm, now: time.Now}
}

// cookieName returns the cookie's name on this request and whether it is
// Secure: on HTTPS (or with Secure forced, as for the session cookie) it
// is deviceCookieHTTPS.
func (d *devices) cookieName(c *fiber.Ctx) (string, bool) {
	if (d.sessions != nil && d.sessions.Cookie.Secure) || c.Secure() {
		return deviceCookieHTTPS, true
	}
	return deviceCookieName, false
}

// deviceEntry is one account's entry in the cookie.
type deviceEntry struct {
	nonce  string
	issued int64
	mac    string
}

func (e deviceEntry) String() string {
	return e.nonce + "." + strconv.FormatInt(e.issued, 10) + "." + e.mac
}

// entries parses the request's device cookie, dropping malformed and
// expired entries.
func (d *devices) entries(c *fiber.Ctx) []deviceEntry {
	name, _ := d.cookieName(c)
	v := c.Cookies(name)
	if v == "" || len(v) > deviceCookieMax {
		return nil
	}
	now := d.now()
	var out []deviceEntry
	list := strings.Split(v, "~")
	if len(list) > deviceMaxAccounts {
		list = list[:deviceMaxAccounts]
	}
	for _, s := range list {
		parts := strings.Split(s, ".")
		if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
			continue
		}
		issued, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			continue
		}
		at := time.Unix(issued, 0)
		if now.Sub(at) > deviceLifetime || at.After(now.Add(time.Minute)) {
			continue
		}
		out = append(out, deviceEntry{nonce: parts[0], issued: issued, mac: parts[2]})
	}
	return out
}

// sign returns the MAC of an entry for email.
func (d *devices) sign(email, nonce string, issued int64) string {
	m := hmac.New(sha256.New, d.key)
	m.Write([]byte("stepwise device cookie v1\x00" + email + "\x00" + nonce + "\x00" + strconv.FormatInt(issued, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports whether e was issued for email by this installation.
func (d *devices) valid(e deviceEntry, email string) bool {
	return hmac.Equal([]byte(e.mac), []byte(d.sign(email, e.nonce, e.issued)))
}

// recognise returns the nonce of this browser's device entry for email,
// or "" when it has none that is valid: forged, altered, expired and
// other accounts' entries are ignored.
func (d *devices) recognise(c *fiber.Ctx, email string) string {
	for _, e := range d.entries(c) {
		if d.valid(e, email) {
			return e.nonce
		}
	}
	return ""
}

// remember sets the browser's device cookie after a successful sign-in
// to email: a new entry for email first, then the browser's other
// accounts' entries (its old entry for email is replaced).
func (d *devices) remember(c *fiber.Ctx, email string) {
	now := d.now()
	nonce := make([]byte, deviceNonceSize)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails (Go 1.24)
	e := deviceEntry{nonce: base64.RawURLEncoding.EncodeToString(nonce), issued: now.Unix()}
	e.mac = d.sign(email, e.nonce, e.issued)
	list := []string{e.String()}
	for _, old := range d.entries(c) {
		if len(list) == deviceMaxAccounts {
			break
		}
		if !d.valid(old, email) {
			list = append(list, old.String())
		}
	}
	name, secure := d.cookieName(c)
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    strings.Join(list, "~"),
		Path:     "/",
		Expires:  now.Add(deviceLifetime),
		MaxAge:   int(deviceLifetime / time.Second),
		HTTPOnly: true,
		Secure:   secure,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
}
