package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"
)

// ollamaBackend calls a model on an Ollama server through its native, streamed
// /api/chat, and reads the server's own counters (prompt_eval_count/duration,
// eval_count/duration, load_duration, done_reason).
type ollamaBackend struct {
	spec   Spec
	client *api.Client
	limits CallLimits
	digest func(ctx context.Context) string
}

// NewOllama returns a backend for spec (an ollama: spec) on the server at baseURL,
// making its HTTP calls through hc.
func NewOllama(spec Spec, baseURL string, hc *http.Client, limits CallLimits) (Backend, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("ollama backend %s: base URL %q: %w", spec.Raw, baseURL, err)
	}
	return &ollamaBackend{spec: spec, client: api.NewClient(u, hc), limits: limits,
		digest: func(ctx context.Context) string { return modelDigest(ctx, baseURL, spec.Model) }}, nil
}

func (b *ollamaBackend) Spec() Spec { return b.spec }

func (b *ollamaBackend) Chat(ctx context.Context, req Request) (Response, error) {
	ctx, cancel := context.WithTimeout(ctx, b.limits.Timeout)
	defer cancel()
	stream := true
	options := map[string]any{
		"temperature": req.Settings.Temperature,
		"num_predict": req.MaxTokens,
		"seed":        req.Seed,
	}
	if req.Settings.NumCtx > 0 {
		options["num_ctx"] = req.Settings.NumCtx
	}
	// Never measure a model on a prompt it did not see whole: left to itself Ollama cuts
	// a prompt longer than num_ctx, and mid-answer drops the start of the context to go
	// on writing. Told not to, it refuses the prompt, or stops the answer at the window
	// with done_reason "length".
	noCut := false
	cr := &api.ChatRequest{Model: b.spec.Model, Stream: &stream, Options: options, Format: req.Format,
		Truncate: &noCut, Shift: &noCut}
	if req.System != "" {
		cr.Messages = append(cr.Messages, api.Message{Role: "system", Content: req.System})
	}
	cr.Messages = append(cr.Messages, api.Message{Role: "user", Content: req.Prompt})
	switch req.Settings.Think {
	case ThinkOn:
		cr.Think = &api.ThinkValue{Value: true}
	case ThinkOff:
		cr.Think = &api.ThinkValue{Value: false}
	}

	var resp Response
	started := time.Now()
	attempts, err := retry(ctx, b.limits.Retry, func(ctx context.Context) error {
		resp = Response{}
		ctx, capture := withCapture(ctx)
		ctx, st, done := startStream(ctx, b.limits.Stall)
		defer done()
		var answer, thinking strings.Builder
		err := b.client.Chat(ctx, cr, func(r api.ChatResponse) error {
			st.chunk(r.Message.Content != "" || r.Message.Thinking != "")
			answer.WriteString(r.Message.Content)
			thinking.WriteString(r.Message.Thinking)
			if r.Done {
				resp.FinishReason = r.DoneReason
				m := r.Metrics
				resp.PromptTokens, resp.CompletionTokens = &m.PromptEvalCount, &m.EvalCount
				resp.Load, resp.PromptEval, resp.Eval = &m.LoadDuration, &m.PromptEvalDuration, &m.EvalDuration
			}
			return nil
		})
		st.timings(&resp)
		resp.Answer, resp.Reasoning = answer.String(), thinking.String()
		if err != nil {
			if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
				err = fmt.Errorf("%w (%w)", cause, err)
			}
			return callError(err, capture)
		}
		if resp.FinishReason == "" {
			// The client ends quietly when the stream breaks: say why it broke.
			if cause := context.Cause(ctx); cause != nil {
				return fmt.Errorf("the stream ended before the server said it was done: %w", cause)
			}
			return fmt.Errorf("%w: the stream ended before the server said it was done", errIncomplete)
		}
		return nil
	})
	wall := time.Since(started)
	resp.Wall, resp.Attempts = &wall, attempts
	if err != nil {
		if strings.Contains(err.Error(), "exceeds the context length") {
			err = fmt.Errorf("%w (num_ctx %d): raise LIM_NUM_CTX, up to the model's own limit (`ollama show %s`): %w",
				ErrPromptTooLong, req.Settings.NumCtx, b.spec.Model, err)
		}
		return resp, fmt.Errorf("ollama %s: %w", b.spec.Model, err)
	}
	resp.ModelDigest = b.digest(ctx)
	return resp, nil
}

// modelDigests caches each server's model digests for the life of the process.
var modelDigests sync.Map // baseURL + "\x00" + model → digest

// modelDigest returns the digest Ollama lists for model, asked once per process and
// not through the recording transport: it is metadata, not a model call.
func modelDigest(ctx context.Context, baseURL, model string) string {
	key := baseURL + "\x00" + model
	if d, ok := modelDigests.Load(key); ok {
		return d.(string)
	}
	if !liveMode() {
		return ""
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	list, err := api.NewClient(u, http.DefaultClient).List(ctx)
	if err != nil {
		return ""
	}
	for _, m := range list.Models {
		modelDigests.Store(baseURL+"\x00"+m.Name, m.Digest)
		if !strings.Contains(m.Name, ":") || strings.HasSuffix(m.Name, ":latest") {
			modelDigests.Store(baseURL+"\x00"+strings.TrimSuffix(m.Name, ":latest"), m.Digest)
		}
	}
	d, _ := modelDigests.LoadOrStore(key, "")
	return d.(string)
}

// OllamaModels lists the models the Ollama server at baseURL has, as ollama: specs.
func OllamaModels(ctx context.Context, baseURL string) ([]Spec, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("list Ollama models: base URL %q: %w", baseURL, err)
	}
	list, err := api.NewClient(u, http.DefaultClient).List(ctx)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Ollama at %s to list its models (%w): start it with `ollama serve`, point OLLAMA_HOST at it, or name models in LIM_MODELS", baseURL, err)
	}
	var specs []Spec
	for _, m := range list.Models {
		specs = append(specs, Spec{Raw: "ollama:" + m.Name, Kind: KindOllama, Model: m.Name})
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("Ollama at %s has no models: `ollama pull <model>` one, or name models in LIM_MODELS", baseURL)
	}
	return specs, nil
}
