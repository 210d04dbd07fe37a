package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var slugify = harness.Register(&harness.Task{
	ID:         "slugify",
	Category:   harness.SimpleCoding,
	Title:      "Write a URL slug function",
	Difficulty: 2,
	MaxTokens:  1024,
	Tags:       []string{"go", "strings"},
	Prompt: `Write a Go function in package slug:

    func Slugify(title string) string

It turns a blog post title into a URL slug:
- ASCII letters are lower-cased, ASCII digits are kept;
- every run of other characters (spaces, punctuation, non-ASCII letters) becomes a single "-";
- the result has no leading or trailing "-";
- a title with no letters or digits gives "".

Examples: "Hello, World!" → "hello-world"; "  Go 1.22 -- what's new?  " → "go-1-22-what-s-new"; "¡¡!!" → "".

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"string processing", "edge cases: repeated separators, leading/trailing separators, empty result"},
	Reference: harness.Fenced("go", `package slug

import "strings"

// Slugify turns a title into a URL slug.
func Slugify(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "slug",
		Tests: map[string]string{"slug_test.go": `package slug

import "testing"

func TestExamples(t *testing.T) {
	for in, want := range map[string]string{
		"Hello, World!":               "hello-world",
		"  Go 1.22 -- what's new?  ":  "go-1-22-what-s-new",
		"¡¡!!":                        "",
		"":                            "",
		"already-a-slug":              "already-a-slug",
	} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNonASCIILettersAreSeparators(t *testing.T) {
	if got := Slugify("Crème Brûlée"); got != "cr-me-br-l-e" {
		t.Errorf("Slugify(%q) = %q, want %q", "Crème Brûlée", got, "cr-me-br-l-e")
	}
}

func TestRunsCollapse(t *testing.T) {
	if got := Slugify("a  --  b"); got != "a-b" {
		t.Errorf("got %q, want a-b", got)
	}
	if got := Slugify("--x--"); got != "x" {
		t.Errorf("got %q, want x", got)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Misses collapsing runs of separators.
		harness.Fenced("go", `package slug

import "strings"

func Slugify(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}`),
	},
})

func TestSlugify(t *testing.T) { harness.Run(t, slugify) }
