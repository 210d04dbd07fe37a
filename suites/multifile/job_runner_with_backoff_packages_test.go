package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const jobsBackoff = `// file: backoff/backoff.go
// Package backoff computes retry delays.
package backoff

import (
	"math"
	"time"
)

// Policy is an exponential backoff with a cap and optional jitter.
type Policy struct {
	Initial    time.Duration // delay before the first retry
	Multiplier float64       // growth per retry, >= 1
	Max        time.Duration // cap on the delay; 0 means no cap
	Jitter     float64       // in [0, 1]: the fraction of the delay that jitter may remove
}

// Delay returns how long to wait before retry number retry (1 is the first retry),
// given r in [0, 1) from a random source.
func (p Policy) Delay(retry int, r float64) time.Duration {
	if retry < 1 {
		retry = 1
	}
	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(retry-1))
	if p.Max > 0 && d > float64(p.Max) {
		d = float64(p.Max)
	}
	if d > math.MaxInt64 {
		d = math.MaxInt64
	}
	d -= d * p.Jitter * r
	return time.Duration(d)
}`

const jobsErrors = `// file: runner/errors.go
package runner

import "errors"

type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as not worth retrying.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}`

const jobsRunner = `// file: runner/runner.go
// Package runner runs jobs with bounded concurrency and retries.
package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"example.com/jobs/backoff"
)

// Job is one unit of work.
type Job struct {
	ID string
	Do func(ctx context.Context) error
}

// Result is what became of a job.
type Result struct {
	ID       string
	Attempts int
	Err      error
}

// Runner runs jobs.
type Runner struct {
	Workers     int // jobs running at once; < 1 means 1
	MaxAttempts int // attempts per job including the first; < 1 means 1
	Backoff     backoff.Policy
	Sleep       func(ctx context.Context, d time.Duration) error // nil: a real timer
	Rand        func() float64                                   // nil: math/rand/v2
}

func realSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run runs every job and returns their results in the order of jobs.
func (r *Runner) Run(ctx context.Context, jobs []Job) []Result {
	workers := max(r.Workers, 1)
	results := make([]Result, len(jobs))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, job := range jobs {
		results[i].ID = job.ID
		if err := ctx.Err(); err != nil {
			results[i].Err = err
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			results[i].Err = ctx.Err()
			continue
		}
		wg.Add(1)
		go func(i int, job Job) {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = r.runOne(ctx, job)
		}(i, job)
	}
	wg.Wait()
	return results
}

func (r *Runner) runOne(ctx context.Context, job Job) Result {
	attempts := max(r.MaxAttempts, 1)
	sleep, rnd := r.Sleep, r.Rand
	if sleep == nil {
		sleep = realSleep
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	res := Result{ID: job.ID}
	for {
		res.Attempts++
		res.Err = call(ctx, job)
		if res.Err == nil || IsPermanent(res.Err) || res.Attempts >= attempts {
			return res
		}
		if err := sleep(ctx, r.Backoff.Delay(res.Attempts, rnd())); err != nil {
			res.Err = err
			return res
		}
	}
}

// call runs one attempt; a panic becomes a permanent error.
func call(ctx context.Context, job Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = Permanent(fmt.Errorf("job %s panicked: %v", job.ID, v))
		}
	}()
	return job.Do(ctx)
}`

