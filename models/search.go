package models

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"stepwise/db"
)

// Searcher finds published guides and steps by words in their titles and
// text. Handlers depend on this interface only: Search below implements it
// with SQLite's full-text index, and a PostgreSQL implementation (a
// tsvector column with websearch_to_tsquery and ts_headline) can serve the
// same results later without touching a handler or a template.
type Searcher interface {
	Search(ctx context.Context, q string, page, size int) ([]SearchHit, Page, error)
}

// SearchHit is one result: a guide (StepPosition 0) or one of its steps,
// with a snippet of the matching text.
type SearchHit struct {
	GuideID      int64
	GuideSlug    string
	GuideTitle   string
	PublishedAt  *time.Time
	StepPosition int // 0 when the guide itself matched
	StepTitle    string
	Snippet      []Segment
}

// Guide is the hit's guide, as the policy needs it.
func (h SearchHit) Guide() Guide {
	return Guide{ID: h.GuideID, Slug: h.GuideSlug, Title: h.GuideTitle, PublishedAt: h.PublishedAt}
}

// Segment is a piece of a snippet; Hit marks the words the query matched.
// Templates render segments as text (escaped), never as HTML.
type Segment struct {
	Text string
	Hit  bool
}

// Snippet markers: private-use characters the index puts around matches,
// which the snippet parser turns into segments.
const (
	markStart = "\uE000"
	markEnd   = "\uE001"
	// markLT stands for '<' while PostgreSQL builds a snippet.
	markLT = "\uE002"
)

// Search is the SQLite implementation of Searcher. The index
// (search_index, migration 00007) is FTS5, which the SQLite driver
// compiles in only with the build tag sqlite_fts5 (build through make, or
// pass -tags sqlite_fts5).
type Search struct{ db *db.DB }

// maxQueryTerms bounds the work one query can ask for.
const maxQueryTerms = 8

