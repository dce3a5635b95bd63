package authoring_test

import (
	"strings"
	"testing"

	"stepwise/models"
)

func TestExportAndImportGuide(t *testing.T) {
	t.Parallel()
	k := newDesk(t)
	x, err := k.ops.ExportGuide(k.ctx, k.co, "pub")
	if err != nil || x.Slug != "pub" || len(x.Zip) == 0 {
		t.Fatalf("export: %q %d bytes, %v", x.Slug, len(x.Zip), err)
	}
	_, err = k.ops.ExportGuide(k.ctx, k.other, "draft")
	refused(t, err, models.RefusedNotFound, "guide_not_found")
	_, err = k.ops.ExportGuide(k.ctx, k.learner, "pub")
	refused(t, err, models.RefusedForbidden, "guide_not_editable")

	imp, err := k.ops.ImportGuide(k.ctx, k.other, x.Zip, "pub-copy")
	if err != nil || imp.Guide.Slug != "pub-copy" || imp.Guide.PublishedAt != nil || *imp.Guide.AuthorID != k.other.ID ||
		imp.Guide.StepCount != 2 || strings.Join(imp.Guide.Tags(), ",") != "go" {
		t.Fatalf("import: %+v, %v", imp, err)
	}

	t.Run("slug taken", func(t *testing.T) {
		imp, err := k.ops.ImportGuide(k.ctx, k.other, x.Zip, "")
		if r := refused(t, err, models.RefusedConflict, "slug_taken"); !strings.Contains(r.Reason, "“pub-2”") {
			t.Errorf("reason %q does not name the free address", r.Reason)
		}
		if imp.Suggestion != "pub-2" {
			t.Errorf("suggestion %q, want pub-2", imp.Suggestion)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		_, err := k.ops.ImportGuide(k.ctx, k.other, []byte("not a zip"), "")
		invalidOn(t, err, "archive")
		_, err = k.ops.ImportGuide(k.ctx, k.other, x.Zip, "Bad Slug")
		invalidOn(t, err, "slug")
	})
	t.Run("forbidden", func(t *testing.T) {
		_, err := k.ops.ImportGuide(k.ctx, k.learner, x.Zip, "mine")
		refused(t, err, models.RefusedForbidden, "may_not_create")
	})
}
