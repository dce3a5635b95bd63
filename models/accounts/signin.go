package accounts

import (
	"context"
	"errors"

	"stepwise/models"
)

// Channel is how a sign-in reaches Stepwise: it decides what a guess
// counts against and whether the second factor comes in the same request.
type Channel uint8

const (
	// Browser is the login form: a session follows, and the second
	// factor is a second step (CompleteSignIn).
	Browser Channel = iota
	// Script is POST /api/v1/tokens: no cookies and no session, and the
	// code comes with the password.
	Script
)

// Credentials are what a sign-in offers.
type Credentials struct {
	Email    string
	Password string
	// Code is the second factor, given with the password by a Script.
	Code string
	// Device is the nonce of the browser's device cookie when it is
	// valid for Email ("" otherwise): a browser that signed in to the
	// account before counts its guesses on its own budget.
	Device string
	Via    Channel
}

// SignedIn is a sign-in that got past the password.
type SignedIn struct {
	User models.User
	// NeedsSecondFactor: the password was right and the account uses
	// two-factor; a browser must give a code (CompleteSignIn) before it
	// is signed in. Nothing was recorded as a success yet.
	NeedsSecondFactor bool
	// SessionID is the user_sessions row of a browser now signed in.
	SessionID string
	// Factor is the second factor that was given, if any.
	Factor models.SecondFactor
	// RecoveryCodesLeft, after a recovery code, is how many are unused.
	RecoveryCodesLeft int
}

// Messages of a sign-in, the same on the login page and in the API.
const (
	loginFailed    = "That email and password do not match an account."
	accountLocked  = "This account is locked. Please contact an administrator."
	mustReset      = "An administrator asked you to choose a new password. Use “Forgot your password?” to get a link by email."
	codeMissing    = "Enter the 6-digit code from your authenticator app, or a recovery code."
	codeWrong      = "That code is not right, or was already used. Enter the newest code from your app, or a recovery code."
	scriptCodeNeed = "This account uses two-factor authentication: give a code from your app (or a recovery code)."
)

// SignIn checks credentials, throttled (models.LoginBudget for a
// browser, models.APILoginBudget for a script): a throttled attempt is
// refused (RefusedThrottled) before the password is checked; a wrong
// email or password (RefusedCredentials) counts against the budget and
// is audited in their own writes, which the refusal does not undo. A
// locked account, or one an admin told to reset its password, is
// RefusedForbidden. A browser whose account uses two-factor gets
// NeedsSecondFactor; a script must give the code now (RefusedInvalid
// without one). On full success a browser's session row and the
// login.success audit row are written in one transaction, and only then
// is the budget cleared: the one place a sign-in clears its throttle.
func (s *Service) SignIn(ctx context.Context, o models.Origin, in Credentials) (SignedIn, error) {
	return s.signIn(ctx, o, in, nil)
}

