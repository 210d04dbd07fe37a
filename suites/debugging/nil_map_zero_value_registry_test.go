package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const nilMapRegistryBuggy = `package hooks

import "sync"

// Handler reacts to an event.
type Handler func(payload any)

// Registry maps event names to handlers. The zero value is an empty registry ready to
// use, so it can be embedded by value in other structs.
type Registry struct {
	mu       sync.Mutex
	handlers map[string][]Handler
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{handlers: make(map[string][]Handler)}
}

// On registers h for event. Handlers run in registration order.
func (r *Registry) On(event string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[event] = append(r.handlers[event], h)
}

// Merge copies every handler of other into r, after r's own handlers.
func (r *Registry) Merge(other *Registry) {
	other.mu.Lock()
	copied := make(map[string][]Handler, len(other.handlers))
	for ev, hs := range other.handlers {
		copied[ev] = append([]Handler(nil), hs...)
	}
	other.mu.Unlock()

	r.mu.Lock()
	defer r.mu.Unlock()
	for ev, hs := range copied {
		r.handlers[ev] = append(r.handlers[ev], hs...)
	}
}

// Emit calls every handler registered for event and returns how many ran.
func (r *Registry) Emit(event string, payload any) int {
	r.mu.Lock()
	hs := append([]Handler(nil), r.handlers[event]...)
	r.mu.Unlock()
	for _, h := range hs {
		h(payload)
	}
	return len(hs)
}

// Off removes every handler for event.
func (r *Registry) Off(event string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.handlers, event)
}`

var nilMapZeroValueRegistry = harness.Register(&harness.Task{
	ID:         "nil-map-zero-value-registry",
	Category:   harness.Debugging,
	Title:      "Fix a nil-map panic in a type whose zero value must be usable",
	Difficulty: 2,
	MaxTokens:  1536,
	Tags:       []string{"go", "maps", "zero-value", "panic"},
	Prompt: `Our server embeds an event registry by value (type Server struct { hooks hooks.Registry; ... })
and crashes at start-up:

    panic: assignment to entry in nil map

    goroutine 1 [running]:
    example.com/app/internal/hooks.(*Registry).On(0xc000118060, {0x8c1d2e, 0xc}, 0xc00011e0a8)
            /src/app/internal/hooks/registry.go:26 +0x11b
    example.com/app/internal/server.(*Server).registerHooks(0xc000118000)
            /src/app/internal/server/server.go:58 +0x85
    example.com/app/internal/server.New({0xc0000a4000, 0x3, 0x3})
            /src/app/internal/server/server.go:41 +0x1d3
    main.main()
            /src/app/cmd/app/main.go:22 +0x2a5
    exit status 2

The registry's doc comment promises that its zero value is ready to use. Here is
internal/hooks/registry.go:

` + harness.Fenced("go", nilMapRegistryBuggy) + `

Fix the package so that a zero-value Registry works for every method, and a registry made
with NewRegistry keeps working exactly as before. Keep the exported API unchanged.
Reply with the complete fixed registry.go in one fenced code block.`,
	Capabilities: []string{"reads a stack trace", "nil-map semantics (reads and delete are fine, writes panic)", "fixes every write path, not just the one in the trace"},
	Reference: harness.Fenced("go", strings.NewReplacer(
		"	r.mu.Lock()\n	defer r.mu.Unlock()\n	r.handlers[event] = append(",
		"	r.mu.Lock()\n	defer r.mu.Unlock()\n	r.init()\n	r.handlers[event] = append(",
		"	r.mu.Lock()\n	defer r.mu.Unlock()\n	for ev, hs := range copied {",
		"	r.mu.Lock()\n	defer r.mu.Unlock()\n	r.init()\n	for ev, hs := range copied {",
		"// On registers h",
		"// init allocates the handler map of a zero-value registry. r.mu must be held.\nfunc (r *Registry) init() {\n	if r.handlers == nil {\n		r.handlers = make(map[string][]Handler)\n	}\n}\n\n// On registers h",
	).Replace(nilMapRegistryBuggy)),
	Checks: []harness.Check{harness.GoTests{
		Package: "hooks",
		Tests: map[string]string{"registry_test.go": `package hooks

import (
	"fmt"
	"strings"
	"testing"
)

func record(log *[]string, name string) Handler {
	return func(p any) { *log = append(*log, fmt.Sprintf("%s:%v", name, p)) }
}

func TestZeroValueOn(t *testing.T) {
	var r Registry
	var log []string
	r.On("start", record(&log, "a"))
	r.On("start", record(&log, "b"))
	if n := r.Emit("start", 1); n != 2 {
		t.Fatalf("Emit ran %d handlers, want 2", n)
	}
	if got := strings.Join(log, ","); got != "a:1,b:1" {
		t.Errorf("handlers ran as %q, want %q", got, "a:1,b:1")
	}
}

func TestZeroValueEmbedded(t *testing.T) {
	type server struct {
		name  string
		hooks Registry
	}
	s := &server{name: "x"}
	var log []string
	s.hooks.On("ready", record(&log, "h"))
	if n := s.hooks.Emit("ready", "ok"); n != 1 || len(log) != 1 {
		t.Errorf("Emit = %d, log %v", n, log)
	}
}

func TestZeroValueReadsAndOff(t *testing.T) {
	var r Registry
	if n := r.Emit("nothing", nil); n != 0 {
		t.Errorf("Emit on empty registry ran %d handlers", n)
	}
	r.Off("nothing")
}

func TestZeroValueMerge(t *testing.T) {
	var log []string
	src := NewRegistry()
	src.On("x", record(&log, "s1"))
	src.On("x", record(&log, "s2"))
	var dst Registry
	dst.Merge(src)
	if n := dst.Emit("x", 0); n != 2 {
		t.Fatalf("after Merge into zero value, Emit ran %d handlers, want 2", n)
	}
	var empty Registry
	dst.Merge(&empty)
	var dst2 Registry
	dst2.Merge(&empty)
	if n := dst2.Emit("x", 0); n != 0 {
		t.Errorf("merging an empty registry added %d handlers", n)
	}
}

func TestMergeOrder(t *testing.T) {
	var log []string
	a, b := NewRegistry(), NewRegistry()
	a.On("e", record(&log, "a"))
	b.On("e", record(&log, "b"))
	a.Merge(b)
	b.On("e", record(&log, "late"))
	a.Emit("e", 7)
	if got := strings.Join(log, ","); got != "a:7,b:7" {
		t.Errorf("handlers ran as %q, want %q", got, "a:7,b:7")
	}
}

func TestOff(t *testing.T) {
	var log []string
	var r Registry
	r.On("e", record(&log, "a"))
	r.Off("e")
	if n := r.Emit("e", 0); n != 0 {
		t.Errorf("after Off, Emit ran %d handlers", n)
	}
	r.On("e", record(&log, "b"))
	if n := r.Emit("e", 0); n != 1 {
		t.Errorf("after Off and On, Emit ran %d handlers, want 1", n)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", nilMapRegistryBuggy),
		// Fixes On, the method in the stack trace, but Merge still writes to a nil map.
		harness.Fenced("go", strings.Replace(nilMapRegistryBuggy,
			"	r.mu.Lock()\n	defer r.mu.Unlock()\n	r.handlers[event] = append(",
			"	r.mu.Lock()\n	defer r.mu.Unlock()\n	if r.handlers == nil {\n		r.handlers = make(map[string][]Handler)\n	}\n	r.handlers[event] = append(", 1)),
	},
})

func TestNilMapZeroValueRegistry(t *testing.T) { harness.Run(t, nilMapZeroValueRegistry) }