// MatchQuery turns what a user typed into a safe full-text query: each
// word becomes a quoted phrase (so AND, OR, NOT, parentheses, * and quotes
// are only ever words, never syntax) and every phrase must match. It
// returns "" when nothing searchable is left.
func MatchQuery(q string) string {
	var terms []string
	for _, w := range strings.Fields(q) {
		w = strings.Map(func(r rune) rune {
			if r == '"' || r == 0 || r == '\uE000' || r == '\uE001' {
				return -1
			}
			return r
		}, w)
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		if r := []rune(w); len(r) > 64 {
			w = string(r[:64])
		}
		terms = append(terms, `"`+w+`"`)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return strings.Join(terms, " ")
}

type searchRow struct {
	DocID       int64      `db:"docid"`
	Snip        string     `db:"snip"`
	GuideID     int64      `db:"guide_id"`
	Slug        string     `db:"slug"`
	GuideTitle  string     `db:"guide_title"`
	PublishedAt *time.Time `db:"published_at"`
	Position    int        `db:"position"`
	StepTitle   string     `db:"step_title"`
}

// Search returns page (1-based) of the published guides and steps that
// contain every word of q, the best matches (BM25) first, in one query. A query
// with nothing searchable in it finds nothing (and is no error).
func (s *Search) Search(ctx context.Context, q string, page, size int) ([]SearchHit, Page, error) {
	if page < 1 {
		page = 1
	}
	p := Page{Number: page, Size: size}
	match := MatchQuery(q)
	if match == "" {
		return nil, p, nil
	}
	var rows []searchRow
	var err error
	if s.db.Dialect() == db.Postgres {
		rows, err = s.searchPostgres(ctx, match, page, size)
	} else {
		rows, err = s.searchSQLite(ctx, match, page, size)
	}
	if err != nil {
		return nil, p, fmt.Errorf("search: %w", err)
	}
	if len(rows) > size {
		p.HasNext = true
		rows = rows[:size]
	}
	hits := make([]SearchHit, len(rows))
	for i, r := range rows {
		hits[i] = SearchHit{
			GuideID: r.GuideID, GuideSlug: r.Slug, GuideTitle: r.GuideTitle, PublishedAt: r.PublishedAt,
			StepPosition: r.Position, StepTitle: r.StepTitle, Snippet: ParseSnippet(r.Snip),
		}
	}
	return hits, p, nil
}

// searchSQLite asks the FTS5 index for a page of matches (one more than
// size, to tell whether another page follows).
func (s *Search) searchSQLite(ctx context.Context, match string, page, size int) ([]searchRow, error) {
	// Rows with docid (the FTS5 rowid) < 0 are guides (docid = -id), the
	// others steps. bm25() is lower for better matches. Drafts are in the
	// index; the join keeps published guides only.
	var rows []searchRow
	err := s.db.Select(ctx, &rows, `
		SELECT m.docid, m.snip, g.id AS guide_id, g.slug, g.title AS guide_title, g.published_at,
		       COALESCE(st.position, 0) AS position, COALESCE(st.title, '') AS step_title
		FROM (SELECT rowid AS docid,
		             snippet(search_index, -1, ?, ?, '…', 16) AS snip,
		             bm25(search_index) AS score
		      FROM search_index WHERE search_index MATCH ?) m
		LEFT JOIN steps st ON m.docid > 0 AND st.id = m.docid
		JOIN guides g ON g.id = (CASE WHEN m.docid > 0 THEN st.guide_id ELSE -m.docid END)
		WHERE g.published_at IS NOT NULL
		ORDER BY m.score, g.published_at, g.id, position
		LIMIT ? OFFSET ?`, markStart, markEnd, match, size+1, (page-1)*size)
	return rows, err
}

// searchPostgres is searchSQLite on PostgreSQL's full-text search: the
// search columns of guides and steps (migration 00007), every word
// required (plainto_tsquery reads no operators, so hostile syntax is only
// words), ranked by ts_rank, with ts_headline's snippet marked as FTS5's
// is. Only published guides' rows are read. ts_headline drops what looks
// like an HTML tag, so '<' goes in as markLT and comes back after: the
// snippet is the text as written (templates escape it).
func (s *Search) searchPostgres(ctx context.Context, match string, page, size int) ([]searchRow, error) {
	words := strings.ReplaceAll(match, `"`, "")
	headline := "StartSel=" + markStart + ", StopSel=" + markEnd + ", MaxWords=16, MinWords=12, ShortWord=2"
	var rows []searchRow
	err := s.db.Select(ctx, &rows, `
		WITH q AS (SELECT plainto_tsquery('english', ?) AS q)
		SELECT m.docid, m.snip, g.id AS guide_id, g.slug, g.title AS guide_title, g.published_at,
		       m.position, m.step_title
		FROM (SELECT -g.id AS docid, g.id AS guide_id, 0 AS position, '' AS step_title,
		             ts_headline('english', replace(g.title || ' ' || g.summary, '<', ?), q.q, ?) AS snip,
		             ts_rank(g.search, q.q) AS score
		      FROM guides g, q WHERE g.search @@ q.q AND g.published_at IS NOT NULL
		      UNION ALL
		      SELECT st.id, st.guide_id, st.position, st.title,
		             ts_headline('english', replace(st.title || ' ' || st.body_md, '<', ?), q.q, ?),
		             ts_rank(st.search, q.q)
		      FROM steps st JOIN guides sg ON sg.id = st.guide_id, q
		      WHERE st.search @@ q.q AND sg.published_at IS NOT NULL) m
		JOIN guides g ON g.id = m.guide_id
		ORDER BY m.score DESC, g.published_at, g.id, m.position
		LIMIT ? OFFSET ?`, words, markLT, headline, markLT, headline, size+1, (page-1)*size)
	for i := range rows {
		rows[i].Snip = strings.ReplaceAll(rows[i].Snip, markLT, "<")
	}
	return rows, err
}

// ParseSnippet splits a snippet with match markers into segments, with
// whitespace collapsed and the Markdown markup that reads as noise in a
// one-line excerpt (#, *, `) dropped. The text stays text: templates
// escape it.
func ParseSnippet(s string) []Segment {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '#', '*', '`':
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	var segs []Segment
	add := func(text string, hit bool) {
		if text != "" {
			segs = append(segs, Segment{Text: text, Hit: hit})
		}
	}
	for s != "" {
		i := strings.Index(s, markStart)
		if i < 0 {
			add(strings.ReplaceAll(s, markEnd, ""), false)
			break
		}
		add(strings.ReplaceAll(s[:i], markEnd, ""), false)
		s = s[i+len(markStart):]
		j := strings.Index(s, markEnd)
		if j < 0 {
			add(s, true)
			break
		}
		add(strings.ReplaceAll(s[:j], markStart, ""), true)
		s = s[j+len(markEnd):]
	}
	return segs
}
