package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"stepwise/db"
)

// NoteMaxLen is the longest note, in characters.
const NoteMaxLen = 20_000

// Note is a learner's private note on one step.
type Note struct {
	UserID    int64     `db:"user_id" json:"-"`
	StepID    int64     `db:"step_id" json:"-"`
	GuideID   int64     `db:"guide_id" json:"-"`
	Body      string    `db:"body" json:"body"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
}

// NoteEntry is a note as "My notes" and the exports list it: with the
// guide and step it belongs to.
type NoteEntry struct {
	GuideSlug  string    `db:"guide_slug" json:"guide"`
	GuideTitle string    `db:"guide_title" json:"guide_title"`
	Position   int       `db:"position" json:"step"`
	StepTitle  string    `db:"step_title" json:"step_title"`
	Body       string    `db:"body" json:"body"`
	UpdatedAt  time.Time `db:"updated_at" json:"updated_at"`
}

// NormalizeNote makes a note's text canonical (line endings as \n) and
// returns a message for the user when it cannot be saved, "" when it can.
func NormalizeNote(body string) (string, string) {
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if !utf8.ValidString(body) || strings.ContainsRune(body, 0) {
		return body, "Your note contains characters that are not text. Remove them and try again."
	}
	if n := utf8.RuneCountInString(body); n > NoteMaxLen {
		return body, fmt.Sprintf("Your note is %d characters long; notes can hold up to %d.", n, NoteMaxLen)
	}
	return body, ""
}

// Notes stores learners' private notes. Every method takes the owner's id:
// there is no way to read or change a note without it.
type Notes struct {
	db  *db.DB
	now func() time.Time
}

// Get returns userID's note on stepID, or ErrNotFound.
func (n *Notes) Get(ctx context.Context, userID, stepID int64) (Note, error) {
	var note Note
	err := n.db.Get(ctx, &note, `
		SELECT user_id, step_id, guide_id, body, updated_at
		FROM notes WHERE user_id = ? AND step_id = ?`, userID, stepID)
	if errors.Is(err, sql.ErrNoRows) {
		return Note{}, ErrNotFound
	}
	if err != nil {
		return Note{}, fmt.Errorf("get note: %w", err)
	}
	return note, nil
}

// StepExtras is what the step page shows the learner besides the step:
// their note on it (Body "" and UpdatedAt nil when none) and the code of
// their certificate for the guide ("" when none).
type StepExtras struct {
	Body        string     `db:"body"`
	UpdatedAt   *time.Time `db:"updated_at"`
	Certificate string     `db:"certificate"`
}

// ForStep returns userID's note on step and certificate for its guide in
// one query.
func (n *Notes) ForStep(ctx context.Context, userID int64, step Step) (StepExtras, error) {
	var x StepExtras
	err := n.db.Get(ctx, &x, `
		SELECT coalesce(n.body, '') AS body, n.updated_at, coalesce(c.code, '') AS certificate
		FROM (SELECT 1 AS one) o
		LEFT JOIN notes n ON n.user_id = ? AND n.step_id = ?
		LEFT JOIN certificates c ON c.user_id = ? AND c.guide_id = ?`, userID, step.ID, userID, step.GuideID)
	if err != nil {
		return StepExtras{}, fmt.Errorf("step extras: %w", err)
	}
	return x, nil
}

// Save stores body as userID's note on step, replacing the one before; a
// blank body deletes the note. It is the one way notes are written: the
// learning operations (models/learning) check the body with NormalizeNote
// and call it in their transaction. It returns the time saved.
func (n *Notes) Save(ctx context.Context, userID int64, step Step, body string) (time.Time, error) {
	t := n.now()
	if strings.TrimSpace(body) == "" {
		if _, err := n.db.Exec(ctx, `DELETE FROM notes WHERE user_id = ? AND step_id = ?`, userID, step.ID); err != nil {
			return t, fmt.Errorf("delete note: %w", err)
		}
		return t, nil
	}
	_, err := n.db.Exec(ctx, `
		INSERT INTO notes (user_id, step_id, guide_id, body, updated_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, step_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
		userID, step.ID, step.GuideID, body, t)
	if err != nil {
		return t, fmt.Errorf("save note: %w", err)
	}
	return t, nil
}

// List returns one page of userID's notes, grouped by guide (by title)
// and in step order within each, in one query.
func (n *Notes) List(ctx context.Context, userID int64, page, size int) ([]NoteEntry, Page, error) {
	if page < 1 {
		page = 1
	}
	var list []NoteEntry
	err := n.db.Select(ctx, &list, `
		SELECT g.slug AS guide_slug, g.title AS guide_title, s.position, s.title AS step_title, n.body, n.updated_at
		FROM notes n JOIN steps s ON s.id = n.step_id JOIN guides g ON g.id = n.guide_id
		WHERE n.user_id = ?
		ORDER BY g.title, g.id, s.position
		LIMIT ? OFFSET ?`, userID, size+1, (page-1)*size)
	if err != nil {
		return nil, Page{}, fmt.Errorf("list notes: %w", err)
	}
	p := Page{Number: page, Size: size}
	if len(list) > size {
		p.HasNext = true
		list = list[:size]
	}
	return list, p, nil
}

// All returns every note of userID, as List orders them.
func (n *Notes) All(ctx context.Context, userID int64) ([]NoteEntry, error) {
	list := []NoteEntry{}
	err := n.db.Select(ctx, &list, `
		SELECT g.slug AS guide_slug, g.title AS guide_title, s.position, s.title AS step_title, n.body, n.updated_at
		FROM notes n JOIN steps s ON s.id = n.step_id JOIN guides g ON g.id = n.guide_id
		WHERE n.user_id = ?
		ORDER BY g.title, g.id, s.position`, userID)
	if err != nil {
		return nil, fmt.Errorf("all notes: %w", err)
	}
	return list, nil
}

// NotesMarkdown writes the notes as one Markdown document, a section per
// guide and a subsection per step.
func NotesMarkdown(list []NoteEntry, baseURL string) string {
	var b strings.Builder
	b.WriteString("# My notes\n")
	if len(list) == 0 {
		b.WriteString("\nNo notes yet.\n")
	}
	guide := ""
	for _, e := range list {
		if e.GuideSlug != guide {
			guide = e.GuideSlug
			fmt.Fprintf(&b, "\n## %s\n", oneLine(e.GuideTitle))
		}
		fmt.Fprintf(&b, "\n### Step %d: %s\n\n", e.Position, oneLine(e.StepTitle))
		fmt.Fprintf(&b, "<%s/guides/%s/steps/%d> · updated %s\n\n", baseURL, e.GuideSlug, e.Position,
			e.UpdatedAt.UTC().Format("2006-01-02 15:04 UTC"))
		b.WriteString(strings.TrimRight(e.Body, "\n"))
		b.WriteString("\n")
	}
	return b.String()
}

// oneLine keeps a title on its heading's line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
