package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var lruCacheWithTTL = harness.Register(&harness.Task{
	ID:         "lru-cache-with-ttl",
	Category:   harness.SimpleCoding,
	Title:      "Write a generic LRU cache with per-entry TTL and an injectable clock",
	Difficulty: 4,
	MaxTokens:  2048,
	Tags:       []string{"go", "generics", "caching", "concurrency", "time"},
	Prompt: `We cache upstream API responses in memory. Write, in package cache:

    type Cache[K comparable, V any] struct{ /* unexported fields */ }

    // New returns an empty cache holding at most capacity entries, each living for ttl.
    // now is the clock (tests pass a fake one; nil means time.Now).
    func New[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *Cache[K, V]
    func (c *Cache[K, V]) Get(key K) (V, bool)
    func (c *Cache[K, V]) Put(key K, value V)
    func (c *Cache[K, V]) Len() int

Rules:
- New panics if capacity < 1. A ttl <= 0 means entries never expire.
- An entry put at time t expires at t+ttl: it is expired once now() >= t+ttl.
- Get returns the value and true for a present, unexpired key and makes it the most
  recently used. For an expired key it removes the entry and returns the zero value and
  false. For a missing key, the zero value and false.
- Put inserts or replaces the value, restarts the entry's TTL from now() and makes it the
  most recently used. If inserting a new key would exceed capacity, the least recently used
  entry is evicted first (whether or not it has expired). Replacing an existing key never
  evicts anything.
- Len returns the number of entries that are not expired at now().
- Get and Put must be O(1) (a map plus a doubly linked list; container/list is fine).
- All methods are safe for concurrent use by multiple goroutines.

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"LRU with map + linked list", "TTL expiry with an injected clock", "precise boundary semantics", "mutex for concurrent use"},
	Reference: harness.Fenced("go", `package cache

import (
	"container/list"
	"sync"
	"time"
)

type entry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time // zero when the cache has no TTL
}

// Cache is a fixed-capacity LRU cache whose entries expire ttl after they were put.
type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ttl      time.Duration
	now      func() time.Time
	order    *list.List // front = most recently used; values are *entry[K, V]
	items    map[K]*list.Element
}

// New returns an empty cache holding at most capacity entries, each living for ttl.
func New[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *Cache[K, V] {
	if capacity < 1 {
		panic("cache: capacity must be at least 1")
	}
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{capacity: capacity, ttl: ttl, now: now, order: list.New(), items: make(map[K]*list.Element)}
}

func (c *Cache[K, V]) expired(e *entry[K, V], now time.Time) bool {
	return c.ttl > 0 && !now.Before(e.expires)
}

// Get returns the value for key if it is present and unexpired.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if c.expired(e, c.now()) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

// Put inserts or replaces key's value and restarts its TTL.
func (c *Cache[K, V]) Put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	var expires time.Time
	if c.ttl > 0 {
		expires = now.Add(c.ttl)
	}
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[K, V])
		e.value, e.expires = value, expires
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.capacity {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*entry[K, V]).key)
	}
	c.items[key] = c.order.PushFront(&entry[K, V]{key: key, value: value, expires: expires})
}

