package authoring_test

import (
	"testing"

	"stepwise/models"
)

func TestAddCoAuthor(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	a, created, err := k.ops.AddCoAuthor(k.ctx, k.owner, "draft", " OTHER@example.com ")
	if err != nil || !created || a.ID != k.other.ID {
		t.Fatalf("added %+v (new %v), %v", a, created, err)
	}
	// Again: nothing changes.
	if _, created, err = k.ops.AddCoAuthor(k.ctx, k.admin, "draft", k.other.Email); err != nil || created {
		t.Errorf("added again: new %v, %v", created, err)
	}
	_, _, err = k.ops.AddCoAuthor(k.ctx, k.owner, "draft", "not an email")
	invalidOn(t, err, "email")
	_, _, err = k.ops.AddCoAuthor(k.ctx, k.owner, "draft", "nobody@example.com")
	invalidOn(t, err, "email")
	// A co-author edits but does not choose who else does.
	_, _, err = k.ops.AddCoAuthor(k.ctx, k.co, "draft", k.learner.Email)
	refused(t, err, models.RefusedForbidden, "owner_only")
	_, _, err = k.ops.AddCoAuthor(k.ctx, k.learner, "pub", k.learner.Email)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}

func TestRemoveCoAuthor(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	refused(t, k.ops.RemoveCoAuthor(k.ctx, k.co, "draft", k.co.ID), models.RefusedForbidden, "owner_only")
	// The owner is the guide's author, not a co-author.
	_, err := k.ops.CoAuthor(k.ctx, k.record("draft"), k.owner.ID)
	refused(t, err, models.RefusedNotFound, "coauthor_not_found")
	refused(t, k.ops.RemoveCoAuthor(k.ctx, k.other, "draft", k.co.ID), models.RefusedNotFound, "guide_not_found")
	ok(t, k.ops.RemoveCoAuthor(k.ctx, k.owner, "draft", k.co.ID))
	refused(t, k.editableErr(k.co, "draft"), models.RefusedNotFound, "guide_not_found")
}
