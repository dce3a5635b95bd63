package models

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrLastAdmin: the change would leave the site without an admin.
var ErrLastAdmin = errors.New("the last admin cannot be removed")

// Delete removes the account: progress, sessions, tokens and recovery
// codes go with it (foreign keys cascade); guides it wrote stay, with no
// author ("former member"). The last admin cannot be deleted.
func (u *Users) Delete(ctx context.Context, id int64) error {
	return u.db.WithTx(ctx, func(ctx context.Context) error {
		if err := u.keepAnAdmin(ctx, id); err != nil {
			return err
		}
		if _, err := u.db.Exec(ctx, `DELETE FROM users WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return nil
	})
}

// keepAnAdmin returns ErrLastAdmin when id is the only admin. It must run
// inside the transaction that demotes, locks or deletes id.
func (u *Users) keepAnAdmin(ctx context.Context, id int64) error {
	var isAdmin, others int
	err := u.db.Get(ctx, &isAdmin, `SELECT count(*) FROM users WHERE id = ? AND role = ?`, id, RoleAdmin)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if isAdmin == 0 {
		return nil
	}
	err = u.db.Get(ctx, &others, `SELECT count(*) FROM users WHERE role = ? AND id <> ? AND locked_at IS NULL`, RoleAdmin, id)
	if err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if others == 0 {
		return ErrLastAdmin
	}
	return nil
}

// UserExport is everything Stepwise holds about a user, for download.
// It never includes the password hash or the two-factor secret.
type UserExport struct {
	Profile struct {
		Email           string     `json:"email"`
		DisplayName     string     `json:"display_name"`
		Role            string     `json:"role"`
		CreatedAt       time.Time  `json:"created_at"`
		EmailVerifiedAt *time.Time `json:"email_verified_at"`
		TwoFactor       bool       `json:"two_factor_enabled"`
	} `json:"profile"`
	Progress       []ExportedProgress `json:"progress"`
	Sessions       []UserSession      `json:"sessions"`
	SecurityEvents []AuditEntry       `json:"security_events"`
	ExportedAt     time.Time          `json:"exported_at"`

	// Notes are the user's private step notes; Certificates the
	// certificates of completion issued to them.
	Notes        []NoteEntry   `json:"notes"`
	Certificates []Certificate `json:"certificates"`
	// QuizAnswers are the user's answers to checkpoint quizzes.
	QuizAnswers []ExportedQuizAnswer `json:"quiz_answers"`
	// APITokens are the user's personal access tokens, revoked ones too:
	// what they were called and could do, never their hashes.
	APITokens []ExportedAPIToken `json:"api_tokens"`
}

// ExportedAPIToken is a personal access token in the data export.
type ExportedAPIToken struct {
	Name       string     `db:"name" json:"name"`
	Prefix     string     `db:"prefix" json:"prefix"`
	Scopes     string     `db:"scopes" json:"scopes"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at" json:"last_used_at"`
	ExpiresAt  *time.Time `db:"expires_at" json:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at" json:"revoked_at"`
}

// ExportedProgress is one completed step.
type ExportedProgress struct {
	Guide       string    `db:"guide" json:"guide"`
	GuideTitle  string    `db:"guide_title" json:"guide_title"`
	Step        int       `db:"step" json:"step"`
	StepTitle   string    `db:"step_title" json:"step_title"`
	CompletedAt time.Time `db:"completed_at" json:"completed_at"`
}

// Export gathers the user's data.
func (u *Users) Export(ctx context.Context, id int64) (UserExport, error) {
	var out UserExport
	user, err := u.ByID(ctx, id)
	if err != nil {
		return out, err
	}
	p := &out.Profile
	p.Email, p.DisplayName, p.Role, p.CreatedAt = user.Email, user.DisplayName, user.Role, user.CreatedAt
	p.EmailVerifiedAt, p.TwoFactor = user.EmailVerifiedAt, user.TwoFactor()
	err = u.db.Select(ctx, &out.Progress, `
		SELECT g.slug AS guide, g.title AS guide_title, s.position AS step, s.title AS step_title, p.completed_at
		FROM progress p JOIN steps s ON s.id = p.step_id JOIN guides g ON g.id = p.guide_id
		WHERE p.user_id = ? ORDER BY p.completed_at`, id)
	if err != nil {
		return out, fmt.Errorf("export progress: %w", err)
	}
	err = u.db.Select(ctx, &out.Sessions, `
		SELECT id, user_id, created_at, last_seen_at, ip, user_agent
		FROM user_sessions WHERE user_id = ? ORDER BY created_at`, id)
	if err != nil {
		return out, fmt.Errorf("export sessions: %w", err)
	}
	err = u.db.Select(ctx, &out.SecurityEvents, `
		SELECT id, at, event, actor_id, target_id, ip, user_agent, detail, NULL AS actor_email, NULL AS target_email
		FROM audit_log WHERE actor_id = ? OR target_id = ? ORDER BY id`, id, id)
	if err != nil {
		return out, fmt.Errorf("export events: %w", err)
	}
	if err := u.exportLearning(ctx, id, &out); err != nil {
		return out, err
	}
	if out.QuizAnswers, err = (&Quizzes{db: u.db}).Export(ctx, id); err != nil {
		return out, err
	}
	err = u.db.Select(ctx, &out.APITokens, `
		SELECT name, prefix, scopes, created_at, last_used_at, expires_at, revoked_at
		FROM api_tokens WHERE user_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return out, fmt.Errorf("export api tokens: %w", err)
	}
	if out.APITokens == nil {
		out.APITokens = []ExportedAPIToken{}
	}
	// Every list is an array in the JSON, also when it is empty (an
	// account used only through the API may have no browser session).
	if out.Progress == nil {
		out.Progress = []ExportedProgress{}
	}
	if out.Sessions == nil {
		out.Sessions = []UserSession{}
	}
	if out.SecurityEvents == nil {
		out.SecurityEvents = []AuditEntry{}
	}
	out.ExportedAt = now()
	return out, nil
}

// exportLearning adds the user's notes and certificates to out.
func (u *Users) exportLearning(ctx context.Context, id int64, out *UserExport) error {
	var err error
	if out.Notes, err = (&Notes{db: u.db}).All(ctx, id); err != nil {
		return fmt.Errorf("export notes: %w", err)
	}
	if out.Certificates, err = (&Certificates{db: u.db}).ForUser(ctx, id); err != nil {
		return fmt.Errorf("export certificates: %w", err)
	}
	return nil
}
