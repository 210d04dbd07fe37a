package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const mwChain = `// file: middleware/chain.go
// Package middleware holds the HTTP middleware every service handler runs behind.
package middleware

import "net/http"

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain wraps h so that mws[0] is the outermost middleware: it sees the request
// first and the response last.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
		r.ResponseWriter.WriteHeader(code)
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) wroteHeader() bool { return r.status != 0 }`

const mwRequestID = `// file: middleware/requestid.go
package middleware

import (
	"context"
	"net/http"
)

type ctxKey struct{}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// RequestID gives every request an id: the incoming X-Request-ID when it is valid,
// else one from gen. The id goes into the request's context and the response's
// X-Request-ID header.
func RequestID(gen func() string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get("X-Request-ID")
			if !validID(id) {
				id = gen()
			}
			w.Header().Set("X-Request-ID", id)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
		})
	}
}

// RequestIDFrom returns the request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}`

const mwRecover = `// file: middleware/recover.go
package middleware

import (
	"net/http"
)

// Recover turns a panic in the handler into a logged 500. When the handler had
// already started its response, the response is left as it is. http.ErrAbortHandler
// is re-panicked untouched, as net/http expects.
func Recover(logf func(format string, args ...any)) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &recorder{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logf("panic: %v id=%s", v, RequestIDFrom(r.Context()))
				if rec.wroteHeader() {
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte("{\"error\":\"internal server error\"}\n"))
			}()
			next.ServeHTTP(rec, r)
		})
	}
}`

const mwAccessLog = `// file: middleware/accesslog.go
package middleware

import (
	"net/http"
	"time"
)

// AccessLog logs one line per request once the handler has returned:
// "<method> <path> <status> <bytes>B <duration> id=<request id>".
func AccessLog(logf func(format string, args ...any), now func() time.Time) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := now()
			rec := &recorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			logf("%s %s %d %dB %s id=%s", r.Method, r.URL.Path, status, rec.bytes, now().Sub(start), RequestIDFrom(r.Context()))
		})
	}
}`

var httpMiddlewareChainPackage = harness.Register(&harness.Task{
	ID:         "http-middleware-chain-package",
	Category:   harness.MultiFile,
	Title:      "Write an HTTP middleware package across files: chain, request id, panic recovery, access log",
	Difficulty: 4,
	MaxTokens:  4096,
	Tags:       []string{"go", "http", "middleware", "panics"},
	Prompt: `Write the package middleware of the Go module example.com/svc (import path "example.com/svc/middleware"), in four files:

middleware/chain.go:

    type Middleware func(http.Handler) http.Handler
    func Chain(h http.Handler, mws ...Middleware) http.Handler

mws[0] is the outermost middleware: it sees the request first and the response last. No middlewares returns h unchanged. Put the response-writer wrapper the other middlewares share in this file too.

middleware/requestid.go:

    func RequestID(gen func() string) Middleware
    func RequestIDFrom(ctx context.Context) string

Reuse the incoming X-Request-ID header when it is valid (1 to 64 characters, each an ASCII letter, digit, '-', '_' or '.'), otherwise take a new id from gen. Put the id in the request context (RequestIDFrom returns it; "" when there is none) and set it as the X-Request-ID response header before calling the next handler.

middleware/recover.go:

    func Recover(logf func(format string, args ...any)) Middleware

If the handler panics with a value v: call logf("panic: %v id=%s", v, <request id>); then, if the handler had not yet written a status or any body, respond 500 with Content-Type application/json and the body {"error":"internal server error"}; if it had, leave the response alone (no second WriteHeader, nothing appended). A panic with http.ErrAbortHandler is re-panicked as is, not logged and not answered.

middleware/accesslog.go:

    func AccessLog(logf func(format string, args ...any), now func() time.Time) Middleware

After the handler returns, call logf("%s %s %d %dB %s id=%s", method, URL path, status, bytes written, duration, request id), where status is the first status written (200 when the handler only called Write, or wrote nothing) and duration is now() after minus now() before, a time.Duration.

The wrapper must not break http.ResponseController: a handler behind these middlewares that calls http.NewResponseController(w).Flush() must succeed when the underlying writer can flush.

Reply with the four files, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"middleware ordering", "wraps http.ResponseWriter correctly (status, size, Unwrap)", "recovers panics without corrupting a started response", "request-scoped values in context"},
	Reference:    harness.Fenced("go", mwChain) + "\n\n" + harness.Fenced("go", mwRequestID) + "\n\n" + harness.Fenced("go", mwRecover) + "\n\n" + harness.Fenced("go", mwAccessLog),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/svc",
		Tests: map[string]string{"middleware_test.go": `package svctest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"example.com/svc/middleware"
)

type logs struct{ lines []string }

func (l *logs) logf(format string, args ...any) { l.lines = append(l.lines, fmt.Sprintf(format, args...)) }

func tag(name string) middleware.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("X-Order", name+">")
			next.ServeHTTP(w, r)
			w.Header().Add("X-After", name)
		})
	}
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestChainOrder(t *testing.T) {
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("X-Order", "handler")
	}), tag("a"), tag("b"), tag("c"))
	w := serve(h, httptest.NewRequest("GET", "/", nil))
	if got := strings.Join(w.Header().Values("X-Order"), ""); got != "a>b>c>handler" {
		t.Errorf("order %q, want a>b>c>handler (first middleware outermost)", got)
	}
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	if got := middleware.Chain(plain); fmt.Sprintf("%p", got) != fmt.Sprintf("%p", plain) {
		t.Error("Chain with no middlewares must return the handler itself")
	}
}

