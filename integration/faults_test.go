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

// TestFaultsEndInStoredStatuses drives both backends through faultProxy in front of the
// real Ollama: every fault ends as a correctly stored result, and the suite finishes.
func TestFaultsEndInStoredStatuses(t *testing.T) {
	srv := devollamatest.Start(t)
	proxy := newFaultProxy(t, srv.URL(), map[string][]fault{
		"ratelimited": {tooMany, pass},
		"flaky":       {serverError, pass},
		"down":        {serverError},
		"reset":       {resetMidway, pass},
		"stalled":     {stallMidway},
	})
	inProcessEnv(t, proxy.Host())
	db := dbPath()

	tasks := map[string]*harness.Task{}
	t.Run("suite", func(t *testing.T) {
		for _, name := range []string{"ratelimited", "flaky", "down", "reset", "stalled"} {
			task := &harness.Task{
				ID: "fault-" + name, Category: harness.NonCoding, Title: "fault " + name, Difficulty: 1,
				Prompt: faultsMarker + name + " Say hello.", Capabilities: []string{"answers"}, Reference: "hello",
			}
			tasks[name] = task
			t.Run(name, func(t *testing.T) { harness.Run(t, task) })
		}
	})

	store, err := results.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	rs, _, err := store.Results(context.Background(), results.Filter{Batch: "in-process"})
	require.NoError(t, err)
	byKey := map[string]results.Result{}
	for _, r := range rs {
		if strings.HasPrefix(r.TaskID, "fault-") {
			byKey[r.TaskID+" "+r.Model] = r
		}
	}
	assert.Len(t, byKey, 10, "every task × model is stored, faults included")

	for _, model := range []string{"ollama:" + devollama.TinyModel, "openai:ollama/" + devollama.TinyModel} {
		t.Run(model, func(t *testing.T) {
			for _, tc := range []struct {
				task     string
				final    bool
				status   results.Status
				attempts int
				err      string
			}{
				{task: "ratelimited", final: true, attempts: 2},
				{task: "flaky", final: true, attempts: 2},
				{task: "reset", final: true, attempts: 2},
				{task: "down", status: results.StatusError, attempts: 4, err: "HTTP 500"},
				{task: "stalled", status: results.StatusTimeout, attempts: 1, err: "stalled"},
			} {
				r, ok := byKey["fault-"+tc.task+" "+model]
				if !assert.True(t, ok, "%s not stored", tc.task) {
					continue
				}
				if tc.final {
					assert.True(t, r.Status.Final(), "%s: status %s, error %s", tc.task, r.Status, r.Error)
				} else {
					assert.Equal(t, tc.status, r.Status, tc.task)
				}
				assert.Equal(t, tc.attempts, r.Attempts, tc.task)
				assert.Contains(t, r.Error, tc.err, tc.task)
			}
		})
	}
	assert.Equal(t, []fault{tooMany, pass}, proxy.faultsSeen("/api/chat ratelimited"))
	assert.Equal(t, []fault{resetMidway, pass}, proxy.faultsSeen("/v1/chat/completions reset"))
}
