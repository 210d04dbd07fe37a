//go:build integration

package integration

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// isModelCall reports whether a request asks a model to generate: what resume must
// avoid. Metadata calls (list, show, version) are not model calls.
func isModelCall(r *http.Request) bool {
	switch r.URL.Path {
	case "/api/chat", "/api/generate", "/v1/chat/completions", "/v1/completions":
		return true
	}
	return false
}

// countingProxy forwards everything to a real server and counts the model calls that
// pass through it.
type countingProxy struct {
	*httptest.Server
	calls atomic.Int64
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.FlushInterval = -1 // stream as the server streams
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isModelCall(r) {
			p.calls.Add(1)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// Host is the proxy's host:port, for OLLAMA_HOST.
func (p *countingProxy) Host() string { return strings.TrimPrefix(p.URL, "http://") }

// fault is what faultProxy does to one model call.
type fault int

const (
	pass         fault = iota // forward untouched
	tooMany                   // 429 with Retry-After: 1
	serverError               // 500
	resetMidway               // forward, then cut the connection after the first streamed line
	stallMidway               // forward the first streamed line, then go silent
	faultsMarker = "lim-fault:"
)

// faultProxy sits in front of a real Ollama server and injects the faults a real
// server can't be made to produce on demand. The fault for a call is chosen by a
// marker in its prompt ("lim-fault:<name>") and by the attempt number, so a task can
// fail once and then succeed on retry.
type faultProxy struct {
	*httptest.Server
	target *url.URL

	mu       sync.Mutex
	attempts map[string]int     // marker → attempts seen
	plan     map[string][]fault // marker → fault per attempt (the last repeats)
	seen     map[string][]fault // marker → faults applied
	stall    chan struct{}      // closed at cleanup to release stalled handlers
}

func newFaultProxy(t *testing.T, target string, plan map[string][]fault) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{target: u, attempts: map[string]int{}, plan: plan, seen: map[string][]fault{}, stall: make(chan struct{})}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() {
		close(p.stall)
		p.Close()
	})
	return p
}

func (p *faultProxy) Host() string { return strings.TrimPrefix(p.URL, "http://") }

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f, marker := pass, ""
	if isModelCall(r) {
		if i := bytes.Index(body, []byte(faultsMarker)); i >= 0 {
			rest := body[i+len(faultsMarker):]
			end := bytes.IndexAny(rest, " \\\"\n")
			if end < 0 {
				end = len(rest)
			}
			marker = r.URL.Path + " " + string(rest[:end])
			p.mu.Lock()
			n := p.attempts[marker]
			p.attempts[marker]++
			if steps := p.plan[string(rest[:end])]; len(steps) > 0 {
				f = steps[min(n, len(steps)-1)]
			}
			p.seen[marker] = append(p.seen[marker], f)
			p.mu.Unlock()
		}
	}
	switch f {
	case tooMany:
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"rate limited (injected by faultProxy)"}`, http.StatusTooManyRequests)
	case serverError:
		http.Error(w, `{"error":"internal error (injected by faultProxy)"}`, http.StatusInternalServerError)
	case resetMidway, stallMidway:
		p.forwardThenBreak(w, r, f)
	default:
		rp := httputil.NewSingleHostReverseProxy(p.target)
		rp.FlushInterval = -1
		rp.ServeHTTP(w, r)
	}
}

// forwardThenBreak sends the real server's headers and first streamed line, then
// resets the connection or goes silent.
func (p *faultProxy) forwardThenBreak(w http.ResponseWriter, r *http.Request, f fault) {
	out, _ := http.NewRequestWithContext(r.Context(), r.Method, p.target.ResolveReference(r.URL).String(), r.Body)
	out.Header = r.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	line := make([]byte, 0, 512)
	one := make([]byte, 1)
	for {
		if _, err := resp.Body.Read(one); err != nil {
			break
		}
		line = append(line, one[0])
		if one[0] == '\n' && len(bytes.TrimSpace(line)) > 0 {
			break
		}
	}
	w.Write(line)
	w.(http.Flusher).Flush()
	if f == stallMidway {
		select {
		case <-r.Context().Done():
		case <-p.stall:
		case <-time.After(2 * time.Minute):
		}
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST: a connection reset mid-stream
	}
	conn.Close()
}

// faultsSeen returns the faults applied to calls carrying marker.
func (p *faultProxy) faultsSeen(marker string) []fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]fault(nil), p.seen[marker]...)
}
