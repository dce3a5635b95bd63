package models_test

import (
	"testing"

	"stepwise/models"
)

func TestLineDiff(t *testing.T) {
	t.Parallel()
	got := models.LineDiff("a\nb\nc\n", "a\nx\nc\nd\n")
	want := []models.DiffLine{
		{Op: models.DiffSame, Text: "a"}, {Op: models.DiffRemoved, Text: "b"}, {Op: models.DiffAdded, Text: "x"},
		{Op: models.DiffSame, Text: "c"}, {Op: models.DiffAdded, Text: "d"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if d := models.LineDiff("", ""); len(d) != 0 {
		t.Errorf("empty texts: got %v, want nothing", d)
	}
}
