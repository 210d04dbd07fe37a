package debugging

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const paginationBuggy = `package page

// DefaultPerPage is used when the caller asks for fewer than one item per page.
const DefaultPerPage = 20

// Item is one row of a listing.
type Item struct {
	ID   int
	Name string
}

// Page returns the items of the given page. Pages are numbered from 1; a page < 1 is
// treated as page 1. Pages past the end are empty (nil).
func Page(items []Item, page, perPage int) []Item {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	start := page * perPage
	if start >= len(items) {
		return nil
	}
	end := start + perPage
	if end > len(items) {
		end = len(items)
	}
	return items[start:end]
}

// TotalPages returns how many pages total items fill, perPage to a page.
func TotalPages(total, perPage int) int {
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	return (total + perPage - 1) / perPage
}`

var paginationOffByOne = harness.Register(&harness.Task{
	ID:         "pagination-off-by-one",
	Category:   harness.Debugging,
	Title:      "Fix an off-by-one in 1-based pagination",
	Difficulty: 1,
	MaxTokens:  1024,
	Tags:       []string{"go", "pagination", "off-by-one"},
	Prompt: `The /items endpoint of our admin API paginates with this package. QA reports that page 1
never shows the first items and the last page is always empty. The unit tests fail:

    --- FAIL: TestFirstPage (0.00s)
        page_test.go:14: Page(items, 1, 10) returned IDs 11..20, want 1..10
    --- FAIL: TestLastPartialPage (0.00s)
        page_test.go:27: Page(items, 3, 10) with 25 items returned 0 items, want IDs 21..25
    FAIL

page.go:

` + harness.Fenced("go", paginationBuggy) + `

Fix the bug. Keep the package name, the exported API and the documented behaviour.
Reply with the complete fixed page.go in one fenced code block.`,
	Capabilities: []string{"reads a failing test", "fixes boundary arithmetic", "keeps documented edge cases"},
	Reference: harness.Fenced("go", `package page

// DefaultPerPage is used when the caller asks for fewer than one item per page.
const DefaultPerPage = 20

// Item is one row of a listing.
type Item struct {
	ID   int
	Name string
}

// Page returns the items of the given page. Pages are numbered from 1; a page < 1 is
// treated as page 1. Pages past the end are empty (nil).
func Page(items []Item, page, perPage int) []Item {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	start := (page - 1) * perPage // pages are 1-based
	if start >= len(items) {
		return nil
	}
	end := start + perPage
	if end > len(items) {
		end = len(items)
	}
	return items[start:end]
}

// TotalPages returns how many pages total items fill, perPage to a page.
func TotalPages(total, perPage int) int {
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	return (total + perPage - 1) / perPage
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "page",
		Tests: map[string]string{"page_test.go": `package page

import "testing"

func items(n int) []Item {
	out := make([]Item, n)
	for i := range out {
		out[i] = Item{ID: i + 1}
	}
	return out
}

func ids(t *testing.T, got []Item, first, last int) {
	t.Helper()
	if len(got) != last-first+1 {
		t.Fatalf("got %d items, want IDs %d..%d", len(got), first, last)
	}
	for i, it := range got {
		if it.ID != first+i {
			t.Fatalf("item %d has ID %d, want %d", i, it.ID, first+i)
		}
	}
}

func TestFirstPage(t *testing.T) { ids(t, Page(items(25), 1, 10), 1, 10) }

func TestMiddlePage(t *testing.T) { ids(t, Page(items(25), 2, 10), 11, 20) }

func TestLastPartialPage(t *testing.T) { ids(t, Page(items(25), 3, 10), 21, 25) }

func TestExactLastPage(t *testing.T) { ids(t, Page(items(30), 3, 10), 21, 30) }

func TestPastTheEnd(t *testing.T) {
	for _, p := range []int{4, 5, 100} {
		if got := Page(items(30), p, 10); got != nil {
			t.Errorf("page %d: got %d items, want nil", p, len(got))
		}
	}
	if got := Page(nil, 1, 10); got != nil {
		t.Errorf("empty listing: got %v, want nil", got)
	}
}

func TestPageBelowOne(t *testing.T) {
	ids(t, Page(items(25), 0, 10), 1, 10)
	ids(t, Page(items(25), -3, 10), 1, 10)
}

func TestDefaultPerPage(t *testing.T) {
	ids(t, Page(items(50), 2, 0), 21, 40)
	ids(t, Page(items(50), 1, -1), 1, 20)
}

func TestTotalPages(t *testing.T) {
	for _, c := range []struct{ total, per, want int }{{0, 10, 0}, {1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {25, 10, 3}, {41, 0, 3}} {
		if got := TotalPages(c.total, c.per); got != c.want {
			t.Errorf("TotalPages(%d, %d) = %d, want %d", c.total, c.per, got, c.want)
		}
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", paginationBuggy),
		// Shifts the start but then treats end as inclusive: every page loses its last item.
		harness.Fenced("go", `package page

const DefaultPerPage = 20

type Item struct {
	ID   int
	Name string
}

func Page(items []Item, page, perPage int) []Item {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	start := (page - 1) * perPage
	if start >= len(items) {
		return nil
	}
	end := start + perPage - 1
	if end > len(items) {
		end = len(items)
	}
	return items[start:end]
}

func TotalPages(total, perPage int) int {
	if perPage < 1 {
		perPage = DefaultPerPage
	}
	return (total + perPage - 1) / perPage
}`),
	},
})

func TestPaginationOffByOne(t *testing.T) { harness.Run(t, paginationOffByOne) }
