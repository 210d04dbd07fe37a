package harness

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateGolden *bool

func init() {
	if testing.Testing() {
		updateGolden = flag.Bool("update", false, "lim: rewrite golden files (testdata/tasks.golden) from the registered tasks")
	}
}

// GoldenFile is where a suite package keeps its list of task ids and hashes.
const GoldenFile = "testdata/tasks.golden"

// codingCategories are the categories whose tasks must run hidden tests on the code a
// model writes, and must come with at least one plausible wrong answer.
var codingCategories = []Category{SimpleCoding, Refactoring, Debugging, MultiFile}

// GoldenLine is a task's line in its suite's golden file: id, category, difficulty,
// content hash and number of deterministic checks. A changed task is a visible diff.
func GoldenLine(t *Task) string {
	return fmt.Sprintf("%s %s d%d %s checks=%d", t.ID, t.Category, t.Difficulty, t.Hash(), len(t.Checks))
}

// CheckSuite validates the tasks registered in this package, the way every suite
// package's TestSuite does:
//   - every task passes validation, and no two share an id;
//   - the ids and hashes match testdata/tasks.golden (go test -update rewrites it), so
//     a changed or renamed task shows up in review;
//   - the reference answer passes every check, an empty answer fails them, and every
//     wrong answer the task lists fails at least one;
//   - coding tasks run hidden Go tests and list at least one wrong answer.
func CheckSuite(t *testing.T) {
	t.Helper()
	tasks := Registered()
	if len(tasks) == 0 {
		t.Fatal("no tasks registered: declare each task with harness.Register")
	}
	if err := ValidateSuite(tasks); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, tasks)
	for _, task := range tasks {
		t.Run(task.ID, func(t *testing.T) {
			t.Parallel()
			checkTask(t, task)
		})
	}
}

func checkGolden(t *testing.T, tasks []*Task) {
	t.Helper()
	var lines []string
	for _, task := range tasks {
		lines = append(lines, GoldenLine(task))
	}
	slices.Sort(lines)
	want := strings.Join(lines, "\n") + "\n"
	if updateGolden != nil && *updateGolden {
		if err := os.MkdirAll(filepath.Dir(GoldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(GoldenFile, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(GoldenFile)
	if err != nil {
		t.Fatalf("read %s: %v (create it with: go test . -run TestSuite -update)", GoldenFile, err)
	}
	if string(got) != want {
		t.Errorf("%s is out of date: a task was added, edited or renamed.\n"+
			"A published task's id must never change; an edited task gets a new hash and is measured anew.\n"+
			"If the change is intended, run: go test . -run TestSuite -update\n%s",
			GoldenFile, lineDiff(string(got), want))
	}
}

// lineDiff lists the lines only in old (-) and only in new (+).
func lineDiff(old, new string) string {
	o, n := strings.Split(strings.TrimSpace(old), "\n"), strings.Split(strings.TrimSpace(new), "\n")
	var b strings.Builder
	for _, l := range o {
		if !slices.Contains(n, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range n {
		if !slices.Contains(o, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}

func checkTask(t *testing.T, task *Task) {
	coding := slices.Contains(codingCategories, task.Category)
	if coding {
		if !slices.ContainsFunc(task.Checks, func(c Check) bool { _, ok := c.(GoTests); return ok }) {
			t.Errorf("%s is a %s task: it must run hidden tests (a harness.GoTests check)", task.ID, task.Category)
		}
		if len(task.WrongAnswers) == 0 {
			t.Errorf("%s is a %s task: list at least one plausible wrong answer (WrongAnswers) that its checks reject", task.ID, task.Category)
		}
	}
	if len(task.Checks) == 0 {
		if len(task.WrongAnswers) > 0 {
			t.Errorf("%s lists wrong answers but has no checks to reject them", task.ID)
		}
		return
	}
	ctx := t.Context()
	rs, _, passed := RunChecks(ctx, task.Checks, task.Reference)
	if !passed {
		t.Errorf("the reference answer fails its own checks: %s", failedChecks(rs))
	}
	if _, _, passed := RunChecks(ctx, task.Checks, ""); passed {
		t.Errorf("an empty answer passes every check: the checks can't tell answers apart")
	}
	for i, wrong := range task.WrongAnswers {
		if rs, _, passed := RunChecks(ctx, task.Checks, wrong); passed {
			t.Errorf("wrong answer %d passes every check (%d checks ran): the checks can't catch it", i, len(rs))
		}
	}
}

func failedChecks(rs []CheckResult) string {
	var out []string
	for _, r := range rs {
		if !r.Passed {
			out = append(out, r.Name+": "+r.Detail)
		}
	}
	return strings.Join(out, "; ")
}
