package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"stepwise/models"
)

// Repeated wrong passwords slow the account down: after the free attempts
// the login answers 429 with Retry-After, even for the right password,
// and says the same for an unknown email, so nothing reveals whether an
// account exists.
func TestLoginIsThrottled(t *testing.T) {
	srv := newServer(t)
	owner := srv.client()
	owner.signup("slow@example.com", "Slow", strongPassword)
	c := srv.client()

	for i := 1; i <= models.AccountLimit.Free+1; i++ {
		wantStatus(t, c.login("slow@example.com", "wrong guess", ""), http.StatusUnprocessableEntity)
	}
	r := c.login("slow@example.com", strongPassword, "")
	wantStatus(t, r, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After: %q", r.Header.Get("Retry-After"))
	}
	if msg := r.testid(t, "form-error").Text(); !strings.Contains(msg, "Too many attempts") {
		t.Errorf("throttled message: %q", msg)
	}
	if got := r.doc(t).Find(`input[name="email"]`).AttrOr("value", ""); got != "slow@example.com" {
		t.Errorf("email kept: %q", got)
	}
	if countEvents(t, srv, models.EventLoginThrottled) != 1 || countEvents(t, srv, models.EventLoginFailure) != models.AccountLimit.Free+1 {
		t.Errorf("audit: want %d failures and 1 throttled", models.AccountLimit.Free+1)
	}

	// An unknown email is throttled exactly the same way.
	for i := 1; i <= models.AccountLimit.Free+1; i++ {
		wantStatus(t, c.login("ghost@example.com", "wrong guess", ""), http.StatusUnprocessableEntity)
	}
	wantStatus(t, c.login("ghost@example.com", "wrong guess", ""), http.StatusTooManyRequests)
}
