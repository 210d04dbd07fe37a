package harness

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/local-inference-machine/lim/results"
)

// Outcome is what one subtest produced: the stored result and its check results.
// Assertions (the judges) receive it after the deterministic checks.
type Outcome struct {
	Task   *Task
	Spec   Spec
	Result *results.Result // as stored
	Checks []CheckResult
	Reused bool // taken from the store, no model call made
	Config *Config
	Store  *results.Store
	// HTTPClient is the test's client: calls made through it are recorded into and
	// replayed from the test's fixture, like the model calls.
	HTTPClient *http.Client
}

// Assertion runs after a result is stored and checked; it fails t to fail the
// subtest. Judges attach to Run as assertions.
type Assertion func(t *testing.T, o *Outcome)

// deadlineMargin is how long before go test's -timeout lim stops starting calls, so
// every result is stored before the test binary is killed.
const deadlineMargin = 30 * time.Second

// Run runs task against every configured model, one parallel subtest per model (and
// per sample when LIM_SAMPLES > 1), then the task's checks and the given assertions.
// A result already finished in this batch is reused without a model call.
//
// Run marks the calling test parallel: don't call t.Parallel yourself. go test's
// -parallel flag (default GOMAXPROCS) bounds the subtests running at once; the
// per-server caps (LIM_OLLAMA_CONCURRENCY, LIM_ENDPOINT_<NAME>_CONCURRENCY) bound the
// load on each server, so live runs should pass a -parallel at least as large.
func Run(t *testing.T, task *Task, asserts ...Assertion) {
	t.Helper()
	if err := task.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := checkRegistered(task); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig()
	if err != nil {
		t.Fatalf("lim configuration: %v", err)
	}
	store, err := Store()
	if err != nil {
		t.Fatalf("lim results store: %v", err)
	}
	warnTimeout(t, cfg)
	fx, hc, err := testClient(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := fx.Save(); err != nil {
			t.Error(err)
		}
	})
	t.Parallel()

	runProgress().plan(len(cfg.Models) * cfg.Samples)
	for _, spec := range cfg.Models {
		r := &runner{task: task, spec: spec, cfg: cfg, store: store, hc: hc, asserts: asserts}
		t.Run(spec.Raw, func(t *testing.T) {
			t.Parallel()
			if cfg.Samples == 1 {
				r.one(t, 0)
				return
			}
			for i := range cfg.Samples {
				t.Run(fmt.Sprintf("sample=%d", i), func(t *testing.T) {
					t.Parallel()
					r.one(t, i)
				})
			}
		})
	}
}

// testClient returns the fixture transport of t's top-level test and an HTTP client
// that goes through it.
func testClient(t *testing.T, cfg *Config) (*Fixture, *http.Client, error) {
	name, _, _ := strings.Cut(t.Name(), "/")
	path, err := FixturePath(name)
	if err != nil {
		return nil, nil, err
	}
	fx := NewFixture(name, path, cfg.Fixtures, http.DefaultTransport)
	return fx, &http.Client{Transport: transportHook{next: fx}}, nil
}

var warnOnce sync.Once

// warnTimeout tells a live run that go test's default 10-minute -timeout will end it.
func warnTimeout(t *testing.T, cfg *Config) {
	dl, ok := t.Deadline()
	if !cfg.Live || !ok || time.Until(dl) > time.Hour {
		return
	}
	warnOnce.Do(func() {
		w := runProgress().w
		if w == nil {
			return
		}
		fmt.Fprintf(w, "lim: go test will stop this run in %s (its -timeout): live runs take longer; pass -timeout 0 (or e.g. -timeout 12h). Results finished before then are kept; re-running resumes.\n", time.Until(dl).Round(time.Second))
	})
}

type runner struct {
	task    *Task
	spec    Spec
	cfg     *Config
	store   *results.Store
	hc      *http.Client
	asserts []Assertion
}

// one measures sample i of the task on the runner's model and asserts on it.
func (r *runner) one(t *testing.T, sample int) {
	if o := r.measure(t, sample); o != nil {
		r.assert(t, o)
	}
}

