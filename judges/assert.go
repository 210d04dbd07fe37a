package judges

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// deadlineMargin is how long before go test's -timeout the judges stop starting calls,
// so no judge call is cut off by the test binary's end.
const deadlineMargin = 30 * time.Second

// DefaultThreshold is the panel score (0–2) below which a task's subtest fails, for a
// task that sets no JudgeThreshold.
const DefaultThreshold = 1.0

// judgedOutcomes remembers the outcomes Assert has judged, so a test that passes
// judges.Assert to Run in a package that also registers it with harness.AfterEach is
// judged once.
var judgedOutcomes sync.Map

// Assert is the judges' harness.Assertion: it judges the outcome's answer with the
// panel LIM_JUDGES names (see PanelFromEnv), stores every verdict, logs them, and fails
// the subtest when the panel's score is below the task's JudgeThreshold (default 1) —
// for the models LIM_ASSERT asserts, and unless the panel is lim's random-weight test
// model. A failed deterministic check caps the score at 1; a result that is not ok is
// not sent to judges (it scores 0 in judged means). Judge errors are stored as such and
// never become scores.
//
// A suite applies it to all its tasks with one line in its suite_test.go:
//
//	func init() { harness.AfterEach(judges.Assert) }
//
// and a single test file can pass it to Run:
//
//	func TestCommitMessage(t *testing.T) { harness.Run(t, commitMessage, judges.Assert) }
func Assert(t *testing.T, o *harness.Outcome) {
	if _, seen := judgedOutcomes.LoadOrStore(o, true); seen {
		return
	}
	p, err := LoadPanel()
	if err != nil {
		t.Fatalf("lim judges: %v", err)
	}
	assertWith(t, o, p)
}

func assertWith(t *testing.T, o *harness.Outcome, p *Panel) {
	res := o.Result
	if o.Store != nil {
		if err := o.Store.SaveTaskDefinition(t.Context(), TaskDefinition(o.Task)); err != nil {
			t.Fatal(err)
		}
	}
	switch {
	case p.Off:
		return
	case p.Skip != "":
		t.Log(p.Skip)
		return
	case res.Status != results.StatusOK:
		t.Logf("judges: not judged: the result is %s; it scores 0 in judged means", res.Status)
		return
	}
	ctx := t.Context()
	if dl, ok := t.Deadline(); ok {
		if time.Until(dl) < deadlineMargin {
			t.Logf("judges: not judged: go test's -timeout is near (re-run with -timeout 0; stored verdicts are reused)")
			return
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl.Add(-deadlineMargin/2))
		defer cancel()
	}
	in := InputFor(o.Task, res, o.Checks)
	fresh := o.Config.Fixtures == harness.FixtureRecord // a recording records every judge call
	vs, err := p.Verdicts(ctx, o.Store, o.Config, o.HTTPClient, res, o.Spec, in, fresh)
	if err != nil {
		var miss *harness.FixtureMissError
		if errors.As(err, &miss) {
			t.Fatalf("%v\n(a judge call of the panel %s: judge calls are recorded with the model calls; record with LIM_JUDGES unset for the default replay panel, or with the LIM_JUDGES you replay with)", miss, p.Name())
		}
		t.Fatalf("lim judges: %v", err)
	}
	for _, v := range vs {
		t.Log(describe(v))
	}
	threshold := o.Task.JudgeThreshold
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	j := results.Judge(res, vs)
	fail, msg := decide(j, threshold, o.Config.Asserts(o.Spec), p.Asserting())
	if j.Flagged {
		msg += "; flagged for review: the judges differ by 2 on a dimension (lim review list)"
	}
	if fail {
		t.Errorf("judges: %s", msg)
	} else {
		t.Logf("judges: %s", msg)
	}
}

// decide turns a judgement into the assertion's outcome: whether the subtest fails,
// and the message that says why (or why not).
func decide(j results.Judgement, threshold float64, asserted, asserting bool) (bool, string) {
	if !j.Judged {
		return false, fmt.Sprintf("unjudged: none of the %d judges gave a usable verdict (judge errors are never scores)", len(j.Verdicts))
	}
	msg := fmt.Sprintf("panel score %.2f", j.Score)
	if j.Capped {
		msg += fmt.Sprintf(" (capped at %.0f: a deterministic check failed)", results.CheckCap)
	}
	if j.Score >= threshold {
		return false, msg + fmt.Sprintf(" ≥ threshold %.2f", threshold)
	}
	msg += fmt.Sprintf(" is below the task's threshold %.2f", threshold)
	switch {
	case !asserting:
		return false, msg + " (not asserted: every judge is lim's random-weight test model)"
	case !asserted:
		return false, msg + " (measured, not asserted: LIM_ASSERT does not select this model)"
	}
	return true, msg
}

