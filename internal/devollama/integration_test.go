//go:build integration

package devollama_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ollama/ollama/api"

	"github.com/local-inference-machine/lim/internal/devollama"
	"github.com/local-inference-machine/lim/internal/devollama/devollamatest"
)

// These tests run the real Ollama server with the tiny random model: the
// text it produces is meaningless; what is tested is its shape.

func testContext(t *testing.T) context.Context {
	t.Helper()
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Now().Add(5 * time.Minute)
	}
	ctx, cancel := context.WithDeadline(t.Context(), deadline.Add(-5*time.Second))
	t.Cleanup(cancel)
	return ctx
}

func newClient(t *testing.T, srv *devollama.Server) *api.Client {
	t.Helper()
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, http.DefaultClient)
}

// printable reports whether s is printable ASCII (space to tilde).
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func TestTinyModelChat(t *testing.T) {
	srv := devollamatest.Start(t)
	ctx := testContext(t)
	client := newClient(t, srv)

	if v, err := client.Version(ctx); err != nil {
		t.Fatalf("GET /api/version: %v", err)
	} else {
		t.Logf("ollama version %s at %s", v, srv.URL())
	}

	chat := func() (string, api.ChatResponse, int) {
		t.Helper()
		stream := true
		req := &api.ChatRequest{
			Model: devollama.EndlessModel,
			Messages: []api.Message{
				{Role: "system", Content: "You are terse."},
				{Role: "user", Content: "Write a Go function that reverses a string."},
			},
			Stream:  &stream,
			Options: map[string]any{"temperature": 0, "num_predict": 64, "seed": 1},
		}
		var text strings.Builder
		var final api.ChatResponse
		chunks := 0
		err := client.Chat(ctx, req, func(r api.ChatResponse) error {
			chunks++
			text.WriteString(r.Message.Content)
			if r.Done {
				final = r
			}
			return nil
		})
		if err != nil {
			t.Fatalf("POST /api/chat: %v", err)
		}
		return text.String(), final, chunks
	}

	text, final, chunks := chat()
	t.Logf("%d chunks, %d tokens in %v (%.0f tok/s), prompt %d tokens: %q",
		chunks, final.EvalCount, final.EvalDuration,
		float64(final.EvalCount)/final.EvalDuration.Seconds(), final.PromptEvalCount, text)
	if !final.Done {
		t.Fatalf("no final chunk with done=true")
	}
	if final.EvalCount != 64 {
		t.Errorf("eval_count = %d, want 64", final.EvalCount)
	}
	if final.DoneReason != "length" {
		t.Errorf("done_reason = %q, want length", final.DoneReason)
	}
	if chunks < 32 {
		t.Errorf("%d chunks for 64 tokens: the answer was not streamed", chunks)
	}
	if final.PromptEvalCount == 0 || final.EvalDuration <= 0 || final.LoadDuration <= 0 {
		t.Errorf("missing metrics: prompt_eval_count=%d eval_duration=%v load_duration=%v",
			final.PromptEvalCount, final.EvalDuration, final.LoadDuration)
	}
	if len(text) < 64 || !utf8.ValidString(text) || !printable(text) {
		t.Errorf("answer is not %d or more bytes of printable ASCII: %q", 64, text)
	}

	again, _, _ := chat()
	if again != text {
		t.Errorf("the same request at temperature 0 answered differently:\n%q\n%q", text, again)
	}
}

func TestTinyModelFormat(t *testing.T) {
	srv := devollamatest.Start(t)
	ctx := testContext(t)
	client := newClient(t, srv)

	schema := json.RawMessage(`{
		"type": "object",
		"properties": {
			"score": {"type": "integer", "minimum": 0, "maximum": 2},
			"rationale": {"type": "string"}
		},
		"required": ["score", "rationale"]
	}`)
	for _, prompt := range []string{
		"Score this answer from 0 to 2: the sky is blue.",
		"Does this function compile? func f() int { return 1 }",
		strings.Repeat("lorem ipsum ", 40),
	} {
		stream := false
		req := &api.ChatRequest{
			Model:    devollama.EndlessModel,
			Messages: []api.Message{{Role: "user", Content: prompt}},
			Stream:   &stream,
			Format:   schema,
			Options:  map[string]any{"temperature": 0, "num_predict": 256, "seed": 1},
		}
		var resp api.ChatResponse
		if err := client.Chat(ctx, req, func(r api.ChatResponse) error { resp = r; return nil }); err != nil {
			t.Fatalf("POST /api/chat with format: %v", err)
		}
		content := resp.Message.Content
		t.Logf("%d tokens, done_reason %s: %s", resp.EvalCount, resp.DoneReason, content)
		if resp.DoneReason != "stop" {
			t.Errorf("done_reason = %q, want stop (the JSON did not finish)", resp.DoneReason)
		}

		dec := json.NewDecoder(strings.NewReader(content))
		dec.UseNumber()
		var got map[string]any
		if err := dec.Decode(&got); err != nil {
			t.Errorf("answer is not JSON: %v: %q", err, content)
			continue
		}
		if len(got) != 2 {
			t.Errorf("answer has keys %v, want score and rationale", got)
		}
		score, ok := got["score"].(json.Number)
		if n, err := score.Int64(); !ok || err != nil || n < 0 || n > 2 {
			t.Errorf("score = %v, want an integer from 0 to 2", got["score"])
		}
		if _, ok := got["rationale"].(string); !ok {
			t.Errorf("rationale = %v, want a string", got["rationale"])
		}
	}
}

