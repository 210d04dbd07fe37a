package results

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Status says how a model call ended. Only StatusOK answers are checked and judged;
// every other status scores 0 and stays in every average.
type Status string

// The statuses a result can carry.
const (
	StatusOK        Status = "ok"        // the model finished and answered
	StatusTruncated Status = "truncated" // it hit the token limit (finish/done reason "length")
	StatusEmpty     Status = "empty"     // it finished without answering
	StatusTimeout   Status = "timeout"   // the call ran past its deadline or stalled
	StatusError     Status = "error"     // the call failed after its retries
)

// Final reports whether a result with this status is a finished measurement that a
// resumed run reuses. Errors and timeouts are infrastructure failures: retried.
func (s Status) Final() bool {
	return s == StatusOK || s == StatusTruncated || s == StatusEmpty
}

// Source says where an answer came from.
const (
	SourceLive   = "live"   // a real model call
	SourceReplay = "replay" // replayed from a recorded fixture: timings are not measurements
	SourceOracle = "oracle" // the task's reference answer
)

// Key identifies one measurement; a batch holds at most one result per key.
type Key struct {
	Batch        string `db:"batch"`
	TaskHash     string `db:"task_hash"`
	SettingsHash string `db:"settings_hash"`
	Model        string `db:"model"`
	Sample       int    `db:"sample"`
}

// Result is one model answer to one task, with everything needed to score and explain it.
// Nullable numbers are NULL when the backend did not report them, never 0.
type Result struct {
	ID int64 `db:"id"`
	Key
	TaskID           string          `db:"task_id"`
	Category         string          `db:"category"`
	Difficulty       int             `db:"difficulty"`
	Tags             string          `db:"tags"`
	ModelDigest      string          `db:"model_digest"`
	Provider         string          `db:"provider"`
	Settings         string          `db:"settings"`
	Think            string          `db:"think"`
	System           string          `db:"system"`
	Prompt           string          `db:"prompt"`
	Answer           string          `db:"answer"`
	Reasoning        string          `db:"reasoning"`
	FinishReason     string          `db:"finish_reason"`
	PromptTokens     sql.NullInt64   `db:"prompt_tokens"`
	CompletionTokens sql.NullInt64   `db:"completion_tokens"`
	TTFTms           sql.NullFloat64 `db:"ttft_ms"`
	LastTokenMS      sql.NullFloat64 `db:"last_token_ms"`
	WallMS           sql.NullFloat64 `db:"wall_ms"`
	LoadMS           sql.NullFloat64 `db:"load_ms"`
	PromptEvalMS     sql.NullFloat64 `db:"prompt_eval_ms"`
	EvalMS           sql.NullFloat64 `db:"eval_ms"`
	CostUSD          sql.NullFloat64 `db:"cost_usd"`
	Status           Status          `db:"status"`
	Error            string          `db:"error"`
	Attempts         int             `db:"attempts"`
	Source           string          `db:"source"`
	CheckCount       int             `db:"check_count"`
	CheckScore       sql.NullFloat64 `db:"check_score"`
	ChecksPassed     sql.NullBool    `db:"checks_passed"`
	Checks           sql.NullString  `db:"checks"`
	StartedAt        time.Time       `db:"started_at"`
	FinishedAt       time.Time       `db:"finished_at"`
}

// ServerDecodeRate is decode tokens per second from the server's own counters
// (Ollama eval_count / eval_duration); ok is false when the server gave none.
func (r *Result) ServerDecodeRate() (rate float64, ok bool) {
	if !r.CompletionTokens.Valid || !r.EvalMS.Valid || r.EvalMS.Float64 <= 0 {
		return 0, false
	}
	return float64(r.CompletionTokens.Int64) / (r.EvalMS.Float64 / 1000), true
}

// ClientDecodeRate is decode tokens per second as the client saw the stream: the tokens
// after the first over the time from the first to the last token.
func (r *Result) ClientDecodeRate() (rate float64, ok bool) {
	if !r.CompletionTokens.Valid || r.CompletionTokens.Int64 < 2 || !r.TTFTms.Valid || !r.LastTokenMS.Valid {
		return 0, false
	}
	span := r.LastTokenMS.Float64 - r.TTFTms.Float64
	if span <= 0 {
		return 0, false
	}
	return float64(r.CompletionTokens.Int64-1) / (span / 1000), true
}

const resultColumns = `batch, task_id, task_hash, category, difficulty, tags, model, model_digest,
	provider, sample, settings, settings_hash, think, system, prompt, answer, reasoning,
	finish_reason, prompt_tokens, completion_tokens, ttft_ms, last_token_ms, wall_ms, load_ms,
	prompt_eval_ms, eval_ms, cost_usd, status, error, attempts, source, check_count, check_score,
	checks_passed, checks, started_at, finished_at`

// Final returns the finished result stored under key, if there is one. A resumed run
// calls it before calling a model.
func (s *Store) Final(ctx context.Context, key Key) (*Result, bool, error) {
	var r Result
	err := s.db.GetContext(ctx, &r, `SELECT id, `+resultColumns+` FROM results
		WHERE batch = ? AND task_hash = ? AND settings_hash = ? AND model = ? AND sample = ?`,
		key.Batch, key.TaskHash, key.SettingsHash, key.Model, key.Sample)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("look up stored result for %s/%s sample %d: %w", key.Model, key.TaskHash, key.Sample, err)
	}
	if !r.Status.Final() {
		return &r, false, nil
	}
	return &r, true, nil
}

