package harness

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTextChecks(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		check  Check
		answer string
		passed bool
		score  float64
		detail string
	}{
		{"contains all", Contains{All: []string{"rollback|roll back", "v2.3"}}, "We should Roll Back to v2.3.", true, 1, ""},
		{"contains some", Contains{All: []string{"disk full", "v2.3"}}, "Rolled back to v2.3", false, 0.5, `missing "disk full"`},
		{"lacks", Lacks{Any: []string{"DNS"}}, "the cause was the disk", true, 1, ""},
		{"lacks violated", Lacks{Any: []string{"DNS", "memory"}}, "It was DNS.", false, 0.5, `says "DNS"`},
		{"lacks alternatives", Lacks{Any: []string{"dns|name resolution"}}, "a name resolution failure", false, 0, `says "name resolution"`},
		{"lacks on empty", Lacks{Any: []string{"DNS"}}, "", false, 0, "empty answer"},
		{"matches", Matches{Patterns: []string{`(?m)^## Slide 1`}}, "## Slide 1: Intro", true, 1, ""},
		{"final answer", FinalAnswer{Want: []string{"42"}}, "Reasoning...\nANSWER: 42.", true, 1, ""},
		{"final answer bold", FinalAnswer{Want: []string{"b"}}, "**ANSWER: B**", true, 1, ""},
		{"final answer last wins", FinalAnswer{Want: []string{"7"}}, "ANSWER: 6\nwait\nANSWER: 7", true, 1, ""},
		{"final answer wrong", FinalAnswer{Want: []string{"42"}}, "ANSWER: 41", false, 0, `"41"`},
		{"final answer missing", FinalAnswer{Want: []string{"42"}}, "42", false, 0, "no line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.check.Run(ctx, tc.answer)
			assert.Equal(t, tc.passed, r.Passed, r.Detail)
			assert.InDelta(t, tc.score, r.Score, 1e-9)
			if tc.detail != "" {
				assert.Contains(t, r.Detail, tc.detail)
			}
		})
	}
}

func TestJSONFields(t *testing.T) {
	ctx := context.Background()
	want := `{"order": "SO-1042", "total": 1250.5, "items": [{"sku": "A1", "qty": 2}], "tags": ["urgent", "export"]}`
	for _, tc := range []struct {
		name   string
		check  JSONFields
		answer string
		passed bool
		detail string
	}{
		{"exact", JSONFields{Want: want}, want, true, ""},
		{"case and space in strings", JSONFields{Want: want}, `{"order": " so-1042", "total": 1250.50, "items": [{"sku": "a1", "qty": 2}], "tags": ["urgent", "export"], "extra": 1}`, true, ""},
		{"wrong number", JSONFields{Want: want}, `{"order": "SO-1042", "total": 1250, "items": [{"sku": "A1", "qty": 2}], "tags": ["urgent", "export"]}`, false, "total = 1250, want 1250.5"},
		{"missing field", JSONFields{Want: want}, `{"order": "SO-1042"}`, false, "total missing"},
		{"order matters by default", JSONFields{Want: want}, `{"order": "SO-1042", "total": 1250.5, "items": [{"sku": "A1", "qty": 2}], "tags": ["export", "urgent"]}`, false, "tags[0]"},
		{"unordered", JSONFields{Want: want, Unordered: true}, `{"order": "SO-1042", "total": 1250.5, "items": [{"sku": "A1", "qty": 2}], "tags": ["export", "urgent"]}`, true, ""},
		{"strict rejects extras", JSONFields{Want: `{"a": 1}`, Strict: true}, `{"a": 1, "b": 2}`, false, "b is not expected"},
		{"not json", JSONFields{Want: want}, "I don't know", false, "no JSON"},
		{"string vs number", JSONFields{Want: `{"qty": 2}`}, `{"qty": "2"}`, false, "qty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.check.Run(ctx, tc.answer)
			assert.Equal(t, tc.passed, r.Passed, r.Detail)
			if tc.detail != "" {
				assert.Contains(t, r.Detail, tc.detail)
			}
		})
	}
}

func TestCommitMessage(t *testing.T) {
	ctx := context.Background()
	c := CommitMessage{}
	for _, tc := range []struct {
		name, msg string
		passed    bool
		detail    string
	}{
		{"good", "Fix off-by-one in page count\n\nThe last page was dropped when…", true, ""},
		{"conventional prefix", "fix(pager): handle an empty result set", true, ""},
		{"in a fence", fence + "\nAdd retry to the webhook sender\n" + fence, true, ""},
		{"past tense", "Fixed the pager", false, "imperative"},
		{"third person", "Adds retries", false, "imperative"},
		{"gerund", "Adding retries", false, "imperative"},
		{"past of a doubled consonant", "Dropped the cache", false, "imperative"},
		{"imperative ending in ed", "Embed the schema in the binary", true, ""},
		{"imperative ending in ing", "Bring back the retry budget", true, ""},
		{"speed up", "Speed up the importer", true, ""},
		{"too long", "Make " + strings.Repeat("x", 80), false, "characters"},
		{"period", "Fix the pager.", false, "period"},
		{"no blank line", "Fix the pager\nbody right away", false, "blank line"},
		{"empty", "", false, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Run(ctx, tc.msg)
			assert.Equal(t, tc.passed, r.Passed, r.Detail)
			if tc.detail != "" {
				assert.Contains(t, r.Detail, tc.detail)
			}
		})
	}
}

