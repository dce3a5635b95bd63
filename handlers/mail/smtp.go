package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS says how the connection to the SMTP server is encrypted.
type TLS int

// The connection's encryption.
const (
	// StartTLS upgrades a plain connection and refuses to go on without
	// it (smtp://, port 587 by default).
	StartTLS TLS = iota
	// ImplicitTLS speaks TLS from the first byte (smtps://, port 465).
	ImplicitTLS
	// NoTLS sends in clear, for a relay on the same machine or network
	// (smtp://…?tls=none). Credentials are never sent over it.
	NoTLS
)

// SMTPConfig is where and how to send mail.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      TLS
	// From is the sender, "Name <address>" or a bare address.
	From string
	// Timeout bounds connecting and each command; the caller's context
	// bounds the whole send.
	Timeout time.Duration
}

// ParseSMTPURL reads a server URL: smtp://user:password@host:587 (STARTTLS
// required), smtps://user:password@host:465 (TLS from the start), or
// smtp://host:25?tls=none (no encryption). The user and password are
// optional and percent-encoded.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url's error repeats the URL, password included.
		return SMTPConfig{}, errors.New("smtp url: not a URL")
	}
	var cfg SMTPConfig
	switch u.Scheme {
	case "smtp":
		cfg.TLS, cfg.Port = StartTLS, 587
	case "smtps":
		cfg.TLS, cfg.Port = ImplicitTLS, 465
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: scheme %q: want smtp or smtps", u.Scheme)
	}
	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return SMTPConfig{}, errors.New("smtp url: no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("smtp url: port %q", p)
		}
		cfg.Port = n
	}
	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "tls" {
			return SMTPConfig{}, fmt.Errorf("smtp url: unknown parameter %q", k)
		}
	}
	switch tls := q.Get("tls"); tls {
	case "":
	case "none":
		if u.Scheme == "smtps" {
			return SMTPConfig{}, errors.New("smtp url: smtps with tls=none")
		}
		cfg.TLS = NoTLS
	default:
		return SMTPConfig{}, fmt.Errorf("smtp url: tls=%q: the only value is none", tls)
	}
	return cfg, nil
}

// SMTP sends each message over its own connection to an SMTP server,
// through go-mail. It never logs: messages carry links with tokens.
type SMTP struct {
	cfg SMTPConfig
}

// NewSMTP checks cfg and returns the mailer.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host")
	}
	if _, err := netmail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", cfg.From, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &SMTP{cfg: cfg}, nil
}

// Send delivers m, or returns why not.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("smtp: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("smtp: recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)

	client, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp: send to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// options turns the configuration into go-mail's client options.
func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		// Auto-discovery picks the strongest mechanism the server offers
		// and, without TLS, none that would reveal the password.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return opts
}