func TestTinyModelOpenAIStream(t *testing.T) {
	srv := devollamatest.Start(t)
	ctx := testContext(t)

	body := `{"model":"` + devollama.EndlessModel + `",
		"messages":[{"role":"user","content":"Say hello."}],
		"max_tokens":16, "temperature":0, "seed":1,
		"stream":true, "stream_options":{"include_usage":true}}`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/v1/chat/completions", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST /v1/chat/completions: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /v1/chat/completions: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type = %q, want text/event-stream", ct)
	}

	type chunk struct {
		Choices []struct {
			Delta        struct{ Content string }
			FinishReason *string `json:"finish_reason"`
		}
		Usage *struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
			TotalTokens      int `json:"total_tokens"`
		}
	}
	var chunks []chunk
	var text strings.Builder
	done := false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data: "))
		if !ok {
			continue
		}
		if string(data) == "[DONE]" {
			done = true
			break
		}
		var c chunk
		if err := json.Unmarshal(data, &c); err != nil {
			t.Fatalf("SSE chunk is not JSON: %v: %s", err, data)
		}
		for _, ch := range c.Choices {
			text.WriteString(ch.Delta.Content)
		}
		chunks = append(chunks, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading the stream: %v", err)
	}
	t.Logf("%d chunks: %q", len(chunks), text.String())
	if !done {
		t.Errorf("stream did not end with data: [DONE]")
	}
	if len(chunks) < 3 {
		t.Fatalf("%d chunks, want content chunks, a finish chunk and a usage chunk", len(chunks))
	}

	last := chunks[len(chunks)-1]
	if last.Usage == nil || len(last.Choices) != 0 {
		t.Fatalf("last chunk is not a usage chunk: %+v", last)
	}
	if last.Usage.CompletionTokens != 16 || last.Usage.PromptTokens == 0 ||
		last.Usage.TotalTokens != last.Usage.PromptTokens+last.Usage.CompletionTokens {
		t.Errorf("usage = %+v, want 16 completion tokens and consistent totals", *last.Usage)
	}
	finish := chunks[len(chunks)-2]
	if len(finish.Choices) != 1 || finish.Choices[0].FinishReason == nil || *finish.Choices[0].FinishReason != "length" {
		t.Errorf("chunk before usage does not finish with length: %+v", finish)
	}
	if !printable(text.String()) || text.Len() == 0 {
		t.Errorf("content is not printable ASCII: %q", text.String())
	}
}

// TestTinyModelLongPrompt is hwbench's largest case: a 4096-token prompt and
// 128 tokens generated, within the model's context without truncation. The
// tokenizer is byte-level, so the prompt's token count is known exactly.
func TestTinyModelLongPrompt(t *testing.T) {
	srv := devollamatest.Start(t)
	ctx := testContext(t)
	client := newClient(t, srv)

	content := strings.Repeat("a", 4080)
	// BOS, then the template's "user: " + content + "\nassistant: ".
	wantPrompt := 1 + len("user: ") + len(content) + len("\nassistant: ")
	stream := false
	req := &api.ChatRequest{
		Model:    devollama.EndlessModel,
		Messages: []api.Message{{Role: "user", Content: content}},
		Stream:   &stream,
		Options:  map[string]any{"temperature": 0, "num_predict": 128},
	}
	var resp api.ChatResponse
	if err := client.Chat(ctx, req, func(r api.ChatResponse) error { resp = r; return nil }); err != nil {
		t.Fatalf("POST /api/chat: %v", err)
	}
	t.Logf("prompt %d tokens in %v, %d tokens in %v", resp.PromptEvalCount, resp.PromptEvalDuration, resp.EvalCount, resp.EvalDuration)
	if resp.PromptEvalCount != wantPrompt {
		t.Errorf("prompt_eval_count = %d, want %d", resp.PromptEvalCount, wantPrompt)
	}
	if resp.EvalCount != 128 || resp.DoneReason != "length" {
		t.Errorf("eval_count = %d, done_reason = %q; want 128, length", resp.EvalCount, resp.DoneReason)
	}
	if !printable(resp.Message.Content) {
		t.Errorf("answer is not printable ASCII: %q", resp.Message.Content)
	}
}

func TestServerStop(t *testing.T) {
	srv := devollamatest.Start(t)
	if err := srv.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	select {
	case <-srv.Done():
	default:
		t.Errorf("Done not closed after Stop")
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	if resp, err := client.Get(srv.URL() + "/api/version"); err == nil {
		resp.Body.Close()
		t.Errorf("server still answers after Stop: %s", resp.Status)
	}
}

// TestTinyModelStopsByItself checks TinyModel ends its answers with its stop sequence,
// like a real model: "stop", well before a generous budget, the same every time.
func TestTinyModelStopsByItself(t *testing.T) {
	srv := devollamatest.Start(t)
	ctx := testContext(t)
	client := newClient(t, srv)
	stream := false
	var lengths []int
	for i, prompt := range []string{"Write a commit message.", "Summarise this log: ERROR disk full", "What is 2+2?", "Fix the bug in func f() {}"} {
		req := &api.ChatRequest{
			Model:    devollama.TinyModel,
			Messages: []api.Message{{Role: "user", Content: prompt}},
			Stream:   &stream,
			Options:  map[string]any{"temperature": 0, "num_predict": 2048, "seed": i},
		}
		var final api.ChatResponse
		if err := client.Chat(ctx, req, func(r api.ChatResponse) error { final = r; return nil }); err != nil {
			t.Fatalf("POST /api/chat: %v", err)
		}
		if final.DoneReason != "stop" {
			t.Errorf("%q: done_reason = %q after %d tokens, want stop", prompt, final.DoneReason, final.EvalCount)
		}
		if strings.Contains(final.Message.Content, devollama.TinyStop) {
			t.Errorf("%q: the stop sequence is part of the answer: %q", prompt, final.Message.Content)
		}
		lengths = append(lengths, final.EvalCount)
	}
	t.Logf("answer lengths in tokens: %v", lengths)
}
