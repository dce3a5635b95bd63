package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"stepwise/db"
	"stepwise/models/passhash"
)

// Site roles.
const (
	RoleLearner = "learner"
	RoleAuthor  = "author"
	RoleAdmin   = "admin"
)

// User is an account.
type User struct {
	ID                int64      `db:"id"`
	Email             string     `db:"email"`
	DisplayName       string     `db:"display_name"`
	PasswordHash      string     `db:"password_hash"`
	Role              string     `db:"role"`
	EmailVerifiedAt   *time.Time `db:"email_verified_at"`
	LockedAt          *time.Time `db:"locked_at"`
	MustResetPassword bool       `db:"must_reset_password"`
	TOTPSecret        []byte     `db:"totp_secret"`
	TOTPEnabledAt     *time.Time `db:"totp_enabled_at"`
	CreatedAt         time.Time  `db:"created_at"`
	UpdatedAt         time.Time  `db:"updated_at"`
}

// userColumns is the column list every query that loads a User selects.
const userColumns = `id, email, display_name, password_hash, role, email_verified_at, locked_at,
	must_reset_password, totp_secret, totp_enabled_at, created_at, updated_at`

// IsAdmin reports whether the user has the admin role.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// Locked reports whether an admin has locked the account.
func (u *User) Locked() bool { return u.LockedAt != nil }

// TwoFactor reports whether the user signs in with a second factor.
func (u *User) TwoFactor() bool { return u.TOTPEnabledAt != nil }

// Users stores accounts.
type Users struct {
	db    *db.DB
	hooks *Webhooks // user.created
	audit *Audit    // create-admin's row
}

// NewUser is what sign-up supplies.
type NewUser struct {
	Email       string
	DisplayName string
	Password    string
}

// Create stores a new learner account; the email must not be taken
// (ErrConflict).
func (u *Users) Create(ctx context.Context, in NewUser) (User, error) {
	hash, err := passhash.Hash(ctx, in.Password)
	if err != nil {
		return User{}, err
	}
	return u.create(ctx, in, hash)
}

// CreateHashed stores a new learner account whose password hash is
// made (passhash.Hash, before any transaction: hashing waits for a CPU
// slot). A taken email is ErrConflict.
func (u *Users) CreateHashed(ctx context.Context, in NewUser, hash string) (User, error) {
	return u.create(ctx, in, hash)
}

// create stores a new learner account whose password hash is made.
func (u *Users) create(ctx context.Context, in NewUser, hash string) (User, error) {
	t := now()
	var user User
	err := u.db.WithTx(ctx, func(ctx context.Context) error {
		err := u.db.GetWrite(ctx, &user, `
			INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			RETURNING `+userColumns,
			NormalizeEmail(in.Email), strings.TrimSpace(in.DisplayName), hash, RoleLearner, t, t)
		if db.IsUniqueViolation(err) {
			return ErrConflict
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return u.hooks.userCreated(ctx, user)
	})
	if err != nil {
		return User{}, err
	}
	return user, nil
}

// ByID returns the user with id.
func (u *Users) ByID(ctx context.Context, id int64) (User, error) {
	var user User
	err := u.db.Get(ctx, &user, `
		SELECT `+userColumns+` FROM users WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("user by id: %w", err)
	}
	return user, nil
}

// ByEmail returns the user with email (compared in its normalized form).
func (u *Users) ByEmail(ctx context.Context, email string) (User, error) {
	var user User
	err := u.db.Get(ctx, &user, `
		SELECT `+userColumns+` FROM users WHERE email = ?`, NormalizeEmail(email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("user by email: %w", err)
	}
	return user, nil
}

// Authenticate returns the user whose email and password match, or
// ErrInvalidCredentials (with the account's id when the email exists, for
// the audit log; callers never show the difference). It spends the same
// hashing work when the email is unknown, so timing does not reveal which
// emails have accounts. A hash made with older parameters is upgraded.
// Any other error (such as the context's) means the password was not
// checked.
func (u *Users) Authenticate(ctx context.Context, email, password string) (User, error) {
	user, err := u.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		if _, err := passhash.Check(ctx, password, passhash.DummyHash); err != nil {
			return User{}, err
		}
		return User{}, ErrInvalidCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, err := passhash.Check(ctx, password, user.PasswordHash)
	if err != nil {
		return User{}, err
	}
	if !ok {
		return User{ID: user.ID}, ErrInvalidCredentials
	}
	if passhash.NeedsRehash(user.PasswordHash) {
		if err := u.SetPassword(ctx, user.ID, password); err != nil {
			return User{}, err
		}
	}
	return user, nil
}

// SetPassword replaces the user's password (hashing it) and clears a
// forced reset. Inside a transaction, hash first (passhash.Hash) and call
// SetPasswordHash: waiting for a hashing slot must not hold the writer.
func (u *Users) SetPassword(ctx context.Context, id int64, password string) error {
	hash, err := passhash.Hash(ctx, password)
	if err != nil {
		return err
	}
	return u.SetPasswordHash(ctx, id, hash)
}

// SetPasswordHash replaces the user's password with one passhash.Hash
// made, and clears a forced reset.
func (u *Users) SetPasswordHash(ctx context.Context, id int64, hash string) error {
	_, err := u.db.Exec(ctx, `
		UPDATE users SET password_hash = ?, must_reset_password = FALSE, updated_at = ? WHERE id = ?`, hash, now(), id)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// CheckPassword reports whether password is the user's current password
// (for confirming sensitive actions). An error (such as the context's)
// means it was not checked.
func (u *Users) CheckPassword(ctx context.Context, user User, password string) (bool, error) {
	return passhash.Check(ctx, password, user.PasswordHash)
}