// Measure makes one measurement of task on spec outside Run — reusing a finished
// result of this batch when there is one — stores it with its check results and
// returns it, asserting nothing. Benchmarks and tools use it; tests use Run.
func Measure(tb testing.TB, task *Task, spec Spec, sample int) *Outcome {
	tb.Helper()
	if err := task.Validate(); err != nil {
		tb.Fatal(err)
	}
	cfg, err := LoadConfig()
	if err != nil {
		tb.Fatalf("lim configuration: %v", err)
	}
	store, err := Store()
	if err != nil {
		tb.Fatalf("lim results store: %v", err)
	}
	name, _, _ := strings.Cut(tb.Name(), "/")
	path, err := FixturePath(name)
	if err != nil {
		tb.Fatal(err)
	}
	fx := NewFixture(name, path, cfg.Fixtures, http.DefaultTransport)
	r := &runner{task: task, spec: spec, cfg: cfg, store: store, hc: &http.Client{Transport: transportHook{next: fx}}}
	o := r.measure(tb, sample)
	if err := fx.Save(); err != nil {
		tb.Error(err)
	}
	return o
}

// measure makes (or reuses) sample i of the task on the runner's model, stores it and
// runs its checks. It returns nil when the measurement was skipped.
func (r *runner) measure(tb testing.TB, sample int) *Outcome {
	ctx := tb.Context()
	key := results.Key{
		Batch: r.cfg.Batch, TaskHash: r.task.Hash(), SettingsHash: r.cfg.Settings.Hash(),
		Model: r.spec.Raw, Sample: sample,
	}
	label := fmt.Sprintf("%s %s", r.task.ID, r.spec.Raw)
	if r.cfg.Samples > 1 {
		label += fmt.Sprintf(" sample=%d", sample)
	}
	outcome := func(res *results.Result, checks []CheckResult, reused bool) *Outcome {
		return &Outcome{Task: r.task, Spec: r.spec, Result: res, Checks: checks, Reused: reused, Config: r.cfg, Store: r.store, HTTPClient: r.hc}
	}

	if r.cfg.Fixtures != FixtureRecord {
		stored, ok, err := r.store.Final(ctx, key)
		if err != nil {
			tb.Fatal(err)
		}
		if ok {
			checks := r.ensureChecks(tb, stored)
			runProgress().finish(label+" "+summary(stored)+" (reused)", true)
			return outcome(stored, checks, true)
		}
	}

	if d, ok := tb.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			if time.Until(dl) < deadlineMargin {
				tb.Skipf("go test's -timeout is near: %s not started (finished results are kept; re-run with -timeout 0 to resume)", label)
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, dl.Add(-deadlineMargin/2))
			defer cancel()
		}
	}

	backend, err := r.cfg.NewBackend(r.spec, r.hc)
	if err != nil {
		tb.Fatal(err)
	}
	release, err := r.cfg.Acquire(ctx, r.spec)
	if err != nil {
		tb.Fatal(err)
	}
	req := Request{
		System: r.task.System, Prompt: r.task.Prompt, MaxTokens: r.cfg.Settings.Budget(r.task),
		Settings: r.cfg.Settings, Seed: r.cfg.Settings.Seed + sample, Reference: r.task.Reference,
	}
	started := time.Now()
	resp, callErr := backend.Chat(ctx, req)
	release()
	finished := time.Now()

	var miss *FixtureMissError
	if errors.As(callErr, &miss) {
		tb.Fatal(miss.Error()) // a missing recording is a broken test, not a model failure: nothing stored
	}

	res := r.newResult(key, req, resp, callErr, started, finished)
	if err := r.store.Save(ctx, res); err != nil {
		tb.Fatal(err)
	}
	checks := r.ensureChecks(tb, res)
	runProgress().finish(label+" "+summary(res), false)
	return outcome(res, checks, false)
}

