package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const sliceAliasingBuggy = `package router

import "net/http"

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Router is a minimal exact-path router with middleware groups, in the style of chi.
type Router struct {
	mws    []Middleware
	routes map[string]http.Handler // shared by a router and all its groups
}

// New returns an empty router.
func New() *Router { return &Router{routes: map[string]http.Handler{}} }

// Use appends middleware to r. It applies to routes registered on r afterwards.
func (r *Router) Use(mw ...Middleware) { r.mws = append(r.mws, mw...) }

// Group returns a router that shares r's routes and starts with r's middleware followed
// by mw. Middleware added to the group never affects r or r's other groups.
func (r *Router) Group(mw ...Middleware) *Router {
	return &Router{mws: append(r.mws, mw...), routes: r.routes}
}

// With is Group for a single route: r.With(auth).Handle("/admin", h).
func (r *Router) With(mw ...Middleware) *Router {
	child := *r
	child.mws = append(child.mws, mw...)
	return &child
}

// Handle registers h for path, wrapped in r's current middleware; the first middleware
// added is the outermost.
func (r *Router) Handle(path string, h http.Handler) {
	for i := len(r.mws) - 1; i >= 0; i-- {
		h = r.mws[i](h)
	}
	r.routes[path] = h
}

// ServeHTTP dispatches on the exact request path.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h, ok := r.routes[req.URL.Path]
	if !ok {
		http.NotFound(w, req)
		return
	}
	h.ServeHTTP(w, req)
}`