func TestRequestID(t *testing.T) {
	n := 0
	gen := func() string { n++; return fmt.Sprintf("gen-%d", n) }
	var seen string
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = middleware.RequestIDFrom(r.Context())
	}), middleware.RequestID(gen))
	for _, c := range []struct{ in, want string }{
		{"", "gen-1"},
		{"abc-123_X.y", "abc-123_X.y"},
		{"has space", "gen-2"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), "gen-3"},
		{"id\u00e9", "gen-4"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if c.in != "" {
			r.Header.Set("X-Request-ID", c.in)
		}
		w := serve(h, r)
		if seen != c.want || w.Header().Get("X-Request-ID") != c.want {
			t.Errorf("incoming %q: context %q, header %q, want %q", c.in, seen, w.Header().Get("X-Request-ID"), c.want)
		}
	}
	if id := middleware.RequestIDFrom(httptest.NewRequest("GET", "/", nil).Context()); id != "" {
		t.Errorf("RequestIDFrom without middleware = %q", id)
	}
}

func TestRecoverAnswers500(t *testing.T) {
	var l logs
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Partial", "1")
		panic("boom")
	}), middleware.RequestID(func() string { return "rid-1" }), middleware.Recover(l.logf))
	w := serve(h, httptest.NewRequest("GET", "/x", nil))
	if w.Code != 500 {
		t.Errorf("status %d, want 500", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if body := strings.TrimSpace(w.Body.String()); body != "{\"error\":\"internal server error\"}" {
		t.Errorf("body %q", body)
	}
	if len(l.lines) != 1 || l.lines[0] != "panic: boom id=rid-1" {
		t.Errorf("logs %q, want [\"panic: boom id=rid-1\"]", l.lines)
	}
}

func TestRecoverLeavesStartedResponse(t *testing.T) {
	for name, handler := range map[string]http.HandlerFunc{
		"after Write": func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("partial"))
			panic(fmt.Errorf("late failure"))
		},
		"after WriteHeader": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			panic(fmt.Errorf("late failure"))
		},
	} {
		var l logs
		h := middleware.Chain(handler, middleware.Recover(l.logf))
		w := serve(h, httptest.NewRequest("GET", "/", nil))
		want := map[string]int{"after Write": 200, "after WriteHeader": 202}[name]
		if w.Code != want {
			t.Errorf("%s: status %d, want %d", name, w.Code, want)
		}
		if strings.Contains(w.Body.String(), "internal server error") {
			t.Errorf("%s: error body appended to a started response: %q", name, w.Body.String())
		}
		if len(l.lines) != 1 || !strings.HasPrefix(l.lines[0], "panic: late failure") {
			t.Errorf("%s: logs %q", name, l.lines)
		}
	}
}

