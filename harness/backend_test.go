package harness

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func fastLimits() CallLimits {
	return CallLimits{Timeout: 10 * time.Second, Stall: time.Second,
		Retry: RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: 5 * time.Millisecond, MaxRetryAft: time.Second}}
}

func TestUnreachableServer(t *testing.T) {
	addr := closedPort(t)
	_, err := OllamaModels(t.Context(), "http://"+addr)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot reach Ollama at http://"+addr)
	assert.Contains(t, err.Error(), "OLLAMA_HOST")

	req := Request{Prompt: "hi", MaxTokens: 8, Settings: DefaultSettings()}
	ol, err := NewOllama(Spec{Raw: "ollama:m", Kind: KindOllama, Model: "m"}, "http://"+addr, http.DefaultClient, fastLimits())
	require.NoError(t, err)
	oa := NewOpenAI(Spec{Raw: "openai:x/m", Kind: KindOpenAI, Endpoint: "x", Model: "m"}, Endpoint{Name: "x", BaseURL: "http://" + addr + "/v1"}, http.DefaultClient, fastLimits())
	for _, b := range []Backend{ol, oa} {
		t.Run(b.Spec().Raw, func(t *testing.T) {
			resp, err := b.Chat(t.Context(), req)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "connection refused")
			assert.Contains(t, err.Error(), "after 3 attempts", "connection errors are retried, boundedly")
			assert.Equal(t, 3, resp.Attempts)
			assert.Equal(t, "error", string(classify(resp.Answer, resp.FinishReason, err)))
		})
	}
}

func TestRetryHonoursRetryAfterAndGivesUp(t *testing.T) {
	p := RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond, MaxRetryAft: 50 * time.Millisecond}
	calls := 0
	n, err := retry(t.Context(), p, func(context.Context) error {
		calls++
		if calls == 1 {
			return &HTTPStatusError{Status: 429, RetryAfter: 20 * time.Millisecond}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	_, err = retry(t.Context(), p, func(context.Context) error {
		return &HTTPStatusError{Status: 429, RetryAfter: time.Hour}
	})
	assert.ErrorContains(t, err, "asked to retry after 1h0m0s")

	n, err = retry(t.Context(), p, func(context.Context) error { return &HTTPStatusError{Status: 400, Body: "bad model"} })
	assert.Equal(t, 1, n, "a 400 is not retried")
	assert.ErrorContains(t, err, "bad model")

	n, _ = retry(t.Context(), p, func(context.Context) error { return &HTTPStatusError{Status: 503} })
	assert.Equal(t, 3, n, "5xx is retried up to the bound")

	n, err = retry(t.Context(), p, func(context.Context) error { return &FixtureMissError{Test: "TestX"} })
	assert.Equal(t, 1, n, "a fixture miss is never retried")
	var miss *FixtureMissError
	assert.True(t, errors.As(err, &miss))
}

func TestParseRetryAfter(t *testing.T) {
	assert.Equal(t, 3*time.Second, parseRetryAfter("3"))
	assert.Zero(t, parseRetryAfter(""))
	assert.Zero(t, parseRetryAfter("soon"))
	d := parseRetryAfter(time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat))
	assert.InDelta(t, 90, d.Seconds(), 2)
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		answer, finish string
		err            error
		want           string
	}{
		{"hi", "stop", nil, "ok"},
		{"hi", "length", nil, "truncated"},
		{"  ", "stop", nil, "empty"},
		{"", "", context.DeadlineExceeded, "timeout"},
		{"", "", ErrStalled, "timeout"},
		{"", "", errors.New("boom"), "error"},
	} {
		assert.Equal(t, tc.want, string(classify(tc.answer, tc.finish, tc.err)))
	}
}

func TestTruncationReasonTellsTheBudgetFromTheContextWindow(t *testing.T) {
	n := func(v int) *int { return &v }
	req := Request{MaxTokens: 1000, Settings: DefaultSettings()}

	assert.Equal(t, "the answer reached its budget of 1000 tokens",
		truncationReason(req, Response{PromptTokens: n(3000), CompletionTokens: n(1000)}))
	assert.Equal(t, "the answer reached its budget of 1000 tokens",
		truncationReason(req, Response{}), "no counts: the budget is the only known limit")
	assert.Equal(t, "the server stopped after 4097 tokens, before the answer's budget of 1000: its context window is probably full (raise it: LIM_NUM_CTX for Ollama, llama-server -c, vLLM --max-model-len)",
		truncationReason(req, Response{PromptTokens: n(3500), CompletionTokens: n(597)}))
}

func TestContextFullFlagsOllamaCallsThatFilledNumCtx(t *testing.T) {
	n := func(v int) *int { return &v }
	s := DefaultSettings()
	s.NumCtx = 4096
	req := Request{MaxTokens: 1000, Settings: s}
	ollama := Spec{Raw: "ollama:m", Kind: KindOllama, Model: "m"}

	why, full := ContextFull(req, Response{PromptTokens: n(4096), CompletionTokens: n(12)}, ollama)
	assert.True(t, full, "a prompt cut to the window")
	assert.Equal(t, "the context window (num_ctx 4096) was full (4096 prompt + 12 answer tokens): the answer stopped there (or a server that ignores lim's no-cut request cut the prompt or dropped the start of the context), so this is not the model's whole work on the task: raise LIM_NUM_CTX", why)
	_, full = ContextFull(req, Response{PromptTokens: n(3500), CompletionTokens: n(900)}, ollama)
	assert.True(t, full, "an answer written past the window, after a context shift")
	_, full = ContextFull(req, Response{PromptTokens: n(3000), CompletionTokens: n(1000)}, ollama)
	assert.False(t, full, "room to spare")
	_, full = ContextFull(req, Response{}, ollama)
	assert.False(t, full, "no counts, no claim")
	_, full = ContextFull(req, Response{PromptTokens: n(4096), CompletionTokens: n(12)}, Spec{Raw: "openai:x/m", Kind: KindOpenAI, Model: "m"})
	assert.False(t, full, "lim does not know an OpenAI-compatible server's window")
	s.NumCtx = 0
	_, full = ContextFull(Request{Settings: s}, Response{PromptTokens: n(4096), CompletionTokens: n(12)}, ollama)
	assert.False(t, full, "no num_ctx sent")
}