var jobRunnerWithBackoffPackages = harness.Register(&harness.Task{
	ID:         "job-runner-with-backoff-packages",
	Category:   harness.MultiFile,
	Title:      "Write a retrying job runner and its backoff policy as two packages",
	Difficulty: 5,
	MaxTokens:  4096,
	Tags:       []string{"go", "concurrency", "retries", "context"},
	Prompt: `Write two packages of the Go module example.com/jobs (go 1.22).

backoff/backoff.go, package backoff (import path "example.com/jobs/backoff"):

    type Policy struct {
        Initial    time.Duration // delay before the first retry
        Multiplier float64       // growth per retry, >= 1
        Max        time.Duration // cap on the delay; 0 means no cap
        Jitter     float64       // in [0, 1]: the fraction of the delay that jitter may remove
    }
    func (p Policy) Delay(retry int, r float64) time.Duration

Delay is the wait before retry number retry (1 = the first retry, before the second attempt), given r in [0, 1) from a random source: d = Initial × Multiplier^(retry−1), capped at Max, then d − d×Jitter×r. It must stay correct for any retry count, e.g. retry 200 with a cap gives the cap (no overflow).

runner/errors.go and runner/runner.go, package runner (import path "example.com/jobs/runner"):

    func Permanent(err error) error      // marks err as not worth retrying; Permanent(nil) == nil
    func IsPermanent(err error) bool     // true if err or anything it wraps was marked
                                         // (errors.Is(Permanent(e), e) must hold)

    type Job struct {
        ID string
        Do func(ctx context.Context) error
    }
    type Result struct {
        ID       string
        Attempts int   // times Do was called
        Err      error // nil on success
    }
    type Runner struct {
        Workers     int // jobs running at once; < 1 means 1
        MaxAttempts int // attempts per job including the first; < 1 means 1
        Backoff     backoff.Policy
        Sleep       func(ctx context.Context, d time.Duration) error // waits d or returns ctx's error; nil means a real timer
        Rand        func() float64                                   // jitter source in [0, 1); nil means math/rand/v2
    }
    func (r *Runner) Run(ctx context.Context, jobs []Job) []Result

Run runs every job and returns one Result per job, in the order of jobs, after all have finished:
- At most Workers calls of Do run at the same time.
- A job whose Do returns an error is tried again, up to MaxAttempts attempts in all, unless the error is permanent. Between attempt n and n+1 it calls Sleep(ctx, Backoff.Delay(n, Rand())) — once per retry, never after the last attempt. If Sleep returns an error, the job stops with that error.
- A failed job's Err is the error of its last attempt.
- A Do that panics does not crash Run: that attempt fails with a permanent error whose message contains "panicked", and other jobs go on.
- A job that has not started when ctx is done is not run: Attempts 0, Err ctx.Err().

Reply with the three files, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"bounded concurrency with ordered results", "retry loop with injected sleep and exact attempt accounting", "overflow-safe exponential backoff", "panic isolation and context cancellation"},
	Reference:    harness.Fenced("go", jobsBackoff) + "\n\n" + harness.Fenced("go", jobsErrors) + "\n\n" + harness.Fenced("go", jobsRunner),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/jobs",
		Tests: map[string]string{"jobs_test.go": `package jobstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"example.com/jobs/backoff"
	"example.com/jobs/runner"
)

func TestDelay(t *testing.T) {
	p := backoff.Policy{Initial: 100 * time.Millisecond, Multiplier: 2, Max: time.Second}
	for retry, want := range map[int]time.Duration{
		1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond,
		4: 800 * time.Millisecond, 5: time.Second, 64: time.Second, 200: time.Second, 5000: time.Second,
	} {
		if got := p.Delay(retry, 0.7); got != want {
			t.Errorf("Delay(%d) = %v, want %v", retry, got, want)
		}
	}
	j := backoff.Policy{Initial: 100 * time.Millisecond, Multiplier: 3, Max: 500 * time.Millisecond, Jitter: 0.5}
	for _, c := range []struct {
		retry int
		r     float64
		want  time.Duration
	}{
		{1, 0, 100 * time.Millisecond},
		{1, 0.5, 75 * time.Millisecond},
		{2, 0.25, 262500 * time.Microsecond},
		{3, 0.5, 375 * time.Millisecond},
		{90, 0.2, 450 * time.Millisecond},
	} {
		if got := j.Delay(c.retry, c.r); got != c.want {
			t.Errorf("jittered Delay(%d, %v) = %v, want %v", c.retry, c.r, got, c.want)
		}
	}
	if got := (backoff.Policy{Initial: time.Second, Multiplier: 1.5}).Delay(3, 0); got != 2250*time.Millisecond {
		t.Errorf("uncapped Delay(3) = %v, want 2.25s", got)
	}
}

type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func newRunner(s *sleeps, workers, attempts int) *runner.Runner {
	return &runner.Runner{
		Workers:     workers,
		MaxAttempts: attempts,
		Backoff:     backoff.Policy{Initial: 100 * time.Millisecond, Multiplier: 2, Max: time.Second},
		Sleep:       s.sleep,
		Rand:        func() float64 { return 0 },
	}
}

func TestRetryThenSucceed(t *testing.T) {
	var s sleeps
	n := 0
	res := newRunner(&s, 1, 5).Run(context.Background(), []runner.Job{{ID: "a", Do: func(context.Context) error {
		n++
		if n < 3 {
			return errors.New("flaky")
		}
		return nil
	}}})
	if len(res) != 1 || res[0].ID != "a" || res[0].Attempts != 3 || res[0].Err != nil {
		t.Fatalf("results %+v, want a: 3 attempts, no error", res)
	}
	if fmt.Sprint(s.d) != "[100ms 200ms]" {
		t.Errorf("sleeps %v, want [100ms 200ms]", s.d)
	}
}

func TestGiveUpAfterMaxAttempts(t *testing.T) {
	var s sleeps
	n := 0
	res := newRunner(&s, 1, 4).Run(context.Background(), []runner.Job{{ID: "b", Do: func(context.Context) error {
		n++
		return fmt.Errorf("failure %d", n)
	}}})
	if res[0].Attempts != 4 || res[0].Err == nil || res[0].Err.Error() != "failure 4" {
		t.Fatalf("result %+v, want 4 attempts ending in \"failure 4\"", res[0])
	}
	if fmt.Sprint(s.d) != "[100ms 200ms 400ms]" {
		t.Errorf("sleeps %v, want [100ms 200ms 400ms] (no sleep after the last attempt)", s.d)
	}
	var s1 sleeps
	res = newRunner(&s1, 0, 0).Run(context.Background(), []runner.Job{{ID: "c", Do: func(context.Context) error { return errors.New("x") }}})
	if res[0].Attempts != 1 || len(s1.d) != 0 {
		t.Errorf("MaxAttempts 0: %+v with sleeps %v, want one attempt and no sleep", res[0], s1.d)
	}
}

func TestPermanentNotRetried(t *testing.T) {
	var s sleeps
	bad := errors.New("bad request")
	res := newRunner(&s, 2, 5).Run(context.Background(), []runner.Job{{ID: "p", Do: func(context.Context) error {
		return fmt.Errorf("call api: %w", runner.Permanent(bad))
	}}})
	if res[0].Attempts != 1 || !errors.Is(res[0].Err, bad) || !runner.IsPermanent(res[0].Err) {
		t.Errorf("result %+v, want 1 attempt with the permanent error", res[0])
	}
	if len(s.d) != 0 {
		t.Errorf("slept %v for a permanent error", s.d)
	}
	if runner.Permanent(nil) != nil || runner.IsPermanent(bad) || runner.IsPermanent(nil) {
		t.Error("Permanent(nil) must be nil and plain errors are not permanent")
	}
}

func TestPanicIsolated(t *testing.T) {
	var s sleeps
	ok := false
	res := newRunner(&s, 2, 3).Run(context.Background(), []runner.Job{
		{ID: "boom", Do: func(context.Context) error { panic("nil map") }},
		{ID: "fine", Do: func(context.Context) error { ok = true; return nil }},
	})
	if res[0].Attempts != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "panicked") || !runner.IsPermanent(res[0].Err) {
		t.Errorf("panicking job: %+v", res[0])
	}
	if !ok || res[1].Err != nil || res[1].Attempts != 1 {
		t.Errorf("other job: %+v", res[1])
	}
}

