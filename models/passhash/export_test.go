package passhash

import "github.com/alexedwards/argon2id"

// HashSlots is how many password hashes may run at once.
func HashSlots() int { return cap(hashSlots) }

// SetArgon2id replaces the argon2id hash and compare functions (nil keeps
// one) until the returned restore is called, so a test can observe how
// many run at once.
func SetArgon2id(create func(string, *argon2id.Params) (string, error), compare func(string, string) (bool, error)) (restore func()) {
	oldCreate, oldCompare := argonCreate, argonCompare
	if create != nil {
		argonCreate = create
	}
	if compare != nil {
		argonCompare = compare
	}
	return func() { argonCreate, argonCompare = oldCreate, oldCompare }
}
