package results

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "lim.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func sampleResult(model string, sample int, status Status) *Result {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	return &Result{
		Key:        Key{Batch: "b1", TaskHash: "h1", SettingsHash: "s1", Model: model, Sample: sample},
		TaskID:     "task-one",
		Category:   "simple-coding",
		Difficulty: 2,
		Settings:   `{"temperature":0}`,
		Prompt:     "write a function",
		Answer:     "func f() {}",
		Status:     status,
		Source:     SourceLive,
		CheckCount: 1,
		StartedAt:  now,
		FinishedAt: now.Add(time.Second),
	}
}

func TestOpenCreatesSchemaAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "lim.db")
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	r := sampleResult("ollama:a", 0, StatusOK)
	require.NoError(t, s.Save(context.Background(), r))
	require.NoError(t, s.Close())

	s2, err := Open(context.Background(), path)
	require.NoError(t, err)
	defer s2.Close()
	got, ok, err := s2.Final(context.Background(), r.Key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "func f() {}", got.Answer)
	assert.Equal(t, r.StartedAt, got.StartedAt.UTC())
}

func TestOpenRefusesCorruptAndForeignFiles(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	require.NoError(t, os.WriteFile(corrupt, []byte("this is not a database, just text\n"), 0o644))

	foreign := filepath.Join(dir, "foreign.db")
	db, err := sqlx.Open("sqlite", DSN(foreign))
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	truncated := filepath.Join(dir, "truncated.db")
	s, err := Open(context.Background(), truncated)
	require.NoError(t, err)
	require.NoError(t, s.Save(context.Background(), sampleResult("ollama:a", 0, StatusOK)))
	require.NoError(t, s.Close())
	whole, err := os.ReadFile(truncated)
	require.NoError(t, err)
	// Keep SQLite's header but overwrite the pages: a corrupt database.
	mangled := append([]byte{}, whole[:100]...)
	mangled = append(mangled, []byte(strings.Repeat("\xff", len(whole)-100))...)
	require.NoError(t, os.WriteFile(truncated, mangled, 0o644))

	for _, tc := range []struct {
		name, path, want string
	}{
		{"not sqlite", corrupt, "not a SQLite database"},
		{"another program's database", foreign, "belongs to another program"},
		{"corrupt pages", truncated, "LIM_DB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, err := os.ReadFile(tc.path)
			require.NoError(t, err)
			_, err = Open(context.Background(), tc.path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), tc.path)
			after, err := os.ReadFile(tc.path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the file must not be modified")
		})
	}
}

func TestSaveReplacesFailuresButNeverFinalResults(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)

	failed := sampleResult("ollama:a", 0, StatusError)
	failed.Error = "connection refused"
	require.NoError(t, s.Save(ctx, failed))
	_, ok, err := s.Final(ctx, failed.Key)
	require.NoError(t, err)
	assert.False(t, ok, "a failed result is not final: a resumed run retries it")

	retried := sampleResult("ollama:a", 0, StatusOK)
	require.NoError(t, s.Save(ctx, retried))
	assert.Equal(t, failed.ID, retried.ID, "the retry replaces the failed row")
	assert.Equal(t, 2, retried.Attempts, "attempts carry forward")

	late := sampleResult("ollama:a", 0, StatusTruncated)
	late.Answer = "something else"
	require.NoError(t, s.Save(ctx, late))
	assert.Equal(t, "func f() {}", late.Answer, "a final result is kept and loaded back")

	rs, _, err := s.Results(ctx, Filter{Batch: "b1"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, StatusOK, rs[0].Status)
}

func TestConcurrentSavesNeverDuplicate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "lim.db")
	// Two stores on one file stand for two go test processes.
	a, err := Open(ctx, path)
	require.NoError(t, err)
	defer a.Close()
	b, err := Open(ctx, path)
	require.NoError(t, err)
	defer b.Close()

	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			r := sampleResult("ollama:m", i%10, StatusOK)
			assert.NoError(t, s.Save(ctx, r))
		}()
	}
	wg.Wait()
	var n int
	require.NoError(t, a.DB().Get(&n, `SELECT count(*) FROM results`))
	assert.Equal(t, 10, n)
}

