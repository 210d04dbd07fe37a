package results

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestReportNamesTheSettingsAndSamplesBehindItsNumbers(t *testing.T) {
	const greedy = `{"temperature":0,"think_budget":4096,"think":"","num_ctx":8192,"seed":42,"sent_max_tokens":4608,"backend":"ollama"}`
	a0 := sampleResult("ollama:a", 0, StatusOK)
	a0.Settings = greedy
	a1 := sampleResult("ollama:a", 1, StatusOK)
	a1.Settings = strings.Replace(greedy, "4608", "6144", 1) // a per-call field: still one setting
	b0 := sampleResult("ollama:b", 0, StatusOK)
	b0.Settings = greedy

	var out strings.Builder
	assert.NoError(t, NewReport("b1", []Result{*a0, *a1, *b0}).Write(&out, FormatText))
	assert.Contains(t, out.String(), "settings (all 3 results): temperature 0, max tokens each task's budget + 4096 for thinking, thinking the model's default, num_ctx 8192 (Ollama), base seed 42.")
	assert.Contains(t, out.String(), "samples per task and model: 1 for ollama:b; 2 for ollama:a.")

	b0.Settings = `{"temperature":0.7,"max_tokens":512,"think":"off","num_ctx":4096,"seed":1}`
	out.Reset()
	assert.NoError(t, NewReport("b1", []Result{*a0, *b0}).Write(&out, FormatMarkdown))
	assert.Contains(t, out.String(), "settings differ within this batch, so its rows are not one comparison: ")
	assert.Contains(t, out.String(), "temperature 0.7, max tokens 512, thinking off, num_ctx 4096 (Ollama), base seed 1 (1 results)")
	assert.Contains(t, out.String(), "samples per task and model: 1.")

	b0.Settings = "not json"
	out.Reset()
	assert.NoError(t, NewReport("b1", []Result{*a0, *b0}).Write(&out, FormatText))
	assert.Contains(t, out.String(), "1 results have no readable settings.")
}

func TestReportCountsATaskChangedWithinTheBatchOnceInItsNewestVersion(t *testing.T) {
	old := sampleResult("ollama:a", 0, StatusOK)
	old.ID, old.TaskHash = 1, "old-hash"
	old.CheckScore = sql.NullFloat64{Float64: 0, Valid: true}
	newer := sampleResult("ollama:a", 0, StatusOK)
	newer.ID, newer.TaskHash = 2, "new-hash"
	newer.FinishedAt = old.FinishedAt.Add(time.Hour)
	newer.CheckScore = sql.NullFloat64{Float64: 1, Valid: true}
	other := sampleResult("ollama:b", 0, StatusOK) // ran only the old version: still counted
	other.ID, other.TaskHash = 3, "old-hash"
	other.CheckScore = sql.NullFloat64{Float64: 1, Valid: true}

	rep := NewReport("b1", []Result{*newer, *old, *other})
	assert.Equal(t, 1, rep.Superseded)
	for _, s := range rep.Overall {
		assert.Equal(t, 1, s.Results, s.Model)
		assert.InDelta(t, 1, s.CheckScore, 1e-9, "%s: the newest version's score", s.Model)
	}
	var out strings.Builder
	assert.NoError(t, rep.Write(&out, FormatText))
	assert.Contains(t, out.String(), "1 results of earlier versions of a task")

	rep = NewReport("b1", []Result{*old, *other})
	assert.Zero(t, rep.Superseded)
	out.Reset()
	assert.NoError(t, rep.Write(&out, FormatText))
	assert.NotContains(t, out.String(), "earlier versions of a task")
}
