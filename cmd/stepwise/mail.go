package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"

	"stepwise/handlers"
	"stepwise/handlers/mail"
)

// mailFlags say how Stepwise sends email and which address its links use.
type mailFlags struct {
	smtpURL string
	from    string
	baseURL string
}

// register adds the mail flags to fs, defaulting from the environment.
func (f *mailFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.smtpURL, "smtp-url", env("STEPWISE_SMTP_URL", ""),
		"SMTP server: smtp://user:password@host:587 (STARTTLS), smtps://user:password@host:465, or smtp://host:25?tls=none; "+
			"empty keeps mail in the dev mailbox at /dev/mailbox (env STEPWISE_SMTP_URL, preferred: it keeps the password out of the process list)")
	fs.StringVar(&f.from, "mail-from", env("STEPWISE_MAIL_FROM", ""),
		`sender of Stepwise's emails, e.g. "Stepwise <stepwise@example.com>"; required with -smtp-url (env STEPWISE_MAIL_FROM)`)
	fs.StringVar(&f.baseURL, "base-url", env("STEPWISE_BASE_URL", ""),
		"the address users reach Stepwise at, for links in emails, e.g. https://learn.example.com; "+
			"default http://ADDR, required with -smtp-url (env STEPWISE_BASE_URL)")
}

// mailer returns the mailer the flags ask for and the base URL of links;
// addr is the listen address, the base URL's default.
// With clustered (PostgreSQL: several instances), the dev mailbox is
// refused: it lives in one instance's memory, so a link mailed by one
// instance would be looked for on another.
func (f *mailFlags) mailer(addr string, clustered bool, log *slog.Logger) (handlers.Mailer, string, error) {
	if f.smtpURL == "" && clustered {
		return nil, "", errors.New("-smtp-url is required with PostgreSQL: the dev mailbox keeps emails in one instance's memory, " +
			"which the other instances behind the load balancer cannot show")
	}
	if f.smtpURL == "" {
		base, err := baseURL(f.baseURL, addr)
		if err != nil {
			return nil, "", err
		}
		log.Warn("no SMTP server configured (-smtp-url): emails are not sent but kept in the dev mailbox and written to this log, links included",
			"mailbox", base+"/dev/mailbox")
		return mail.NewMailbox(log), base, nil
	}
	if f.baseURL == "" {
		return nil, "", errors.New("-smtp-url needs -base-url: the address users reach Stepwise at, for the links in emails")
	}
	if f.from == "" {
		return nil, "", errors.New("-smtp-url needs -mail-from: the sender of Stepwise's emails")
	}
	base, err := baseURL(f.baseURL, addr)
	if err != nil {
		return nil, "", err
	}
	cfg, err := mail.ParseSMTPURL(f.smtpURL)
	if err != nil {
		return nil, "", err
	}
	cfg.From = f.from
	m, err := mail.NewSMTP(cfg)
	if err != nil {
		return nil, "", err
	}
	log.Info("sending email over SMTP", "host", cfg.Host, "port", cfg.Port, "from", cfg.From, "links", base)
	return m, base, nil
}

// baseURL checks raw (an origin such as https://learn.example.com) and
// returns it without a trailing slash; empty raw means http://addr.
func baseURL(raw, addr string) (string, error) {
	if raw == "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("-addr %q: %w", addr, err)
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "localhost"
		}
		return "http://" + net.JoinHostPort(host, port), nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("-base-url %q: want http(s)://host[:port], without a path", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}
