package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var exponentialBackoffWithJitter = harness.Register(&harness.Task{
	ID:         "exponential-backoff-with-jitter",
	Category:   harness.SimpleCoding,
	Title:      "Compute a capped exponential backoff delay with equal jitter",
	Difficulty: 3,
	MaxTokens:  1024,
	Tags:       []string{"go", "retry", "time", "overflow"},
	Prompt: `Our HTTP client retries failed calls. Write the delay computation, in package backoff:

    // Delay returns how long to wait before retry number attempt (0 for the first retry).
    func Delay(attempt int, base, max time.Duration, rnd func() float64) time.Duration

Rules:
- The un-jittered delay is d = base × 2^attempt, capped at max. A negative attempt counts
  as 0. If max < base, the cap applies from attempt 0 on.
- It must never overflow: for any attempt (60, 63, 64, 1000, math.MaxInt...) and any
  positive base and max, d is the cap once base × 2^attempt would exceed max.
- Equal jitter: with r = rnd() (a value in [0, 1); call rnd at most once), the result is
  d/2 (integer division) plus r × (d − d/2), the product truncated to a whole nanosecond.
  So the result lies in [d/2, d].
- If base <= 0 or max <= 0 the result is 0 (rnd is not called).

Example: base 100ms, max 10s, attempt 3, rnd() = 0.5 → d = 800ms → 400ms + 200ms = 600ms.

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"retry/backoff policy", "overflow-safe doubling", "precise jitter arithmetic"},
	Reference: harness.Fenced("go", `package backoff

import "time"

// Delay returns how long to wait before retry number attempt (0 for the first retry):
// base doubled per attempt, capped at max, with equal jitter.
func Delay(attempt int, base, max time.Duration, rnd func() float64) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	d := base
	if d > max {
		d = max
	}
	for i := 0; i < attempt && d < max; i++ {
		if d > max/2 {
			d = max
			break
		}
		d *= 2
	}
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "backoff",
		Tests: map[string]string{"backoff_test.go": `package backoff

import (
	"math"
	"testing"
	"time"
)

func fixed(r float64) func() float64 { return func() float64 { return r } }

func TestDoubling(t *testing.T) {
	base, max := 100*time.Millisecond, 10*time.Second
	for attempt, want := range []time.Duration{100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000} {
		want *= time.Millisecond
		if got := Delay(attempt, base, max, fixed(0.999999999)); got < want-time.Microsecond || got > want {
			t.Errorf("attempt %d with r≈1: got %v, want ≈%v", attempt, got, want)
		}
		if got := Delay(attempt, base, max, fixed(0)); got != want/2 {
			t.Errorf("attempt %d with r=0: got %v, want %v", attempt, got, want/2)
		}
	}
}

func TestExample(t *testing.T) {
	if got := Delay(3, 100*time.Millisecond, 10*time.Second, fixed(0.5)); got != 600*time.Millisecond {
		t.Errorf("got %v, want 600ms", got)
	}
}

func TestJitterArithmetic(t *testing.T) {
	// d = 7ns: d/2 = 3, d - d/2 = 4; 0.5*4 = 2 → 5; 0.9*4 = 3.6 → 3 → 6.
	if got := Delay(0, 7, time.Second, fixed(0.5)); got != 5 {
		t.Errorf("d=7ns r=0.5: got %d, want 5", got)
	}
	if got := Delay(0, 7, time.Second, fixed(0.9)); got != 6 {
		t.Errorf("d=7ns r=0.9: got %d, want 6", got)
	}
	// Capped: d = max = 1s + 1ns.
	if got := Delay(50, time.Second, time.Second+1, fixed(0.25)); got != 625000000 {
		t.Errorf("capped 1s+1ns r=0.25: got %d", got)
	}
}

func TestNoOverflow(t *testing.T) {
	max := 30 * time.Second
	for _, attempt := range []int{30, 40, 60, 62, 63, 64, 65, 100, 1000, math.MaxInt32, math.MaxInt} {
		if got := Delay(attempt, time.Second, max, fixed(0)); got != max/2 {
			t.Errorf("attempt %d r=0: got %v, want %v", attempt, got, max/2)
		}
	}
	huge := time.Duration(math.MaxInt64)
	if got := Delay(62, 3, huge, fixed(0)); got != huge/2 {
		t.Errorf("attempt 62 base 3ns max MaxInt64: got %v, want %v", got, huge/2)
	}
	for _, c := range []struct {
		attempt int
		base    time.Duration
	}{{62, 5}, {61, 9}, {60, 17}} {
		if got := Delay(c.attempt, c.base, huge, fixed(0)); got != huge/2 {
			t.Errorf("attempt %d base %dns max MaxInt64: got %v, want %v", c.attempt, c.base, got, huge/2)
		}
	}
	if got := Delay(1, huge/2+1, huge, fixed(0)); got != huge/2 {
		t.Errorf("doubling past MaxInt64: got %v, want %v", got, huge/2)
	}
}

func TestMaxBelowBase(t *testing.T) {
	if got := Delay(0, 5*time.Second, 2*time.Second, fixed(0)); got != time.Second {
		t.Errorf("got %v, want 1s (cap 2s applies at attempt 0)", got)
	}
}

func TestNegativeAttempt(t *testing.T) {
	if got := Delay(-3, 100*time.Millisecond, time.Second, fixed(0)); got != 50*time.Millisecond {
		t.Errorf("got %v, want 50ms", got)
	}
}

func TestDegenerate(t *testing.T) {
	called := false
	rnd := func() float64 { called = true; return 0.5 }
	if got := Delay(3, 0, time.Second, rnd); got != 0 {
		t.Errorf("base 0: got %v, want 0", got)
	}
	if got := Delay(3, time.Second, 0, rnd); got != 0 {
		t.Errorf("max 0: got %v, want 0", got)
	}
	if got := Delay(3, -time.Second, time.Second, rnd); got != 0 {
		t.Errorf("negative base: got %v, want 0", got)
	}
	if called {
		t.Error("rnd was called for a zero result")
	}
}

func TestRndCalledAtMostOnce(t *testing.T) {
	n := 0
	Delay(4, time.Millisecond, time.Second, func() float64 { n++; return 0.3 })
	if n > 1 {
		t.Errorf("rnd called %d times, want at most 1", n)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Shifts base by attempt: overflows for large attempts.
		harness.Fenced("go", `package backoff

import "time"

func Delay(attempt int, base, max time.Duration, rnd func() float64) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	if attempt < 0 {
		attempt = 0
	}
	d := base << uint(attempt)
	if d > max || d <= 0 {
		d = max
	}
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}`),
		// Uses math.Pow: float64 conversion of huge values is not capped correctly and
		// the jitter is applied to the whole delay (full jitter) instead of half.
		harness.Fenced("go", `package backoff

import (
	"math"
	"time"
)

func Delay(attempt int, base, max time.Duration, rnd func() float64) time.Duration {
	if base <= 0 || max <= 0 {
		return 0
	}
	if attempt < 0 {
		attempt = 0
	}
	d := time.Duration(math.Min(float64(base)*math.Pow(2, float64(attempt)), float64(max)))
	return time.Duration(rnd() * float64(d))
}`),
	},
})

func TestExponentialBackoffWithJitter(t *testing.T) { harness.Run(t, exponentialBackoffWithJitter) }