func TestGoDeclares(t *testing.T) {
	src := fence + "go\npackage p\n\ntype Store interface{ Get(k string) string }\ntype mem struct{}\nfunc (m *mem) Get(k string) string { return k }\nfunc New() Store { return &mem{} }\nvar Default = New()\n" + fence
	r := GoDeclares{Want: []string{"Store", "Store.Get", "mem.Get", "New", "Default"}, Forbid: []string{"globalStore"}}.Run(context.Background(), src)
	assert.True(t, r.Passed, r.Detail)

	r = GoDeclares{Want: []string{"Clock"}, Forbid: []string{"New"}}.Run(context.Background(), src)
	assert.False(t, r.Passed)
	assert.Contains(t, r.Detail, "Clock is not declared")
	assert.Contains(t, r.Detail, "New is still declared")

	r = GoDeclares{Want: []string{"X"}}.Run(context.Background(), fence+"go\npackage p\nfunc {\n"+fence)
	assert.Contains(t, r.Detail, "does not parse")
}

func TestRunChecksMeanAndClamp(t *testing.T) {
	checks := []Check{
		Contains{Label: "a", All: []string{"x"}},
		Func{Label: "over", Version: "1", Fn: func(context.Context, string) CheckResult { return CheckResult{Passed: true, Score: 7} }},
	}
	rs, score, passed := RunChecks(context.Background(), checks, "<think>x</think>y")
	require.Len(t, rs, 2)
	assert.False(t, rs[0].Passed, "reasoning is not graded as the answer")
	assert.Equal(t, "over", rs[1].Name)
	assert.InDelta(t, 0.5, score, 1e-9, "scores are clamped to 0–1 and averaged")
	assert.False(t, passed)
}

func TestGoTestsFilesRewritesPackageAndDropsModelTests(t *testing.T) {
	single := GoTests{Package: "slug", Tests: map[string]string{"slug_test.go": "package slug"}}
	files, err := single.Files(fence + "go\npackage main\n\nfunc Slugify(s string) string { return s }\n" + fence)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(files["solution.go"], "package slug\n"))
	assert.Equal(t, "module example.com/task\n\ngo "+goVersion()+"\n", files["go.mod"])

	multi := GoTests{MultiFile: true, Tests: map[string]string{"a/a_test.go": "package a"}}
	files, err = multi.Files(fence + "go\n// file: a/a.go\npackage a\n" + fence + "\n" + fence + "go\n// file: a/a_test.go\npackage a // the model's own\n" + fence)
	require.NoError(t, err)
	assert.Equal(t, "package a", files["a/a_test.go"], "hidden tests win over the model's")
	assert.Equal(t, "package a\n", files["a/a.go"])
}

func TestTaskValidation(t *testing.T) {
	good := func() *Task {
		return &Task{ID: "good-task", Category: NonCoding, Title: "t", Difficulty: 3, Prompt: "p", Capabilities: []string{"c"}, Reference: "r"}
	}
	require.NoError(t, good().Validate())
	for _, tc := range []struct {
		name   string
		mutate func(*Task)
		want   string
	}{
		{"empty prompt", func(t *Task) { t.Prompt = "  " }, "prompt is empty"},
		{"unknown category", func(t *Task) { t.Category = "poetry" }, `category "poetry" is unknown`},
		{"difficulty", func(t *Task) { t.Difficulty = 6 }, "difficulty 6 is out of range"},
		{"no capabilities", func(t *Task) { t.Capabilities = nil }, "no expected capabilities"},
		{"bad id", func(t *Task) { t.ID = "Bad ID" }, `id "Bad ID"`},
		{"no reference", func(t *Task) { t.Reference = "" }, "reference answer is empty"},
		{"duplicate check names", func(t *Task) { t.Checks = []Check{Contains{All: []string{"a"}}, Contains{All: []string{"b"}}} }, `two checks are named "contains"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := good()
			tc.mutate(task)
			err := task.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	a, b := good(), good()
	err := ValidateSuite([]*Task{a, b})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate id")
}

func TestTaskHashCoversWhatTheModelSeesAndHowItIsScored(t *testing.T) {
	base := &Task{ID: "x", Category: NonCoding, Title: "t", Difficulty: 1, Prompt: "p", Capabilities: []string{"c"}, Reference: "r",
		Checks: []Check{Contains{All: []string{"a"}}}}
	h := base.Hash()
	variants := map[string]func(*Task){
		"prompt":    func(t *Task) { t.Prompt = "p2" },
		"system":    func(t *Task) { t.System = "s" },
		"budget":    func(t *Task) { t.MaxTokens = 99 },
		"reference": func(t *Task) { t.Reference = "r2" },
		"check":     func(t *Task) { t.Checks = []Check{Contains{All: []string{"b"}}} },
		"threshold": func(t *Task) { t.JudgeThreshold = 1.5 },
	}
	for name, mutate := range variants {
		v := *base
		mutate(&v)
		assert.NotEqual(t, h, v.Hash(), name)
	}
	same := *base
	same.Title = "a better title"
	same.Tags = []string{"new"}
	assert.Equal(t, h, same.Hash(), "title and tags don't change what is measured")
}

func TestFuncCache(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // a private check cache
	t.Setenv("HOME", t.TempDir())
	calls := 0
	c := Func{Label: "costly", Version: "1", Cache: true, Fn: func(context.Context, string) CheckResult {
		calls++
		return CheckResult{Passed: true, Score: 1}
	}}
	for range 3 {
		assert.True(t, c.Run(context.Background(), "same answer").Passed)
	}
	c.Run(context.Background(), "another answer")
	assert.Equal(t, 2, calls, "one run per distinct answer")
	c.Version = "2"
	c.Run(context.Background(), "same answer")
	assert.Equal(t, 3, calls, "a new version is a new check")
}
