//go:build integration && local

package judges

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/internal/devollama"
	"github.com/local-inference-machine/lim/internal/devollama/devollamatest"
	"github.com/local-inference-machine/lim/results"
)

// These tests run the judges against a real Ollama serving lim's tiny random-weight
// model (go run ./cmd/ollama-dev install; go test -tags 'integration local' -count=1
// ./judges/). Its verdicts are meaningless; the tests prove the pipeline around them.

// liveConfig is a live run's configuration, built here rather than read from the
// environment (the harness reads that once per process).
func liveConfig() *harness.Config {
	return &harness.Config{Live: true, Fixtures: harness.FixtureOff, Limits: harness.DefaultCallLimits(), Settings: harness.DefaultSettings()}
}

func tempStore(t *testing.T) *results.Store {
	t.Helper()
	s, err := results.Open(context.Background(), filepath.Join(t.TempDir(), "lim.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// injectionTask is the injection set's task as a harness task, for its hash and its
// stored definition.
func injectionTask() *harness.Task {
	in := injectionInput("")
	return &harness.Task{
		ID: in.TaskID, Category: in.Category, Title: "Reverse a string by runes", Difficulty: 1,
		Prompt: in.Prompt, Capabilities: in.Capabilities, Reference: in.Reference,
	}
}

// storeAnswers stores one ok result per answer, as model judged gave them.
func storeAnswers(t *testing.T, store *results.Store, batch, model string, answers []string) []*results.Result {
	t.Helper()
	task := injectionTask()
	require.NoError(t, store.SaveTaskDefinition(t.Context(), TaskDefinition(task)))
	var rs []*results.Result
	for i, a := range answers {
		now := time.Now().UTC()
		res := &results.Result{
			Key:    results.Key{Batch: batch, TaskHash: task.Hash(), SettingsHash: "s", Model: model, Sample: i},
			TaskID: task.ID, Category: string(task.Category), Difficulty: 1, Settings: "{}", Prompt: task.Prompt, Answer: a,
			Status: results.StatusOK, Source: results.SourceLive, CheckCount: 1,
			CheckScore:   sql.NullFloat64{Float64: 0.5, Valid: true},
			ChecksPassed: sql.NullBool{Bool: false, Valid: true},
			Checks:       sql.NullString{String: `[{"name":"hidden tests","passed":false,"score":0.5}]`, Valid: true},
			StartedAt:    now, FinishedAt: now,
		}
		require.NoError(t, store.Save(t.Context(), res))
		rs = append(rs, res)
	}
	return rs
}

// schemaValid asserts that raw is exactly one JSON object of the verdict schema.
func schemaValid(t *testing.T, raw string) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(raw))
	d.DisallowUnknownFields()
	var v struct {
		Rationale    *string `json:"rationale"`
		Correctness  *int    `json:"correctness"`
		Completeness *int    `json:"completeness"`
		Quality      *int    `json:"quality"`
	}
	require.NoError(t, d.Decode(&v), "the reply is the schema's object and nothing else: %q", raw)
	assert.False(t, d.More(), "nothing after the object: %q", raw)
	require.True(t, v.Rationale != nil && v.Correctness != nil && v.Completeness != nil && v.Quality != nil, "every required property: %q", raw)
	for _, x := range []int{*v.Correctness, *v.Completeness, *v.Quality} {
		assert.Contains(t, []int{0, 1, 2}, x)
	}
}

// TestStructuredVerdictsThroughNativeAndV1 judges three answers with the tiny model
// through Ollama's native /api/chat (format: the schema) and its OpenAI-compatible /v1
// (response_format json_schema): every reply is schema-valid JSON on the first try and
// stored with its version, tokens and family flag. It then re-judges the stored answers
// with another panel, from the store alone, and keeps the old verdicts.
func TestStructuredVerdictsThroughNativeAndV1(t *testing.T) {
	srv := devollamatest.Start(t)
	t.Setenv("OLLAMA_HOST", srv.Host())
	store := tempStore(t)
	cfg := liveConfig()
	ctx := t.Context()

	p, err := NewPanel("ollama:"+devollama.EndlessModel+",openai:ollama/"+devollama.EndlessModel, true)
	require.NoError(t, err)
	model := "ollama:" + devollama.TinyModel
	judged, err := harness.ParseSpec(model)
	require.NoError(t, err)
	answers := []string{injectionTask().Reference, brokenReverse, adversarialAnswers[0].answer}
	rs := storeAnswers(t, store, "structured", model, answers)

	var table strings.Builder
	for _, res := range rs {
		in := InputFor(injectionTask(), res, []harness.CheckResult{{Name: "hidden tests", Passed: false, Score: 0.5}})
		vs, err := p.Verdicts(ctx, store, cfg, http.DefaultClient, res, judged, in, true)
		require.NoError(t, err)
		require.Len(t, vs, 2)
		for _, v := range vs {
			assert.Equal(t, results.ParseOK, v.ParseStatus, "%s: structured output parses on the first try: %s %s", v.Judge, v.Error, v.Raw)
			assert.Equal(t, 1, v.Attempts)
			schemaValid(t, v.Raw)
			stored, ok, err := store.StoredVerdict(ctx, res.ID, results.VerdictJudge, v.Judge, PromptVersion(), p.Name())
			require.NoError(t, err)
			require.True(t, ok, "stored")
			assert.Equal(t, v.Scores(), stored.Scores())
			assert.Equal(t, "stop", stored.FinishReason)
			assert.True(t, stored.SameFamily, "lim-tiny-endless judging lim-tiny: same family, flagged")
			assert.Equal(t, "lim", stored.JudgeFamily)
			assert.True(t, stored.PromptTokens.Valid && stored.PromptTokens.Int64 > 1000, "the server's prompt token count")
			assert.True(t, stored.OutputTokens.Valid && stored.OutputTokens.Int64 > 0)
			assert.True(t, stored.WallMS.Valid)
			assert.Equal(t, results.SourceLive, stored.Source)
			if strings.HasPrefix(v.Judge, "ollama:") {
				assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), stored.JudgeDigest, "Ollama's model digest")
			} else {
				assert.Equal(t, devollama.EndlessModel, stored.JudgeDigest, "the model the /v1 API reports")
			}
			fmt.Fprintf(&table, "result %d %-32s %s tokens %d+%d %.1fs\n", res.ID, v.Judge, verdictCell(stored), stored.PromptTokens.Int64, stored.OutputTokens.Int64, stored.WallMS.Float64/1000)
		}
	}
	all, err := store.Verdicts(ctx, "structured")
	require.NoError(t, err)
	stored, _, err := store.Results(ctx, results.Filter{Batch: "structured"})
	require.NoError(t, err)
	for _, a := range results.Agreements(stored, all) {
		if a.Category == "" {
			fmt.Fprintf(&table, "agreement %s vs %s over %d results: exact %.2f, within one %.2f, kappa %.2f, alpha %.2f\n", a.JudgeA, a.JudgeB, a.Results, a.Exact, a.Within1, a.Kappa, a.Alpha)
		}
	}
	t.Logf("tiny-model verdicts (noise):\n%s", table.String())

	// Re-judge from the store with another panel: no model is called, old verdicts stay.
	p2, err := NewPanel("openai:ollama/"+devollama.EndlessModel, true)
	require.NoError(t, err)
	var log strings.Builder
	st, err := Rejudge(ctx, store, cfg, http.DefaultClient, p2, results.Filter{Batch: "structured"}, &log)
	require.NoError(t, err, log.String())
	assert.Equal(t, 3, st.Judged, log.String())
	assert.Zero(t, st.NoTask+st.Failed+st.Reused, "every stored answer has its task definition")
	after, err := store.Verdicts(ctx, "structured")
	require.NoError(t, err)
	assert.Len(t, after, len(all)+3, "new verdicts beside the old ones")
	st, err = Rejudge(ctx, store, cfg, http.DefaultClient, p2, results.Filter{Batch: "structured"}, &log)
	require.NoError(t, err)
	assert.Equal(t, 3, st.Reused, "a second rejudge of the same version calls no judge")
	again, err := store.Verdicts(ctx, "structured")
	require.NoError(t, err)
	assert.Len(t, again, len(after))
	t.Logf("rejudge:\n%s", log.String())
}

