package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Check is a deterministic test of an answer. Checks see the answer with inline
// reasoning already removed.
type Check interface {
	// Name identifies the check in stored results, e.g. "hidden-tests".
	Name() string
	// Spec is a canonical description of what the check tests (expected values, hidden
	// test sources): it goes into the task's content hash, so changing a check re-runs
	// the task.
	Spec() string
	// Run checks answer. It never panics on odd input; a check that cannot run reports
	// a failed result saying why.
	Run(ctx context.Context, answer string) CheckResult
}

// CheckResult is one check's verdict on one answer.
type CheckResult struct {
	Name   string  `json:"name"`
	Passed bool    `json:"passed"`
	Score  float64 `json:"score"`            // 0–1; partial credit, e.g. 7 of 10 hidden tests
	Detail string  `json:"detail,omitempty"` // which part failed, and why
	// Isolation notes the sandbox's protections when the check ran generated code.
	Isolation string `json:"isolation,omitempty"`
}

func pass(name string) CheckResult { return CheckResult{Name: name, Passed: true, Score: 1} }

func fail(name, format string, args ...any) CheckResult {
	return CheckResult{Name: name, Detail: fmt.Sprintf(format, args...)}
}

// fraction scores ok of total parts, listing the parts that failed.
func fraction(name string, ok, total int, failures []string) CheckResult {
	if total == 0 {
		return fail(name, "nothing to check")
	}
	r := CheckResult{Name: name, Score: float64(ok) / float64(total), Passed: ok == total}
	if len(failures) > 0 {
		r.Detail = fmt.Sprintf("%d of %d failed: %s", total-ok, total, strings.Join(failures, "; "))
	}
	return r
}

// RunChecks runs checks against answer and returns each result, the mean score, and
// whether all passed. Inline reasoning is removed from answer first.
func RunChecks(ctx context.Context, checks []Check, answer string) (rs []CheckResult, score float64, passed bool) {
	answer, _ = SplitThinking(answer)
	passed = true
	for _, c := range checks {
		r := c.Run(ctx, answer)
		r.Name = c.Name()
		r.Score = math.Max(0, math.Min(1, r.Score))
		rs = append(rs, r)
		score += r.Score
		passed = passed && r.Passed
	}
	if len(checks) > 0 {
		score /= float64(len(checks))
	}
	return rs, score, passed
}

// Contains passes when the answer mentions every one of All (case-insensitive);
// each alternative in an entry is separated by '|': "rollback|roll back".
type Contains struct {
	Label string // check name; "contains" when empty
	All   []string
}

// Name implements Check.
func (c Contains) Name() string { return orDefault(c.Label, "contains") }

// Spec implements Check.
func (c Contains) Spec() string { return "contains:" + strings.Join(c.All, "\x00") }

// Run implements Check.
func (c Contains) Run(_ context.Context, answer string) CheckResult {
	low := strings.ToLower(answer)
	var missing []string
	for _, want := range c.All {
		if !slices.ContainsFunc(strings.Split(want, "|"), func(alt string) bool {
			return strings.Contains(low, strings.ToLower(alt))
		}) {
			missing = append(missing, fmt.Sprintf("missing %q", want))
		}
	}
	return fraction(c.Name(), len(c.All)-len(missing), len(c.All), missing)
}

// Lacks passes when the answer mentions none of Any (case-insensitive): claims that
// are wrong, facts that are not in the source, leaked secrets. As in Contains, '|'
// separates alternatives of one entry: "dns|name resolution".
type Lacks struct {
	Label string // check name; "lacks" when empty
	Any   []string
}

// Name implements Check.
func (c Lacks) Name() string { return orDefault(c.Label, "lacks") }

// Spec implements Check.
func (c Lacks) Spec() string { return "lacks:" + strings.Join(c.Any, "\x00") }

// Run implements Check.
func (c Lacks) Run(_ context.Context, answer string) CheckResult {
	if strings.TrimSpace(answer) == "" {
		return fail(c.Name(), "empty answer")
	}
	low := strings.ToLower(answer)
	var found []string
	for _, bad := range c.Any {
		for _, alt := range strings.Split(bad, "|") {
			if strings.Contains(low, strings.ToLower(alt)) {
				found = append(found, fmt.Sprintf("says %q", alt))
				break
			}
		}
	}
	return fraction(c.Name(), len(c.Any)-len(found), len(c.Any), found)
}

// Matches passes when every regular expression matches the answer.
type Matches struct {
	Label    string // check name; "matches" when empty
	Patterns []string
}

// Name implements Check.
func (c Matches) Name() string { return orDefault(c.Label, "matches") }

// Spec implements Check.
func (c Matches) Spec() string { return "matches:" + strings.Join(c.Patterns, "\x00") }