// Save writes r under its key and sets r.ID. A failed result already stored under the key
// is replaced (its attempt count carried forward); a final one is never overwritten, and
// Save then loads the stored row into r instead, so two writers never duplicate a result.
func (s *Store) Save(ctx context.Context, r *Result) error {
	if r.Attempts == 0 {
		r.Attempts = 1
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
	}
	defer tx.Rollback()

	var prev struct {
		ID       int64  `db:"id"`
		Status   Status `db:"status"`
		Attempts int    `db:"attempts"`
	}
	err = tx.GetContext(ctx, &prev, `SELECT id, status, attempts FROM results
		WHERE batch = ? AND task_hash = ? AND settings_hash = ? AND model = ? AND sample = ?`,
		r.Batch, r.TaskHash, r.SettingsHash, r.Model, r.Sample)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res, err := tx.NamedExecContext(ctx, `INSERT INTO results (`+resultColumns+`) VALUES (
			:batch, :task_id, :task_hash, :category, :difficulty, :tags, :model, :model_digest,
			:provider, :sample, :settings, :settings_hash, :think, :system, :prompt, :answer, :reasoning,
			:finish_reason, :prompt_tokens, :completion_tokens, :ttft_ms, :last_token_ms, :wall_ms, :load_ms,
			:prompt_eval_ms, :eval_ms, :cost_usd, :status, :error, :attempts, :source, :check_count, :check_score,
			:checks_passed, :checks, :started_at, :finished_at)`, r)
		if err != nil {
			return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
		}
	case err != nil:
		return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
	case prev.Status.Final():
		// Someone else finished this measurement first: keep theirs.
		if err := tx.GetContext(ctx, r, `SELECT id, `+resultColumns+` FROM results WHERE id = ?`, prev.ID); err != nil {
			return fmt.Errorf("save result %s/%s: reload stored result: %w", r.TaskID, r.Model, err)
		}
		return tx.Commit()
	default:
		r.ID = prev.ID
		r.Attempts += prev.Attempts
		if _, err := tx.NamedExecContext(ctx, `UPDATE results SET
			task_id = :task_id, category = :category, difficulty = :difficulty, tags = :tags,
			model_digest = :model_digest, provider = :provider, settings = :settings, think = :think,
			system = :system, prompt = :prompt, answer = :answer, reasoning = :reasoning,
			finish_reason = :finish_reason, prompt_tokens = :prompt_tokens,
			completion_tokens = :completion_tokens, ttft_ms = :ttft_ms, last_token_ms = :last_token_ms,
			wall_ms = :wall_ms, load_ms = :load_ms, prompt_eval_ms = :prompt_eval_ms, eval_ms = :eval_ms,
			cost_usd = :cost_usd, status = :status, error = :error, attempts = :attempts,
			source = :source, check_count = :check_count, check_score = :check_score, checks_passed = :checks_passed,
			checks = :checks, started_at = :started_at, finished_at = :finished_at
			WHERE id = :id`, r); err != nil {
			return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save result %s/%s: %w", r.TaskID, r.Model, err)
	}
	return nil
}

// SaveChecks records the deterministic check outcome of result id: the score in [0,1],
// whether every check passed, and the per-check details as JSON.
func (s *Store) SaveChecks(ctx context.Context, id int64, score float64, passed bool, detailsJSON string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE results SET check_score = ?, checks_passed = ?, checks = ? WHERE id = ?`,
		score, passed, detailsJSON, id)
	if err != nil {
		return fmt.Errorf("save check results for result %d: %w", id, err)
	}
	return nil
}

// Filter selects results to read back.
type Filter struct {
	Batch  string // empty: the most recent batch
	Model  string // empty: every model
	TaskID string // empty: every task
}

// Batches lists the batches in the store, most recent first.
func (s *Store) Batches(ctx context.Context) ([]string, error) {
	var bs []string
	err := s.db.SelectContext(ctx, &bs, `SELECT batch FROM results GROUP BY batch ORDER BY max(finished_at) DESC, batch DESC`)
	if err != nil {
		return nil, fmt.Errorf("list batches: %w", err)
	}
	return bs, nil
}

// Results returns the results f selects, ordered by task, model and sample. The batch
// actually read is returned too (the latest one when f.Batch is empty).
func (s *Store) Results(ctx context.Context, f Filter) ([]Result, string, error) {
	batch := f.Batch
	if batch == "" {
		bs, err := s.Batches(ctx)
		if err != nil {
			return nil, "", err
		}
		if len(bs) == 0 {
			return nil, "", nil
		}
		batch = bs[0]
	}
	q := `SELECT id, ` + resultColumns + ` FROM results WHERE batch = ?`
	args := []any{batch}
	if f.Model != "" {
		q += ` AND model = ?`
		args = append(args, f.Model)
	}
	if f.TaskID != "" {
		q += ` AND task_id = ?`
		args = append(args, f.TaskID)
	}
	q += ` ORDER BY task_id, model, sample`
	var rs []Result
	if err := s.db.SelectContext(ctx, &rs, q, args...); err != nil {
		return nil, "", fmt.Errorf("read results of batch %s: %w", batch, err)
	}
	return rs, batch, nil
}
