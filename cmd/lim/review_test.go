package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/results"
)

// reviewStore holds two judged results of one batch: one whose judges agree, one whose
// judges differ by 2 on correctness (flagged).
func reviewStore(t *testing.T) (db string, agreed, flagged int64) {
	t.Helper()
	ctx := context.Background()
	db = filepath.Join(t.TempDir(), "lim.db")
	s, err := results.Open(ctx, db)
	require.NoError(t, err)
	defer s.Close()
	now := time.Now().UTC()
	save := func(task, answer string, a, b [3]int) int64 {
		r := &results.Result{
			Key:    results.Key{Batch: "b", TaskHash: task, SettingsHash: "s", Model: "ollama:qwen3:14b"},
			TaskID: task, Category: "non-coding", Difficulty: 2, Settings: "{}", Prompt: "p", Answer: answer,
			Status: results.StatusOK, Source: results.SourceLive, StartedAt: now, FinishedAt: now,
		}
		require.NoError(t, s.Save(ctx, r))
		for i, sc := range [][3]int{a, b} {
			v := &results.Verdict{ResultID: r.ID, Kind: results.VerdictJudge, Judge: fmt.Sprintf("ollama:judge-%d", i),
				PromptHash: "p1", Panel: "ollama:judge-0,ollama:judge-1", ParseStatus: results.ParseOK, Rationale: fmt.Sprintf("rationale %d", i),
				PromptTokens: sql.NullInt64{Int64: 10, Valid: true}}
			v.SetScores(sc)
			require.NoError(t, s.SaveVerdict(ctx, v))
		}
		return r.ID
	}
	agreed = save("release-note", "A calm release note.", [3]int{2, 2, 2}, [3]int{2, 1, 2})
	flagged = save("commit-message", "fix: stuff", [3]int{2, 1, 1}, [3]int{0, 1, 1})
	return db, agreed, flagged
}

func TestReviewListAndScore(t *testing.T) {
	db, agreed, flagged := reviewStore(t)

	out, _, err := runLim(t, "review", "list", "-db", db)
	require.NoError(t, err)
	assert.Contains(t, out, fmt.Sprintf("result %d · task commit-message (non-coding) · model ollama:qwen3:14b", flagged))
	assert.Contains(t, out, "ollama:judge-0: correctness 2, completeness 1, quality 1")
	assert.Contains(t, out, "ollama:judge-1: correctness 0, completeness 1, quality 1")
	assert.Contains(t, out, "rationale 1")
	assert.Contains(t, out, "    fix: stuff")
	assert.NotContains(t, out, fmt.Sprintf("result %d ", agreed), "judges within 1 of each other: not flagged")

	out, _, err = runLim(t, "review", "score", "-db", db, "-result", fmt.Sprint(flagged), "-correctness", "1", "-completeness", "1", "-quality", "0", "-reviewer", "ada", "-note", "vague subject")
	require.NoError(t, err)
	assert.Contains(t, out, "recorded ada's score 1/1/0")

	out, _, err = runLim(t, "review", "list", "-db", db)
	require.NoError(t, err)
	assert.Contains(t, out, "no results to review in batch b (1 flagged results already reviewed")
	out, _, err = runLim(t, "review", "list", "-db", db, "-all")
	require.NoError(t, err)
	assert.Contains(t, out, "reviewed by ada: correctness 1, completeness 1, quality 0")

	out, _, err = runLim(t, "report", "-db", db, "-format", "markdown")
	require.NoError(t, err)
	// Task means: release-note (2 + 5/3)/2 = 1.83 by the judges; commit-message 2/3 by ada.
	assert.Contains(t, out, "| 1.25 [0.67, 1.83] (tasks=2) 1 human |", "the person's score wins in the report")
	assert.Contains(t, out, "### Judge agreement")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"review", "score", "-db", db, "-correctness", "1", "-completeness", "1", "-quality", "1"}, "-result is required"},
		{[]string{"review", "score", "-db", db, "-result", fmt.Sprint(flagged), "-correctness", "3", "-completeness", "1", "-quality", "1"}, "-correctness must be 0, 1 or 2"},
		{[]string{"review", "score", "-db", db, "-result", fmt.Sprint(flagged), "-correctness", "1", "-completeness", "1"}, "-quality must be 0, 1 or 2"},
		{[]string{"review", "score", "-db", db, "-result", "999", "-correctness", "1", "-completeness", "1", "-quality", "1"}, "no result 999"},
		{[]string{"review", "frob"}, `unknown subcommand "frob"`},
		{[]string{"rejudge", "-db", db, "-judges", ""}, "name the judges"},
		{[]string{"rejudge", "-db", db, "-judges", "gpt-4"}, "unknown model spec"},
	} {
		_, _, err := runLim(t, tc.args...)
		assert.ErrorContains(t, err, tc.want, "%v", tc.args)
	}
}
