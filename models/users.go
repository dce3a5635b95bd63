package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"stepwise/db"
)

// Site roles.
const (
	RoleLearner = "learner"
	RoleAuthor  = "author"
	RoleAdmin   = "admin"
)

// User is an account.
type User struct {
	ID           int64     `db:"id"`
	Email        string    `db:"email"`
	DisplayName  string    `db:"display_name"`
	PasswordHash string    `db:"password_hash"`
	Role         string    `db:"role"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

// Users stores accounts.
type Users struct{ db *db.DB }

// NewUser is what sign-up supplies.
type NewUser struct {
	Email       string
	DisplayName string
	Password    string
}

// Create stores a new learner account; the email must not be taken
// (ErrConflict).
func (u *Users) Create(ctx context.Context, in NewUser) (User, error) {
	hash, err := HashPassword(in.Password)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	t := now()
	var user User
	err = u.db.GetWrite(ctx, &user, `
		INSERT INTO users (email, display_name, password_hash, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING id, email, display_name, password_hash, role, created_at, updated_at`,
		NormalizeEmail(in.Email), strings.TrimSpace(in.DisplayName), hash, RoleLearner, t, t)
	if db.IsUniqueViolation(err) {
		return User{}, ErrConflict
	}
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return user, nil
}

// ByID returns the user with id.
func (u *Users) ByID(ctx context.Context, id int64) (User, error) {
	var user User
	err := u.db.Get(ctx, &user, `
		SELECT id, email, display_name, password_hash, role, created_at, updated_at
		FROM users WHERE id = ?`, id)
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
		SELECT id, email, display_name, password_hash, role, created_at, updated_at
		FROM users WHERE email = ?`, NormalizeEmail(email))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("user by email: %w", err)
	}
	return user, nil
}

// Authenticate returns the user whose email and password match, or
// ErrInvalidCredentials. It spends the same hashing work when the email is
// unknown, so timing does not reveal which emails have accounts.
func (u *Users) Authenticate(ctx context.Context, email, password string) (User, error) {
	user, err := u.ByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		checkPasswordHash(password, dummyHash)
		return User{}, ErrInvalidCredentials
	}
	if err != nil {
		return User{}, err
	}
	if !checkPasswordHash(password, user.PasswordHash) {
		return User{}, ErrInvalidCredentials
	}
	return user, nil
}
