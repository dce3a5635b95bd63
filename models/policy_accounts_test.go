package models_test

import (
	"testing"

	"stepwise/models"
)

func TestAccountPolicy(t *testing.T) {
	t.Parallel()
	learner := &models.User{ID: 1, Role: models.RoleLearner}
	other := &models.User{ID: 2, Role: models.RoleLearner}
	author := &models.User{ID: 3, Role: models.RoleAuthor}
	admin := &models.User{ID: 4, Role: models.RoleAdmin}

	accountCases := []struct {
		name    string
		user    *models.User
		account *models.User
		want    bool
	}{
		{"learner manages own account", learner, learner, true},
		{"learner manages another account", learner, other, false},
		{"admin manages another's account page", admin, other, false},
		{"visitor manages account", nil, learner, false},
	}
	for _, tc := range accountCases {
		if got := models.CanManageAccount(tc.user, tc.account); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	pageCases := []struct {
		name   string
		policy func(*models.User) bool
		user   *models.User
		want   bool
	}{
		{"learner lists users", models.CanListUsers, learner, false},
		{"author lists users", models.CanListUsers, author, false},
		{"admin lists users", models.CanListUsers, admin, true},
		{"admin reads audit", models.CanReadAudit, admin, true},
		{"author reads audit", models.CanReadAudit, author, false},
		{"admin changes settings", models.CanChangeSettings, admin, true},
		{"author changes settings", models.CanChangeSettings, author, false},
	}
	for _, tc := range pageCases {
		if got := tc.policy(tc.user); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}

	targetCases := []struct {
		name   string
		policy func(u, target *models.User) bool
		user   *models.User
		target *models.User
		want   bool
	}{
		{"admin changes a role", models.CanChangeRole, admin, other, true},
		{"admin changes own role", models.CanChangeRole, admin, admin, false},
		{"admin locks self", models.CanLockUser, admin, admin, false},
		{"learner locks other", models.CanLockUser, learner, other, false},
		{"admin forces reset", models.CanForceReset, admin, learner, true},
	}
	for _, tc := range targetCases {
		if got := tc.policy(tc.user, tc.target); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
