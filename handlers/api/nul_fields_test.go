package api

import (
	"encoding/json"
	"reflect"
	"testing"

	"stepwise/models"
)

func TestNULFieldsNamesEveryStringWithANUL(t *testing.T) {
	t.Parallel()
	type inner struct {
		Text string `json:"text"`
	}
	type Embedded struct {
		Kind string `json:"kind"`
	}
	var body struct {
		Embedded
		Title   string           `json:"title"`
		Summary *string          `json:"summary"`
		Tags    []string         `json:"tags"`
		Answers map[string][]int `json:"answers"`
		Step    inner            `json:"step"`
		Raw     json.RawMessage  `json:"raw"`
		Fine    string           `json:"fine"`
	}
	raw := `{"kind":"a\u0000","title":"x\u0000y","summary":"\u0000","tags":["ok","b\u0000"],
		"answers":{"q\u0000":[1]},"step":{"text":"\u0000"},"raw":{"z":"\u0000"},"fine":"u0000"}`
	if err := json.Unmarshal([]byte(raw), &body); err != nil {
		t.Fatal(err)
	}
	want := models.FieldErrors{"kind": nulDetail, "title": nulDetail, "summary": nulDetail,
		"tags": nulDetail, "answers": nulDetail, "step.text": nulDetail}
	if got := nulFields(&body); !reflect.DeepEqual(got, want) {
		t.Errorf("nulFields = %v, want %v", got, want)
	}
	var clean struct {
		Title string `json:"title"`
	}
	clean.Title = "no NUL here"
	if got := nulFields(&clean); got != nil {
		t.Errorf("nulFields of clean text = %v, want nil", got)
	}
}
