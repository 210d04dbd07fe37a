package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const thunderingHerdBuggy = `package configcache

import (
	"context"
	"sync"
)

// Loader fetches one key from the config service.
type Loader func(ctx context.Context, key string) ([]byte, error)

// Cache keeps config values fetched by a Loader until they are invalidated.
type Cache struct {
	load  Loader
	mu    sync.RWMutex
	items map[string][]byte
}

// New returns an empty cache backed by load.
func New(load Loader) *Cache {
	return &Cache{load: load, items: make(map[string][]byte)}
}

// Get returns the value of key, loading it on a miss. Errors are not cached.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	c.mu.RLock()
	v, ok := c.items[key]
	c.mu.RUnlock()
	if ok {
		return v, nil
	}
	v, err := c.load(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.items[key] = v
	c.mu.Unlock()
	return v, nil
}

// Invalidate drops key, so that the next Get loads it again.
func (c *Cache) Invalidate(key string) {
	c.mu.Lock()
	delete(c.items, key)
	c.mu.Unlock()
}`

const thunderingHerdReference = `package configcache

import (
	"context"
	"sync"
)

// Loader fetches one key from the config service.
type Loader func(ctx context.Context, key string) ([]byte, error)

// call is one in-flight load; done is closed once val and err are set.
type call struct {
	done chan struct{}
	val  []byte
	err  error
}

// Cache keeps config values fetched by a Loader until they are invalidated. Concurrent
// misses on one key share a single load.
type Cache struct {
	load     Loader
	mu       sync.Mutex // guards items and inflight; never held while loading
	items    map[string][]byte
	inflight map[string]*call
}

// New returns an empty cache backed by load.
func New(load Loader) *Cache {
	return &Cache{load: load, items: make(map[string][]byte), inflight: make(map[string]*call)}
}

// Get returns the value of key, loading it on a miss. Only one load per key runs at a
// time: other callers wait for it and share its result, or give up when their own ctx is
// done. Errors are not cached.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	if v, ok := c.items[key]; ok {
		c.mu.Unlock()
		return v, nil
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		select {
		case <-cl.done:
			return cl.val, cl.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	cl.val, cl.err = c.load(ctx, key)

	c.mu.Lock()
	delete(c.inflight, key)
	if cl.err == nil {
		c.items[key] = cl.val
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.val, cl.err
}

// Invalidate drops key, so that the next Get loads it again.
func (c *Cache) Invalidate(key string) {
	c.mu.Lock()
	delete(c.items, key)
	c.mu.Unlock()
}`

