// Package stepwise is the root of the module: it generates the templ
// components and embeds everything the binary carries with it, so a single
// file is all a deployment needs.
package stepwise

import (
	"embed"
	"io/fs"
)

//go:generate go tool templ generate -path views

//go:embed static
var staticFiles embed.FS

//go:embed db/migrations
var migrationFiles embed.FS

//go:embed db/guides
var guideFiles embed.FS

// Static holds the files served under /static (CSS, JavaScript, images).
func Static() fs.FS { return mustSub(staticFiles, "static") }

// SQLiteMigrations holds the numbered SQL migrations for SQLite.
func SQLiteMigrations() fs.FS { return mustSub(migrationFiles, "db/migrations/sqlite") }

// PostgresMigrations holds the numbered SQL migrations for PostgreSQL, in step with SQLiteMigrations.
func PostgresMigrations() fs.FS { return mustSub(migrationFiles, "db/migrations/postgres") }

// Migrations holds the migrations for a database of the given kind:
// "postgres", or SQLite for anything else.
func Migrations(dialect string) fs.FS {
	if dialect == "postgres" {
		return PostgresMigrations()
	}
	return SQLiteMigrations()
}

// BuiltinGuides holds the built-in guides, one folder each.
func BuiltinGuides() fs.FS { return mustSub(guideFiles, "db/guides") }

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; absence is a build bug
	}
	return sub
}
