package realworld

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// retryAfterFunc is the function to document.
const retryAfterFunc = `func RetryAfter(h http.Header, now time.Time, max time.Duration) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	if max > 0 && d > max {
		d = max
	}
	return d, true
}`

var goDocCommentRetryAfter = harness.Register(&harness.Task{
	ID:         "go-doc-comment-retry-after",
	Category:   harness.NonCoding,
	Title:      "Write the Go doc comment for an exported function",
	Difficulty: 1,
	MaxTokens:  768,
	Tags:       []string{"real-world", "go", "documentation"},
	Prompt: `This exported function in our package httpx has no doc comment yet:

` + harness.Fenced("go", retryAfterFunc) + `

Write its doc comment, following Go's doc comment conventions. Callers read it on pkg.go.dev, so it must tell them everything they need to use the function correctly (the accepted header formats, what is returned when, and the role of each parameter), without narrating the implementation line by line.

Reply with the complete function, your doc comment followed by the unchanged code, in one fenced Go code block.`,
	Capabilities: []string{"follows Go doc comment conventions (starts with the name, full sentences)", "documents every behaviour a caller depends on, including edge cases", "leaves the code unchanged"},
	Reference: harness.Fenced("go", `// RetryAfter reports how long to wait before retrying a request, according to
// the Retry-After header in h.
//
// The header may hold either a number of seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT"); a date is turned into a delay relative to
// now, and a date in the past gives a delay of 0. If max is positive, the delay
// is capped at max; a max of zero or less means no cap.
//
// The boolean result is false, with a zero duration, when the header is missing
// or empty, is a negative number, or cannot be parsed as either form.
`+retryAfterFunc),
	Checks: []harness.Check{
		harness.Func{Label: "doc-comment", Version: "1", Fn: checkRetryAfterDoc},
	},
	WrongAnswers: []string{
		// Conventional, but silent on the edge cases.
		harness.Fenced("go", "// RetryAfter parses the Retry-After header and returns the delay in seconds.\n"+retryAfterFunc),
		// Good content, but not a Go doc comment (does not start with the name) and the code was "improved".
		harness.Fenced("go", `// This function reads the Retry-After header (seconds or an HTTP-date) relative to
// now. Dates in the past give 0; the delay is capped at max when max > 0. It returns
// false if the header is missing or invalid.
`+strings.Replace(retryAfterFunc, "if secs < 0 {", "if secs <= 0 {", 1)),
	},
})

// retryAfterFacts are what the doc comment must tell callers, as alternatives.
var retryAfterFacts = map[string]*regexp.Regexp{
	"the seconds form":              regexp.MustCompile(`(?i)second`),
	"the HTTP-date form":            regexp.MustCompile(`(?i)date`),
	"past dates give 0":             regexp.MustCompile(`(?i)\bpast\b|elapsed|already|before now|earlier than now`),
	"the cap":                       regexp.MustCompile(`(?i)\bcap|clamp|at most|no more than|limit|longer than|exceed`),
	"non-positive max means no cap": regexp.MustCompile(`(?i)max\w*[^.]{0,40}(zero|non-positive|nonpositive|<= ?0|0 or less|negative)|no cap|no limit|unlimited|uncapped|not capped|disables`),
	"the false result":              regexp.MustCompile(`(?i)\bfalse\b|\bok\b`),
	"missing or invalid headers":    regexp.MustCompile(`(?i)missing|absent|empty|not present|not set|invalid|malformed|unparsable|unparseable|cannot be parsed|can't be parsed|neither`),
}

// checkRetryAfterDoc checks that the answer's RetryAfter has a conventional doc comment
// covering retryAfterFacts, and that its signature and body are unchanged.
func checkRetryAfterDoc(_ context.Context, answer string) harness.CheckResult {
	src, err := harness.GoCode(answer)
	if err != nil {
		return harness.CheckResult{Detail: err.Error()}
	}
	fn, fset, err := findFunc(src, "RetryAfter")
	if err != nil {
		return harness.CheckResult{Detail: err.Error()}
	}
	want, wantSet, err := findFunc(retryAfterFunc, "RetryAfter")
	if err != nil {
		return harness.CheckResult{Detail: "the task's own function does not parse: " + err.Error()}
	}
	var bad []string
	if printNode(fset, fn.Type) != printNode(wantSet, want.Type) || printNode(fset, fn.Body) != printNode(wantSet, want.Body) {
		bad = append(bad, "the function's code was changed")
	}
	doc := ""
	if fn.Doc != nil {
		doc = fn.Doc.Text()
	}
	switch {
	case strings.TrimSpace(doc) == "":
		bad = append(bad, "no doc comment")
	case !strings.HasPrefix(doc, "RetryAfter "):
		bad = append(bad, "the doc comment does not start with the function's name")
	}
	for _, name := range sortedKeys(retryAfterFacts) {
		if !retryAfterFacts[name].MatchString(doc) {
			bad = append(bad, "the doc comment does not mention "+name)
		}
	}
	if len(bad) > 0 {
		return harness.CheckResult{Score: 1 - float64(len(bad))/float64(len(retryAfterFacts)+2), Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

// findFunc parses src (a file, or declarations without a package clause) and returns
// the top-level function named name.
func findFunc(src, name string) (*ast.FuncDecl, *token.FileSet, error) {
	if !regexp.MustCompile(`(?m)^package\s+\w+`).MatchString(src) {
		src = "package p\n\n" + src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "answer.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, fmt.Errorf("the Go code does not parse: %v", err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == name {
			return fn, fset, nil
		}
	}
	return nil, nil, fmt.Errorf("no function %s in the answer", name)
}

// printNode formats n without comments, so layout and comments don't matter.
func printNode(fset *token.FileSet, n ast.Node) string {
	var b bytes.Buffer
	if err := (&printer.Config{Mode: printer.RawFormat}).Fprint(&b, fset, n); err != nil {
		return "<" + err.Error() + ">"
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestGoDocCommentRetryAfter(t *testing.T) { harness.Run(t, goDocCommentRetryAfter) }
