package models

import "stepwise/db"

// DB exposes a store's database to tests that need to reach under the API.
func (m *Models) DB() *db.DB { return m.Users.db }
