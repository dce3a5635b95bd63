package models

import (
	"context"
	"fmt"
	"strings"

	"stepwise/db"
)

// Tag limits: a guide has at most MaxTags tags of at most MaxTagLength
// characters each, lowercase letters, digits and hyphens.
const (
	MaxTags      = 8
	MaxTagLength = 32
)

// NormalizeTag returns tag lowercased and trimmed, or "" when it is not a
// valid tag (empty, too long, or with characters other than a–z, 0–9, -).
func NormalizeTag(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" || len(tag) > MaxTagLength {
		return ""
	}
	for _, r := range tag {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return ""
		}
	}
	return tag
}

// NormalizeTags keeps the valid tags of tags, each once, in their order,
// at most MaxTags of them.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t = NormalizeTag(t); t != "" && !containsString(out, t) && len(out) < MaxTags {
			out = append(out, t)
		}
	}
	return out
}

// CheckTags returns tags normalized, or a message when one of them is not
// a usable tag or there are more than MaxTags: the rule of the
// settings form (comma-separated) and the API (a list) alike.
func CheckTags(tags []string) ([]string, string) {
	for _, t := range tags {
		if NormalizeTag(t) == "" {
			return nil, "Use tags of lower-case letters, digits and hyphens, at most 32 characters each."
		}
	}
	if len(tags) > MaxTags {
		return nil, "Use at most 8 tags."
	}
	return NormalizeTags(tags), ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TagCount is a tag with how many published guides carry it.
type TagCount struct {
	Name   string `db:"name"`
	Guides int    `db:"guides"`
}

// Tags stores guides' tags.
type Tags struct{ db *db.DB }

// Set replaces the guide's tags with tags (normalized) in one transaction.
func (t *Tags) Set(ctx context.Context, guideID int64, tags []string) error {
	return setGuideTags(ctx, t.db, guideID, NormalizeTags(tags))
}

// Published lists the tags of published guides with their counts, in
// alphabetical order: the catalogue's tag filter, in one query.
func (t *Tags) Published(ctx context.Context) ([]TagCount, error) {
	var tags []TagCount
	err := t.db.Select(ctx, &tags, `
		SELECT gt.tag AS name, count(*) AS guides
		FROM guide_tags gt JOIN guides g ON g.id = gt.guide_id AND g.published_at IS NOT NULL
		GROUP BY gt.tag ORDER BY gt.tag LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("published tags: %w", err)
	}
	return tags, nil
}

func setGuideTags(ctx context.Context, d *db.DB, guideID int64, tags []string) error {
	return d.WithTx(ctx, func(ctx context.Context) error {
		if _, err := d.Exec(ctx, `DELETE FROM guide_tags WHERE guide_id = ?`, guideID); err != nil {
			return fmt.Errorf("set tags: %w", err)
		}
		for _, tag := range tags {
			if _, err := d.Exec(ctx, `INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING`, tag); err != nil {
				return fmt.Errorf("set tags: %w", err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO guide_tags (guide_id, tag) VALUES (?, ?)`, guideID, tag); err != nil {
				return fmt.Errorf("set tags: %w", err)
			}
		}
		return nil
	})
}

// tagIfUntagged gives the guide with slug the tags when it has none yet:
// the built-in loader calls it at every start, so a database whose
// built-in guide predates tags gets them, and an author's own choice of
// tags is never overwritten.
func (g *Guides) tagIfUntagged(ctx context.Context, slug string, tags []string) error {
	tags = NormalizeTags(tags)
	if len(tags) == 0 {
		return nil
	}
	return g.db.WithTx(ctx, func(ctx context.Context) error {
		var row struct {
			ID     int64 `db:"id"`
			Tagged bool  `db:"tagged"`
		}
		err := g.db.Get(ctx, &row, `
			SELECT id, EXISTS (SELECT 1 FROM guide_tags WHERE guide_id = guides.id) AS tagged
			FROM guides WHERE slug = ?`, slug)
		if err != nil {
			return fmt.Errorf("tag guide: %w", err)
		}
		if row.Tagged {
			return nil
		}
		return setGuideTags(ctx, g.db, row.ID, tags)
	})
}
