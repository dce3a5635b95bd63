package models_test

import (
	"context"
	"testing"

	"stepwise/db/dbtest"
	"stepwise/models"
	"stepwise/models/demo"
)

// BenchmarkStepPageQueries runs the step page's own queries (the guide with
// its step, the outline with check marks) against PRODUCT.md's data set:
// 1,000 users, 50 guides of 12 steps, 30% progress.
func BenchmarkStepPageQueries(b *testing.B) {
	d := dbtest.New(b)
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Users: 1000, Guides: 50, Steps: 12, Progress: 0.3, Password: "bench-password"}, nil); err != nil {
		b.Fatal(err)
	}
	m := models.New(d)
	u, err := m.Users.ByEmail(ctx, "user1@example.com")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		g, _, err := m.Steps.Page(ctx, "demo-guide-1", 3)
		if err != nil {
			b.Fatal(err)
		}
		if links, err := m.Steps.Outline(ctx, g.ID, u.ID); err != nil || len(links) != 12 {
			b.Fatalf("outline: %d, %v", len(links), err)
		}
	}
}