var cacheThunderingHerd = harness.Register(&harness.Task{
	ID:         "cache-thundering-herd",
	Category:   harness.Debugging,
	Title:      "Fix a cache that stampedes its backend on concurrent misses",
	Difficulty: 5,
	MaxTokens:  3072,
	Tags:       []string{"go", "concurrency", "caching", "singleflight", "context"},
	Prompt: `After every deploy our API pods hammer the config service and get rate-limited:

    2024-07-02T14:03:11.204Z config-svc  GET /v1/keys/feature-flags 200 3ms  (x64 within 4ms, all from pod api-7c9f)
    2024-07-02T14:03:11.209Z config-svc  GET /v1/keys/feature-flags 429 0ms  (x212)
    2024-07-02T14:03:11.211Z api-7c9f    ERROR load config "feature-flags": config service: 429 Too Many Requests

Each pod starts ~300 request goroutines that all call cache.Get(ctx, "feature-flags") at
once. Here is the cache:

` + harness.Fenced("go", thunderingHerdBuggy) + `

Fix it. Required behaviour:
- At most one load per key is in flight at any time. Callers that miss while a load of
  the same key is running wait for it and return its result (value or error).
- The loader receives the context of the caller that started the load.
- A waiting caller whose own ctx is done stops waiting and returns ctx.Err(); the load
  carries on for the others and its value is still cached.
- Loads of different keys run in parallel, and Gets of cached keys never wait for a load:
  no lock may be held while the loader runs.
- Errors are not cached: after a failed load, the next Get loads again.
- Keep the exported API (Loader, Cache, New, Get, Invalidate). Standard library only
  (no golang.org/x/sync).

Reply with the complete fixed Go file in one fenced code block.`,
	Capabilities: []string{"diagnoses a cache stampede from logs", "per-key in-flight deduplication (singleflight)", "never holds a mutex across I/O", "context-aware waiting"},
	Reference:    harness.Fenced("go", thunderingHerdReference),
	Checks: []harness.Check{harness.GoTests{
		Package: "configcache",
		Tests: map[string]string{"configcache_test.go": `package configcache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// blockingLoader counts calls, signals started for each, and blocks until release is closed.
type blockingLoader struct {
	calls   atomic.Int32
	started chan string
	release chan struct{}
	fail    func(n int32) error
}

func newLoader() *blockingLoader {
	return &blockingLoader{started: make(chan string, 1000), release: make(chan struct{})}
}

func (b *blockingLoader) load(ctx context.Context, key string) ([]byte, error) {
	n := b.calls.Add(1)
	b.started <- key
	<-b.release
	if b.fail != nil {
		if err := b.fail(n); err != nil {
			return nil, err
		}
	}
	return []byte("v:" + key), nil
}

// settle gives goroutines up to 50ms to pile up; it returns early once a second load starts.
func (b *blockingLoader) settle() {
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) && b.calls.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
}

func TestConcurrentMissesShareOneLoad(t *testing.T) {
	b := newLoader()
	c := New(b.load)
	const n = 30
	var wg sync.WaitGroup
	vals := make([]string, n)
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			v, err := c.Get(context.Background(), "feature-flags")
			vals[i], errs[i] = string(v), err
		}(i)
	}
	<-b.started
	b.settle()
	close(b.release)
	wg.Wait()
	if got := b.calls.Load(); got != 1 {
		t.Errorf("%d concurrent Gets made %d loads, want 1", n, got)
	}
	for i := range vals {
		if vals[i] != "v:feature-flags" || errs[i] != nil {
			t.Errorf("caller %d got %q, %v", i, vals[i], errs[i])
		}
	}
	if v, err := c.Get(context.Background(), "feature-flags"); string(v) != "v:feature-flags" || err != nil || b.calls.Load() != 1 {
		t.Errorf("cached Get = %q, %v after %d loads", v, err, b.calls.Load())
	}
}

func TestLoaderGetsCallerContext(t *testing.T) {
	type ctxKey struct{}
	var got any
	c := New(func(ctx context.Context, key string) ([]byte, error) {
		got = ctx.Value(ctxKey{})
		return []byte("x"), nil
	})
	c.Get(context.WithValue(context.Background(), ctxKey{}, "req-1"), "k")
	if got != "req-1" {
		t.Errorf("loader saw context value %v, want req-1", got)
	}
}

func TestDifferentKeysLoadInParallel(t *testing.T) {
	bStarted := make(chan struct{})
	aStarted := make(chan struct{})
	c := New(func(ctx context.Context, key string) ([]byte, error) {
		switch key {
		case "a":
			close(aStarted)
			select {
			case <-bStarted:
				return []byte("A"), nil
			case <-time.After(time.Second):
				return nil, errors.New("the load of b never started while a was loading")
			}
		default:
			close(bStarted)
			return []byte("B"), nil
		}
	})
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(context.Background(), "a")
		done <- err
	}()
	<-aStarted
	if v, err := c.Get(context.Background(), "b"); string(v) != "B" || err != nil {
		t.Errorf("Get(b) = %q, %v", v, err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}

func TestHitsDoNotWaitForLoads(t *testing.T) {
	b := newLoader()
	c := New(b.load)
	close(b.release)
	c.Get(context.Background(), "cached")
	<-b.started
	b.release = make(chan struct{})
	go c.Get(context.Background(), "slow")
	<-b.started
	got := make(chan string, 1)
	go func() {
		v, _ := c.Get(context.Background(), "cached")
		got <- string(v)
	}()
	select {
	case v := <-got:
		if v != "v:cached" {
			t.Errorf("Get(cached) = %q", v)
		}
	case <-time.After(time.Second):
		t.Error("Get of a cached key blocked while another key was loading")
	}
	close(b.release)
}

func TestWaiterHonoursContext(t *testing.T) {
	b := newLoader()
	c := New(b.load)
	leader := make(chan string, 1)
	go func() {
		v, _ := c.Get(context.Background(), "k")
		leader <- string(v)
	}()
	<-b.started
	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "k")
		waiter <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-waiter:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled waiter got %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Error("a waiter did not return after its context was cancelled")
	}
	close(b.release)
	if v := <-leader; v != "v:k" {
		t.Errorf("leader got %q", v)
	}
	if v, err := c.Get(context.Background(), "k"); string(v) != "v:k" || err != nil {
		t.Errorf("after the load, Get = %q, %v", v, err)
	}
	if n := b.calls.Load(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	boom := errors.New("config service: 429 Too Many Requests")
	b := newLoader()
	b.fail = func(n int32) error {
		if n == 1 {
			return boom
		}
		return nil
	}
	c := New(b.load)
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, errs[i] = c.Get(context.Background(), "k")
		}(i)
	}
	<-b.started
	b.settle()
	close(b.release)
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Errorf("unexpected error %v", err)
		}
	}
	if failed == 0 {
		t.Error("no caller saw the failed load's error")
	}
	if calls := b.calls.Load(); calls > 2 {
		t.Errorf("%d loads for %d concurrent callers, want 1 (or 2 if some arrived after the failure)", calls, n)
	}
	v, err := c.Get(context.Background(), "k")
	if string(v) != "v:k" || err != nil {
		t.Errorf("Get after a failed load = %q, %v; want a fresh load", v, err)
	}
}

func TestInvalidate(t *testing.T) {
	b := newLoader()
	close(b.release)
	c := New(b.load)
	c.Get(context.Background(), "k")
	c.Get(context.Background(), "k")
	c.Invalidate("k")
	c.Get(context.Background(), "k")
	if n := b.calls.Load(); n != 2 {
		t.Errorf("%d loads, want 2", n)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", thunderingHerdBuggy),
		// Holds the write lock across the load: no stampede, but every Get serialises
		// behind one slow load and waiters cannot give up.
		harness.Fenced("go", strings.Replace(thunderingHerdBuggy, `	v, err := c.load(ctx, key)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.items[key] = v
	c.mu.Unlock()
	return v, nil`, `	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.items[key]; ok {
		return v, nil
	}
	v, err := c.load(ctx, key)
	if err != nil {
		return nil, err
	}
	c.items[key] = v
	return v, nil`, 1)),
		// Deduplicates loads, but waiters ignore their own context.
		harness.Fenced("go", strings.Replace(thunderingHerdReference, `		select {
		case <-cl.done:
			return cl.val, cl.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}`, `		<-cl.done
		return cl.val, cl.err`, 1)),
		// Deduplicates loads, but a failed call stays in flight forever: errors are cached.
		harness.Fenced("go", strings.Replace(thunderingHerdReference, `	delete(c.inflight, key)
	if cl.err == nil {
		c.items[key] = cl.val
	}`, `	if cl.err == nil {
		delete(c.inflight, key)
		c.items[key] = cl.val
	}`, 1)),
	},
})

func TestCacheThunderingHerd(t *testing.T) { harness.Run(t, cacheThunderingHerd) }
