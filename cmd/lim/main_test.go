package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/results"
)

func runLim(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestDispatch(t *testing.T) {
	_, stderr, err := runLim(t)
	assert.Error(t, err)
	assert.Contains(t, stderr, "usage: lim")
	_, _, err = runLim(t, "frobnicate")
	assert.ErrorContains(t, err, `unknown command "frobnicate"`)
}

func TestReport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lim.db")
	out, _, err := runLim(t, "report", "-db", db)
	require.NoError(t, err)
	assert.Contains(t, out, "no results yet")

	s, err := results.Open(context.Background(), db)
	require.NoError(t, err)
	now := time.Now().UTC()
	require.NoError(t, s.Save(context.Background(), &results.Result{
		Key:    results.Key{Batch: "2026-11-27", TaskHash: "h", SettingsHash: "s", Model: "ollama:qwen3:14b"},
		TaskID: "slugify", Category: "simple-coding", Difficulty: 2, Settings: "{}", Prompt: "p",
		Status: results.StatusTimeout, Source: results.SourceLive, CheckCount: 1, StartedAt: now, FinishedAt: now,
	}))
	require.NoError(t, s.Close())

	out, _, err = runLim(t, "report", "-db", db, "-format", "markdown")
	require.NoError(t, err)
	assert.Contains(t, out, "## lim leaderboard, batch 2026-11-27")
	assert.Contains(t, out, "| ollama:qwen3:14b | 1 | 1 (1 timeout) | 0.00 (n=1) |")

	_, _, err = runLim(t, "report", "-db", db, "-batch", "nope")
	assert.ErrorContains(t, err, `batch "nope" has no results`)
	_, _, err = runLim(t, "report", "-db", db, "-format", "pdf")
	assert.ErrorContains(t, err, "use text or markdown")

	bad := filepath.Join(t.TempDir(), "bad.db")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Repeat("junk", 100)), 0o644))
	_, _, err = runLim(t, "report", "-db", bad)
	assert.ErrorContains(t, err, "not a SQLite database")
}
