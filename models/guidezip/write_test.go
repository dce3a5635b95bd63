package guidezip_test

import (
	"bytes"
	"image"
	"image/png"
	"reflect"
	"testing"

	"stepwise/models"
	"stepwise/models/guidezip"
	"stepwise/models/imagestore"
)

// What Write writes, Read reads back the same: front matter, bodies,
// quizzes and images.
func TestWriteThenRead(t *testing.T) {
	t.Parallel()
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	info, err := imagestore.Check(pic.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := models.GuideArchive{
		Guide: models.GuideFile{Slug: "round-trip", Title: "Round trip", Summary: "There and back.",
			Difficulty: "beginner", Minutes: 5, Tags: []string{"go"}, Body: "Intro ![x](/images/" + info.Key() + ")\n"},
		Steps: []models.StepFile{
			{Title: "First step", Body: "## One\n\nText.\n", Quiz: []models.QuizFile{
				{Question: "Pick one", Kind: "single", Choices: []string{"a", "b"}, Answers: []int{1}, Explanation: "b it is"},
			}},
			{Title: "Second step", Quiz: []models.QuizFile{}, Body: "Two.\n"}, // yaml writes no quiz as []
		},
		Images: map[string][]byte{info.Key(): pic.Bytes()},
	}
	var zipped bytes.Buffer
	if err := guidezip.Write(&zipped, want); err != nil {
		t.Fatal(err)
	}
	got, err := guidezip.Read(zipped.Bytes())
	if err != nil {
		t.Fatalf("read what Write wrote: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
}
