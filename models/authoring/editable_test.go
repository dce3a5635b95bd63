package authoring_test

import (
	"testing"

	"stepwise/models"
)

func TestEditable(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	for _, u := range []*models.User{k.owner, k.co, k.admin} {
		r, err := k.ops.Editable(k.ctx, u, "draft")
		if err != nil || r.Slug != "draft" || r.Version < 1 {
			t.Errorf("%s edits the draft: %+v, %v", u.Email, r, err)
		}
	}
	// A draft someone may not edit is not found, like a guide that is
	// not there; a published one they may only read is forbidden.
	refused(t, k.editableErr(k.other, "draft"), models.RefusedNotFound, "guide_not_found")
	refused(t, k.editableErr(k.learner, "missing"), models.RefusedNotFound, "guide_not_found")
	refused(t, k.editableErr(k.learner, "pub"), models.RefusedForbidden, "guide_not_editable")
	refused(t, k.editableErr(nil, "pub"), models.RefusedForbidden, "guide_not_editable")
	refused(t, k.editableErr(nil, "draft"), models.RefusedNotFound, "guide_not_found")
}

func TestEditableStep(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	r, s, err := k.ops.EditableStep(k.ctx, k.co, "pub", 2)
	if err != nil || r.Slug != "pub" || s.Title != "Two" || s.BodyMD != "Two body." {
		t.Fatalf("step 2: %+v %+v %v", r, s, err)
	}
	_, _, err = k.ops.EditableStep(k.ctx, k.owner, "pub", 3)
	refused(t, err, models.RefusedNotFound, "step_not_found")
	_, _, err = k.ops.EditableStep(k.ctx, k.other, "draft", 1)
	refused(t, err, models.RefusedNotFound, "guide_not_found")
	_, _, err = k.ops.EditableStep(k.ctx, k.learner, "pub", 1)
	refused(t, err, models.RefusedForbidden, "guide_not_editable")
}
