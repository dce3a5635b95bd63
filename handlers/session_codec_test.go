package handlers

import (
	"reflect"
	"testing"
	"time"
)

func TestSessionCodecRoundTrip(t *testing.T) {
	t.Parallel()
	deadline := time.Unix(1_800_000_000, 123456789)
	in := map[string]any{
		"sid": "abc", "csrf": "tok", "pending_user": int64(42), "neg": int64(-7),
		"flag": true, "raw": []byte{0, 1, 255}, "ratio": 0.5, "at": time.Unix(1_700_000_000, 5), "empty": "",
	}
	b, err := SessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	gotDeadline, got, err := SessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !gotDeadline.Equal(deadline) {
		t.Errorf("deadline: got %v, want %v", gotDeadline, deadline)
	}
	if got["at"].(time.Time).Equal(in["at"].(time.Time)) {
		delete(got, "at")
		delete(in, "at")
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("values: got %#v, want %#v", got, in)
	}
}

func TestSessionCodecRefusesUnknownTypes(t *testing.T) {
	t.Parallel()
	if _, err := (SessionCodec{}).Encode(time.Now(), map[string]any{"x": struct{}{}}); err == nil {
		t.Error("encoded a struct")
	}
}

func FuzzSessionCodecDecode(f *testing.F) {
	good, _ := SessionCodec{}.Encode(time.Unix(1, 0), map[string]any{"sid": "x", "n": int64(1)})
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 255, 255, 255, 255, 15})
	f.Fuzz(func(t *testing.T, data []byte) {
		deadline, values, err := SessionCodec{}.Decode(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode and decode to the same values.
		again, err := SessionCodec{}.Encode(deadline, values)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, v2, err := (SessionCodec{}).Decode(again); err != nil || len(v2) != len(values) {
			t.Fatalf("round trip: %v (%d vs %d values)", err, len(v2), len(values))
		}
	})
}