// Run implements Check.
func (c Matches) Run(_ context.Context, answer string) CheckResult {
	var missing []string
	for _, p := range c.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return fail(c.Name(), "pattern %q does not compile: %v", p, err)
		}
		if !re.MatchString(answer) {
			missing = append(missing, fmt.Sprintf("no match for /%s/", p))
		}
	}
	return fraction(c.Name(), len(c.Patterns)-len(missing), len(c.Patterns), missing)
}

// FinalAnswer checks a one-answer task: the answer's last line starting with Prefix
// (default "ANSWER:") must equal one of Want after normalising case, spaces and a
// trailing period.
type FinalAnswer struct {
	Prefix string
	Want   []string
}

// Name implements Check.
func (c FinalAnswer) Name() string { return "final-answer" }

// Spec implements Check.
func (c FinalAnswer) Spec() string {
	return "final:" + c.prefix() + "\x00" + strings.Join(c.Want, "\x00")
}

func (c FinalAnswer) prefix() string { return orDefault(c.Prefix, "ANSWER:") }

// Run implements Check.
func (c FinalAnswer) Run(_ context.Context, answer string) CheckResult {
	var got string
	found := false
	for _, line := range strings.Split(answer, "\n") {
		l := strings.Trim(strings.TrimSpace(line), "*_`")
		if i := strings.Index(strings.ToUpper(l), strings.ToUpper(c.prefix())); i == 0 {
			got, found = strings.TrimSpace(l[len(c.prefix()):]), true
		}
	}
	if !found {
		return fail(c.Name(), "no line starting with %q", c.prefix())
	}
	norm := func(s string) string {
		s = strings.ToLower(strings.Trim(strings.TrimSpace(s), "*_`."))
		return strings.Join(strings.Fields(s), " ")
	}
	for _, w := range c.Want {
		if norm(got) == norm(w) {
			return pass(c.Name())
		}
	}
	return fail(c.Name(), "final answer %q, want %q", got, c.Want[0])
}

// JSONFields compares the JSON an answer gives with Want (a JSON document) field by
// field: every leaf of Want must be present with an equal value (strings compared
// case-insensitively after trimming, numbers within 1e-9). Extra fields are allowed
// unless Strict is set. Arrays compare element by element unless Unordered is set, in
// which case they compare as sets of leaves.
type JSONFields struct {
	Want      string
	Strict    bool
	Unordered bool
}

// Name implements Check.
func (c JSONFields) Name() string { return "json-fields" }

// Spec implements Check.
func (c JSONFields) Spec() string {
	return fmt.Sprintf("json:%v:%v:%s", c.Strict, c.Unordered, c.Want)
}

// Run implements Check.
func (c JSONFields) Run(_ context.Context, answer string) CheckResult {
	var want any
	if err := json.Unmarshal([]byte(c.Want), &want); err != nil {
		return fail(c.Name(), "the task's expected JSON does not parse: %v", err)
	}
	got, err := JSONValue(answer)
	if err != nil {
		return fail(c.Name(), "%v", err)
	}
	wantLeaves, gotLeaves := leaves("", want, c.Unordered), leaves("", got, c.Unordered)
	keys := make([]string, 0, len(wantLeaves))
	for k := range wantLeaves {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var failures []string
	ok := 0
	for _, k := range keys {
		g, present := gotLeaves[k]
		switch {
		case !present:
			failures = append(failures, fmt.Sprintf("%s missing", k))
		case !sameLeaf(wantLeaves[k], g):
			failures = append(failures, fmt.Sprintf("%s = %v, want %v", k, g, wantLeaves[k]))
		default:
			ok++
		}
	}
	total := len(keys)
	if c.Strict {
		for k := range gotLeaves {
			if _, expected := wantLeaves[k]; !expected {
				failures = append(failures, fmt.Sprintf("%s is not expected", k))
				total++
			}
		}
	}
	return fraction(c.Name(), ok, total, failures)
}

// leaves flattens v into path → scalar. With unordered arrays, an array's scalar
// elements become keys "path[]=value" so order does not matter.
func leaves(prefix string, v any, unordered bool) map[string]any {
	out := map[string]any{}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			for lk, lv := range leaves(p, e, unordered) {
				out[lk] = lv
			}
		}
	case []any:
		for i, e := range x {
			if unordered {
				if _, scalar := e.(map[string]any); !scalar {
					if _, arr := e.([]any); !arr {
						out[fmt.Sprintf("%s[]=%v", prefix, normScalar(e))] = true
						continue
					}
				}
			}
			for lk, lv := range leaves(fmt.Sprintf("%s[%d]", prefix, i), e, unordered) {
				out[lk] = lv
			}
		}
		if len(x) == 0 {
			out[prefix] = "[]"
		}
	default:
		out[prefix] = v
	}
	return out
}

func normScalar(v any) any {
	if s, ok := v.(string); ok {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return v
}

func sameLeaf(want, got any) bool {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		return ok && math.Abs(w-g) <= 1e-9*math.Max(1, math.Abs(w))
	case string:
		g, ok := got.(string)
		return ok && strings.EqualFold(strings.TrimSpace(w), strings.TrimSpace(g))
	default:
		return want == got
	}
}

