package db

import (
	"context"
	"sync"
)

// keyLocks are in-process mutexes by key, made on first use and dropped
// when nobody holds or waits for them, so memory follows the keys in use.
// WithTxFor takes one before it takes a pool connection: one instance
// then holds at most one connection per key, however many requests for
// that key arrive, and the others wait here without a connection.
type keyLocks struct {
	mu sync.Mutex
	m  map[int64]*keyLock
}

type keyLock struct {
	held  chan struct{} // a token while held
	users int           // the holder and the waiters
}

// lock waits for key, or for ctx to end; unlock lets it go.
func (k *keyLocks) lock(ctx context.Context, key int64) (unlock func(), err error) {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[int64]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{held: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	select {
	case l.held <- struct{}{}:
		return func() {
			<-l.held
			k.leave(key, l)
		}, nil
	case <-ctx.Done():
		k.leave(key, l)
		return nil, ctx.Err()
	}
}

func (k *keyLocks) leave(key int64, l *keyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l.users--; l.users == 0 {
		delete(k.m, key)
	}
}

// len is how many keys are held or waited for.
func (k *keyLocks) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.m)
}
