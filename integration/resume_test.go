//go:build integration

package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
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

// suitePackages are the suites the live-run tests drive: three of the real corpus's
// packages (48 results), enough to kill a run midway and resume it, small enough for CI.
var suitePackages = []string{"./suites/reasoning/", "./suites/architecture/", "./suites/noncoding/"}

// liveEnv is a clean environment for a live suite run against the server at host.
func liveEnv(host, db, batch string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "LIM_") || strings.HasPrefix(kv, "OLLAMA_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"OLLAMA_HOST="+host,
		"LIM_MODELS=ollama:"+devollama.TinyModel+",openai:ollama/"+devollama.TinyModel,
		"LIM_DB="+db,
		"LIM_BATCH="+batch,
		"LIM_ASSERT=off", // the random-weight model's answers are measured, not asserted
		"LIM_PROGRESS=off",
		"LIM_THINK=off",
		"LIM_MAX_TOKENS=64",
		"LIM_JUDGES=off", // judges have their own integration tests

	)
}

func goTest(ctx context.Context, t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-tags=local", "-count=1", "-timeout=0", "-parallel=16", "-skip=^TestSuite$"}, args...)...)
	cmd.Dir = root
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	return cmd
}

// corpusTasks counts the tasks of suitePackages, from their golden files (each package's
// TestSuite keeps its golden file true to its registered tasks).
func corpusTasks(t *testing.T) int {
	t.Helper()
	root, err := harness.ModuleRoot()
	require.NoError(t, err)
	n := 0
	for _, pkg := range suitePackages {
		f := filepath.Join(root, filepath.FromSlash(pkg), filepath.FromSlash(harness.GoldenFile))
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		n += len(strings.Split(strings.TrimSpace(string(b)), "\n"))
	}
	return n
}

type storeCounts struct {
	rows, final, distinct int
}

func counts(t *testing.T, db, batch string) storeCounts {
	t.Helper()
	s, err := results.Open(context.Background(), db)
	require.NoError(t, err)
	defer s.Close()
	var c storeCounts
	require.NoError(t, s.DB().Get(&c.rows, `SELECT count(*) FROM results WHERE batch = ?`, batch))
	require.NoError(t, s.DB().Get(&c.final, `SELECT count(*) FROM results WHERE batch = ? AND status IN ('ok','truncated','empty')`, batch))
	require.NoError(t, s.DB().Get(&c.distinct, `SELECT count(DISTINCT task_id || ' ' || model || ' ' || sample) FROM results WHERE batch = ?`, batch))
	return c
}

// TestKilledRunResumes runs the real suites live against the real Ollama (through a
// proxy that counts model calls), kills the run with SIGKILL midway, and re-runs it:
// every result ends up stored exactly once, the re-run calls models only for the
// missing results, and a third run calls none.
func TestKilledRunResumes(t *testing.T) {
	srv := devollamatest.Start(t)
	proxy := newCountingProxy(t, srv.URL())
	ctx := t.Context()
	db := filepath.Join(t.TempDir(), "lim.db")
	const batch = "resume"
	env := liveEnv(proxy.Host(), db, batch)

	// Build first, so the kill lands while models are being called.
	build := goTest(ctx, t, env, append([]string{"-run=^$"}, suitePackages...)...)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	tasks := corpusTasks(t)
	require.Greater(t, tasks, 4)
	want := tasks * 2
	t.Logf("%d tasks × 2 models = %d results", tasks, want)

	// Run 1: killed once a few results are stored.
	run1 := goTest(ctx, t, env, suitePackages...)
	var log1 bytes.Buffer
	run1.Stdout, run1.Stderr = &log1, &log1
	require.NoError(t, run1.Start())
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, err := os.Stat(db); err == nil && counts(t, db, batch).rows >= 6 {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-run1.Process.Pid, syscall.SIGKILL)
			t.Fatalf("no results after 5 minutes:\n%s", log1.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, syscall.Kill(-run1.Process.Pid, syscall.SIGKILL))
	_ = run1.Wait()
	after1 := counts(t, db, batch)
	calls1 := proxy.calls.Load()
	t.Logf("killed: %d results stored (%d final), %d model calls made", after1.rows, after1.final, calls1)
	require.Less(t, after1.final, want, "the kill must land midway")

	// Run 2: resumes.
	run2 := goTest(ctx, t, env, suitePackages...)
	out, err = run2.CombinedOutput()
	require.NoError(t, err, "%s", out)
	after2 := counts(t, db, batch)
	calls2 := proxy.calls.Load() - calls1
	assert.Equal(t, want, after2.rows, "every result stored")
	assert.Equal(t, after2.rows, after2.distinct, "no result stored twice")
	assert.Equal(t, want, after2.final, "every result final")
	assert.Equal(t, int64(after2.final-after1.final), calls2, "the re-run calls models only for the missing results")

	// Run 3: nothing left to do.
	run3 := goTest(ctx, t, env, suitePackages...)
	out, err = run3.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Zero(t, proxy.calls.Load()-calls1-calls2, "a finished batch makes no model call")
	assert.Equal(t, after2, counts(t, db, batch))

	checkServerMetrics(t, db, batch)
}

// checkServerMetrics checks that live rows carry what the server reported.
func checkServerMetrics(t *testing.T, db, batch string) {
	t.Helper()
	s, err := results.Open(context.Background(), db)
	require.NoError(t, err)
	defer s.Close()
	rs, _, err := s.Results(context.Background(), results.Filter{Batch: batch})
	require.NoError(t, err)
	require.NotEmpty(t, rs)
	for _, r := range rs {
		assert.Equal(t, results.SourceLive, r.Source)
		assert.True(t, r.CompletionTokens.Valid && r.PromptTokens.Valid, "%s %s: token counts", r.TaskID, r.Model)
		assert.True(t, r.WallMS.Valid, "%s %s: wall time", r.TaskID, r.Model)
		assert.NotEmpty(t, r.FinishReason, "%s %s: finish reason", r.TaskID, r.Model)
		assert.Contains(t, r.Settings, `"sent_max_tokens":64`)
		if strings.HasPrefix(r.Model, "ollama:") {
			assert.True(t, r.EvalMS.Valid && r.PromptEvalMS.Valid && r.LoadMS.Valid, "%s %s: server counters", r.TaskID, r.Model)
			assert.True(t, len(r.ModelDigest) >= 12, "%s: model digest %q", r.TaskID, r.ModelDigest)
		} else {
			assert.Equal(t, devollama.TinyModel, r.ModelDigest, "the model the /v1 API reports")
		}
		if r.CompletionTokens.Int64 > 0 {
			assert.True(t, r.TTFTms.Valid, "%s %s: TTFT", r.TaskID, r.Model)
		}
	}
}
