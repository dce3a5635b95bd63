package components

import (
	"slices"
	"testing"

	"stepwise/models"
)

// Every audit event reads as words on the audit log and the account page,
// never as its code, and no label is kept for an event that is gone.
func TestEveryAuditEventHasALabel(t *testing.T) {
	for _, e := range models.AuditEvents {
		if l := EventLabel(e); l == e || l == "" {
			t.Errorf("audit event %q has no label", e)
		}
	}
	for e := range eventLabels {
		if !slices.Contains(models.AuditEvents, e) {
			t.Errorf("label for %q, which models.AuditEvents does not list", e)
		}
	}
}
