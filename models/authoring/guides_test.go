package authoring_test

import (
	"strings"
	"testing"
	"time"

	"stepwise/models"
	"stepwise/models/authoring"
)

func guideInput(title, slug string, tags ...string) authoring.GuideInput {
	return authoring.GuideInput{Form: models.GuideForm{Title: title, Slug: slug, Difficulty: "beginner"}, Tags: tags}
}

func TestCreateGuide(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	r, err := k.ops.CreateGuide(k.ctx, k.other, guideInput("  Fresh start ", "", "Go", "web", "go"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Slug != "fresh-start" || r.Title != "Fresh start" || r.PublishedAt != nil || *r.AuthorID != k.other.ID ||
		strings.Join(r.Tags(), ",") != "go,web" {
		t.Errorf("created %+v tags %v", r, r.Tags())
	}

	t.Run("forbidden", func(t *testing.T) {
		_, err := k.ops.CreateGuide(k.ctx, k.learner, guideInput("Mine", "mine"))
		refused(t, err, models.RefusedForbidden, "may_not_create")
	})
	t.Run("invalid", func(t *testing.T) {
		_, err := k.ops.CreateGuide(k.ctx, k.owner, guideInput(" ", "ok"))
		invalidOn(t, err, "title")
		_, err = k.ops.CreateGuide(k.ctx, k.owner, guideInput("Tagged", "tagged", "no spaces allowed"))
		invalidOn(t, err, "tags")
	})
	t.Run("slug taken", func(t *testing.T) {
		_, err := k.ops.CreateGuide(k.ctx, k.owner, guideInput("Another", "pub", "rolled-back"))
		if r := refused(t, err, models.RefusedConflict, "slug_taken"); r.Fields["slug"] == "" {
			t.Errorf("no field error on slug: %+v", r)
		}
		var n int
		ok(t, k.d.Get(k.ctx, &n, `SELECT count(*) FROM tags WHERE name = 'rolled-back'`))
		if n != 0 {
			t.Error("the refused guide's tags were kept")
		}
	})
}

func TestUpdateGuide(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	r := k.record("draft")
	saved, err := k.ops.UpdateGuide(k.ctx, k.co, "draft", r.Version, guideInput("Renamed", "renamed", "web"))
	if err != nil {
		t.Fatal(err)
	}
	if saved.Slug != "renamed" || saved.Version != r.Version+1 || strings.Join(saved.Tags(), ",") != "web" {
		t.Errorf("saved %+v tags %v", saved, saved.Tags())
	}

	t.Run("published slug", func(t *testing.T) {
		p := k.record("pub")
		_, err := k.ops.UpdateGuide(k.ctx, k.owner, "pub", p.Version, guideInput("Pub", "moved"))
		invalidOn(t, err, "slug")
	})
	t.Run("stale", func(t *testing.T) {
		_, err := k.ops.UpdateGuide(k.ctx, k.owner, "renamed", r.Version, guideInput("Late", "renamed", "late"))
		refused(t, err, models.RefusedConflict, "stale")
		if got := strings.Join(k.record("renamed").Tags(), ","); got != "web" {
			t.Errorf("tags after a stale save: %s, want them untouched", got)
		}
	})
	t.Run("slug taken", func(t *testing.T) {
		_, err := k.ops.UpdateGuide(k.ctx, k.owner, "renamed", saved.Version, guideInput("Renamed", "pub"))
		refused(t, err, models.RefusedConflict, "slug_taken")
	})
	t.Run("not editable", func(t *testing.T) {
		_, err := k.ops.UpdateGuide(k.ctx, k.other, "renamed", saved.Version, guideInput("Mine", "renamed"))
		refused(t, err, models.RefusedNotFound, "guide_not_found")
		_, err = k.ops.UpdateGuide(k.ctx, k.learner, "pub", k.record("pub").Version, guideInput("Mine", "pub"))
		refused(t, err, models.RefusedForbidden, "guide_not_editable")
	})
}

func TestSetPublished(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	k.exec(`INSERT INTO webhooks (user_id, url, secret, events, created_at) VALUES (?, 'https://hooks.example.com/x', ?, ?, ?)`,
		k.admin.ID, []byte{0}, models.EventGuidePublished, time.Now().UTC())
	r, err := k.ops.SetPublished(k.ctx, k.co, "draft", true)
	if err != nil || r.PublishedAt == nil {
		t.Fatalf("publish: %+v, %v", r, err)
	}
	// Publishing again is no new event; the first queued one.
	k.must(k.ops.SetPublished(k.ctx, k.co, "draft", true))
	var events int
	ok(t, k.d.Get(k.ctx, &events, `SELECT count(*) FROM webhook_deliveries WHERE event = ?`, models.EventGuidePublished))
	if events != 1 {
		t.Errorf("%d guide.published events, want 1", events)
	}
	if r, err = k.ops.SetPublished(k.ctx, k.owner, "draft", false); err != nil || r.PublishedAt != nil {
		t.Fatalf("unpublish: %+v, %v", r, err)
	}
	_, err = k.ops.SetPublished(k.ctx, k.other, "draft", true)
	refused(t, err, models.RefusedNotFound, "guide_not_found")
	_, err = k.ops.SetPublished(k.ctx, k.learner, "pub", false)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}

func TestDeleteGuide(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	v := k.record("draft").Version
	refused(t, k.ops.DeleteGuide(k.ctx, k.co, "draft", v), models.RefusedForbidden, "owner_only")
	refused(t, k.ops.DeleteGuide(k.ctx, k.other, "draft", v), models.RefusedNotFound, "guide_not_found")
	refused(t, k.ops.DeleteGuide(k.ctx, k.owner, "draft", v-1), models.RefusedConflict, "stale")
	refused(t, k.ops.DeleteGuide(k.ctx, k.owner, "pub", k.record("pub").Version), models.RefusedRule, "guide_published")
	ok(t, k.ops.DeleteGuide(k.ctx, k.owner, "draft", v))
	if _, err := k.m.Guides.Record(k.ctx, "draft", 0); !isNotFound(err) {
		t.Errorf("the deleted draft: %v", err)
	}
}

// TestGuideIntroRendered checks that creating and updating a guide store
// its intro as rendered before the transaction.
func TestGuideIntroRendered(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	in := authoring.GuideInput{Form: models.GuideForm{Title: "Intro", Slug: "intro", Difficulty: "beginner", Intro: "Read *this*."}}
	r, err := k.ops.CreateGuide(k.ctx, k.owner, in)
	if err != nil || !strings.Contains(r.IntroHTML, "<em>this</em>") {
		t.Fatalf("created %+v, %v", r, err)
	}
	in.Form.Intro = "Now **that**."
	r, err = k.ops.UpdateGuide(k.ctx, k.owner, "intro", r.Version, in)
	if err != nil || !strings.Contains(r.IntroHTML, "<strong>that</strong>") {
		t.Fatalf("updated %+v, %v", r, err)
	}
}
