package accounts

import (
	"context"

	"stepwise/models"
)

// SignOut ends the browser session sessionID of u, with its audit row,
// in one transaction. A visitor (nil u) has nothing to end.
func (s *Service) SignOut(ctx context.Context, o models.Origin, u *models.User, sessionID string) error {
	if u == nil {
		return nil
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.m.Sessions.Delete(ctx, u.ID, sessionID); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventLogout, u.ID, ""))
	})
}

// RevokeSession signs out one of u's browsers. Deleting by (id, user)
// means another user's session id does nothing; nor does an id already
// ended. Either way it is not an error (the page answers the same), but
// only a session actually ended is audited, so the log never claims a
// revocation that did not happen.
func (s *Service) RevokeSession(ctx context.Context, o models.Origin, u *models.User, sessionID string) error {
	if err := own(u); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.m.Sessions.Delete(ctx, u.ID, sessionID)
		if err != nil || n == 0 {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventSessionRevoked, u.ID, "one session"))
	})
}

// RevokeOtherSessions signs out every browser of u's but keep (the one
// asking).
func (s *Service) RevokeOtherSessions(ctx context.Context, o models.Origin, u *models.User, keep string) error {
	if err := own(u); err != nil {
		return err
	}
	return s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.m.Sessions.DeleteOthers(ctx, u.ID, keep); err != nil {
			return err
		}
		return s.m.Audit.Record(ctx, o.Entry(models.EventSessionRevoked, u.ID, "all other sessions"))
	})
}