// signIn is SignIn with accept, when not nil, asked about the account
// once the password is right and the account may sign in, and before the
// second factor is checked: its refusal ends the sign-in there, so a
// request made with the sign-in that is wrong anyway spends no code (a
// recovery code is spent for good) and clears no budget.
func (s *Service) signIn(ctx context.Context, o models.Origin, in Credentials, accept func(models.User) error) (SignedIn, error) {
	email := models.NormalizeEmail(in.Email)
	fe := models.FieldErrors{}
	if email == "" {
		fe.Add("email", "Enter your email address.")
	}
	if in.Password == "" {
		fe.Add("password", "Enter your password.")
	}
	if fe.Any() {
		return SignedIn{}, models.Invalid(fe)
	}
	budget := models.LoginBudget(email, o.IP, in.Device)
	if in.Via == Script {
		budget = models.APILoginBudget(email, o.IP)
	}
	detail := in.Via.detail()
	if err := s.checkBudget(ctx, o, budget, 0, detail); err != nil {
		return SignedIn{}, err
	}
	password := in.Password
	if !passwordGiven(password) {
		password = "" // refuse without hashing megabytes
	}
	u, err := s.m.Users.Authenticate(ctx, email, password)
	if errors.Is(err, models.ErrInvalidCredentials) {
		if err := s.failed(ctx, o, budget, models.EventLoginFailure, u.ID, detail); err != nil {
			return SignedIn{}, err
		}
		return SignedIn{}, models.Refuse(models.RefusedCredentials, "invalid_credentials", loginFailed)
	}
	if err != nil {
		return SignedIn{}, err
	}
	switch {
	case u.Locked():
		return SignedIn{}, models.Refuse(models.RefusedForbidden, "account_locked", accountLocked)
	case u.MustResetPassword:
		return SignedIn{}, models.Refuse(models.RefusedForbidden, "password_reset_required", mustReset)
	}
	if accept != nil {
		if err := accept(u); err != nil {
			return SignedIn{}, err
		}
	}
	if u.TwoFactor() && in.Via == Browser {
		return SignedIn{User: u, NeedsSecondFactor: true}, nil
	}
	out := SignedIn{User: u}
	if u.TwoFactor() {
		if in.Code == "" {
			return SignedIn{}, models.Invalid(models.FieldErrors{"code": scriptCodeNeed})
		}
		// A script's code counts against its password's budget: it has
		// no device, and no second request to count separately.
		if out.Factor, err = s.checkCode(ctx, o, u, in.Code, budget, detail); err != nil {
			return SignedIn{}, err
		}
	}
	return s.finish(ctx, o, out, in.Via, budget)
}

// detail is what the audit rows of a sign-in through ch say about it.
func (ch Channel) detail() string {
	if ch == Script {
		return "api token request"
	}
	return ""
}

// finish completes a sign-in whose every factor was right: a browser's
// session row and the login.success row in one transaction (a script
// has no session; the token it asks for is its record), then the budgets
// are cleared and, after a recovery code, the codes left counted.
func (s *Service) finish(ctx context.Context, o models.Origin, out SignedIn, via Channel, budgets ...models.Budget) (SignedIn, error) {
	u := out.User
	if via == Browser {
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			var err error
			if out.SessionID, err = s.m.Sessions.Create(ctx, u.ID, o.IP, o.UserAgent); err != nil {
				return err
			}
			return s.m.Audit.Record(ctx, o.As(u.ID).Entry(models.EventLoginSuccess, u.ID, ""))
		})
		if err != nil {
			return SignedIn{}, err
		}
	}
	for _, b := range budgets {
		if err := s.m.Throttle.Succeeded(ctx, b); err != nil {
			return SignedIn{}, err
		}
	}
	if out.Factor == models.FactorRecoveryCode {
		var err error
		if out.RecoveryCodesLeft, err = s.m.TwoFactor.RecoveryCodesLeft(ctx, u.ID); err != nil {
			return SignedIn{}, err
		}
	}
	return out, nil
}

// checkBudget refuses a guess that budget makes wait, auditing the
// refusal (in its own write) as login.throttled about target.
func (s *Service) checkBudget(ctx context.Context, o models.Origin, budget models.Budget, target int64, detail string) error {
	wait, err := s.m.Throttle.Check(ctx, budget)
	if err != nil {
		return err
	}
	if wait <= 0 {
		return nil
	}
	if err := s.m.Audit.Record(ctx, o.Entry(models.EventLoginThrottled, target, detail)); err != nil {
		return err
	}
	return throttled(wait)
}

// failed counts a wrong guess against budget and audits it as event
// about target, each in its own write, so the refusal that follows does
// not undo them.
func (s *Service) failed(ctx context.Context, o models.Origin, budget models.Budget, event string, target int64, detail string) error {
	if err := s.m.Throttle.Failed(ctx, budget); err != nil {
		return err
	}
	return s.m.Audit.Record(ctx, o.Entry(event, target, detail))
}