// CommitMessage checks the shape of a commit message: a subject line of at most
// MaxSubject characters (default 72) in the imperative mood ("Fix", not "Fixed" or
// "Fixes"), no trailing period, and a blank line between subject and body.
type CommitMessage struct {
	MaxSubject int
}

// Name implements Check.
func (c CommitMessage) Name() string { return "commit-message-shape" }

// Spec implements Check.
func (c CommitMessage) Spec() string { return fmt.Sprintf("commit-v2:%d", c.max()) }

func (c CommitMessage) max() int {
	if c.MaxSubject > 0 {
		return c.MaxSubject
	}
	return 72
}

var conventionalPrefix = regexp.MustCompile(`^[a-z]+(\([^)]*\))?!?:\s*`)

// commitVerbs are the verbs commit subjects start with; their third-person, past and
// -ing forms are what the imperative check rejects ("Fixed", "Fixes", "Fixing").
// Words merely ending in "ed" or "ing" ("Embed", "Bring") are fine.
var commitVerbs = strings.Fields(`add fix update remove change improve refactor make use move rename
	handle implement introduce allow ensure prevent return support bump correct replace clean create
	delete enable disable avoid reduce check convert merge revert drop upgrade downgrade document
	simplify split extract restore rewrite tweak adjust validate guard retry cancel log test build
	release prepare set speed bring embed apply pass skip stop start limit cap wrap expose export
	migrate optimize optimise cache parse format sort load store`)

var nonImperative = func() map[string]bool {
	forms := map[string]bool{}
	for _, v := range commitVerbs {
		stem := strings.TrimSuffix(v, "e")
		last := v[len(v)-1:]
		for _, f := range []string{v + "s", v + "es", v + "ed", v + "d", v + "ing", stem + "ing", stem + "ed",
			v + last + "ed", v + last + "ing", strings.TrimSuffix(v, "y") + "ies", strings.TrimSuffix(v, "y") + "ied"} {
			if f != v {
				forms[f] = true
			}
		}
	}
	for _, irregular := range []string{"made", "built", "brought", "sped", "set", "split", "rewrote", "rewritten", "kept", "ran"} {
		forms[irregular] = true
	}
	for _, v := range commitVerbs {
		delete(forms, v) // "set", "split" are imperative too
	}
	return forms
}()

// Run implements Check.
func (c CommitMessage) Run(_ context.Context, answer string) CheckResult {
	msg := strings.TrimSpace(answer)
	if blocks := CodeBlocks(msg); len(blocks) == 1 && strings.TrimSpace(blocks[0].Code) != "" {
		msg = strings.TrimSpace(blocks[0].Code)
	}
	if msg == "" {
		return fail(c.Name(), "empty commit message")
	}
	lines := strings.Split(msg, "\n")
	subject := strings.TrimSpace(lines[0])
	var failures []string
	parts := 4
	if n := len([]rune(subject)); n > c.max() {
		failures = append(failures, fmt.Sprintf("subject is %d characters, limit %d", n, c.max()))
	}
	if strings.HasSuffix(subject, ".") {
		failures = append(failures, "subject ends with a period")
	}
	first := strings.Fields(conventionalPrefix.ReplaceAllString(subject, ""))
	if len(first) == 0 {
		failures = append(failures, "subject has no words")
	} else {
		w := strings.ToLower(strings.TrimFunc(first[0], func(r rune) bool { return !unicode.IsLetter(r) }))
		if nonImperative[w] {
			failures = append(failures, fmt.Sprintf("subject starts with %q: use the imperative (\"Fix\", not \"Fixed\"/\"Fixes\")", first[0]))
		}
	}
	if len(lines) > 1 && strings.TrimSpace(lines[1]) != "" {
		failures = append(failures, "no blank line between subject and body")
	}
	return fraction(c.Name(), parts-len(failures), parts, failures)
}

// Func is a check written as a function, for what the built-in checks don't cover.
// Version must change whenever Fn's behaviour changes: it stands for Fn in the task's
// content hash.
type Func struct {
	Label   string
	Version string
	Fn      func(ctx context.Context, answer string) CheckResult
	// Cache keeps Fn's result for an answer in lim's check cache (keyed by the label,
	// version and answer), for expensive deterministic checks such as ones that run
	// code in the sandbox. Only set it when Fn depends on nothing but the answer.
	Cache bool
}

// Name implements Check.
func (c Func) Name() string { return c.Label }

// Spec implements Check.
func (c Func) Spec() string { return "func:" + c.Label + ":" + c.Version }

// Run implements Check.
func (c Func) Run(ctx context.Context, answer string) CheckResult {
	if !c.Cache {
		return c.Fn(ctx, answer)
	}
	return throughCheckCache(ctx, c.Spec(), map[string]string{"answer": answer}, func() CheckResult { return c.Fn(ctx, answer) })
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
