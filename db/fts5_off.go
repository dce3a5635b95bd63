//go:build !sqlite_fts5

package db

// fts5Built reports whether the SQLite driver was compiled with FTS5 (the
// build tag sqlite_fts5), which the search index (migration 00007) needs.
// Without the tag Open refuses to start with errNoFTS5 instead of letting
// the migration fail with "no such module: fts5".
const fts5Built = false
