//go:build sqlite_fts5

package db

// fts5Built reports whether the SQLite driver was compiled with FTS5 (the
// build tag sqlite_fts5), which the search index (migration 00007) needs.
const fts5Built = true