func TestRecoverRepanicsAbortHandler(t *testing.T) {
	var l logs
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic(http.ErrAbortHandler)
	}), middleware.Recover(l.logf))
	var got any
	func() {
		defer func() { got = recover() }()
		serve(h, httptest.NewRequest("GET", "/", nil))
	}()
	if got != http.ErrAbortHandler {
		t.Errorf("recovered %v, want http.ErrAbortHandler re-panicked", got)
	}
	if len(l.lines) != 0 {
		t.Errorf("ErrAbortHandler was logged: %q", l.lines)
	}
}

type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { c.t = c.t.Add(250 * time.Millisecond); return c.t }

func TestAccessLog(t *testing.T) {
	var l logs
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")); w.Write([]byte(" world")) })
	mux.HandleFunc("/created", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(201)
		w.WriteHeader(500)
		w.Write([]byte("x"))
	})
	mux.HandleFunc("/empty", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/panic", func(w http.ResponseWriter, r *http.Request) { panic("db down") })
	h := middleware.Chain(mux, middleware.RequestID(func() string { return "r1" }), middleware.AccessLog(l.logf, c.now), middleware.Recover(l.logf))
	serve(h, httptest.NewRequest("GET", "/ok?q=1", nil))
	serve(h, httptest.NewRequest("POST", "/created", nil))
	serve(h, httptest.NewRequest("GET", "/empty", nil))
	serve(h, httptest.NewRequest("GET", "/panic", nil))
	want := []string{
		"GET /ok 200 11B 250ms id=r1",
		"POST /created 201 1B 250ms id=r1",
		"GET /empty 200 0B 250ms id=r1",
		"panic: db down id=r1",
	}
	// The 500 body may or may not end in a newline: 33 or 34 bytes.
	if len(l.lines) != 5 || strings.Join(l.lines[:4], "\n") != strings.Join(want, "\n") ||
		(l.lines[4] != "GET /panic 500 33B 250ms id=r1" && l.lines[4] != "GET /panic 500 34B 250ms id=r1") {
		t.Errorf("logs\n%s\nwant\n%s\nGET /panic 500 33B 250ms id=r1", strings.Join(l.lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestResponseControllerStillFlushes(t *testing.T) {
	var l logs
	c := &fakeClock{}
	var flushErr error
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("chunk"))
		flushErr = http.NewResponseController(w).Flush()
	}), middleware.RequestID(func() string { return "r" }), middleware.AccessLog(l.logf, c.now), middleware.Recover(l.logf))
	w := serve(h, httptest.NewRequest("GET", "/", nil))
	if flushErr != nil {
		t.Errorf("Flush through the middlewares: %v", flushErr)
	}
	if !w.Flushed {
		t.Error("the underlying writer was not flushed")
	}
}
`},
	}},
	WrongAnswers: []string{
		// Chain applies the middlewares in list order, so the last one ends up outermost.
		harness.Fenced("go", strings.Replace(mwChain, "for i := len(mws) - 1; i >= 0; i-- {\n\t\th = mws[i](h)", "for _, mw := range mws {\n\t\th = mw(h)", 1)) + "\n\n" +
			harness.Fenced("go", mwRequestID) + "\n\n" + harness.Fenced("go", mwRecover) + "\n\n" + harness.Fenced("go", mwAccessLog),
		// Recover always writes the 500, even after the handler started its response.
		harness.Fenced("go", mwChain) + "\n\n" + harness.Fenced("go", mwRequestID) + "\n\n" +
			harness.Fenced("go", strings.Replace(mwRecover, "\t\t\t\tif rec.wroteHeader() {\n\t\t\t\t\treturn\n\t\t\t\t}\n", "", 1)) + "\n\n" +
			harness.Fenced("go", mwAccessLog),
		// The wrapper has no Unwrap: http.ResponseController can no longer flush.
		harness.Fenced("go", strings.Replace(mwChain, "func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }", "", 1)) + "\n\n" +
			harness.Fenced("go", mwRequestID) + "\n\n" + harness.Fenced("go", mwRecover) + "\n\n" + harness.Fenced("go", mwAccessLog),
		// Only the chain file.
		harness.Fenced("go", mwChain),
	},
})

func TestHTTPMiddlewareChainPackage(t *testing.T) { harness.Run(t, httpMiddlewareChainPackage) }
