package authoring_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"stepwise/db"
	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/authoring"
	"stepwise/models/imagestore"
)

// desk is a real database with an owner's draft "draft" (two steps) and
// published guide "pub" (two steps), a co-author of both, another
// author, a learner and an admin, and the authoring operations with an
// image library in memory.
type desk struct {
	t                                *testing.T
	ctx                              context.Context
	d                                *db.DB
	m                                *models.Models
	ops                              *authoring.Service
	owner, co, other, learner, admin *models.User
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	d := dbtest.New(t)
	m := models.New(d)
	k := &desk{t: t, ctx: context.Background(), d: d, m: m,
		ops: authoring.New(d, m).WithImages(models.NewImages(d, imagestore.NewMem()))}
	k.owner = k.user("owner@example.com", models.RoleAuthor)
	k.co = k.user("co@example.com", models.RoleAuthor)
	k.other = k.user("other@example.com", models.RoleAuthor)
	k.learner = k.user("learner@example.com", models.RoleLearner)
	k.admin = k.user("admin@example.com", models.RoleAdmin)
	for _, slug := range []string{"draft", "pub"} {
		k.must(k.ops.CreateGuide(k.ctx, k.owner, authoring.GuideInput{
			Form: models.GuideForm{Title: "Guide " + slug, Slug: slug, Difficulty: "beginner"}, Tags: []string{"go"}}))
		for _, title := range []string{"One", "Two"} {
			k.must(k.ops.AddStep(k.ctx, k.owner, slug, models.StepForm{Title: title, Body: title + " body."}))
		}
		k.must(k.ops.AddCoAuthor(k.ctx, k.owner, slug, k.co.Email))
	}
	k.must(k.ops.SetPublished(k.ctx, k.owner, "pub", true))
	return k
}

// user adds an account without a password: these tests never sign in.
func (k *desk) user(email, role string) *models.User {
	k.t.Helper()
	now := time.Now().UTC()
	k.exec(`INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at) VALUES (?, ?, '!', ?, ?, ?)`,
		email, "User "+email, role, now, now)
	u, err := k.m.Users.ByEmail(k.ctx, email)
	if err != nil {
		k.t.Fatal(err)
	}
	return &u
}

func (k *desk) exec(query string, args ...any) {
	k.t.Helper()
	if _, err := k.d.Exec(k.ctx, query, args...); err != nil {
		k.t.Fatal(err)
	}
}

// must fails the test on the error of a call that returns one more value
// (or two).
func (k *desk) must(args ...any) {
	k.t.Helper()
	if err, _ := args[len(args)-1].(error); err != nil {
		k.t.Fatal(err)
	}
}

// record is the guide with slug as its owner sees it.
func (k *desk) record(slug string) models.GuideRecord {
	k.t.Helper()
	r, err := k.m.Guides.Record(k.ctx, slug, k.owner.ID)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

// step is step n of the guide with slug.
func (k *desk) step(slug string, n int) models.EditStep {
	k.t.Helper()
	s, err := k.m.Authoring.Step(k.ctx, k.record(slug).ID, n)
	if err != nil {
		k.t.Fatal(err)
	}
	return s
}

// refused checks that err is a refusal of kind with code.
func refused(t *testing.T, err error, kind models.RefusalKind, code string) *models.Refusal {
	t.Helper()
	r, ok := models.AsRefusal(err)
	if !ok {
		t.Fatalf("err = %v, want a refusal %s %q", err, kind, code)
	}
	if r.Kind != kind || r.Code != code {
		t.Fatalf("refusal %s %q (%s), want %s %q", r.Kind, r.Code, r.Reason, kind, code)
	}
	return r
}

// invalidOn checks that err refuses invalid input on field.
func invalidOn(t *testing.T, err error, field string) {
	t.Helper()
	r := refused(t, err, models.RefusedInvalid, "invalid")
	if r.Fields[field] == "" {
		t.Fatalf("invalid fields %v, want one on %q", r.Fields, field)
	}
}

// ok fails the test on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// isNotFound reports whether err is a store's not-found.
func isNotFound(err error) bool { return errors.Is(err, models.ErrNotFound) }

// editableErr is Editable's error for u on slug.
func (k *desk) editableErr(u *models.User, slug string) error {
	_, err := k.ops.Editable(k.ctx, u, slug)
	return err
}
