//go:build integration && local

package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/internal/devollama"
	"github.com/local-inference-machine/lim/internal/devollama/devollamatest"
	"github.com/local-inference-machine/lim/results"
)

// TestFullContextIsNotScored runs a task whose prompt is longer than num_ctx on the real
// Ollama (lim-tiny reads one token per byte; the in-process runs send num_ctx 512). Left
// to itself Ollama would cut the prompt without a word; lim asks it not to, so the
// result is a stored failure that names the fix, never an answer checked or scored as
// the model's work on the task. A short task beside it stays ok.
func TestFullContextIsNotScored(t *testing.T) {
	srv := devollamatest.Start(t)
	inProcessEnv(t, srv.Host())

	long := &harness.Task{
		ID: "context-too-long", Category: harness.NonCoding, Title: "a prompt past num_ctx", Difficulty: 1,
		Prompt:       "Count the words in this text.\n\n" + strings.Repeat("lorem ipsum dolor sit amet ", 40), // 1,080 bytes
		Capabilities: []string{"reads long input"}, Reference: "200",
	}
	short := &harness.Task{
		ID: "context-fits", Category: harness.NonCoding, Title: "a prompt well inside num_ctx", Difficulty: 1,
		Prompt: "Say hello.", Capabilities: []string{"answers"}, Reference: "hello",
	}
	t.Run("suite", func(t *testing.T) {
		t.Run("long", func(t *testing.T) { harness.Run(t, long) })
		t.Run("short", func(t *testing.T) { harness.Run(t, short) })
	})

	store, err := results.Open(context.Background(), dbPath())
	require.NoError(t, err)
	defer store.Close()
	rs, _, err := store.Results(context.Background(), results.Filter{Batch: "in-process"})
	require.NoError(t, err)
	native := "ollama:" + devollama.TinyModel
	seen := 0
	for _, r := range rs {
		switch {
		case r.TaskID == long.ID && r.Model == native:
			seen++
			assert.Equal(t, results.StatusError, r.Status, "a prompt that does not fit is not an answer")
			assert.Contains(t, r.Error, "the prompt is longer than the context window (num_ctx 512): raise LIM_NUM_CTX")
			assert.Contains(t, r.Error, "the input length exceeds the context length", "the server's own words stay")
			assert.Equal(t, 1, r.Attempts, "a refusal that would repeat is not retried")
			assert.False(t, r.ChecksPassed.Valid, "nothing was checked")
		case r.TaskID == short.ID && r.Model == native:
			seen++
			assert.True(t, r.Status.Final(), "status %s: %s", r.Status, r.Error)
			assert.NotContains(t, r.Error, "context window")
		case r.TaskID == long.ID:
			// Ollama's /v1 takes no num_ctx or no-cut request from lim, so lim cannot know
			// its window: the README says to prefer ollama: specs for Ollama.
			t.Logf("%s on the long prompt: %s, %d prompt tokens", r.Model, r.Status, r.PromptTokens.Int64)
		}
	}
	assert.Equal(t, 2, seen, "both tasks stored for %s", native)
}

// TestOllamaStopsAtTheWindow proves the other half on the real Ollama: an answer that
// fills num_ctx stops there with done_reason "length" (Ollama would otherwise drop the
// start of the context and write on), and lim says the window, not the budget, ended it.
func TestOllamaStopsAtTheWindow(t *testing.T) {
	srv := devollamatest.Start(t)
	spec, err := harness.ParseSpec("ollama:" + devollama.EndlessModel)
	require.NoError(t, err)
	b, err := harness.NewOllama(spec, srv.URL(), http.DefaultClient, harness.DefaultCallLimits())
	require.NoError(t, err)
	s := harness.DefaultSettings()
	s.NumCtx = 256
	req := harness.Request{Prompt: "Say hello.", MaxTokens: 1000, Settings: s, Seed: 1}
	resp, err := b.Chat(t.Context(), req)
	require.NoError(t, err)
	assert.Equal(t, "length", resp.FinishReason)
	require.NotNil(t, resp.CompletionTokens)
	require.NotNil(t, resp.PromptTokens)
	assert.Less(t, *resp.CompletionTokens, 1000, "stopped at the window, not after shifting it")
	// The window, plus the one token whose sampling found it full.
	assert.LessOrEqual(t, *resp.PromptTokens+*resp.CompletionTokens, 256+1)
	why, full := harness.ContextFull(req, resp, spec)
	assert.True(t, full)
	assert.Contains(t, why, "the context window (num_ctx 256) was full")
}
