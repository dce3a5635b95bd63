package models

// CanReadGuide reports whether u (nil for a visitor) may see g and its
// steps: anyone may, once it is published.
func CanReadGuide(u *User, g Guide) bool {
	return g.PublishedAt != nil
}

// CanTrackProgress reports whether u may mark steps of g complete: any
// signed-in user, in a published guide.
func CanTrackProgress(u *User, g Guide) bool {
	return u != nil && g.PublishedAt != nil
}

// CanCreateGuide reports whether u may start a new guide: authors and
// admins may.
func CanCreateGuide(u *User) bool {
	return u != nil && (u.Role == RoleAuthor || u.Role == RoleAdmin)
}

// CanEditGuide reports whether u may see e's draft, change the guide, its
// steps, quizzes, images and co-authors, and see its revisions and quiz
// statistics. Its author and co-authors may, and admins.
func CanEditGuide(u *User, e Editable) bool {
	if u == nil {
		return false
	}
	return u.IsAdmin() || ownsGuide(u, e) || e.CoAuthor
}

// CanManageCoAuthors reports whether u may add and remove e's co-authors.
// Its owner may, and admins.
func CanManageCoAuthors(u *User, e Editable) bool {
	if u == nil {
		return false
	}
	return u.IsAdmin() || ownsGuide(u, e)
}

// CanDeleteGuide reports whether u may delete e for good. Its owner may,
// and admins; not co-authors, who did not start it.
func CanDeleteGuide(u *User, e Editable) bool {
	return CanManageCoAuthors(u, e)
}

// ownsGuide reports whether u (not nil) started e. The built-in guide has
// no author, so nobody owns it.
func ownsGuide(u *User, e Editable) bool {
	return e.Guide.AuthorID != nil && *e.Guide.AuthorID == u.ID
}
