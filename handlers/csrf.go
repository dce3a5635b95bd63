package handlers

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// errCSRF is returned when an unsafe request lacks a valid token.
var errCSRF = fiber.NewError(fiber.StatusForbidden,
	"This form has expired or did not come from Stepwise. Reload the page and try again.")

// errUnreadableForm is returned for a multipart body that cannot be
// parsed, so it is not mistaken for a missing token.
var errUnreadableForm = fiber.NewError(fiber.StatusBadRequest,
	"The form could not be read. Reload the page and try again.")

// CSRF tokens come in two kinds, so that a visitor's page view stores
// nothing on the server:
//
//   - A signed-in browser's token is random and kept in its session
//     (sessionCSRF); signing in and out replaces it.
//   - Anyone else (a visitor, or a login waiting for its second factor)
//     gets a signed double-submit token: the browser holds a random value
//     in an HttpOnly cookie, and the form carries HMAC-SHA256(key, value).
//     A page on another site can neither read the cookie nor compute the
//     token, and checking it needs no session row.
//
// The key is derived from the installation's secret key, so every
// instance of a cluster accepts the others' tokens.
type csrfTokens struct {
	sessions *scs.SessionManager
	key      []byte
}

// csrfKeySize is the least key length newCSRFTokens accepts.
const csrfKeySize = 32

// visitorCSRFCookie is the base name of the visitor's cookie; over HTTPS
// it gets the __Host- prefix, as the session cookie does.
const visitorCSRFCookie = "stepwise_csrf"

// visitorCSRFLifetime is how long a visitor's cookie lasts after the last
// page with a form; a form left open longer asks to be reloaded.
const visitorCSRFLifetime = 12 * time.Hour

// visitorTokenLabel separates this use of the key from any other.
const visitorTokenLabel = "stepwise visitor csrf v1\x00"

// newCSRFTokens panics without a key: a random one per process would
// refuse other instances' forms, and an empty one would let anyone sign.
func newCSRFTokens(sm *scs.SessionManager, key []byte) *csrfTokens {
	if len(key) < csrfKeySize {
		panic("handlers: Deps.CSRFKey must hold at least 32 bytes (derive it from the secret key)")
	}
	return &csrfTokens{sessions: sm, key: bytes.Clone(key)}
}

type csrfTokenKey struct{}

// token returns the CSRF token for the request's forms: the session's for
// a signed-in browser (created on first use), the signed visitor token
// otherwise, setting or refreshing the visitor's cookie. It is the same
// for every form of one response.
func (t *csrfTokens) token(c *fiber.Ctx) string {
	if tok, ok := c.Locals(csrfTokenKey{}).(string); ok {
		return tok
	}
	var tok string
	if ctx := c.UserContext(); t.signedIn(c) {
		if tok = t.sessions.GetString(ctx, sessionCSRF); tok == "" {
			tok = randomToken()
			t.sessions.Put(ctx, sessionCSRF, tok)
		}
	} else {
		value, ok := t.visitorCookie(c)
		if !ok {
			value = randomToken()
		}
		t.setVisitorCookie(c, value)
		tok = t.visitorToken(value)
	}
	c.Locals(csrfTokenKey{}, tok)
	return tok
}

// check refuses unsafe requests (anything but GET, HEAD, OPTIONS) whose
// csrf_token form field or X-CSRF-Token header holds neither the
// session's token nor, for a browser that is not signed in, its visitor
// token. Nothing is written for a refused request.
func (t *csrfTokens) check(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got, err := submittedCSRF(c)
	if err != nil {
		return err
	}
	if got == "" {
		return errCSRF
	}
	if want := t.sessions.GetString(c.UserContext(), sessionCSRF); want != "" && equalTokens(want, got) {
		return c.Next()
	}
	if !t.signedIn(c) {
		if value, ok := t.visitorCookie(c); ok && equalTokens(t.visitorToken(value), got) {
			return c.Next()
		}
	}
	return errCSRF
}

// signedIn reports whether the session names a signed-in user's row (it
// may yet turn out to have ended: loadUser runs later). Only such a
// session holds a token; a signed-in browser's visitor cookie is refused.
func (t *csrfTokens) signedIn(c *fiber.Ctx) bool {
	return t.sessions.Exists(c.UserContext(), sessionID)
}

// submittedCSRF returns the token from the X-CSRF-Token header, or else
// from the body's csrf_token field (URL-encoded or multipart). The query
// string never counts: a token there ends up in logs, history and
// Referer headers.
func submittedCSRF(c *fiber.Ctx) (string, error) {
	if h := c.Get("X-CSRF-Token"); h != "" {
		return h, nil
	}
	if bytes.HasPrefix(c.Request().Header.ContentType(), []byte(fiber.MIMEMultipartForm)) {
		// Parsed here, not before routing (app.go), so a malformed body
		// is a 400 of its own.
		form, err := c.MultipartForm()
		if err != nil {
			return "", errUnreadableForm
		}
		if v := form.Value["csrf_token"]; len(v) > 0 {
			return v[0], nil
		}
		return "", nil
	}
	// PostArgs reads only an application/x-www-form-urlencoded body.
	return string(c.Request().PostArgs().Peek("csrf_token")), nil
}

// visitorCookieName is the visitor cookie's name for this request: with
// the __Host- prefix exactly when the session cookie has it.
func (t *csrfTokens) visitorCookieName(c *fiber.Ctx) (name string, secure bool) {
	if _, secure = sessionCookie(c, t.sessions); secure {
		return hostCookiePrefix + visitorCSRFCookie, true
	}
	return visitorCSRFCookie, false
}

// visitorCookie returns the visitor cookie's value if it is one we could
// have set: 32 random bytes, base64url-encoded.
func (t *csrfTokens) visitorCookie(c *fiber.Ctx) (string, bool) {
	name, _ := t.visitorCookieName(c)
	raw := c.Request().Header.Cookie(name)
	if base64.RawURLEncoding.DecodedLen(len(raw)) != 32 {
		return "", false
	}
	var b [32]byte
	if n, err := base64.RawURLEncoding.Decode(b[:], raw); err != nil || n != len(b) {
		return "", false
	}
	return string(raw), true
}

// setVisitorCookie sets (or extends) the visitor cookie; its value never
// changes while it lasts, so every open tab's forms stay valid.
func (t *csrfTokens) setVisitorCookie(c *fiber.Ctx, value string) {
	name, secure := t.visitorCookieName(c)
	c.Cookie(&fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(visitorCSRFLifetime.Seconds()),
		Expires:  time.Now().Add(visitorCSRFLifetime),
		HTTPOnly: true,
		Secure:   secure,
		SameSite: fiber.CookieSameSiteLaxMode,
	})
	if len(c.Response().Header.Peek(fiber.HeaderCacheControl)) == 0 {
		c.Set(fiber.HeaderCacheControl, `no-cache="Set-Cookie"`)
	}
}

// visitorToken is the form token that goes with the cookie value.
func (t *csrfTokens) visitorToken(value string) string {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(visitorTokenLabel))
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func equalTokens(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