func TestBoundedConcurrencyAndOrder(t *testing.T) {
	var s sleeps
	var running, peak atomic.Int32
	full := make(chan struct{})
	var once sync.Once
	var jobs []runner.Job
	for i := 0; i < 12; i++ {
		i := i
		jobs = append(jobs, runner.Job{ID: fmt.Sprintf("j%02d", i), Do: func(context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			if n == 3 {
				once.Do(func() { close(full) })
			}
			select {
			case <-full:
			case <-time.After(500 * time.Millisecond):
			}
			time.Sleep(time.Duration(12-i) * 100 * time.Microsecond)
			if i%4 == 0 {
				return fmt.Errorf("job %d failed", i)
			}
			return nil
		}})
	}
	res := newRunner(&s, 3, 1).Run(context.Background(), jobs)
	if p := peak.Load(); p != 3 {
		t.Errorf("peak concurrency %d, want 3", p)
	}
	if len(res) != 12 {
		t.Fatalf("%d results, want 12", len(res))
	}
	for i, r := range res {
		if r.ID != fmt.Sprintf("j%02d", i) || r.Attempts != 1 || (r.Err != nil) != (i%4 == 0) {
			t.Errorf("result %d = %+v", i, r)
		}
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var s sleeps
	called := false
	res := newRunner(&s, 2, 3).Run(ctx, []runner.Job{
		{ID: "x", Do: func(context.Context) error { called = true; return nil }},
		{ID: "y", Do: func(context.Context) error { called = true; return nil }},
	})
	if called {
		t.Error("a job ran after ctx was cancelled")
	}
	for _, r := range res {
		if r.Attempts != 0 || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%+v, want 0 attempts and context.Canceled", r)
		}
	}
	if res[0].ID != "x" || res[1].ID != "y" {
		t.Errorf("ids %q %q", res[0].ID, res[1].ID)
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var s sleeps
	res := newRunner(&s, 1, 5).Run(ctx, []runner.Job{{ID: "z", Do: func(context.Context) error {
		cancel()
		return errors.New("down")
	}}})
	if res[0].Attempts != 1 || !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("%+v, want 1 attempt and context.Canceled from Sleep", res[0])
	}
}
`},
	}},
	WrongAnswers: []string{
		// Sleeps after every failure, including the last attempt.
		harness.Fenced("go", jobsBackoff) + "\n\n" + harness.Fenced("go", jobsErrors) + "\n\n" + harness.Fenced("go", strings.Replace(jobsRunner, `		if res.Err == nil || IsPermanent(res.Err) || res.Attempts >= attempts {
			return res
		}
		if err := sleep(ctx, r.Backoff.Delay(res.Attempts, rnd())); err != nil {
			res.Err = err
			return res
		}`, `		if res.Err == nil || IsPermanent(res.Err) {
			return res
		}
		if err := sleep(ctx, r.Backoff.Delay(res.Attempts, rnd())); err != nil {
			res.Err = err
			return res
		}
		if res.Attempts >= attempts {
			return res
		}`, 1)),
		// Integer shifting for the exponential part: overflows for large retry counts.
		harness.Fenced("go", strings.Replace(jobsBackoff, `	d := float64(p.Initial) * math.Pow(p.Multiplier, float64(retry-1))
	if p.Max > 0 && d > float64(p.Max) {
		d = float64(p.Max)
	}
	if d > math.MaxInt64 {
		d = math.MaxInt64
	}
	d -= d * p.Jitter * r
	return time.Duration(d)`, `	d := time.Duration(float64(p.Initial) * math.Pow(p.Multiplier, float64(retry-1)))
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	return d - time.Duration(float64(d)*p.Jitter*r)`, 1)) + "\n\n" + harness.Fenced("go", jobsErrors) + "\n\n" + harness.Fenced("go", jobsRunner),
		// The runner only: the backoff package and Permanent are missing.
		harness.Fenced("go", jobsRunner),
	},
})

func TestJobRunnerWithBackoffPackages(t *testing.T) { harness.Run(t, jobRunnerWithBackoffPackages) }
