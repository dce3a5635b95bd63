package handlers

import (
	"net"
	"testing"
	"time"
)

// lingerOver runs discardWhileSent on one end of a pipe while send writes
// to the other, and returns how many bytes send got written before the
// linger ended (the pipe's writes block until read, so a byte written is
// a byte the linger took).
func lingerOver(t *testing.T, send func(net.Conn) int) int {
	t.Helper()
	server, client := net.Pipe()
	done := make(chan struct{})
	go func() {
		discardWhileSent(server, time.Now())
		server.Close()
		close(done)
	}()
	sent := send(client)
	client.Close()
	select {
	case <-done:
	case <-time.After(lingerTime + 10*time.Second): // liveness only
		t.Fatal("the linger outlived its bound")
	}
	return sent
}

// A client still sending a large body steadily keeps the linger going past
// the grace, so it gets to read its answer.
func TestLingerTakesASteadyBodyPastTheGrace(t *testing.T) {
	t.Parallel()
	chunk := make([]byte, 2*lingerMinRead)
	steps := int((lingerGrace + 2*lingerWindow) / (250 * time.Millisecond))
	sent := lingerOver(t, func(c net.Conn) int {
		sent := 0
		for range steps {
			n, err := c.Write(chunk)
			sent += n
			if err != nil {
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		return sent
	})
	if want := steps * len(chunk); sent != want {
		t.Errorf("the linger took %d bytes of a steady %d, want all", sent, want)
	}
}

// A client trickling bytes (the slow-body attack) is cut off once the
// grace is over, long before the linger's overall bound.
func TestLingerCutsATrickleOffAfterTheGrace(t *testing.T) {
	t.Parallel()
	start := time.Now()
	lingerOver(t, func(c net.Conn) int {
		sent := 0
		for {
			n, err := c.Write([]byte("a"))
			sent += n
			if err != nil || time.Since(start) > lingerTime {
				return sent
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if took := time.Since(start); took >= lingerTime {
		t.Errorf("a trickle kept the connection lingering for %v, the overall bound", took)
	}
}
