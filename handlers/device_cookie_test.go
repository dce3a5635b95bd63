package handlers

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gofiber/fiber/v2"
)

// deviceApp serves d's remember and recognise for one email each call.
type deviceApp struct {
	t   *testing.T
	app *fiber.App
}

func newDeviceApp(t *testing.T, d *devices) *deviceApp {
	app := fiber.New()
	app.Get("/remember", func(c *fiber.Ctx) error { d.remember(c, c.Query("email")); return nil })
	app.Get("/recognise", func(c *fiber.Ctx) error { return c.SendString(d.recognise(c, c.Query("email"))) })
	return &deviceApp{t: t, app: app}
}

func (a *deviceApp) do(path, email, cookie string) *http.Response {
	a.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path+"?email="+url.QueryEscape(email), nil)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := a.app.Test(req)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp
}

// remember returns the "name=value" of the device cookie set after email
// signs in on a browser that sent cookie.
func (a *deviceApp) remember(email, cookie string) string {
	a.t.Helper()
	for _, ck := range a.do("/remember", email, cookie).Cookies() {
		if strings.HasSuffix(ck.Name, deviceCookieName) {
			return ck.Name + "=" + ck.Value
		}
	}
	a.t.Fatalf("no device cookie set")
	return ""
}

func (a *deviceApp) recognise(email, cookie string) string {
	a.t.Helper()
	resp := a.do("/recognise", email, cookie)
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return b.String()
}

func TestDeviceCookieIsBoundToItsAccountAndKey(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := newDevices(bytes.Repeat([]byte{7}, 32), nil)
	d.now = func() time.Time { return now }
	a := newDeviceApp(t, d)

	ada := a.remember("ada@example.com", "")
	if a.recognise("ada@example.com", ada) == "" {
		t.Fatalf("Ada's own device cookie is not recognised: %s", ada)
	}
	if got := a.recognise("bob@example.com", ada); got != "" {
		t.Errorf("Ada's device cookie recognised for Bob")
	}

	value := strings.TrimPrefix(ada, deviceCookieName+"=")
	parts := strings.Split(value, ".")
	flip := func(s string) string {
		if s[len(s)-1] == 'A' {
			return s[:len(s)-1] + "B"
		}
		return s[:len(s)-1] + "A"
	}
	other := newDevices(bytes.Repeat([]byte{8}, 32), nil)
	other.now = d.now
	for name, forged := range map[string]string{
		"altered MAC":    parts[0] + "." + parts[1] + "." + flip(parts[2]),
		"altered nonce":  flip(parts[0]) + "." + parts[1] + "." + parts[2],
		"altered date":   parts[0] + ".1" + parts[1] + "." + parts[2],
		"no MAC":         parts[0] + "." + parts[1] + ".",
		"garbage":        "not-a-device-cookie",
		"another key":    strings.TrimPrefix(newDeviceApp(t, other).remember("ada@example.com", ""), deviceCookieName+"="),
		"oversized list": strings.Repeat("x.1.y~", 300) + value,
	} {
		if got := a.recognise("ada@example.com", deviceCookieName+"="+forged); got != "" {
			t.Errorf("%s: recognised as device %q", name, got)
		}
	}

	// A device is forgotten deviceLifetime after its last sign-in; one
	// dated in the future is not believed.
	now = now.Add(deviceLifetime + time.Second)
	if a.recognise("ada@example.com", ada) != "" {
		t.Errorf("an expired device cookie is still recognised")
	}
	future := a.remember("ada@example.com", "")
	now = now.Add(-time.Hour)
	if a.recognise("ada@example.com", future) != "" {
		t.Errorf("a device cookie issued in the future is recognised")
	}
}

// One browser remembers a few accounts (a shared computer): a sign-in
// replaces that account's entry and keeps the others', newest first, up
// to deviceMaxAccounts.
func TestDeviceCookieRemembersAFewAccounts(t *testing.T) {
	t.Parallel()
	d := newDevices(bytes.Repeat([]byte{9}, 32), nil)
	a := newDeviceApp(t, d)
	ck := a.remember("ada@example.com", "")
	adaFirst := a.recognise("ada@example.com", ck)
	ck = a.remember("bob@example.com", ck)
	if a.recognise("ada@example.com", ck) != adaFirst || a.recognise("bob@example.com", ck) == "" {
		t.Fatalf("after Bob signed in too: %s", ck)
	}
	ck = a.remember("ada@example.com", ck)
	if got := a.recognise("ada@example.com", ck); got == "" || got == adaFirst {
		t.Errorf("Ada's entry was not renewed: %q", got)
	}
	if n := strings.Count(ck, "~") + 1; n != 2 {
		t.Errorf("entries after Ada signed in again: %d, want 2", n)
	}
	emails := []string{"c@example.com", "d@example.com", "e@example.com", "f@example.com"}
	for _, e := range emails {
		ck = a.remember(e, ck)
	}
	if n := strings.Count(ck, "~") + 1; n != deviceMaxAccounts {
		t.Errorf("entries: %d, want %d", n, deviceMaxAccounts)
	}
	if a.recognise("bob@example.com", ck) != "" {
		t.Errorf("the oldest account was not forgotten")
	}
	for _, e := range append(emails, "ada@example.com") {
		if a.recognise(e, ck) == "" {
			t.Errorf("%s forgotten", e)
		}
	}
}

// The cookie is HttpOnly, SameSite=Lax and long-lived; when cookies are
// Secure it is __Host- prefixed, and only that name is read.
func TestDeviceCookieAttributes(t *testing.T) {
	t.Parallel()
	sm := scs.New()
	d := newDevices(nil, sm)
	a := newDeviceApp(t, d)
	set := a.do("/remember", "ada@example.com", "").Header.Get("Set-Cookie")
	for _, want := range []string{deviceCookieName + "=", "HttpOnly", "SameSite=Lax", "Path=/", "max-age=15552000"} {
		if !strings.Contains(strings.ToLower(set), strings.ToLower(want)) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(strings.ToLower(set), "secure") {
		t.Errorf("Secure on plain HTTP without forcing: %q", set)
	}
	plain := a.remember("ada@example.com", "")

	sm.Cookie.Secure = true
	set = a.do("/remember", "ada@example.com", "").Header.Get("Set-Cookie")
	if !strings.HasPrefix(set, deviceCookieHTTPS+"=") || !strings.Contains(set, "secure") {
		t.Errorf("forced Secure: Set-Cookie %q", set)
	}
	if a.recognise("ada@example.com", plain) != "" {
		t.Errorf("the plain-HTTP cookie is read when cookies are Secure")
	}
	if a.recognise("ada@example.com", a.remember("ada@example.com", "")) == "" {
		t.Errorf("the __Host- cookie is not recognised")
	}
}
