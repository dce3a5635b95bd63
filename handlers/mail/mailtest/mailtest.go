// Package mailtest runs an SMTP server inside a test process, so tests can
// drive the real SMTP mailer and read what it delivered. Only tests import
// it.
package mailtest

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one delivered message as it came over the wire.
type Received struct {
	From string
	To   []string
	Raw  string
}

// Server is an SMTP server on a loopback port that keeps every message.
type Server struct {
	// Addr is host:port.
	Addr string

	mu   sync.Mutex
	msgs []Received
}

// NewServer starts a server that accepts mail without TLS or
// authentication, and stops it when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String()}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// URL is the server as an SMTP URL for mail.ParseSMTPURL.
func (s *Server) URL() string { return "smtp://" + s.Addr + "?tls=none" }

// Messages returns what was delivered so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Subject returns the message's decoded subject.
func (r Received) Subject() (string, error) {
	msg, err := netmail.ReadMessage(strings.NewReader(r.Raw))
	if err != nil {
		return "", err
	}
	return new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
}

// Text returns the message's body, decoded from its transfer encoding.
func (r Received) Text() (string, error) {
	msg, err := netmail.ReadMessage(strings.NewReader(r.Raw))
	if err != nil {
		return "", err
	}
	body := msg.Body
	switch enc := strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")); enc {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "", "7bit", "8bit":
	default:
		return "", fmt.Errorf("mailtest: transfer encoding %q", enc)
	}
	b, err := io.ReadAll(body)
	return strings.ReplaceAll(string(b), "\r\n", "\n"), err
}

// session collects one connection's message.
type session struct {
	srv  *Server
	from string
	to   []string
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(s.to) == 0 {
		return errors.New("no recipients")
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, Received{From: s.from, To: s.to, Raw: string(b)})
	s.srv.mu.Unlock()
	return nil
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error { return nil }
