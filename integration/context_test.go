//go:build integration && local

package integration

import (
	"context"
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
// Ollama (lim-tiny reads one token per byte; the in-process runs send num_ctx 512): Ollama cuts the
// prompt without a word, and lim stores the result as truncated with the reason and the
// fix, so it is never checked or scored as the model's work on the task. A short task
// beside it stays ok.
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
			assert.Equal(t, results.StatusTruncated, r.Status, "a cut prompt is not an ok answer")
			assert.Contains(t, r.Error, "the context window (num_ctx 512) was full")
			assert.Contains(t, r.Error, "raise LIM_NUM_CTX")
			assert.False(t, r.ChecksPassed.Valid, "a cut prompt's answer is not checked")
		case r.TaskID == short.ID && r.Model == native:
			seen++
			assert.True(t, r.Status.Final(), "status %s: %s", r.Status, r.Error)
			assert.NotContains(t, r.Error, "context window")
		case r.TaskID == long.ID:
			// Ollama's /v1 takes no num_ctx from lim, so lim cannot know its window:
			// the README says to prefer ollama: specs for Ollama.
			t.Logf("%s on the long prompt: %s, %d prompt tokens", r.Model, r.Status, r.PromptTokens.Int64)
		}
	}
	assert.Equal(t, 2, seen, "both tasks stored for %s", native)
}
