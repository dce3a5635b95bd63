package models

import (
	"sync"

	"github.com/alexedwards/argon2id"
)

// passwordParams are OWASP's recommended argon2id settings (19 MiB of
// memory, two passes, one lane).
var passwordParams = &argon2id.Params{
	Memory:      19 * 1024,
	Iterations:  2,
	Parallelism: 1,
	SaltLength:  16,
	KeyLength:   32,
}

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// dummyHash is compared against when an email is unknown, so a failed login
// takes as long whether or not the account exists. It is made on first
// use: hashing at start-up cost 40 ms and 20 MB for every process,
// including commands that never check a password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("stepwise-timing-equalizer")
	return h
})

// checkPasswordHash reports whether password matches the encoded hash.
func checkPasswordHash(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

// needsRehash reports whether hash was made with other parameters than
// today's, so a successful login can upgrade it.
func needsRehash(hash string) bool {
	p, _, _, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false
	}
	return p.Memory != passwordParams.Memory || p.Iterations != passwordParams.Iterations ||
		p.Parallelism != passwordParams.Parallelism || p.KeyLength != passwordParams.KeyLength
}
