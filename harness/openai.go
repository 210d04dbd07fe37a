package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// openaiBackend calls a model on an OpenAI-compatible server (OpenRouter, llama.cpp's
// llama-server, vLLM, LM Studio, Ollama's /v1) through streamed chat completions with
// include_usage. It reads reasoning text from the "reasoning" or "reasoning_content"
// delta fields, and OpenRouter's reported cost and provider.
type openaiBackend struct {
	spec     Spec
	endpoint Endpoint
	client   openai.Client
	limits   CallLimits
}

// NewOpenAI returns a backend for spec (an openai: spec) on ep, making its HTTP calls
// through hc. The SDK's own retries are off: lim retries, and records each attempt.
func NewOpenAI(spec Spec, ep Endpoint, hc *http.Client, limits CallLimits) Backend {
	key := ep.APIKey
	if key == "" {
		key = "none" // local servers ignore it; the SDK requires one
	}
	c := openai.NewClient(
		option.WithBaseURL(ep.BaseURL+"/"),
		option.WithAPIKey(key),
		option.WithHTTPClient(hc),
		option.WithMaxRetries(0),
	)
	return &openaiBackend{spec: spec, endpoint: ep, client: c, limits: limits}
}

func (b *openaiBackend) Spec() Spec { return b.spec }

// chunkExtras are the fields of a streamed chunk that the SDK's types leave out.
type chunkExtras struct {
	Provider string `json:"provider"`
	Usage    *struct {
		Cost *float64 `json:"cost"`
	} `json:"usage"`
	Choices []struct {
		Delta struct {
			Reasoning        string `json:"reasoning"`
			ReasoningContent string `json:"reasoning_content"`
		} `json:"delta"`
	} `json:"choices"`
}

func (b *openaiBackend) Chat(ctx context.Context, req Request) (Response, error) {
	ctx, cancel := context.WithTimeout(ctx, b.limits.Timeout)
	defer cancel()
	params := openai.ChatCompletionNewParams{
		Model:         b.spec.Model,
		MaxTokens:     openai.Int(int64(req.MaxTokens)),
		Temperature:   openai.Float(req.Settings.Temperature),
		Seed:          openai.Int(int64(req.Seed)),
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	}
	if req.System != "" {
		params.Messages = append(params.Messages, openai.SystemMessage(req.System))
	}
	params.Messages = append(params.Messages, openai.UserMessage(req.Prompt))
	var opts []option.RequestOption
	switch req.Settings.Think {
	case ThinkOn:
		opts = append(opts, option.WithJSONSet("reasoning_effort", "medium"))
	case ThinkOff:
		opts = append(opts, option.WithJSONSet("reasoning_effort", "none"))
	}
	if req.Format != nil {
		opts = append(opts, option.WithJSONSet("response_format", map[string]any{
			"type":        "json_schema",
			"json_schema": map[string]any{"name": "answer", "strict": true, "schema": req.Format},
		}))
	}
	if b.endpoint.Name == "openrouter" {
		opts = append(opts, option.WithJSONSet("usage", map[string]any{"include": true}))
	}

	var resp Response
	started := time.Now()
	attempts, err := retry(ctx, b.limits.Retry, func(ctx context.Context) error {
		resp = Response{}
		ctx, capture := withCapture(ctx)
		ctx, st, done := startStream(ctx, b.limits.Stall)
		defer done()
		var answer, reasoning strings.Builder
		s := b.client.Chat.Completions.NewStreaming(ctx, params, opts...)
		defer s.Close()
		sawUsage := false
		for s.Next() {
			c := s.Current()
			var ex chunkExtras
			_ = json.Unmarshal([]byte(c.RawJSON()), &ex)
			text := ""
			for i, ch := range c.Choices {
				text += ch.Delta.Content
				answer.WriteString(ch.Delta.Content)
				if i < len(ex.Choices) {
					r := ex.Choices[i].Delta.Reasoning + ex.Choices[i].Delta.ReasoningContent
					reasoning.WriteString(r)
					text += r
				}
				if ch.FinishReason != "" {
					resp.FinishReason = ch.FinishReason
				}
			}
			st.chunk(text != "")
			if c.Model != "" {
				resp.ModelDigest = c.Model
			}
			if ex.Provider != "" {
				resp.Provider = ex.Provider
			}
			if c.JSON.Usage.Valid() && c.Usage.CompletionTokens+c.Usage.PromptTokens > 0 {
				sawUsage = true
				pt, ct := int(c.Usage.PromptTokens), int(c.Usage.CompletionTokens)
				resp.PromptTokens, resp.CompletionTokens = &pt, &ct
				if ex.Usage != nil && ex.Usage.Cost != nil {
					cost := *ex.Usage.Cost
					resp.CostUSD = &cost
				}
			}
		}
		st.timings(&resp)
		resp.Answer, resp.Reasoning = answer.String(), reasoning.String()
		if err := s.Err(); err != nil {
			if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
				err = fmt.Errorf("%w (%w)", cause, err)
			}
			return callError(err, capture)
		}
		if resp.FinishReason == "" && !sawUsage {
			return fmt.Errorf("%w: the stream ended without a finish reason or usage", errIncomplete)
		}
		return nil
	})
	wall := time.Since(started)
	resp.Wall, resp.Attempts = &wall, attempts
	if err != nil {
		return resp, fmt.Errorf("%s %s: %w", b.endpoint.Name, b.spec.Model, err)
	}
	return resp, nil
}