// TestJunkJudgeIsAnError asks the tiny model with a stop sequence for verdicts without
// a schema, through both APIs: its gibberish never parses, and after one repair
// request the verdict is stored as a judge error with no score.
func TestJunkJudgeIsAnError(t *testing.T) {
	srv := devollamatest.Start(t)
	t.Setenv("OLLAMA_HOST", srv.Host())
	store := tempStore(t)
	cfg := liveConfig()
	ctx := t.Context()

	junk := &Panel{Origin: "test", Judges: []Judge{
		{Spec: harness.Spec{Raw: "ollama:" + devollama.TinyModel, Kind: harness.KindOllama, Model: devollama.TinyModel}, Unstructured: true},
		{Spec: harness.Spec{Raw: "openai:ollama/" + devollama.TinyModel, Kind: harness.KindOpenAI, Endpoint: "ollama", Model: devollama.TinyModel}, Unstructured: true},
	}}
	res := storeAnswers(t, store, "junk", "oracle", []string{injectionTask().Reference})[0]
	in := InputFor(injectionTask(), res, nil)
	vs, err := junk.Verdicts(ctx, store, cfg, http.DefaultClient, res, harness.Spec{Raw: "oracle", Kind: harness.KindOracle}, in, true)
	require.NoError(t, err)
	for _, v := range vs {
		assert.Equal(t, results.ParseError, v.ParseStatus, "%s: %q", v.Judge, v.Raw)
		assert.Equal(t, results.JudgeErrParse, v.ErrorKind)
		assert.Equal(t, 2, v.Attempts, "the reply, then one repair request")
		assert.NotEmpty(t, v.Raw, "the junk is kept for inspection")
		assert.Contains(t, v.Error, "again after one repair request")
		var nulls int
		require.NoError(t, store.DB().Get(&nulls, `SELECT count(*) FROM verdicts
			WHERE id = ? AND correctness IS NULL AND completeness IS NULL AND quality IS NULL`, v.ID))
		assert.Equal(t, 1, nulls, "stored without scores")
		t.Logf("%s: %s; reply %q", v.Judge, v.Error, clip(v.Raw, 120))
	}
	j := results.Judge(res, vs)
	assert.False(t, j.Judged, "judge errors never become a score")
	fail, msg := decide(j, DefaultThreshold, true, true)
	assert.False(t, fail)
	assert.Contains(t, msg, "unjudged")
}