// Len returns the number of unexpired entries.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	n := 0
	for el := c.order.Front(); el != nil; el = el.Next() {
		if !c.expired(el.Value.(*entry[K, V]), now) {
			n++
		}
	}
	return n
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "cache",
		Tests: map[string]string{"cache_test.go": `package cache

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func mustGet(t *testing.T, c *Cache[string, int], key string, want int) {
	t.Helper()
	if v, ok := c.Get(key); !ok || v != want {
		t.Errorf("Get(%q) = %d, %v; want %d, true", key, v, ok, want)
	}
}

func mustMiss(t *testing.T, c *Cache[string, int], key string) {
	t.Helper()
	if v, ok := c.Get(key); ok || v != 0 {
		t.Errorf("Get(%q) = %d, %v; want 0, false", key, v, ok)
	}
}

func TestEvictsLeastRecentlyUsed(t *testing.T) {
	clk := newClock()
	c := New[string, int](2, time.Minute, clk.now)
	c.Put("a", 1)
	c.Put("b", 2)
	mustGet(t, c, "a", 1) // a is now more recent than b
	c.Put("c", 3)         // evicts b
	mustMiss(t, c, "b")
	mustGet(t, c, "a", 1)
	mustGet(t, c, "c", 3)
	if n := c.Len(); n != 2 {
		t.Errorf("Len() = %d, want 2", n)
	}
}

func TestReplaceRefreshesRecencyWithoutEvicting(t *testing.T) {
	clk := newClock()
	c := New[string, int](2, 0, clk.now)
	c.Put("a", 1)
	c.Put("b", 2)
	c.Put("a", 10) // replace: no eviction, a becomes most recent
	if n := c.Len(); n != 2 {
		t.Fatalf("Len() after replace = %d, want 2", n)
	}
	c.Put("c", 3) // evicts b, the least recently used
	mustMiss(t, c, "b")
	mustGet(t, c, "a", 10)
	mustGet(t, c, "c", 3)
}

func TestExpiryBoundary(t *testing.T) {
	clk := newClock()
	c := New[string, int](4, 10*time.Second, clk.now)
	c.Put("a", 1)
	clk.add(10*time.Second - time.Nanosecond)
	mustGet(t, c, "a", 1)
	clk.add(time.Nanosecond) // exactly put+ttl: expired
	mustMiss(t, c, "a")
	if n := c.Len(); n != 0 {
		t.Errorf("Len() = %d, want 0", n)
	}
}

func TestGetDoesNotExtendTTL(t *testing.T) {
	clk := newClock()
	c := New[string, int](4, 10*time.Second, clk.now)
	c.Put("a", 1)
	clk.add(6 * time.Second)
	mustGet(t, c, "a", 1)
	clk.add(6 * time.Second)
	mustMiss(t, c, "a")
}

func TestPutRestartsTTL(t *testing.T) {
	clk := newClock()
	c := New[string, int](4, 10*time.Second, clk.now)
	c.Put("a", 1)
	clk.add(8 * time.Second)
	c.Put("a", 2)
	clk.add(8 * time.Second)
	mustGet(t, c, "a", 2)
	clk.add(2 * time.Second)
	mustMiss(t, c, "a")
}

func TestLenCountsOnlyLiveEntries(t *testing.T) {
	clk := newClock()
	c := New[string, int](10, 10*time.Second, clk.now)
	c.Put("a", 1)
	clk.add(5 * time.Second)
	c.Put("b", 2)
	c.Put("c", 3)
	if n := c.Len(); n != 3 {
		t.Errorf("Len() = %d, want 3", n)
	}
	clk.add(5 * time.Second) // a expires
	if n := c.Len(); n != 2 {
		t.Errorf("Len() after a expired = %d, want 2", n)
	}
	clk.add(5 * time.Second)
	if n := c.Len(); n != 0 {
		t.Errorf("Len() after all expired = %d, want 0", n)
	}
}

func TestExpiredEntryStillCountsForEviction(t *testing.T) {
	clk := newClock()
	c := New[string, int](2, 10*time.Second, clk.now)
	c.Put("old", 1)
	clk.add(20 * time.Second)
	c.Put("x", 2)
	c.Put("y", 3) // capacity 2: evicts "old" (LRU), keeps x
	mustGet(t, c, "x", 2)
	mustGet(t, c, "y", 3)
}

func TestNoTTLNeverExpires(t *testing.T) {
	clk := newClock()
	c := New[string, int](1, 0, clk.now)
	c.Put("a", 1)
	clk.add(100 * 365 * 24 * time.Hour)
	mustGet(t, c, "a", 1)
	c.Put("b", 2) // capacity 1
	mustMiss(t, c, "a")
	mustGet(t, c, "b", 2)
}

func TestPanicsOnBadCapacity(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New(0, ...) did not panic")
		}
	}()
	New[string, int](0, time.Second, nil)
}

func TestNilClockUsesTimeNow(t *testing.T) {
	c := New[int, string](2, time.Hour, nil)
	c.Put(1, "x")
	if v, ok := c.Get(1); !ok || v != "x" {
		t.Errorf("Get(1) = %q, %v", v, ok)
	}
}

func TestConcurrentUse(t *testing.T) {
	clk := newClock()
	c := New[string, int](64, time.Minute, clk.now)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := fmt.Sprint((g*7 + i) % 100)
				c.Put(k, i)
				c.Get(k)
				if i%100 == 0 {
					c.Len()
				}
			}
		}(g)
	}
	wg.Wait()
	if n := c.Len(); n != 64 {
		t.Errorf("Len() = %d, want 64", n)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Get does not refresh recency (FIFO eviction), and expiry uses After (off by one at the boundary).
		harness.Fenced("go", `package cache

import (
	"container/list"
	"sync"
	"time"
)

type entry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time
}

type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ttl      time.Duration
	now      func() time.Time
	order    *list.List
	items    map[K]*list.Element
}

func New[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *Cache[K, V] {
	if capacity < 1 {
		panic("bad capacity")
	}
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{capacity: capacity, ttl: ttl, now: now, order: list.New(), items: map[K]*list.Element{}}
}

func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if c.ttl > 0 && c.now().After(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	return e.value, true
}

func (c *Cache[K, V]) Put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[K, V])
		e.value, e.expires = value, exp
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.capacity {
		b := c.order.Back()
		c.order.Remove(b)
		delete(c.items, b.Value.(*entry[K, V]).key)
	}
	c.items[key] = c.order.PushFront(&entry[K, V]{key, value, exp})
}

func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for el := c.order.Front(); el != nil; el = el.Next() {
		if c.ttl <= 0 || c.now().Before(el.Value.(*entry[K, V]).expires) {
			n++
		}
	}
	return n
}`),
		// Len counts expired entries that have not been removed yet.
		harness.Fenced("go", `package cache

import (
	"container/list"
	"sync"
	"time"
)

type entry[K comparable, V any] struct {
	key     K
	value   V
	expires time.Time
}

type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	capacity int
	ttl      time.Duration
	now      func() time.Time
	order    *list.List
	items    map[K]*list.Element
}

func New[K comparable, V any](capacity int, ttl time.Duration, now func() time.Time) *Cache[K, V] {
	if capacity < 1 {
		panic("bad capacity")
	}
	if now == nil {
		now = time.Now
	}
	return &Cache[K, V]{capacity: capacity, ttl: ttl, now: now, order: list.New(), items: map[K]*list.Element{}}
}

func (c *Cache[K, V]) Get(key K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	e := el.Value.(*entry[K, V])
	if c.ttl > 0 && !c.now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return e.value, true
}

func (c *Cache[K, V]) Put(key K, value V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		e := el.Value.(*entry[K, V])
		e.value, e.expires = value, exp
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.capacity {
		b := c.order.Back()
		c.order.Remove(b)
		delete(c.items, b.Value.(*entry[K, V]).key)
	}
	c.items[key] = c.order.PushFront(&entry[K, V]{key, value, exp})
}

func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}`),
	},
})

func TestLRUCacheWithTTL(t *testing.T) { harness.Run(t, lruCacheWithTTL) }
