package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"stepwise/models/imagestore"
	"stepwise/models/markdown"
)

// ImportGuide stores the archive as a new draft guide owned by ownerID,
// under slug (the archive's own when empty), with its steps, tags and
// images, in one transaction. A taken slug is ErrConflict; content the
// editor would refuse is an *ArchiveError. Images are stored under their
// content address; a Markdown reference to an image by another name in the
// archive is rewritten to it.
func (m *Images) ImportGuide(ctx context.Context, a GuideArchive, ownerID int64, slug string) (Guide, error) {
	g := a.Guide
	if slug != "" {
		g.Slug = slug
	}
	form := GuideForm{Title: g.Title, Slug: g.Slug, Summary: g.Summary, Difficulty: g.Difficulty,
		Minutes: strconv.Itoa(g.Minutes), Tags: strings.Join(g.Tags, ", ")}
	if g.Minutes == 0 {
		form.Minutes = ""
	}
	if fe := form.Validate(); fe.Any() {
		return Guide{}, ArchiveErrorf("guide.md: %s", firstFieldError(fe))
	}
	quizzes := make([][]QuestionInput, len(a.Steps))
	for i, st := range a.Steps {
		if fe := (StepForm{Title: st.Title, Body: st.Body}).Validate(); fe.Any() {
			return Guide{}, ArchiveErrorf("Step %d (%q): %s", i+1, ClipName(st.Title), firstFieldError(fe))
		}
		for j, qf := range st.Quiz {
			in := qf.Input()
			if fe := in.Validate(); fe.Any() {
				return Guide{}, ArchiveErrorf("Step %d (%q), question %d: %s", i+1, ClipName(st.Title), j+1, firstFieldError(fe))
			}
			quizzes[i] = append(quizzes[i], in)
		}
	}

	// Images first: check each, and map the archive's names to the
	// content addresses the Markdown must use.
	type pending struct {
		name string
		data []byte
		info imagestore.Info
	}
	names := make([]string, 0, len(a.Images))
	for n := range a.Images {
		names = append(names, n)
	}
	sort.Strings(names)
	var imgs []pending
	var renames []string
	for _, n := range names {
		info, err := imagestore.Check(a.Images[n])
		if err != nil {
			return Guide{}, ArchiveErrorf("The image %q was refused.", ClipName(n))
		}
		imgs = append(imgs, pending{name: n, data: a.Images[n], info: info})
		if n != info.Key() {
			renames = append(renames, "/images/"+n, "/images/"+info.Key(), "(images/"+n, "(/images/"+info.Key())
		}
	}
	rewrite := strings.NewReplacer(renames...)
	intro := g.Body
	steps := make([]StepFile, len(a.Steps))
	copy(steps, a.Steps)
	if len(renames) > 0 {
		intro = rewrite.Replace(intro)
		for i := range steps {
			steps[i].Body = rewrite.Replace(steps[i].Body)
		}
	}
	introHTML, err := markdown.Render(intro)
	if err != nil {
		return Guide{}, err
	}
	bodies := make([]string, len(steps))
	for i, st := range steps {
		if bodies[i], err = markdown.Render(st.Body); err != nil {
			return Guide{}, err
		}
	}
	for _, p := range imgs {
		if err := m.Store.Put(ctx, p.info.Key(), p.data); err != nil {
			return Guide{}, err
		}
	}

	var guide Guide
	err = m.db.WithTx(ctx, func(ctx context.Context) error {
		t := now()
		id, err := insertGuide(ctx, m.db, NewGuide{Slug: g.Slug, Title: g.Title, Summary: g.Summary, Difficulty: g.Difficulty,
			Minutes: g.Minutes, IntroMD: intro, IntroHTML: introHTML, AuthorID: &ownerID})
		if err != nil {
			return err
		}
		if err := insertSteps(ctx, m.db, id, steps, bodies); err != nil {
			return err
		}
		var stepIDs []int64
		if err := m.db.Select(ctx, &stepIDs, `SELECT id FROM steps WHERE guide_id = ? ORDER BY position`, id); err != nil {
			return err
		}
		for i, qs := range quizzes {
			for _, in := range qs {
				if i < len(stepIDs) {
					if _, err := addQuestion(ctx, m.db, stepIDs[i], in, t); err != nil {
						return err
					}
				}
			}
		}
		if err := setGuideTags(ctx, m.db, id, NormalizeTags(g.Tags)); err != nil {
			return err
		}
		for _, p := range imgs {
			_, err := m.db.Exec(ctx, `
				INSERT INTO images (guide_id, name, content_type, ext, size, width, height, sha256, uploaded_by, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (guide_id, sha256) DO NOTHING`,
				id, CleanImageName(p.name), p.info.ContentType, p.info.Ext, len(p.data), p.info.Width, p.info.Height, p.info.SHA256, ownerID, t)
			if err != nil {
				return fmt.Errorf("import image: %w", err)
			}
		}
		return m.db.GetWrite(ctx, &guide, `
			SELECT id, slug, title, summary, difficulty, minutes, intro_html, published_at, author_id
			FROM guides WHERE id = ?`, id)
	})
	if err != nil {
		// Nothing was stored: remove the files no other guide uses.
		for _, p := range imgs {
			var used int
			if m.db.Get(ctx, &used, `SELECT count(*) FROM images WHERE sha256 = ?`, p.info.SHA256) == nil && used == 0 {
				_ = m.Store.Delete(ctx, p.info.Key())
			}
		}
	}
	if err != nil && !errors.Is(err, ErrConflict) {
		return Guide{}, fmt.Errorf("import guide: %w", err)
	}
	return guide, err
}

// SuggestSlug returns slug, or slug-2, slug-3 … when a guide has it, in
// one query.
func (m *Images) SuggestSlug(ctx context.Context, slug string) (string, error) {
	base := slug
	if len(base) > SlugMaxLen-4 {
		base = strings.TrimRight(base[:SlugMaxLen-4], "-")
	}
	var taken []string
	err := m.db.Select(ctx, &taken, `
		SELECT slug FROM guides WHERE slug = ? OR slug LIKE ? ESCAPE '\'
`,
		slug, escapeLike(base)+"-%")
	if err != nil {
		return "", fmt.Errorf("suggest slug: %w", err)
	}
	used := map[string]bool{}
	for _, s := range taken {
		used[s] = true
	}
	if !used[slug] {
		return slug, nil
	}
	for n := 2; ; n++ {
		if s := fmt.Sprintf("%s-%d", base, n); !used[s] {
			return s, nil
		}
	}
}

// firstFieldError is one "field: message" of fe, the same one each time.
func firstFieldError(fe FieldErrors) string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys[0] + ": " + fe[keys[0]]
}
