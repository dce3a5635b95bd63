package models

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"stepwise/db"
)

// Certificate says that a learner completed every step of a guide. The
// name and guide title are as they were when it was issued.
type Certificate struct {
	Code       string    `db:"code" json:"code"`
	UserID     int64     `db:"user_id" json:"-"`
	GuideID    *int64    `db:"guide_id" json:"-"`
	GuideSlug  *string   `db:"guide_slug" json:"guide"`
	Name       string    `db:"name" json:"name"`
	GuideTitle string    `db:"guide_title" json:"guide_title"`
	IssuedAt   time.Time `db:"issued_at" json:"issued_at"`
}

// Certificates stores certificates of completion.
type Certificates struct {
	db    *db.DB
	now   func() time.Time
	hooks *Webhooks // guide.completed
}

// newCertificateCode is 128 random bits in hex: unguessable, so the
// verification URL can be public.
func newCertificateCode() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("certificate code: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// IssueIfComplete issues user's certificate for guide when user has
// completed every one of its steps and has none yet. It is one statement,
// so it is safe to call after every completion; it returns the new
// certificate's code, or "" when none was issued. Un-completing a step
// later never removes one.
func (c *Certificates) IssueIfComplete(ctx context.Context, user User, guide Guide) (string, error) {
	code, err := newCertificateCode()
	if err != nil {
		return "", err
	}
	err = c.db.WithTx(ctx, func(ctx context.Context) error {
		code, err = c.issue(ctx, code, user, guide)
		return err
	})
	return code, err
}

// issue is IssueIfComplete's statement, and the guide.completed webhook
// event when it issued a certificate.
func (c *Certificates) issue(ctx context.Context, code string, user User, guide Guide) (string, error) {
	at := c.now()
	res, err := c.db.Exec(ctx, `
		INSERT INTO certificates (code, user_id, guide_id, name, guide_title, issued_at)
		SELECT ?, ?, ?, ?, ?, ?
		WHERE EXISTS (SELECT 1 FROM steps WHERE guide_id = ?)
		  AND NOT EXISTS (SELECT 1 FROM steps s WHERE s.guide_id = ?
		                  AND NOT EXISTS (SELECT 1 FROM progress p WHERE p.user_id = ? AND p.step_id = s.id))
		ON CONFLICT (user_id, guide_id) DO NOTHING`,
		code, user.ID, guide.ID, user.DisplayName, guide.Title, at, guide.ID, guide.ID, user.ID)
	if err != nil {
		return "", fmt.Errorf("issue certificate: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", nil
	}
	return code, c.hooks.guideCompleted(ctx, user, guide, at)
}

const certificateColumns = `c.code, c.user_id, c.guide_id, g.slug AS guide_slug, c.name, c.guide_title, c.issued_at`

// ByCode returns the certificate with code, or ErrNotFound.
func (c *Certificates) ByCode(ctx context.Context, code string) (Certificate, error) {
	var cert Certificate
	err := c.db.Get(ctx, &cert, `
		SELECT `+certificateColumns+`
		FROM certificates c LEFT JOIN guides g ON g.id = c.guide_id
		WHERE c.code = ?`, code)
	if errors.Is(err, sql.ErrNoRows) {
		return Certificate{}, ErrNotFound
	}
	if err != nil {
		return Certificate{}, fmt.Errorf("certificate by code: %w", err)
	}
	return cert, nil
}

// CodeFor returns the code of userID's certificate for guideID, or ""
// when there is none.
func (c *Certificates) CodeFor(ctx context.Context, userID, guideID int64) (string, error) {
	var code string
	err := c.db.Get(ctx, &code, `SELECT code FROM certificates WHERE user_id = ? AND guide_id = ?`, userID, guideID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("certificate for guide: %w", err)
	}
	return code, nil
}

// ForUser returns userID's certificates, newest first.
func (c *Certificates) ForUser(ctx context.Context, userID int64) ([]Certificate, error) {
	list := []Certificate{}
	err := c.db.Select(ctx, &list, `
		SELECT `+certificateColumns+`
		FROM certificates c LEFT JOIN guides g ON g.id = c.guide_id
		WHERE c.user_id = ? ORDER BY c.issued_at DESC, c.id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("user's certificates: %w", err)
	}
	return list, nil
}