// newResult builds the stored row of one call.
func (r *runner) newResult(key results.Key, req Request, resp Response, callErr error, started, finished time.Time) *results.Result {
	answer, inlineThinking := SplitThinking(resp.Answer)
	reasoning := strings.TrimSpace(strings.Join(nonEmpty(resp.Reasoning, inlineThinking), "\n\n"))
	res := &results.Result{
		Key:          key,
		TaskID:       r.task.ID,
		Category:     string(r.task.Category),
		Difficulty:   r.task.Difficulty,
		Tags:         strings.Join(r.task.Tags, ","),
		ModelDigest:  resp.ModelDigest,
		Provider:     resp.Provider,
		Settings:     settingsRecord(r.cfg.Settings, req, r.spec),
		Think:        string(r.cfg.Settings.Think),
		System:       req.System,
		Prompt:       req.Prompt,
		Answer:       answer,
		Reasoning:    reasoning,
		FinishReason: resp.FinishReason,
		Attempts:     max(resp.Attempts, 1),
		CheckCount:   len(r.task.Checks),
		StartedAt:    started.UTC(),
		FinishedAt:   finished.UTC(),
	}
	if res.Think == "" {
		res.Think = "default"
	}
	res.PromptTokens = nullInt(resp.PromptTokens)
	res.CompletionTokens = nullInt(resp.CompletionTokens)
	res.TTFTms, res.LastTokenMS, res.WallMS = nullMS(resp.TTFT), nullMS(resp.LastToken), nullMS(resp.Wall)
	res.LoadMS, res.PromptEvalMS, res.EvalMS = nullMS(resp.Load), nullMS(resp.PromptEval), nullMS(resp.Eval)
	if resp.CostUSD != nil {
		res.CostUSD = sql.NullFloat64{Float64: *resp.CostUSD, Valid: true}
	}
	switch {
	case r.spec.Kind == KindOracle:
		res.Source = results.SourceOracle
	case r.cfg.Fixtures == FixtureReplay:
		res.Source = results.SourceReplay
	default:
		res.Source = results.SourceLive
	}
	if res.Source == results.SourceReplay {
		// A replay is served at memory speed: its client timings measure nothing.
		res.TTFTms, res.LastTokenMS, res.WallMS = sql.NullFloat64{}, sql.NullFloat64{}, sql.NullFloat64{}
	}
	res.Status = classify(answer, resp.FinishReason, callErr)
	if callErr != nil {
		res.Error = Scrub(callErr.Error())
	}
	if why, full := ContextFull(req, resp, r.spec); full && res.Status.Final() {
		res.Status, res.Error = results.StatusTruncated, why
	} else if res.Status == results.StatusTruncated {
		res.Error = truncationReason(req, resp)
	}
	return res
}

// ContextFull says whether an Ollama call filled its context window (num_ctx, which lim
// sends), and what that means: lim asks Ollama not to cut prompts or shift the context,
// so the answer stopped at the window; a server that ignores the request cuts or
// shifts silently. Either way the answer is not the model's whole work on the task.
// Ollama counts only the prompt tokens it did not have cached, so a prompt that shares
// a long cached prefix with the call before it can fill the window unseen.
func ContextFull(req Request, resp Response, spec Spec) (string, bool) {
	if spec.Kind != KindOllama || req.Settings.NumCtx <= 0 || resp.PromptTokens == nil || resp.CompletionTokens == nil {
		return "", false
	}
	prompt, answer := *resp.PromptTokens, *resp.CompletionTokens
	if prompt+answer < req.Settings.NumCtx {
		return "", false
	}
	return fmt.Sprintf("the context window (num_ctx %d) was full (%d prompt + %d answer tokens): the answer stopped there (or a server that ignores lim's no-cut request cut the prompt or dropped the start of the context), so this is not the model's whole work on the task: raise LIM_NUM_CTX",
		req.Settings.NumCtx, prompt, answer), true
}

// truncationReason says why an answer stopped at "length": its token budget, or the
// server's context window filling up first (the fix differs: a budget is the task's, a
// context window is the server's setting).
func truncationReason(req Request, resp Response) string {
	if resp.CompletionTokens == nil || *resp.CompletionTokens >= req.MaxTokens {
		return fmt.Sprintf("the answer reached its budget of %d tokens", req.MaxTokens)
	}
	used := *resp.CompletionTokens
	if resp.PromptTokens != nil {
		used += *resp.PromptTokens
	}
	return fmt.Sprintf("the server stopped after %d tokens, before the answer's budget of %d: its context window is probably full (raise it: LIM_NUM_CTX for Ollama, llama-server -c, vLLM --max-model-len)",
		used, req.MaxTokens)
}

// classify decides a result's status. Only StatusOK answers are checked and judged.
func classify(answer, finish string, err error) results.Status {
	switch {
	case err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrStalled)):
		return results.StatusTimeout
	case err != nil:
		return results.StatusError
	case finish == "length":
		return results.StatusTruncated
	case strings.TrimSpace(answer) == "":
		return results.StatusEmpty
	}
	return results.StatusOK
}

