package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const globalLimiterOriginal = `package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Per-key token buckets for the public API: a key may make Burst requests at once and
// Rate requests per second sustained.
var (
	Rate  = 5.0
	Burst = 10

	mu      sync.Mutex
	buckets = map[string]*bucket{}
	now     = time.Now // tests replace it
)

type bucket struct {
	tokens float64
	last   time.Time // when tokens was last brought up to date
}

// Allow reports whether key may make one request now, and takes a token if so. A new key
// starts with a full bucket.
func Allow(key string) bool {
	mu.Lock()
	defer mu.Unlock()
	t := now()
	b, ok := buckets[key]
	if !ok {
		b = &bucket{tokens: float64(Burst), last: t}
		buckets[key] = b
	}
	if elapsed := t.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(Burst), b.tokens+elapsed.Seconds()*Rate)
		b.last = t
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Reset forgets key, giving it a full bucket again.
func Reset(key string) {
	mu.Lock()
	defer mu.Unlock()
	delete(buckets, key)
}

// Len reports how many keys are tracked.
func Len() int {
	mu.Lock()
	defer mu.Unlock()
	return len(buckets)
}

// Prune forgets keys whose bucket was last brought up to date at least idle ago, and
// returns how many it removed.
func Prune(idle time.Duration) int {
	mu.Lock()
	defer mu.Unlock()
	t := now()
	n := 0
	for k, b := range buckets {
		if t.Sub(b.last) >= idle {
			delete(buckets, k)
			n++
		}
	}
	return n
}`

const globalLimiterReference = `package ratelimit

import (
	"math"
	"sync"
	"time"
)

// Limiter keeps one token bucket per key: a key may make burst requests at once and rate
// requests per second sustained. It is safe for concurrent use.
type Limiter struct {
	rate  float64
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time // when tokens was last brought up to date
}

// New returns a Limiter; now is its clock (time.Now when nil).
func New(rate float64, burst int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{rate: rate, burst: burst, now: now, buckets: make(map[string]*bucket)}
}

// Allow reports whether key may make one request now, and takes a token if so. A new key
// starts with a full bucket.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: float64(l.burst), last: t}
		l.buckets[key] = b
	}
	if elapsed := t.Sub(b.last); elapsed > 0 {
		b.tokens = math.Min(float64(l.burst), b.tokens+elapsed.Seconds()*l.rate)
		b.last = t
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Reset forgets key, giving it a full bucket again.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// Len reports how many keys are tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// Prune forgets keys whose bucket was last brought up to date at least idle ago, and
// returns how many it removed.
func (l *Limiter) Prune(idle time.Duration) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	n := 0
	for k, b := range l.buckets {
		if t.Sub(b.last) >= idle {
			delete(l.buckets, k)
			n++
		}
	}
	return n
}`

var globalStateToStruct = harness.Register(&harness.Task{
	ID:         "global-state-to-struct",
	Category:   harness.Refactoring,
	Title:      "Move a rate limiter's package-level state into a struct",
	Difficulty: 4,
	MaxTokens:  2560,
	Tags:       []string{"go", "refactoring", "global-state", "rate-limiting", "concurrency", "testability"},
	Prompt: `This rate limiter keeps its state in package variables, so the admin API and the public API
can't have different limits, and tests interfere with each other through the shared map
and the swapped clock. Move all of it into a type:

` + harness.Fenced("go", globalLimiterOriginal) + `

Required API after the change (package ratelimit):

    type Limiter struct{ /* unexported fields */ }
    func New(rate float64, burst int, now func() time.Time) *Limiter // now == nil means time.Now
    func (l *Limiter) Allow(key string) bool
    func (l *Limiter) Reset(key string)
    func (l *Limiter) Len() int
    func (l *Limiter) Prune(idle time.Duration) int

- No package-level mutable state may remain: the variables Rate, Burst, mu, buckets and now
  and the functions Allow, Reset, Len and Prune must be gone.
- Each Limiter is independent and safe for concurrent use.
- The token-bucket behaviour must not change at all: a new key starts full, refill is
  rate × elapsed seconds capped at burst, a clock that goes backwards adds nothing, Prune's
  "at least idle ago" rule, etc.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"removes global state into a type", "injects configuration and the clock", "preserves concurrency safety and exact semantics"},
	Reference:    harness.Fenced("go", globalLimiterReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "ratelimit",
			Tests: map[string]string{"ratelimit_test.go": `package ratelimit

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)} }

func take(l *Limiter, key string, n int) int {
	ok := 0
	for i := 0; i < n; i++ {
		if l.Allow(key) {
			ok++
		}
	}
	return ok
}

func TestBurstThenRefill(t *testing.T) {
	clk := newClock()
	l := New(2, 4, clk.now)
	if got := take(l, "k", 10); got != 4 {
		t.Fatalf("burst: %d allowed, want 4", got)
	}
	clk.t = clk.t.Add(250 * time.Millisecond) // 0.5 token
	if l.Allow("k") {
		t.Error("allowed with half a token")
	}
	clk.t = clk.t.Add(250 * time.Millisecond) // 1 token in total
	if !l.Allow("k") {
		t.Error("refused after refilling one token")
	}
	if l.Allow("k") {
		t.Error("allowed twice on one refilled token")
	}
}

