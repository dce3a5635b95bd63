package layouts

import "stepwise/models"

// canAuthor reports whether the header offers the author's dashboard.
func canAuthor(u *models.User) bool { return models.CanCreateGuide(u) }
