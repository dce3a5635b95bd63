// Every rule an adapter or operation asks about — who may read, edit or
// delete a guide, manage an account, use the admin pages, or have a
// webhook — lives in policy_*.go, one file per resource family:
// policy_guides.go, policy_accounts.go and policy_webhooks.go. Each rule
// is a function taking the resource it decides on, so a caller that passes
// the wrong kind does not compile. A nil *User is a visitor.

package models
