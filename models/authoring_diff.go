package models

import "strings"

// DiffOp says what happened to a line between two texts.
type DiffOp int

// Diff operations.
const (
	DiffSame DiffOp = iota
	DiffAdded
	DiffRemoved
)

// DiffLine is one line of a line diff.
type DiffLine struct {
	Op   DiffOp
	Text string
}

// diffMaxCells bounds the LCS table (lines of a × lines of b); beyond it
// the diff shows every old line removed and every new line added.
const diffMaxCells = 4_000_000

// LineDiff compares a and b line by line (longest common subsequence) and
// returns the lines of both in order, each kept, added or removed.
func LineDiff(a, b string) []DiffLine {
	x, y := splitLines(a), splitLines(b)
	// Common prefix and suffix need no table.
	pre := 0
	for pre < len(x) && pre < len(y) && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && x[len(x)-1-suf] == y[len(y)-1-suf] {
		suf++
	}
	out := make([]DiffLine, 0, len(x)+len(y))
	for _, l := range x[:pre] {
		out = append(out, DiffLine{DiffSame, l})
	}
	mx, my := x[pre:len(x)-suf], y[pre:len(y)-suf]
	if len(mx)*len(my) > diffMaxCells {
		for _, l := range mx {
			out = append(out, DiffLine{DiffRemoved, l})
		}
		for _, l := range my {
			out = append(out, DiffLine{DiffAdded, l})
		}
	} else {
		out = append(out, lcsDiff(mx, my)...)
	}
	for _, l := range x[len(x)-suf:] {
		out = append(out, DiffLine{DiffSame, l})
	}
	return out
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// lcsDiff is the classic dynamic-programming diff of x and y.
func lcsDiff(x, y []string) []DiffLine {
	n, m := len(x), len(y)
	// t[i][j] is the LCS length of x[i:] and y[j:].
	t := make([][]int, n+1)
	for i := range t {
		t[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{DiffSame, x[i]})
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, DiffLine{DiffRemoved, x[i]})
			i++
		default:
			out = append(out, DiffLine{DiffAdded, y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{DiffRemoved, x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{DiffAdded, y[j]})
	}
	return out
}
