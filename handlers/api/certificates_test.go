package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"stepwise/models"
)

type certificateView struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Guide      *string `json:"guide"`
	GuideTitle string  `json:"guide_title"`
	IssuedAt   string  `json:"issued_at"`
	URL        string  `json:"url"`
}

// finishGuide completes every step of the guide as tok, through the API, and
// returns the certificate's code.
func finishGuide(t *testing.T, srv *server, tok, slug string, steps int) string {
	t.Helper()
	var p progressView
	for n := steps; n >= 1; n-- {
		srv.as(tok).put("/api/v1/guides/"+slug+"/steps/"+itoa64(int64(n))+"/completion", nil).want(t, http.StatusOK).JSON(t, &p)
	}
	if p.CertificateURL == nil {
		t.Fatalf("no certificate after completing every step: %+v", p)
	}
	return strings.TrimPrefix(*p.CertificateURL, "/certificates/")
}

func TestCertificate(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx := context.Background()
	owner, learner := srv.user(models.RoleAuthor), srv.user(models.RoleLearner)
	ownerTok, tok := srv.token(owner, "read", "write"), srv.token(learner, "read", "write")
	slug, _ := srv.learnGuide(owner, true)
	g, err := srv.Models.Guides.Record(ctx, slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	code := finishGuide(t, srv, tok, slug, 2)
	path := "/api/v1/certificates/" + code
	// Anyone with a token may verify it, as anyone may open its page.
	verifier := srv.token(srv.user(models.RoleLearner), "read")

	var etag string
	t.Run("verify", func(t *testing.T) {
		r := srv.as(verifier).get(path).want(t, http.StatusOK)
		var c certificateView
		r.JSON(t, &c)
		if c.Code != code || c.Name != learner.DisplayName || c.Guide == nil || *c.Guide != slug || c.GuideTitle != g.Title ||
			c.URL != "/certificates/"+code || c.IssuedAt == "" {
			t.Fatalf("got %+v, want %s's certificate for %s", c, learner.DisplayName, slug)
		}
		etag = r.Header.Get("ETag")
		srv.as(verifier).with("If-None-Match", etag).get(path).want(t, http.StatusNotModified)
		// The public page it points to is there.
		srv.as("").get(c.URL).want(t, http.StatusOK)
	})
	t.Run("unknown codes", func(t *testing.T) {
		srv.as(verifier).get("/api/v1/certificates/"+strings.Repeat("0", 32)).want(t, http.StatusNotFound).Problem(t)
		srv.as(verifier).get("/api/v1/certificates/"+code[:31]).want(t, http.StatusNotFound).Problem(t)
		srv.as(verifier).get("/api/v1/certificates/"+code+"0").want(t, http.StatusNotFound).Problem(t)
		srv.as(verifier).get("/api/v1/certificates/"+strings.ToUpper(code)).want(t, http.StatusNotFound).Problem(t)
	})
	t.Run("refused", func(t *testing.T) {
		srv.as("").get(path).want(t, http.StatusUnauthorized)
		srv.as(srv.token(learner, "write")).get(path).want(t, http.StatusForbidden)
	})
	t.Run("as issued, after the name and the guide change", func(t *testing.T) {
		if _, err := srv.DB.Exec(ctx, `UPDATE users SET display_name = 'Someone Else' WHERE id = ?`, learner.ID); err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/guides/" + slug
		etagG := srv.as(ownerTok).post(base+"/unpublish", nil).want(t, http.StatusOK).Header.Get("ETag")
		srv.as(ownerTok).with("If-Match", etagG).delete(base).want(t, http.StatusNoContent)

		r := srv.as(verifier).get(path).want(t, http.StatusOK)
		var c certificateView
		r.JSON(t, &c)
		if c.Name != learner.DisplayName || c.Guide != nil || c.GuideTitle != g.Title {
			t.Fatalf("got %+v, want the name and title as issued and no guide", c)
		}
		if r.Header.Get("ETag") == etag {
			t.Error("the ETag did not change with the representation")
		}
	})
}