func TestLeaderboardCountsFailuresAsZero(t *testing.T) {
	ok := sampleResult("m", 0, StatusOK)
	ok.CheckScore = sql.NullFloat64{Float64: 1, Valid: true}
	ok.ChecksPassed = sql.NullBool{Bool: true, Valid: true}
	half := sampleResult("m", 1, StatusOK)
	half.CheckScore = sql.NullFloat64{Float64: 0.5, Valid: true}
	half.ChecksPassed = sql.NullBool{Bool: false, Valid: true}
	timeout := sampleResult("m", 2, StatusTimeout)
	truncated := sampleResult("m", 3, StatusTruncated)
	prose := sampleResult("m", 4, StatusOK)
	prose.CheckCount = 0
	prose.Category = "non-coding"

	overall, byCat := Leaderboard([]Result{*ok, *half, *timeout, *truncated, *prose})
	require.Len(t, overall, 1)
	s := overall[0]
	assert.Equal(t, 5, s.Results)
	assert.Equal(t, 2, s.Failures)
	assert.Equal(t, 4, s.Checked)
	assert.InDelta(t, (1+0.5+0+0)/4.0, s.CheckScore, 1e-9)
	assert.Equal(t, 1, s.ChecksPass)
	require.Len(t, byCat["m"], 2)
	assert.Equal(t, "non-coding", byCat["m"][0].Category)
	assert.Equal(t, 0, byCat["m"][0].Checked)
}

func TestDecodeRates(t *testing.T) {
	r := sampleResult("m", 0, StatusOK)
	_, ok := r.ServerDecodeRate()
	assert.False(t, ok, "no counters, no rate")
	r.CompletionTokens = sql.NullInt64{Int64: 101, Valid: true}
	r.EvalMS = sql.NullFloat64{Float64: 2000, Valid: true}
	r.TTFTms = sql.NullFloat64{Float64: 500, Valid: true}
	r.LastTokenMS = sql.NullFloat64{Float64: 4500, Valid: true}
	v, ok := r.ServerDecodeRate()
	require.True(t, ok)
	assert.InDelta(t, 50.5, v, 1e-9)
	v, ok = r.ClientDecodeRate()
	require.True(t, ok)
	assert.InDelta(t, 25, v, 1e-9) // 100 tokens after the first over 4 s
}

func TestReportFormats(t *testing.T) {
	ok := sampleResult("ollama:a", 0, StatusOK)
	ok.CheckScore = sql.NullFloat64{Float64: 1, Valid: true}
	ok.ChecksPassed = sql.NullBool{Bool: true, Valid: true}
	bad := sampleResult("ollama:b", 0, StatusError)
	rep := NewReport("b1", []Result{*ok, *bad})

	var text, md strings.Builder
	require.NoError(t, rep.Write(&text, FormatText))
	require.NoError(t, rep.Write(&md, FormatMarkdown))
	assert.Contains(t, text.String(), "lim leaderboard, batch b1")
	assert.Contains(t, text.String(), "1 (1 error)")
	assert.Contains(t, md.String(), "| ollama:a | 1 | 0 | 1.00 (n=1) |")
	assert.Less(t, strings.Index(text.String(), "ollama:a"), strings.Index(text.String(), "ollama:b"), "best first")

	_, err := ParseFormat("html")
	assert.ErrorContains(t, err, "use text or markdown")
}

// TestConcurrentOpensOfANewFile is `go test ./suites/...` on a fresh machine: one
// process per package, all creating the same new database at once. None may mistake
// another's half-seen migration for a foreign file.
func TestConcurrentOpensOfANewFile(t *testing.T) {
	for round := range 30 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("lim-%d.db", round))
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				s, err := Open(context.Background(), path)
				if err != nil {
					errs <- err
					return
				}
				errs <- s.Close()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err, "round %d", round)
		}
	}
}