func TestRefillIsCappedAtBurst(t *testing.T) {
	clk := newClock()
	l := New(10, 3, clk.now)
	take(l, "k", 3)
	clk.t = clk.t.Add(time.Hour)
	if got := take(l, "k", 10); got != 3 {
		t.Errorf("after an idle hour: %d allowed, want burst 3", got)
	}
}

func TestClockGoingBackwards(t *testing.T) {
	clk := newClock()
	l := New(1, 2, clk.now)
	take(l, "k", 2)
	clk.t = clk.t.Add(-time.Minute)
	if l.Allow("k") {
		t.Error("a clock going backwards added tokens")
	}
	clk.t = clk.t.Add(time.Minute) // back to the last update: still nothing new
	if l.Allow("k") {
		t.Error("allowed without any elapsed time since the last update")
	}
	clk.t = clk.t.Add(time.Second)
	if !l.Allow("k") {
		t.Error("refused after a full second")
	}
}

func TestKeysAndLimitersAreIndependent(t *testing.T) {
	clk := newClock()
	public := New(1, 2, clk.now)
	admin := New(100, 50, clk.now)
	if got := take(public, "ip-1", 5); got != 2 {
		t.Errorf("public ip-1: %d, want 2", got)
	}
	if got := take(public, "ip-2", 5); got != 2 {
		t.Errorf("public ip-2: %d, want 2", got)
	}
	if got := take(admin, "ip-1", 60); got != 50 {
		t.Errorf("admin ip-1: %d, want 50", got)
	}
	if public.Len() != 2 || admin.Len() != 1 {
		t.Errorf("Len: public %d, admin %d", public.Len(), admin.Len())
	}
}

func TestReset(t *testing.T) {
	clk := newClock()
	l := New(1, 2, clk.now)
	take(l, "k", 2)
	l.Reset("k")
	if l.Len() != 0 {
		t.Errorf("Len after Reset = %d", l.Len())
	}
	if got := take(l, "k", 5); got != 2 {
		t.Errorf("after Reset: %d allowed, want a full bucket of 2", got)
	}
}

func TestPrune(t *testing.T) {
	clk := newClock()
	l := New(1, 5, clk.now)
	l.Allow("old")
	clk.t = clk.t.Add(30 * time.Second)
	l.Allow("mid")
	clk.t = clk.t.Add(30 * time.Second)
	l.Allow("new")
	if n := l.Prune(time.Minute); n != 1 || l.Len() != 2 {
		t.Errorf("Prune(1m) removed %d, Len %d; want 1 removed (exactly a minute idle), 2 left", n, l.Len())
	}
	if n := l.Prune(time.Hour); n != 0 {
		t.Errorf("Prune(1h) removed %d", n)
	}
	if n := l.Prune(0); n != 2 || l.Len() != 0 {
		t.Errorf("Prune(0) removed %d, Len %d", n, l.Len())
	}
}

func TestConcurrentAllowCountsExactly(t *testing.T) {
	clk := newClock()
	l := New(1, 50, clk.now)
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if l.Allow("shared") {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != 50 {
		t.Errorf("%d allowed under concurrency, want exactly the burst of 50", got)
	}
}

func TestNilClock(t *testing.T) {
	l := New(1, 1, nil)
	if !l.Allow("k") || l.Allow("k") {
		t.Error("a burst of 1 with the real clock did not allow exactly one request")
	}
}
`},
		},
		harness.GoDeclares{
			Want:   []string{"Limiter", "New", "Limiter.Allow", "Limiter.Reset", "Limiter.Len", "Limiter.Prune"},
			Forbid: []string{"Allow", "Reset", "Len", "Prune", "Rate", "Burst", "mu", "buckets", "now"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", globalLimiterOriginal),
		// Rewrites the refill without the cap at burst.
		harness.Fenced("go", strings.Replace(globalLimiterReference,
			"b.tokens = math.Min(float64(l.burst), b.tokens+elapsed.Seconds()*l.rate)",
			"b.tokens += elapsed.Seconds() * l.rate\n		_ = math.Min", 1)),
		// Keeps a package-level default clock variable named now.
		harness.Fenced("go", strings.NewReplacer(
			"	if now == nil {\n		now = time.Now\n	}\n	return &Limiter{rate: rate, burst: burst, now: now,",
			"	if clk == nil {\n		clk = now\n	}\n	return &Limiter{rate: rate, burst: burst, now: clk,",
			"func New(rate float64, burst int, now func() time.Time) *Limiter {",
			"var now = time.Now\n\nfunc New(rate float64, burst int, clk func() time.Time) *Limiter {",
		).Replace(globalLimiterReference)),
	},
})

func TestGlobalStateToStruct(t *testing.T) { harness.Run(t, globalStateToStruct) }