// describe is one verdict in one line.
func describe(v results.Verdict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "judge %s: ", v.Judge)
	if v.Scored() {
		s := v.Scores()
		fmt.Fprintf(&b, "correctness %d, completeness %d, quality %d (%s)", s[0], s[1], s[2], v.ParseStatus)
		if v.Rationale != "" {
			fmt.Fprintf(&b, ": %q", clip(v.Rationale, 200))
		}
	} else {
		fmt.Fprintf(&b, "judge error (%s): %s", v.ErrorKind, clip(v.Error, 300))
	}
	if v.SameFamily {
		b.WriteString(" [same family as the model]")
	}
	return b.String()
}

// TaskDefinition is what the store keeps of task for re-judging.
func TaskDefinition(task *harness.Task) results.TaskDefinition {
	return results.TaskDefinition{
		TaskHash: task.Hash(), TaskID: task.ID, Category: string(task.Category), Title: task.Title,
		Capabilities: task.Capabilities, Reference: task.Reference, JudgeThreshold: task.JudgeThreshold,
	}
}

// Verdicts judges the stored result res, whose judges' input is in, with every judge
// of p at once, stores each verdict, and returns them in the panel's order. A judge
// whose verdict of this prompt version and panel is already stored is not asked again
// (a resumed run), unless fresh is set or that verdict is a failed call. judged is the
// model that gave the answer (for the same-family flag); hc makes the judges' HTTP
// calls (a test's fixture client records and replays them). The only errors are a
// missing fixture recording, a judge that cannot be called as configured, and the
// store's.
func (p *Panel) Verdicts(ctx context.Context, store *results.Store, cfg *harness.Config, hc *http.Client, res *results.Result, judged harness.Spec, in Input, fresh bool) ([]results.Verdict, error) {
	out := make([]results.Verdict, len(p.Judges))
	errs := make([]error, len(p.Judges))
	var wg sync.WaitGroup
	for i, j := range p.Judges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = p.one(ctx, store, cfg, hc, res, judged, in, j, fresh)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func (p *Panel) one(ctx context.Context, store *results.Store, cfg *harness.Config, hc *http.Client, res *results.Result, judged harness.Spec, in Input, j Judge, fresh bool) (results.Verdict, error) {
	if !fresh {
		v, ok, err := store.StoredVerdict(ctx, res.ID, results.VerdictJudge, j.Spec.Raw, PromptVersion(), p.Name())
		if err != nil {
			return results.Verdict{}, err
		}
		if ok && v.ErrorKind != results.JudgeErrCall {
			return *v, nil
		}
	}
	backend, err := cfg.NewBackend(j.Spec, hc)
	if err != nil {
		return results.Verdict{}, fmt.Errorf("judge %s: %w", j.Spec.Raw, err)
	}
	release, err := acquire(ctx, cfg, j.Spec)
	if err != nil {
		return results.Verdict{}, err
	}
	v, err := j.verdict(ctx, backend, in, judgeSettings(cfg.Settings))
	release()
	if err != nil {
		return results.Verdict{}, err
	}
	v.ResultID, v.Panel = res.ID, p.Name()
	v.JudgeFamily = j.Spec.Family()
	v.SameFamily = sameFamily(ctx, cfg, j.Spec, judged)
	v.Source = results.SourceLive
	if cfg.Fixtures == harness.FixtureReplay {
		v.Source = results.SourceReplay
		v.WallMS = sql.NullFloat64{} // served from a recording: no measurement
	}
	if err := store.SaveVerdict(ctx, &v); err != nil {
		return results.Verdict{}, err
	}
	return v, nil
}

// acquire takes a call slot on the judge's server: the same cross-process caps as
// model calls (LIM_OLLAMA_CONCURRENCY, LIM_ENDPOINT_<NAME>_CONCURRENCY), so a local
// judge never overlaps a model call another suite package is timing.
func acquire(ctx context.Context, cfg *harness.Config, spec harness.Spec) (func(), error) {
	release, err := cfg.Acquire(ctx, spec)
	if err != nil {
		return nil, fmt.Errorf("judge %s: %w", spec.Raw, err)
	}
	return release, nil
}
