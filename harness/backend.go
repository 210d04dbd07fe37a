package harness

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Request is one chat call: a system prompt, a user prompt and the settings.
type Request struct {
	System    string
	Prompt    string
	MaxTokens int
	Settings  Settings
	// Seed is this call's seed (the settings' base seed plus the sample index), so
	// samples differ and each has its own fixture and resume key.
	Seed int
	// Format, when set, is a JSON schema the answer must follow (Ollama format,
	// OpenAI response_format json_schema).
	Format json.RawMessage
	// Reference is the task's reference answer, for the oracle.
	Reference string
}

// Response is what a backend measured for one call. Pointer fields are nil when the
// backend did not report the value.
type Response struct {
	Answer       string
	Reasoning    string
	FinishReason string // "stop", "length", … as the server said

	PromptTokens     *int
	CompletionTokens *int

	TTFT      *time.Duration // request sent → first non-empty chunk (answer or reasoning)
	LastToken *time.Duration // request sent → last non-empty chunk
	Wall      *time.Duration // request sent → stream end, retries included

	Load       *time.Duration // server: model load
	PromptEval *time.Duration // server: prefill (Ollama counts only uncached tokens here)
	Eval       *time.Duration // server: decode

	CostUSD     *float64
	ModelDigest string // Ollama's model digest, or the model name an API reports
	Provider    string // who served it (OpenRouter's provider), when reported
	Attempts    int
	Replayed    bool // answered from a recorded fixture
}

// Backend is a model server lim can call.
type Backend interface {
	// Spec is the model this backend calls.
	Spec() Spec
	// Chat makes one call. On failure it returns the error and whatever it measured.
	Chat(ctx context.Context, req Request) (Response, error)
}

// Limits a backend call runs under.
type CallLimits struct {
	// Timeout bounds one call, retries included (LIM_CALL_TIMEOUT, default 10m).
	Timeout time.Duration
	// Stall fails a call when no byte arrives for this long (LIM_STALL_TIMEOUT,
	// default 5m: a big model's first load can take minutes).
	Stall time.Duration
	// Retry governs retries of 429, 5xx and connection errors.
	Retry RetryPolicy
}

// RetryPolicy bounds retries.
type RetryPolicy struct {
	Attempts    int           // total attempts, default 4
	Base        time.Duration // first backoff, doubled per retry (default 1s)
	Max         time.Duration // longest backoff (default 30s)
	MaxRetryAft time.Duration // longest Retry-After honoured (default 2m); longer fails the call
}

// DefaultCallLimits are the limits of live runs.
func DefaultCallLimits() CallLimits {
	return CallLimits{
		Timeout: 10 * time.Minute,
		Stall:   5 * time.Minute,
		Retry:   RetryPolicy{Attempts: 4, Base: time.Second, Max: 30 * time.Second, MaxRetryAft: 2 * time.Minute},
	}
}

// ErrStalled is the cause of a call cancelled because its stream went silent.
var ErrStalled = errors.New("stream stalled")

// ErrPromptTooLong is a call the server refused because the prompt does not fit the
// context window: asking again with the same settings fails the same way.
var ErrPromptTooLong = errors.New("the prompt is longer than the context window")

// HTTPStatusError is an HTTP error status from a server.
type HTTPStatusError struct {
	Status     int
	Body       string
	RetryAfter time.Duration // from the Retry-After header, 0 when absent
}

func (e *HTTPStatusError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.Status, clip(e.Body, 500))
}

// statusCapture remembers the last HTTP error status and Retry-After a call saw; the
// transport fills it in, whatever client library sits on top.
type statusCapture struct {
	mu  sync.Mutex
	err *HTTPStatusError
}

type captureKey struct{}

func withCapture(ctx context.Context) (context.Context, *statusCapture) {
	c := &statusCapture{}
	return context.WithValue(ctx, captureKey{}, c), c
}

func (c *statusCapture) set(e *HTTPStatusError) {
	c.mu.Lock()
	c.err = e
	c.mu.Unlock()
}

func (c *statusCapture) take() *HTTPStatusError {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.err
	c.err = nil
	return e
}

// watchdog cancels a call whose stream has been silent for longer than d.
type watchdog struct {
	timer *time.Timer
	d     time.Duration
}

func newWatchdog(d time.Duration, cancel context.CancelCauseFunc) *watchdog {
	if d <= 0 {
		return &watchdog{}
	}
	return &watchdog{d: d, timer: time.AfterFunc(d, func() {
		cancel(fmt.Errorf("%w: no data for %v (LIM_STALL_TIMEOUT)", ErrStalled, d))
	})}
}

// kick records activity.
func (w *watchdog) kick() {
	if w.timer != nil {
		w.timer.Reset(w.d)
	}
}

func (w *watchdog) stop() {
	if w.timer != nil {
		w.timer.Stop()
	}
}

// stream is the shared bookkeeping of one streamed call: timings from the moment the
// request was sent, and the silence watchdog.
type stream struct {
	start     time.Time
	first     time.Duration
	last      time.Duration
	seenFirst bool
	dog       *watchdog
}

func startStream(ctx context.Context, stall time.Duration) (context.Context, *stream, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	s := &stream{start: time.Now()}
	s.dog = newWatchdog(stall, cancel)
	return ctx, s, func() { s.dog.stop(); cancel(nil) }
}

// chunk records a chunk; nonEmpty says it carried answer or reasoning text.
func (s *stream) chunk(nonEmpty bool) {
	s.dog.kick()
	if !nonEmpty {
		return
	}
	now := time.Since(s.start)
	if !s.seenFirst {
		s.first, s.seenFirst = now, true
	}
	s.last = now
}

// timings fills the client-side timings of r.
func (s *stream) timings(r *Response) {
	wall := time.Since(s.start)
	r.Wall = &wall
	if s.seenFirst {
		first, last := s.first, s.last
		r.TTFT, r.LastToken = &first, &last
	}
}

// callHTTPStatus turns the status the transport captured into the call's error.
func callError(err error, cap *statusCapture) error {
	if se := cap.take(); se != nil {
		return se
	}
	return err
}

// transportHook is the RoundTripper that records error statuses into the call's capture.
type transportHook struct{ next http.RoundTripper }

func (h transportHook) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	if c, ok := req.Context().Value(captureKey{}).(*statusCapture); ok {
		body := peekBody(resp)
		c.set(&HTTPStatusError{Status: resp.StatusCode, Body: body, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))})
	}
	return resp, nil
}
