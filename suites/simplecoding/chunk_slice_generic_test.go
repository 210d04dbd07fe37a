package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var chunkSliceGeneric = harness.Register(&harness.Task{
	ID:         "chunk-slice-generic",
	Category:   harness.SimpleCoding,
	Title:      "Write a generic Chunk that splits a slice into batches",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"go", "generics", "slices"},
	Prompt: `We send rows to an API in batches. Write a generic Go function in package batch:

    func Chunk[T any](s []T, size int) [][]T

Rules:
- it splits s into consecutive chunks of size elements; the last chunk holds the remainder
  and may be shorter; the chunks together are s, in order;
- an empty or nil s gives a result of length 0;
- size < 1 panics;
- no copying: each chunk is a sub-slice of s (it shares s's backing array), but each
  chunk's capacity must equal its length, so that appending to one chunk can never
  overwrite elements of the next chunk or of s.

Example: Chunk([]int{1, 2, 3, 4, 5}, 2) → [[1 2] [3 4] [5]].

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"generic functions", "slice bounds and remainder", "full slice expressions to cap capacity"},
	Reference: harness.Fenced("go", `package batch

// Chunk splits s into consecutive sub-slices of at most size elements. The chunks share
// s's backing array but are capacity-limited, so appending to one never clobbers the next.
func Chunk[T any](s []T, size int) [][]T {
	if size < 1 {
		panic("batch: Chunk size must be at least 1")
	}
	out := make([][]T, 0, (len(s)+size-1)/size)
	for start := 0; start < len(s); start += size {
		end := min(start+size, len(s))
		out = append(out, s[start:end:end])
	}
	return out
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "batch",
		Tests: map[string]string{"batch_test.go": `package batch

import (
	"fmt"
	"testing"
)

func TestSplits(t *testing.T) {
	cases := []struct {
		n, size int
		want    string
	}{
		{5, 2, "[[0 1] [2 3] [4]]"},
		{6, 2, "[[0 1] [2 3] [4 5]]"},
		{3, 5, "[[0 1 2]]"},
		{3, 3, "[[0 1 2]]"},
		{4, 1, "[[0] [1] [2] [3]]"},
		{7, 3, "[[0 1 2] [3 4 5] [6]]"},
	}
	for _, c := range cases {
		s := make([]int, c.n)
		for i := range s {
			s[i] = i
		}
		if got := fmt.Sprint(Chunk(s, c.size)); got != c.want {
			t.Errorf("Chunk(%d items, %d) = %s, want %s", c.n, c.size, got, c.want)
		}
	}
}

func TestEmpty(t *testing.T) {
	if got := Chunk([]string{}, 3); len(got) != 0 {
		t.Errorf("Chunk(empty) = %v, want length 0", got)
	}
	if got := Chunk[string](nil, 3); len(got) != 0 {
		t.Errorf("Chunk(nil) = %v, want length 0", got)
	}
}

func TestPanicsOnBadSize(t *testing.T) {
	for _, size := range []int{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Chunk(s, %d) did not panic", size)
				}
			}()
			Chunk([]int{1, 2, 3}, size)
		}()
	}
}

func TestSharesBackingArray(t *testing.T) {
	s := []int{1, 2, 3, 4, 5}
	chunks := Chunk(s, 2)
	if &chunks[0][0] != &s[0] || &chunks[1][0] != &s[2] || &chunks[2][0] != &s[4] {
		t.Fatal("chunks are copies; they must be sub-slices of s")
	}
}

func TestAppendDoesNotClobber(t *testing.T) {
	s := []int{1, 2, 3, 4, 5}
	chunks := Chunk(s, 2)
	for i, c := range chunks {
		if cap(c) != len(c) {
			t.Errorf("chunk %d has len %d, cap %d; want cap == len", i, len(c), cap(c))
		}
	}
	_ = append(chunks[0], 99)
	_ = append(chunks[1], 98)
	if fmt.Sprint(s) != "[1 2 3 4 5]" {
		t.Errorf("appending to a chunk changed s to %v", s)
	}
	if fmt.Sprint(chunks) != "[[1 2] [3 4] [5]]" {
		t.Errorf("appending to a chunk changed the chunks to %v", chunks)
	}
}

func TestOtherTypes(t *testing.T) {
	type row struct{ ID int }
	got := Chunk([]row{{1}, {2}, {3}}, 2)
	if len(got) != 2 || got[1][0].ID != 3 {
		t.Errorf("Chunk(rows, 2) = %v", got)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Plain s[start:end]: appending to a chunk overwrites the next one.
		harness.Fenced("go", `package batch

func Chunk[T any](s []T, size int) [][]T {
	if size < 1 {
		panic("bad size")
	}
	var out [][]T
	for start := 0; start < len(s); start += size {
		end := start + size
		if end > len(s) {
			end = len(s)
		}
		out = append(out, s[start:end])
	}
	return out
}`),
		// Drops the short last chunk.
		harness.Fenced("go", `package batch

func Chunk[T any](s []T, size int) [][]T {
	if size < 1 {
		panic("bad size")
	}
	var out [][]T
	for start := 0; start+size <= len(s); start += size {
		out = append(out, s[start:start+size:start+size])
	}
	return out
}`),
	},
})

func TestChunkSliceGeneric(t *testing.T) { harness.Run(t, chunkSliceGeneric) }
