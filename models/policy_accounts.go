package models

// Roles lists the site roles, least privileged first.
var Roles = []string{RoleLearner, RoleAuthor, RoleAdmin}

// ValidRole reports whether r is a site role.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// CanManageAccount reports whether u may change account's password,
// sessions, two-factor and data: only its own user may, admins included.
func CanManageAccount(u, account *User) bool {
	return u != nil && account != nil && account.ID == u.ID
}

// CanListUsers reports whether u may see the admin users page: admins
// only.
func CanListUsers(u *User) bool { return u.IsAdmin() }

// CanReadAudit reports whether u may read the full audit log: admins only.
func CanReadAudit(u *User) bool { return u.IsAdmin() }

// CanChangeSettings reports whether u may change the site settings: admins
// only.
func CanChangeSettings(u *User) bool { return u.IsAdmin() }

// CanChangeRole reports whether u may change target's role.
func CanChangeRole(u, target *User) bool { return adminActsOn(u, target) }

// CanLockUser reports whether u may lock or unlock target's account.
func CanLockUser(u, target *User) bool { return adminActsOn(u, target) }

// CanForceReset reports whether u may force target to choose a new
// password.
func CanForceReset(u, target *User) bool { return adminActsOn(u, target) }

// adminActsOn is the rule for the admin actions on another account.
// Admins act on other accounts; their own goes through the account page,
// so an admin cannot lock themselves out.
func adminActsOn(u, target *User) bool {
	return u.IsAdmin() && target != nil && target.ID != u.ID
}