var sliceAliasingMiddlewareGroups = harness.Register(&harness.Task{
	ID:         "slice-aliasing-middleware-groups",
	Category:   harness.Debugging,
	Title:      "Fix middleware groups that overwrite each other through a shared backing array",
	Difficulty: 4,
	MaxTokens:  2048,
	Tags:       []string{"go", "slices", "aliasing", "net/http", "middleware"},
	Prompt: `Our API server builds its routes like this:

    r := router.New()
    r.Use(requestID)
    r.Use(logger)
    r.Use(recoverer)
    api := r.Group(auth)
    public := r.Group(cors)
    api.Handle("/api/orders", orders)
    public.Handle("/public/status", status)

After a refactor, calls to /api/orders without a token succeed. A test that records which
middleware ran reproduces it:

    --- FAIL: TestGroupsAreIndependent (0.00s)
        router_test.go:47: /api/orders ran [requestID logger recoverer cors orders], want [requestID logger recoverer auth orders]
    FAIL

With only two r.Use calls the test passes. Here is router.go:

` + harness.Fenced("go", sliceAliasingBuggy) + `

Find the cause, fix it everywhere it can occur, and keep the API and the documented
behaviour (middleware order, shared routes).
Reply with the complete fixed router.go in one fenced code block.`,
	Capabilities: []string{"slice aliasing through append and spare capacity", "explains a capacity-dependent symptom", "fixes every instance of a bug pattern"},
	Reference: harness.Fenced("go", strings.NewReplacer(
		"	return &Router{mws: append(r.mws, mw...), routes: r.routes}",
		"	return &Router{mws: extend(r.mws, mw), routes: r.routes}",
		"	child.mws = append(child.mws, mw...)",
		"	child.mws = extend(child.mws, mw)",
		"// Handle registers",
		"// extend returns a new slice holding base followed by more. It never appends in place:\n// base may have spare capacity shared with sibling routers, and appending into it would\n// let one group overwrite another's middleware.\nfunc extend(base, more []Middleware) []Middleware {\n	out := make([]Middleware, 0, len(base)+len(more))\n	out = append(out, base...)\n	return append(out, more...)\n}\n\n// Handle registers",
	).Replace(sliceAliasingBuggy)),
	Checks: []harness.Check{harness.GoTests{
		Package: "router",
		Tests: map[string]string{"router_test.go": `package router

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type trace struct{ ran []string }

func (tr *trace) mw(name string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tr.ran = append(tr.ran, name)
			next.ServeHTTP(w, r)
		})
	}
}

func (tr *trace) h(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tr.ran = append(tr.ran, name) })
}

func (tr *trace) get(t *testing.T, r http.Handler, path, want string) {
	t.Helper()
	tr.ran = nil
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if got := strings.Join(tr.ran, " "); got != want {
		t.Errorf("%s ran [%s], want [%s]", path, got, want)
	}
}

func TestGroupsAreIndependent(t *testing.T) {
	for _, base := range [][]string{{"a"}, {"a", "b"}, {"a", "b", "c"}, {"a", "b", "c", "d", "e"}} {
		tr := &trace{}
		r := New()
		for _, m := range base {
			r.Use(tr.mw(m))
		}
		api := r.Group(tr.mw("auth"))
		public := r.Group(tr.mw("cors"))
		api.Handle("/api/orders", tr.h("orders"))
		public.Handle("/public/status", tr.h("status"))
		b := strings.Join(base, " ")
		tr.get(t, r, "/api/orders", b+" auth orders")
		tr.get(t, r, "/public/status", b+" cors status")
	}
}

func TestGroupUseDoesNotLeak(t *testing.T) {
	tr := &trace{}
	r := New()
	r.Use(tr.mw("a"))
	r.Use(tr.mw("b"))
	r.Use(tr.mw("c"))
	g1 := r.Group()
	g2 := r.Group()
	g1.Use(tr.mw("g1"))
	g2.Use(tr.mw("g2"))
	g1.Handle("/one", tr.h("one"))
	g2.Handle("/two", tr.h("two"))
	r.Use(tr.mw("late"))
	r.Handle("/root", tr.h("root"))
	tr.get(t, r, "/one", "a b c g1 one")
	tr.get(t, r, "/two", "a b c g2 two")
	tr.get(t, r, "/root", "a b c late root")
}

func TestWithIsIndependent(t *testing.T) {
	tr := &trace{}
	r := New()
	r.Use(tr.mw("a"))
	r.Use(tr.mw("b"))
	r.Use(tr.mw("c"))
	r.With(tr.mw("auth")).Handle("/admin", tr.h("admin"))
	adm := r.With(tr.mw("auth"))
	r.With(tr.mw("cache")).Handle("/feed", tr.h("feed"))
	adm.Handle("/admin2", tr.h("admin2"))
	r.Handle("/plain", tr.h("plain"))
	tr.get(t, r, "/admin", "a b c auth admin")
	tr.get(t, r, "/admin2", "a b c auth admin2")
	tr.get(t, r, "/feed", "a b c cache feed")
	tr.get(t, r, "/plain", "a b c plain")
}

func TestNestedGroups(t *testing.T) {
	tr := &trace{}
	r := New()
	r.Use(tr.mw("a"))
	v1 := r.Group(tr.mw("v1"), tr.mw("x"))
	v1a := v1.Group(tr.mw("auth"))
	v1b := v1.Group(tr.mw("open"))
	v1a.Handle("/v1/private", tr.h("private"))
	v1b.Handle("/v1/open", tr.h("opened"))
	tr.get(t, r, "/v1/private", "a v1 x auth private")
	tr.get(t, r, "/v1/open", "a v1 x open opened")
}

func TestNotFound(t *testing.T) {
	rec := httptest.NewRecorder()
	New().ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404", rec.Code)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", sliceAliasingBuggy),
		// Fixes Group (the method in the failing test) but not With.
		harness.Fenced("go", strings.Replace(sliceAliasingBuggy,
			"	return &Router{mws: append(r.mws, mw...), routes: r.routes}",
			"	mws := make([]Middleware, 0, len(r.mws)+len(mw))\n	mws = append(mws, r.mws...)\n	mws = append(mws, mw...)\n	return &Router{mws: mws, routes: r.routes}", 1)),
	},
})

func TestSliceAliasingMiddlewareGroups(t *testing.T) { harness.Run(t, sliceAliasingMiddlewareGroups) }
