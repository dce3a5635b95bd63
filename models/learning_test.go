package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"stepwise/models"
)

func TestNotesSaveGetListAndPrivacy(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "notes", 3)
	ada := newUser(t, m, "ada@example.com")
	bob := newUser(t, m, "bob@example.com")
	s1, _ := m.Steps.At(ctx, g.ID, 1)
	s3, _ := m.Steps.At(ctx, g.ID, 3)

	if _, err := m.Notes.Get(ctx, ada.ID, s1.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("no note yet: got %v, want ErrNotFound", err)
	}
	if _, err := m.Notes.Save(ctx, ada.ID, s3, "third"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Notes.Save(ctx, ada.ID, s1, "first draft"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Notes.Save(ctx, ada.ID, s1, "first, **final**"); err != nil {
		t.Fatal(err)
	}
	n, err := m.Notes.Get(ctx, ada.ID, s1.ID)
	if err != nil || n.Body != "first, **final**" {
		t.Fatalf("get: got %q, %v; want the last save", n.Body, err)
	}
	// Bob sees none of Ada's notes.
	if _, err := m.Notes.Get(ctx, bob.ID, s1.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("bob reads ada's note: got %v, want ErrNotFound", err)
	}
	if list, _ := m.Notes.All(ctx, bob.ID); len(list) != 0 {
		t.Errorf("bob's notes: got %d, want 0", len(list))
	}

	list, pg, err := m.Notes.List(ctx, ada.ID, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Position != 1 || !pg.HasNext {
		t.Errorf("page 1 of size 1: got %+v, %+v; want step 1 and a next page", list, pg)
	}
	list, pg, _ = m.Notes.List(ctx, ada.ID, 2, 1)
	if len(list) != 1 || list[0].Position != 3 || pg.HasNext {
		t.Errorf("page 2 of size 1: got %+v, %+v; want step 3 and no next page", list, pg)
	}

	// A blank note deletes it.
	if _, err := m.Notes.Save(ctx, ada.ID, s3, "  \n "); err != nil {
		t.Fatal(err)
	}
	if all, _ := m.Notes.All(ctx, ada.ID); len(all) != 1 {
		t.Errorf("after blanking step 3: got %d notes, want 1", len(all))
	}

	md := models.NotesMarkdown(mustAllNotes(t, m, ada.ID), "https://learn.example.com")
	for _, want := range []string{"# My notes", "## Guide notes", "### Step 1: Step 1", "first, **final**",
		"<https://learn.example.com/guides/notes/steps/1>"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown export lacks %q:\n%s", want, md)
		}
	}
}

func mustAllNotes(t *testing.T, m *models.Models, userID int64) []models.NoteEntry {
	t.Helper()
	list, err := m.Notes.All(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func TestNormalizeNote(t *testing.T) {
	t.Parallel()
	if body, msg := models.NormalizeNote("a\r\nb"); body != "a\nb" || msg != "" {
		t.Errorf("CRLF: got %q, %q", body, msg)
	}
	if _, msg := models.NormalizeNote(strings.Repeat("é", models.NoteMaxLen)); msg != "" {
		t.Errorf("exactly the limit in characters: got %q, want accepted", msg)
	}
	if body, msg := models.NormalizeNote(strings.Repeat("a", models.NoteMaxLen+1)); msg == "" || len(body) != models.NoteMaxLen+1 {
		t.Errorf("over the limit: got %q, want a message and the text kept", msg)
	}
	for _, bad := range []string{"\xff\xfe", "a\x00b"} {
		if _, msg := models.NormalizeNote(bad); msg == "" {
			t.Errorf("%q: got no message", bad)
		}
	}
}

func TestCertificatesAndLearning(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	g := seedGuide(t, m, "cert", 3)
	other := seedGuide(t, m, "other", 4)
	u := newUser(t, m, "c@example.com")
	steps := make([]models.Step, 3)
	for i := range steps {
		steps[i], _ = m.Steps.At(ctx, g.ID, i+1)
	}

	// Two of three steps: no certificate.
	for _, s := range steps[:2] {
		if err := m.Progress.Set(ctx, u.ID, s, true); err != nil {
			t.Fatal(err)
		}
	}
	if issued, err := m.Certificates.IssueIfComplete(ctx, u, g); err != nil || issued != "" {
		t.Fatalf("with a step left: issued %q, %v; want none", issued, err)
	}
	o2, _ := m.Steps.At(ctx, other.ID, 2)
	if err := m.Progress.Set(ctx, u.ID, o2, true); err != nil {
		t.Fatal(err)
	}

	lg, err := m.Learning.Guides(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(lg) != 2 {
		t.Fatalf("learning: got %d guides, want 2", len(lg))
	}
	byslug := map[string]models.LearningGuide{}
	for _, l := range lg {
		byslug[l.Slug] = l
		if l.LastActivity().IsZero() {
			t.Errorf("%s: no last activity", l.Slug)
		}
	}
	if c := byslug["cert"]; c.Done != 2 || c.Total != 3 || c.Percent() != 66 || c.Next != 3 || c.Completed() {
		t.Errorf("cert guide: got %+v, want 2 of 3, next 3", c)
	}
	if o := byslug["other"]; o.Done != 1 || o.Total != 4 || o.Next != 1 {
		t.Errorf("other guide: got %+v, want 1 of 4, next 1", o)
	}
	if lg[0].Slug != "other" {
		t.Errorf("most recent first: got %s first, want other", lg[0].Slug)
	}

	// The last step: issued once, however often asked.
	if err := m.Progress.Set(ctx, u.ID, steps[2], true); err != nil {
		t.Fatal(err)
	}
	code, err := m.Certificates.IssueIfComplete(ctx, u, g)
	if err != nil || code == "" {
		t.Fatalf("all done: issued %q, %v; want issued", code, err)
	}
	if again, err := m.Certificates.IssueIfComplete(ctx, u, g); err != nil || again != "" {
		t.Fatalf("again: issued %q, %v; want nothing new", again, err)
	}
	certs, err := m.Certificates.ForUser(ctx, u.ID)
	if err != nil || len(certs) != 1 {
		t.Fatalf("certificates: got %d, %v; want 1", len(certs), err)
	}
	c := certs[0]
	if c.Code != code || len(c.Code) != 32 || c.Name != u.DisplayName || c.GuideTitle != g.Title || c.GuideSlug == nil || *c.GuideSlug != "cert" {
		t.Errorf("certificate: got %+v", c)
	}
	got, err := m.Certificates.ByCode(ctx, c.Code)
	if err != nil || got.Code != c.Code {
		t.Errorf("by code: got %+v, %v", got, err)
	}
	if _, err := m.Certificates.ByCode(ctx, strings.Repeat("0", 32)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("unknown code: got %v, want ErrNotFound", err)
	}
	lg, _ = m.Learning.Guides(ctx, u.ID)
	for _, l := range lg {
		if l.Slug == "cert" && (!l.Completed() || l.Next != 0 || l.Certificate != c.Code) {
			t.Errorf("completed guide: got %+v", l)
		}
	}

	// Un-completing a step keeps the certificate.
	if err := m.Progress.Set(ctx, u.ID, steps[0], false); err != nil {
		t.Fatal(err)
	}
	if certs, _ := m.Certificates.ForUser(ctx, u.ID); len(certs) != 1 {
		t.Errorf("after un-completing: got %d certificates, want 1", len(certs))
	}

	// The data export has notes and certificates; deleting the account
	// removes both.
	if _, err := m.Notes.Save(ctx, u.ID, steps[1], "my note"); err != nil {
		t.Fatal(err)
	}
	exp, err := m.Users.Export(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp.Notes) != 1 || exp.Notes[0].Body != "my note" || len(exp.Certificates) != 1 || exp.Certificates[0].Code != c.Code {
		t.Errorf("export: notes %+v, certificates %+v", exp.Notes, exp.Certificates)
	}
	if err := m.Users.Delete(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := m.DB().Get(ctx, &left, `SELECT (SELECT count(*) FROM notes) + (SELECT count(*) FROM certificates)`); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("after deleting the account: %d notes and certificates left, want 0", left)
	}
}
