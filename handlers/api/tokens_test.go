package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"stepwise/models"
)

type tokenOut struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Prefix    string   `json:"prefix"`
	Scopes    []string `json:"scopes"`
	Token     string   `json:"token"`
	ExpiresAt *string  `json:"expires_at"`
}

func TestCreateTokenWithPassword(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u := srv.user(models.RoleLearner)
	anon := srv.as("")

	var out tokenOut
	r := anon.post("/api/v1/tokens", map[string]any{
		"email": u.Email, "password": password, "name": "HR sync", "scopes": []string{"write", "read"},
	}).want(t, http.StatusCreated)
	r.JSON(t, &out)
	if !strings.HasPrefix(out.Token, "swp_") || out.Name != "HR sync" || strings.Join(out.Scopes, ",") != "read,write" {
		t.Fatalf("token = %+v", out)
	}
	if !strings.HasPrefix(out.Token, out.Prefix) || r.Header.Get("Location") != "/api/v1/tokens/"+itoa64(out.ID) {
		t.Fatalf("prefix %q, location %q", out.Prefix, r.Header.Get("Location"))
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.Header.Get("Cache-Control"))
	}
	// It works, and the database holds only its hash.
	srv.as(out.Token).get("/api/v1/me").want(t, http.StatusOK)
	var stored int
	if err := srv.DB.Get(context.Background(), &stored, `SELECT count(*) FROM api_tokens WHERE token_hash = ?`, out.Token); err != nil || stored != 0 {
		t.Fatalf("the token's text is stored (%d, %v)", stored, err)
	}
	// Listing never shows the text again.
	got := srv.as(out.Token).get("/api/v1/tokens").want(t, http.StatusOK)
	if strings.Contains(string(got.Body), out.Token) {
		t.Fatal("the token's text is listed")
	}
	if n := auditCount(t, srv, models.EventAPITokenCreated); n != 1 {
		t.Errorf("%d audit entries for the creation, want 1", n)
	}

	t.Run("validation", func(t *testing.T) {
		p := anon.post("/api/v1/tokens", map[string]any{"email": u.Email, "password": password, "name": "", "scopes": []string{"admin", "fly"}}).
			want(t, http.StatusUnprocessableEntity).Problem(t)
		if fields := strings.Join(fieldNames(p.Errors), ","); fields != "name,scopes" {
			t.Errorf("fields = %s", fields)
		}
		p = anon.post("/api/v1/tokens", map[string]any{"email": u.Email, "password": password, "name": "x", "scopes": []string{"admin"}}).
			want(t, http.StatusUnprocessableEntity).Problem(t)
		if !strings.Contains(p.Errors[0].Detail, "administrators") {
			t.Errorf("a learner may ask for admin: %+v", p.Errors)
		}
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		p = anon.post("/api/v1/tokens", map[string]any{"email": u.Email, "password": password, "name": "x", "scopes": []string{"read"}, "expires_at": past}).
			want(t, http.StatusUnprocessableEntity).Problem(t)
		if p.Errors[0].Field != "expires_at" {
			t.Errorf("errors = %+v", p.Errors)
		}
		p = anon.post("/api/v1/tokens", map[string]any{"email": "", "password": ""}).want(t, http.StatusUnprocessableEntity).Problem(t)
		if fields := strings.Join(fieldNames(p.Errors), ","); fields != "email,password" {
			t.Errorf("fields = %s", fields)
		}
	})
	t.Run("wrong password is throttled", func(t *testing.T) {
		v := srv.user(models.RoleLearner)
		body := map[string]any{"email": v.Email, "password": "not the password at all", "name": "x", "scopes": []string{"read"}}
		var last *response
		for i := 0; i < 10; i++ {
			last = anon.post("/api/v1/tokens", body)
			if last.StatusCode == http.StatusTooManyRequests {
				break
			}
			last.want(t, http.StatusUnauthorized)
		}
		last.want(t, http.StatusTooManyRequests)
		if last.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		// Throttled, even the right password waits.
		body["password"] = password
		anon.post("/api/v1/tokens", body).want(t, http.StatusTooManyRequests)
	})
	t.Run("unknown email says the same", func(t *testing.T) {
		p := anon.post("/api/v1/tokens", map[string]any{"email": "nobody@example.com", "password": password, "name": "x", "scopes": []string{"read"}}).
			want(t, http.StatusUnauthorized).Problem(t)
		if !strings.Contains(p.Detail, "do not match") {
			t.Errorf("detail = %q", p.Detail)
		}
	})
	t.Run("two-factor accounts need a code", func(t *testing.T) {
		w := srv.user(models.RoleLearner)
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "Stepwise", AccountName: w.Email})
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(key.Secret(), time.Now())
		step, ok := srv.Models.TwoFactor.CheckNewSecret(key.Secret(), code)
		if !ok {
			t.Fatal("code refused")
		}
		if _, err := srv.Models.TwoFactor.Enable(context.Background(), w.ID, key.Secret(), step); err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"email": w.Email, "password": password, "name": "x", "scopes": []string{"read"}}
		p := anon.post("/api/v1/tokens", body).want(t, http.StatusUnprocessableEntity).Problem(t)
		if p.Errors[0].Field != "code" {
			t.Fatalf("errors = %+v", p.Errors)
		}
		body["code"] = "000000"
		if code == "000000" {
			body["code"] = "111111"
		}
		anon.post("/api/v1/tokens", body).want(t, http.StatusUnauthorized)
		next, _ := totp.GenerateCode(key.Secret(), time.Now().Add(30*time.Second))
		body["code"] = next
		anon.post("/api/v1/tokens", body).want(t, http.StatusCreated)
	})
}

func TestTokensListShowRevoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	u, other := srv.user(models.RoleLearner), srv.user(models.RoleLearner)
	main := srv.as(srv.token(u, "read", "write"))
	spareText := srv.token(u, "read")
	otherTok := srv.as(srv.token(other, "read", "write"))

	var list struct {
		Items []tokenOut `json:"items"`
	}
	main.get("/api/v1/tokens").want(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Fatalf("%d tokens listed, want 2", len(list.Items))
	}
	spare := list.Items[0] // newest first
	path := "/api/v1/tokens/" + itoa64(spare.ID)
	r := main.get(path).want(t, http.StatusOK)
	tag := r.Header.Get("ETag")
	main.with("If-None-Match", tag).get(path).want(t, http.StatusNotModified)

	// Another user's token does not exist for them.
	otherTok.get(path).want(t, http.StatusNotFound)
	otherTok.with("If-Match", tag).delete(path).want(t, http.StatusNotFound)
	main.get("/api/v1/tokens/abc").want(t, http.StatusNotFound)

	main.delete(path).want(t, http.StatusPreconditionRequired).Problem(t)
	main.with("If-Match", `"stale"`).delete(path).want(t, http.StatusPreconditionFailed).Problem(t)
	main.with("If-Match", tag).delete(path).want(t, http.StatusNoContent)
	srv.as(spareText).get("/api/v1/me").want(t, http.StatusUnauthorized)
	main.get(path).want(t, http.StatusNotFound)
	if n := auditCount(t, srv, models.EventAPITokenRevoked); n != 1 {
		t.Errorf("%d audit entries for the revocation, want 1", n)
	}
}

func auditCount(t *testing.T, srv *server, event string) int {
	t.Helper()
	var n int
	if err := srv.DB.Get(context.Background(), &n, `SELECT count(*) FROM audit_log WHERE event = ?`, event); err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa64(i int64) string { return strconv.FormatInt(i, 10) }
