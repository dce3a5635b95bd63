package models_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"reflect"
	"sort"
	"strings"
	"testing"

	"stepwise"
	"stepwise/models"
	"stepwise/models/guidezip"
	"stepwise/models/imagestore"
)

// zipOf writes files (name → content) as a zip, in name order.
func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipFS zips every file of fsys.
func zipFS(t testing.TB, fsys fs.FS) []byte {
	t.Helper()
	files := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		files[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return zipOf(t, files)
}

// sameGuide fails unless a and b hold the same guide, steps and images.
func sameGuide(t *testing.T, what string, a, b models.GuideArchive, withTags bool) {
	t.Helper()
	ga, gb := a.Guide, b.Guide
	if ga.Title != gb.Title || ga.Summary != gb.Summary || ga.Difficulty != gb.Difficulty || ga.Minutes != gb.Minutes || ga.Body != gb.Body {
		t.Errorf("%s: guide differs:\n%+v\n%+v", what, ga, gb)
	}
	if withTags && !reflect.DeepEqual(sorted(ga.Tags), sorted(gb.Tags)) {
		t.Errorf("%s: tags %v, want %v", what, gb.Tags, ga.Tags)
	}
	if len(a.Steps) != len(b.Steps) {
		t.Fatalf("%s: %d steps, want %d", what, len(b.Steps), len(a.Steps))
	}
	for i := range a.Steps {
		if !reflect.DeepEqual(a.Steps[i], b.Steps[i]) {
			t.Errorf("%s: step %d differs:\n%+v\n%+v", what, i+1, a.Steps[i], b.Steps[i])
		}
	}
	if len(a.Images) != len(b.Images) {
		t.Errorf("%s: %d images, want %d", what, len(b.Images), len(a.Images))
	}
	for n, d := range a.Images {
		if !bytes.Equal(b.Images[n], d) {
			t.Errorf("%s: image %s differs or is missing", what, n)
		}
	}
}

func sorted(s []string) []string {
	s = append([]string{}, s...)
	sort.Strings(s)
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestGuideArchiveRoundTrip: the built-in guide, stored, exported and
// imported again, is the same guide as its source files; and a guide with
// an image survives export → import → export unchanged.
func TestGuideArchiveRoundTrip(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	imgs := models.NewImages(m.DB(), imagestore.NewMem())
	owner := newUser(t, m, "owner@example.com")

	source, err := guidezip.Read(zipFS(t, stepwise.BuiltinGuides()))
	if err != nil {
		t.Fatalf("read the built-in guide's files: %v", err)
	}
	if _, err := m.Guides.LoadBuiltinGuides(ctx, stepwise.BuiltinGuides()); err != nil {
		t.Fatal(err)
	}
	builtin, err := m.Guides.BySlug(ctx, source.Guide.Slug)
	if err != nil {
		t.Fatal(err)
	}
	// An image in the intro, as an author would add it.
	png := testPNG(t, 3, 3)
	info, _ := imagestore.Check(png)
	if _, err := imgs.Add(ctx, builtin.ID, &owner.ID, "diagram.png", png, info); err != nil {
		t.Fatal(err)
	}
	if _, err := testDB(m).Exec(ctx, `UPDATE guides SET intro_md = intro_md || ? WHERE id = ?`, "\n![Diagram](/images/"+info.Key()+")\n", builtin.ID); err != nil {
		t.Fatal(err)
	}

	exported, err := imgs.ExportGuide(ctx, builtin.ID)
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	if err := guidezip.Write(&zipped, exported); err != nil {
		t.Fatal(err)
	}
	first, err := guidezip.Read(zipped.Bytes())
	if err != nil {
		t.Fatalf("read the export: %v", err)
	}
	// Against the source files: everything but the added image line.
	want := source
	want.Guide.Body = strings.TrimSpace(want.Guide.Body) + "\n\n![Diagram](/images/" + info.Key() + ")\n"
	want.Images = map[string][]byte{info.Key(): png}
	sameGuide(t, "export of the built-in guide", want, first, true)
	if len(first.Guide.Tags) == 0 || len(first.Steps[0].Quiz) == 0 {
		t.Errorf("tags %v and step 1's quiz (%d questions) not exported", first.Guide.Tags, len(first.Steps[0].Quiz))
	}
	if len(first.Steps) == 0 || !strings.HasPrefix(first.Steps[0].Body, "## ") {
		t.Errorf("steps not exported: %+v", first.Steps)
	}

	// Import it under another slug, as a draft owned by the importer.
	copyGuide, err := imgs.ImportGuide(ctx, first, owner.ID, "backend-copy")
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if copyGuide.PublishedAt != nil || copyGuide.AuthorID == nil || *copyGuide.AuthorID != owner.ID {
		t.Errorf("imported guide: published %v, author %v; want a draft of %d", copyGuide.PublishedAt, copyGuide.AuthorID, owner.ID)
	}
	again, err := imgs.ExportGuide(ctx, copyGuide.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameGuide(t, "export → import → export", first, again, true)

	// The same slug again is a conflict, with a free suggestion; a
	// refused import leaves no file behind that no guide uses.
	orphan := testPNG(t, 9, 9)
	oinfo, _ := imagestore.Check(orphan)
	withOrphan := first
	withOrphan.Images = map[string][]byte{oinfo.Key(): orphan}
	if _, err := imgs.ImportGuide(ctx, withOrphan, owner.ID, ""); !errors.Is(err, models.ErrConflict) {
		t.Errorf("import over an existing slug: got %v, want ErrConflict", err)
	}
	if _, err := imgs.Store.Get(ctx, oinfo.Key()); !errors.Is(err, imagestore.ErrNotFound) {
		t.Errorf("a refused import left its image in the store: %v", err)
	}
	if s, err := imgs.SuggestSlug(ctx, "backend-copy"); err != nil || s != "backend-copy-2" {
		t.Errorf("suggestion: got %q, %v; want backend-copy-2", s, err)
	}
}

func TestImportRenamesImagesToTheirContent(t *testing.T) {
	t.Parallel()
	m := newModels(t)
	ctx := context.Background()
	imgs := models.NewImages(m.DB(), imagestore.NewMem())
	owner := newUser(t, m, "owner@example.com")
	png := testPNG(t, 2, 2)
	info, _ := imagestore.Check(png)
	_, err := guidezip.Read(zipOf(t, map[string]string{
		"guide.md":          "---\nslug: pics\ntitle: Pictures\ndifficulty: beginner\n---\nIntro\n",
		"01-one.md":         "---\ntitle: One\n---\n![Cat](images/cat.png) and ![Cat](/images/cat.png)\n",
		"images/cat.png":    string(png),
		"__MACOSX/._x.md":   "junk",
		"images/.DS_Store":  "junk",
		"images/sub/ok.txt": "",
	}))
	if err == nil || !strings.Contains(err.Error(), "ok.txt") {
		t.Fatalf("a text file in images/: got %v, want it named in the refusal", err)
	}
	a, err := guidezip.Read(zipOf(t, map[string]string{
		"guide.md":       "---\nslug: pics\ntitle: Pictures\ndifficulty: beginner\n---\nIntro\n",
		"01-one.md":      "---\ntitle: One\n---\n![Cat](images/cat.png) and ![Cat](/images/cat.png)\n",
		"images/cat.png": string(png),
		"__MACOSX/._x":   "junk",
	}))
	if err != nil {
		t.Fatal(err)
	}
	g, err := imgs.ImportGuide(ctx, a, owner.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	out, err := imgs.ExportGuide(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantBody := "![Cat](/images/" + info.Key() + ") and ![Cat](/images/" + info.Key() + ")\n"
	if out.Steps[0].Body != wantBody || len(out.Images) != 1 || out.Images[info.Key()] == nil {
		t.Errorf("got body %q and images %d; want %q", out.Steps[0].Body, len(out.Images), wantBody)
	}
}