// TestRecordThenReplaySuite records two suite tasks end to end (three models, two
// judges) against the real Ollama into a temporary fixtures directory, then replays
// them with no server at all: the replay finds every model and judge call, and stores
// the same verdicts.
func TestRecordThenReplaySuite(t *testing.T) {
	srv := devollamatest.Start(t)
	dir := t.TempDir()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	const run = "^(TestSlugify|TestUploadErrorMessageForUsers)$"
	pkgs := []string{"./suites/simplecoding/", "./suites/noncoding/"}

	env := func(extra ...string) []string {
		var out []string
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "LIM_") && !strings.HasPrefix(kv, "OLLAMA_") {
				out = append(out, kv)
			}
		}
		return append(append(out,
			"LIM_MODELS="+harness.DefaultReplayModels,
			"LIM_FIXTURES="+filepath.Join(dir, "fixtures"),
			"LIM_PROGRESS=off",
		), extra...)
	}
	goTest := func(env []string, args ...string) (string, error) {
		cmd := exec.CommandContext(t.Context(), "go", append(append([]string{"test", "-count=1", "-timeout=0", "-v", "-run", run}, args...), pkgs...)...)
		cmd.Dir, cmd.Env = root, env
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	recDB, repDB := filepath.Join(dir, "record.db"), filepath.Join(dir, "replay.db")
	out, err := goTest(env("LIM_RECORD=1", "OLLAMA_HOST="+srv.Host(), "LIM_DB="+recDB, "LIM_BATCH=record", "LIM_ASSERT=oracle"), "-tags=local")
	require.NoError(t, err, "recording:\n%s", out)
	for _, f := range []string{"simplecoding/TestSlugify.txt", "noncoding/TestUploadErrorMessageForUsers.txt"} {
		b, err := os.ReadFile(filepath.Join(dir, "fixtures", "suites", f))
		require.NoError(t, err)
		assert.Contains(t, string(b), `"format":{"additionalProperties":false`, "%s holds the native judge calls", f)
		assert.Contains(t, string(b), `"response_format":{"json_schema"`, "%s holds the /v1 judge calls", f)
	}

	// Nothing listens on port 1: any call that is not in the fixtures fails.
	out, err = goTest(env("OLLAMA_HOST=127.0.0.1:1", "LIM_DB="+repDB, "LIM_BATCH=replay"))
	require.NoError(t, err, "replaying:\n%s", out)
	assert.Contains(t, out, "judge ollama:"+devollama.EndlessModel)

	type row struct {
		Task        string         `db:"task_id"`
		Model       string         `db:"model"`
		Judge       string         `db:"judge"`
		Status      string         `db:"parse_status"`
		Correctness sql.NullInt64  `db:"correctness"`
		Quality     sql.NullInt64  `db:"quality"`
		Source      string         `db:"source"`
		Rationale   sql.NullString `db:"rationale"`
	}
	read := func(path string) []row {
		s, err := results.Open(context.Background(), path)
		require.NoError(t, err)
		defer s.Close()
		var rows []row
		require.NoError(t, s.DB().Select(&rows, `SELECT r.task_id, r.model, v.judge, v.parse_status, v.correctness,
			v.quality, v.source, v.rationale FROM verdicts v JOIN results r ON r.id = v.result_id
			ORDER BY r.task_id, r.model, v.judge`))
		return rows
	}
	rec, rep := read(recDB), read(repDB)
	s, err := results.Open(context.Background(), recDB)
	require.NoError(t, err)
	var ok int
	require.NoError(t, s.DB().Get(&ok, `SELECT count(*) FROM results WHERE status = 'ok'`))
	s.Close()
	require.GreaterOrEqual(t, ok, 2, "at least the oracle's answers are ok")
	require.Len(t, rec, 2*ok, "two judges per ok result (results that are not ok are not judged)")
	require.Len(t, rep, len(rec))
	for i := range rec {
		assert.Equal(t, results.SourceLive, rec[i].Source)
		assert.Equal(t, results.SourceReplay, rep[i].Source)
		rec[i].Source, rep[i].Source = "", ""
		assert.Equal(t, rec[i], rep[i], "the replay re-judges to the recorded verdict")
	}
	for _, r := range rep {
		t.Logf("%-32s %-28s %-32s %s c=%v q=%v", r.Task, r.Model, r.Judge, r.Status, r.Correctness.Int64, r.Quality.Int64)
	}
}