// settingsRecord is the settings JSON stored with a result: the comparison's settings
// plus what this call actually sent.
func settingsRecord(s Settings, req Request, spec Spec) string {
	rec := struct {
		Settings
		SentMaxTokens int    `json:"sent_max_tokens"`
		SentSeed      int    `json:"sent_seed"`
		NumCtxSent    bool   `json:"num_ctx_sent"`
		Backend       string `json:"backend"`
	}{s, req.MaxTokens, req.Seed, spec.Kind == KindOllama && s.NumCtx > 0, spec.Kind}
	b, _ := json.Marshal(rec)
	return string(b)
}

// ensureChecks runs the task's checks on an ok result that has none stored yet, and
// returns the check results (decoded from the store when already there).
func (r *runner) ensureChecks(t testing.TB, res *results.Result) []CheckResult {
	if res.Status != results.StatusOK || len(r.task.Checks) == 0 {
		return nil
	}
	if res.Checks.Valid {
		var cs []CheckResult
		if err := json.Unmarshal([]byte(res.Checks.String), &cs); err == nil {
			return cs
		}
	}
	cs, score, passed := RunChecks(t.Context(), r.task.Checks, res.Answer)
	b, _ := json.Marshal(cs)
	if err := r.store.SaveChecks(t.Context(), res.ID, score, passed, string(b)); err != nil {
		t.Fatal(err)
	}
	res.CheckScore = sql.NullFloat64{Float64: score, Valid: true}
	res.ChecksPassed = sql.NullBool{Bool: passed, Valid: true}
	res.Checks = sql.NullString{String: string(b), Valid: true}
	return cs
}

// assert applies the deterministic checks as testify assertions (for the models
// LIM_ASSERT selects), then the extra assertions.
func (r *runner) assert(t *testing.T, o *Outcome) {
	t.Helper()
	res := o.Result
	if r.cfg.Asserts(r.spec) {
		if assert.Equalf(t, results.StatusOK, res.Status, "%s on %s did not answer: %s %s", r.task.ID, r.spec.Raw, res.Status, res.Error) {
			for _, c := range o.Checks {
				assert.Truef(t, c.Passed, "check %s failed: %s", c.Name, c.Detail)
			}
		}
	} else if res.Status != results.StatusOK || (res.ChecksPassed.Valid && !res.ChecksPassed.Bool) {
		t.Logf("measured, not asserted (LIM_ASSERT): %s", summary(res))
	}
	for _, a := range r.asserts {
		a(t, o)
	}
	for _, a := range afterEachAssertions() {
		a(t, o)
	}
}

// afterEach holds the assertions every Run of this test binary applies (see AfterEach).
var afterEach struct {
	sync.Mutex
	list []Assertion
}

// AfterEach registers a to run after the task's own assertions in every Run of this
// test binary, so one line applies it to a whole suite package. The suites register
// the judges this way in their suite_test.go:
//
//	func init() { harness.AfterEach(judges.Assert) }
func AfterEach(a Assertion) {
	afterEach.Lock()
	defer afterEach.Unlock()
	afterEach.list = append(afterEach.list, a)
}

func afterEachAssertions() []Assertion {
	afterEach.Lock()
	defer afterEach.Unlock()
	return slices.Clone(afterEach.list)
}

// summary is a result in one line.
func summary(r *results.Result) string {
	var b strings.Builder
	b.WriteString(string(r.Status))
	if r.CheckScore.Valid {
		fmt.Fprintf(&b, " checks=%.2f", r.CheckScore.Float64)
	}
	if r.WallMS.Valid {
		fmt.Fprintf(&b, " %.1fs", r.WallMS.Float64/1000)
	}
	if v, ok := r.ServerDecodeRate(); ok {
		fmt.Fprintf(&b, " %.1f tok/s", v)
	} else if v, ok := r.ClientDecodeRate(); ok {
		fmt.Fprintf(&b, " %.1f tok/s (client)", v)
	}
	if r.Error != "" {
		fmt.Fprintf(&b, " error: %s", clip(r.Error, 200))
	}
	return b.String()
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func nullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func nullMS(d *time.Duration) sql.NullFloat64 {
	if d == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: float64(*d) / float64(time.Millisecond), Valid: true}
}
