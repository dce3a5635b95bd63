package handlers

import "testing"

func TestHasNUL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		json bool
		want bool
	}{
		{"a=b&c=d", false, false},
		{"a=b%00c", false, true},
		{"a=b\x00c", false, true},
		{"q=%2500", false, false}, // an encoded "%00" is text
		{`{"a":"b\u0000c"}`, true, true},
		{`{"a":"b\\u0000c"}`, true, false}, // a backslash, then the text u0000
		{`{"a":"b\\\u0000c"}`, true, true},
		{`{"a":"u0000"}`, true, false},
		{`{"a":"b\u0000c"}`, false, false}, // a form body has no JSON escapes
	} {
		if got := hasNUL([]byte(tc.in), tc.json); got != tc.want {
			t.Errorf("hasNUL(%q, json=%v) = %v, want %v", tc.in, tc.json, got, tc.want)
		}
	}
}
