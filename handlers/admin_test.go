package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"stepwise/models"
)

// newAdmin signs up email and makes it an admin.
func newAdmin(t *testing.T, srv *server, email string) *client {
	t.Helper()
	c := srv.client()
	c.signup(email, "Admin", strongPassword)
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, email).ID, models.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAdminUsersSearchAndActions(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "root@example.com")
	lee := srv.client()
	lee.signup("lee@example.com", "Lee Learner", strongPassword)
	srv.client().signup("max_100%@example.com", "Max", strongPassword)

	r := admin.get("/admin/users?q=LEE")
	wantStatus(t, r, http.StatusOK)
	if got := r.testid(t, "user-row").Length(); got != 1 {
		t.Errorf("search LEE: got %d rows, want 1", got)
	}
	// LIKE wildcards in the query are literal.
	if got := admin.get("/admin/users?q="+url.QueryEscape("100%")).testid(t, "user-row").Length(); got != 1 {
		t.Errorf("search 100%%: got %d rows, want 1", got)
	}
	if got := admin.get("/admin/users?q="+url.QueryEscape("_")).testid(t, "user-row").Length(); got != 1 {
		t.Errorf("search _: got %d rows, want 1 (max_100%%)", got)
	}

	leeID := mustUser(t, srv, "lee@example.com").ID
	base := "/admin/users/" + itoa(leeID)
	tok := admin.csrf("/admin/users")
	wantStatus(t, admin.post(base+"/role", url.Values{"csrf_token": {tok}, "role": {"author"}}), http.StatusSeeOther)
	if u := mustUser(t, srv, "lee@example.com"); u.Role != models.RoleAuthor {
		t.Errorf("role: got %s, want author", u.Role)
	}
	// An unknown role is invalid input: 422, as in the API (it was 400).
	r = admin.post(base+"/role", url.Values{"csrf_token": {tok}, "role": {"emperor"}})
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.testid(t, "form-error").Text(), "Choose learner, author or admin.") {
		t.Errorf("unknown role message: %q", r.testid(t, "form-error").Text())
	}

	// Lock: sessions end, login refused; unlock restores.
	wantStatus(t, admin.post(base+"/lock", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
	if lee.get("/account").StatusCode != http.StatusSeeOther {
		t.Errorf("locked user still signed in")
	}
	r = srv.client().login("lee@example.com", strongPassword, "")
	wantStatus(t, r, http.StatusForbidden)
	if !strings.Contains(r.testid(t, "form-error").Text(), "locked") {
		t.Errorf("locked login message: %q", r.testid(t, "form-error").Text())
	}
	wantStatus(t, admin.post(base+"/unlock", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
	wantStatus(t, srv.client().login("lee@example.com", strongPassword, ""), http.StatusSeeOther)

	// Force reset: sessions end and login asks for a new password.
	wantStatus(t, admin.post(base+"/force-reset", url.Values{"csrf_token": {tok}}), http.StatusSeeOther)
	r = srv.client().login("lee@example.com", strongPassword, "")
	wantStatus(t, r, http.StatusForbidden)

	for _, ev := range []string{models.EventRoleChange, models.EventLock, models.EventUnlock, models.EventForceReset} {
		if countEvents(t, srv, ev) != 1 {
			t.Errorf("audit: no single %s event", ev)
		}
	}
	// Unknown or malformed ids.
	wantStatus(t, admin.post("/admin/users/99999/lock", url.Values{"csrf_token": {tok}}), http.StatusNotFound)
	wantStatus(t, admin.post("/admin/users/abc/lock", url.Values{"csrf_token": {tok}}), http.StatusNotFound)
}

func TestAdminCannotRemoveTheLastAdmin(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "only@example.com")
	id := itoa(mustUser(t, srv, "only@example.com").ID)
	tok := admin.csrf("/admin/users")
	// Acting on oneself from the admin pages is refused outright.
	wantStatus(t, admin.post("/admin/users/"+id+"/role", url.Values{"csrf_token": {tok}, "role": {"learner"}}), http.StatusForbidden)
	wantStatus(t, admin.post("/admin/users/"+id+"/lock", url.Values{"csrf_token": {tok}}), http.StatusForbidden)
	// Deleting one's own account as the last admin is refused.
	r := admin.post("/account/delete", url.Values{"csrf_token": {admin.csrf("/account")}, "delete_password": {strongPassword}})
	wantStatus(t, r, http.StatusConflict)
	// With a second admin, one may demote the other, but not the last.
	second := newAdmin(t, srv, "second@example.com")
	wantStatus(t, second.post("/admin/users/"+id+"/role", url.Values{"csrf_token": {second.csrf("/admin/users")}, "role": {"learner"}}), http.StatusSeeOther)
	if err := srv.Models.Users.SetRole(context.Background(), mustUser(t, srv, "second@example.com").ID, models.RoleLearner); err != models.ErrLastAdmin {
		t.Errorf("demoting the last admin: got %v, want ErrLastAdmin", err)
	}
}

func TestAdminAuditLogFilters(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	admin := newAdmin(t, srv, "audit@example.com")
	u := srv.client()
	u.signup("who@example.com", "Who", strongPassword)
	srv.client().login("who@example.com", "wrong", "")

	r := admin.get("/admin/audit")
	wantStatus(t, r, http.StatusOK)
	if r.testid(t, "audit-row").Length() < 3 {
		t.Errorf("audit rows: %d", r.testid(t, "audit-row").Length())
	}
	r = admin.get("/admin/audit?event=login.failure")
	if rows := r.testid(t, "audit-row"); rows.Length() != 1 || rows.AttrOr("data-event", "") != models.EventLoginFailure {
		t.Errorf("event filter: %d rows", rows.Length())
	}
	r = admin.get("/admin/audit?user=who%40example.com")
	if r.testid(t, "audit-row").Length() != 2 { // signup + failed login
		t.Errorf("user filter: %d rows, want 2", r.testid(t, "audit-row").Length())
	}
	wantStatus(t, admin.get("/admin/audit?from=2000-01-01&to=2000-01-02"), http.StatusOK)
	if admin.get("/admin/audit?from=2000-01-01&to=2000-01-02").testid(t, "audit-row").Length() != 0 {
		t.Errorf("date filter let old-range rows through")
	}
	for _, bad := range []string{"?from=yesterday", "?event=drop%20table", "?user=nobody%40example.com"} {
		wantStatus(t, admin.get("/admin/audit"+bad), http.StatusUnprocessableEntity)
	}
	// Secrets never reach the log.
	if strings.Contains(admin.get("/admin/audit").Body, strongPassword) {
		t.Errorf("a password appears in the audit log")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
