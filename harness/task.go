// Package harness runs lim's tasks against models: the Task type and its validation,
// the model backends (Ollama, OpenAI-compatible, the reference-answer oracle), Run,
// the deterministic checks, and record/replay of every HTTP exchange.
package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Category is the kind of work a task stands for.
type Category string

// The categories of lim's corpus.
const (
	SimpleCoding Category = "simple-coding"
	Refactoring  Category = "refactoring"
	Architecture Category = "architecture"
	Debugging    Category = "debugging"
	MultiFile    Category = "multi-file"
	Reasoning    Category = "reasoning"
	NonCoding    Category = "non-coding"
)

// Categories lists every valid category, in report order.
var Categories = []Category{SimpleCoding, Refactoring, Architecture, Debugging, MultiFile, Reasoning, NonCoding}

// DefaultMaxTokens is the completion budget of a task that does not set its own.
const DefaultMaxTokens = 2048

// Task is one delegated sub-task: what the model is asked, what a good answer looks
// like, and how the answer is checked. A task is declared once, in its own test file.
type Task struct {
	// ID is stable once published: results, fixtures and golden files are keyed on it.
	// Lower-case words joined by '-', optionally prefixed by a group and '/'.
	ID         string
	Category   Category
	Title      string
	Difficulty int // 1 (trivial) to 5 (hard)
	// MaxTokens is the completion budget (DefaultMaxTokens when 0). Reasoning models get
	// their thinking budget on top of it (see Settings).
	MaxTokens int
	Tags      []string
	System    string // optional system prompt
	Prompt    string
	// Capabilities are what a good answer demonstrates; judges are shown them.
	Capabilities []string
	// Reference is an answer that passes every check; the oracle backend returns it.
	Reference string
	// Checks decide what can be decided without a judge.
	Checks []Check
	// JudgeThreshold is the panel's mean score (0–2) below which the task's subtest
	// fails when judges are configured; 0 means the default of 1.
	JudgeThreshold float64
	// WrongAnswers are plausible but wrong answers (an off-by-one, a missed edge case)
	// that the checks must reject. They validate the benchmark; no model sees them.
	WrongAnswers []string
}

var idPattern = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate reports every problem with t, or nil.
func (t *Task) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !idPattern.MatchString(t.ID) {
		bad("id %q: use lower-case words joined by '-', e.g. \"commit-message-from-diff\"", t.ID)
	}
	if !slices.Contains(Categories, t.Category) {
		bad("category %q is unknown: use one of %v", t.Category, Categories)
	}
	if strings.TrimSpace(t.Title) == "" {
		bad("title is empty")
	}
	if t.Difficulty < 1 || t.Difficulty > 5 {
		bad("difficulty %d is out of range: use 1 (trivial) to 5 (hard)", t.Difficulty)
	}
	if t.MaxTokens < 0 {
		bad("max tokens %d is negative: leave it 0 for the default %d", t.MaxTokens, DefaultMaxTokens)
	}
	if strings.TrimSpace(t.Prompt) == "" {
		bad("prompt is empty")
	}
	if len(t.Capabilities) == 0 {
		bad("no expected capabilities: list what a good answer demonstrates (judges are shown them)")
	}
	if strings.TrimSpace(t.Reference) == "" {
		bad("reference answer is empty: every task needs one that passes its own checks")
	}
	if t.JudgeThreshold < 0 || t.JudgeThreshold > 2 {
		bad("judge threshold %.2f is out of range 0–2", t.JudgeThreshold)
	}
	names := map[string]bool{}
	for i, c := range t.Checks {
		if c == nil {
			bad("check %d is nil", i)
			continue
		}
		if names[c.Name()] {
			bad("two checks are named %q: give each check its own name", c.Name())
		}
		names[c.Name()] = true
	}
	if len(errs) > 0 {
		return fmt.Errorf("task %q: %w", t.ID, errors.Join(errs...))
	}
	return nil
}

// MaxTokensOrDefault returns the task's completion budget.
func (t *Task) MaxTokensOrDefault() int {
	if t.MaxTokens > 0 {
		return t.MaxTokens
	}
	return DefaultMaxTokens
}

// Hash is the task's content hash: it covers everything that changes what a model sees
// or how an answer is scored (prompt, system prompt, budget, reference, checks, judge
// threshold and capabilities), so an edited task is measured anew, never reused.
func (t *Task) Hash() string {
	checks := make([]string, len(t.Checks))
	for i, c := range t.Checks {
		checks[i] = c.Name() + "\x00" + c.Spec()
	}
	b, _ := json.Marshal(struct {
		ID, Category, System, Prompt, Reference string
		MaxTokens                               int
		Capabilities, Checks                    []string
		JudgeThreshold                          float64
	}{t.ID, string(t.Category), t.System, t.Prompt, t.Reference, t.MaxTokensOrDefault(), t.Capabilities, checks, t.JudgeThreshold})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// registry holds the tasks of this test binary (one suite package), in declaration order.
var registry struct {
	sync.Mutex
	tasks []*Task
}

// Register adds t to this package's suite and returns it, so a task file declares its
// task as a package variable:
//
//	var commitMessage = harness.Register(&harness.Task{ID: "commit-message-from-diff", …})
//
// Registered tasks are what the suite's validation test (CheckSuite) and Run's
// duplicate-id check see.
func Register(t *Task) *Task {
	registry.Lock()
	defer registry.Unlock()
	registry.tasks = append(registry.tasks, t)
	return t
}

// Registered returns the tasks registered in this test binary.
func Registered() []*Task {
	registry.Lock()
	defer registry.Unlock()
	return slices.Clone(registry.tasks)
}

// checkRegistered reports whether another registered task shares t's id.
func checkRegistered(t *Task) error {
	for _, o := range Registered() {
		if o != t && o.ID == t.ID {
			return fmt.Errorf("task %q: duplicate id: another task in this suite already uses it; ids must be unique", t.ID)
		}
	}
	return nil
}

// ValidateSuite validates every task and reports duplicate ids across them.
func ValidateSuite(tasks []*Task) error {
	var errs []error
	seen := map[string]bool{}
	for _, t := range tasks {
		if err := t.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[t.ID] {
			errs = append(errs, fmt.Errorf("task %q: duplicate id: ids must be unique across the suite", t.ID))
		}
		seen[t.ID] = true
	}
	return errors.Join(errs...)
}
