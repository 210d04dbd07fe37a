package results

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Verdict kinds: a judge model's verdict, or a person's from `lim review` (which wins
// in reports).
const (
	VerdictJudge = "judge"
	VerdictHuman = "human"
)

// Parse statuses of a verdict.
const (
	ParseOK       = "ok"       // the judge's reply was a valid verdict
	ParseRepaired = "repaired" // it became one after one repair request
	ParseError    = "error"    // no valid verdict: a judge error, never a score
)

// Kinds of judge error.
const (
	JudgeErrParse  = "parse"  // the reply could not be read as a verdict, even after a repair request
	JudgeErrLength = "length" // the judge ran out of tokens, even with double the budget, or out of context window
	JudgeErrCall   = "call"   // the call failed (HTTP error, timeout): retried on resume
)

// Dimensions are the rubric's dimensions, in the order Scores holds them.
var Dimensions = [3]string{"correctness", "completeness", "quality"}

// Verdict is one judgement of one stored result. Scores are NULL when the verdict is an
// error: an unreadable verdict never becomes a default score.
type Verdict struct {
	ID           int64           `db:"id"`
	ResultID     int64           `db:"result_id"`
	Kind         string          `db:"kind"`
	Judge        string          `db:"judge"` // the judge's model spec, or the reviewer's name
	JudgeFamily  string          `db:"judge_family"`
	JudgeDigest  string          `db:"judge_digest"`
	SameFamily   bool            `db:"same_family"` // the judge shares the judged model's family
	PromptHash   string          `db:"prompt_hash"` // the judge prompt's version
	Panel        string          `db:"panel"`       // the panel's specs, comma-separated
	Correctness  sql.NullInt64   `db:"correctness"`
	Completeness sql.NullInt64   `db:"completeness"`
	Quality      sql.NullInt64   `db:"quality"`
	Rationale    string          `db:"rationale"`
	ParseStatus  string          `db:"parse_status"`
	ErrorKind    string          `db:"error_kind"`
	Error        string          `db:"error"`
	Raw          string          `db:"raw"`
	Attempts     int             `db:"attempts"`
	FinishReason string          `db:"finish_reason"`
	PromptTokens sql.NullInt64   `db:"prompt_tokens"`
	OutputTokens sql.NullInt64   `db:"completion_tokens"`
	WallMS       sql.NullFloat64 `db:"wall_ms"`
	CostUSD      sql.NullFloat64 `db:"cost_usd"`
	Source       string          `db:"source"`
	CreatedAt    time.Time       `db:"created_at"`
}

// Scored reports whether v carries scores (it is not an error).
func (v *Verdict) Scored() bool {
	return v.ParseStatus != ParseError && v.Correctness.Valid && v.Completeness.Valid && v.Quality.Valid
}

// Scores returns the three scores in Dimensions order; only meaningful when Scored.
func (v *Verdict) Scores() [3]int {
	return [3]int{int(v.Correctness.Int64), int(v.Completeness.Int64), int(v.Quality.Int64)}
}

// SetScores sets the three scores in Dimensions order.
func (v *Verdict) SetScores(s [3]int) {
	v.Correctness = sql.NullInt64{Int64: int64(s[0]), Valid: true}
	v.Completeness = sql.NullInt64{Int64: int64(s[1]), Valid: true}
	v.Quality = sql.NullInt64{Int64: int64(s[2]), Valid: true}
}

// Mean is the mean of the three scores (0–2).
func (v *Verdict) Mean() float64 {
	s := v.Scores()
	return float64(s[0]+s[1]+s[2]) / 3
}

// Version names the verdict's version: its prompt hash and panel.
func (v *Verdict) Version() string { return v.PromptHash + " " + v.Panel }

const verdictColumns = `result_id, kind, judge, judge_family, judge_digest, same_family, prompt_hash,
	panel, correctness, completeness, quality, rationale, parse_status, error_kind, error, raw,
	attempts, finish_reason, prompt_tokens, completion_tokens, wall_ms, cost_usd, source, created_at`

// SaveVerdict stores v, replacing a verdict with the same result, kind, judge, prompt
// hash and panel (a resumed run's retry of a failed call, or a reviewer's new score),
// and sets v.ID. Verdicts of other versions are kept.
func (s *Store) SaveVerdict(ctx context.Context, v *Verdict) error {
	if v.Attempts == 0 {
		v.Attempts = 1
	}
	if v.CreatedAt.IsZero() {
		v.CreatedAt = time.Now().UTC()
	}
	if err := v.validate(); err != nil {
		return fmt.Errorf("save verdict of %s on result %d: %w", v.Judge, v.ResultID, err)
	}
	var id int64
	err := s.db.GetContext(ctx, &id, `INSERT INTO verdicts (`+verdictColumns+`) VALUES (
		?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (result_id, kind, judge, prompt_hash, panel) DO UPDATE SET
		judge_family = excluded.judge_family, judge_digest = excluded.judge_digest,
		same_family = excluded.same_family, correctness = excluded.correctness,
		completeness = excluded.completeness, quality = excluded.quality,
		rationale = excluded.rationale, parse_status = excluded.parse_status,
		error_kind = excluded.error_kind, error = excluded.error, raw = excluded.raw,
		attempts = excluded.attempts, finish_reason = excluded.finish_reason,
		prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
		wall_ms = excluded.wall_ms, cost_usd = excluded.cost_usd, source = excluded.source,
		created_at = excluded.created_at
		RETURNING id`,
		v.ResultID, v.Kind, v.Judge, v.JudgeFamily, v.JudgeDigest, v.SameFamily, v.PromptHash,
		v.Panel, v.Correctness, v.Completeness, v.Quality, v.Rationale, v.ParseStatus, v.ErrorKind,
		v.Error, v.Raw, v.Attempts, v.FinishReason, v.PromptTokens, v.OutputTokens, v.WallMS,
		v.CostUSD, v.Source, v.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("save verdict of %s on result %d: %w", v.Judge, v.ResultID, err)
	}
	v.ID = id
	return nil
}

func (v *Verdict) validate() error {
	switch v.Kind {
	case VerdictJudge, VerdictHuman:
	default:
		return fmt.Errorf("kind %q: want %s or %s", v.Kind, VerdictJudge, VerdictHuman)
	}
	if strings.TrimSpace(v.Judge) == "" {
		return errors.New("no judge (or reviewer) named")
	}
	switch v.ParseStatus {
	case ParseOK, ParseRepaired:
		if !v.Scored() {
			return errors.New("a verdict that parsed needs all three scores")
		}
		for i, x := range v.Scores() {
			if x < 0 || x > 2 {
				return fmt.Errorf("%s %d is out of range 0–2", Dimensions[i], x)
			}
		}
	case ParseError:
		if v.Correctness.Valid || v.Completeness.Valid || v.Quality.Valid {
			return errors.New("a judge error carries no scores")
		}
		switch v.ErrorKind {
		case JudgeErrParse, JudgeErrLength, JudgeErrCall:
		default:
			return fmt.Errorf("judge error kind %q: want parse, length or call", v.ErrorKind)
		}
	default:
		return fmt.Errorf("parse status %q: want ok, repaired or error", v.ParseStatus)
	}
	return nil
}

// StoredVerdict returns the verdict of judge on result id for one version, if stored.
func (s *Store) StoredVerdict(ctx context.Context, resultID int64, kind, judge, promptHash, panel string) (*Verdict, bool, error) {
	var v Verdict
	err := s.db.GetContext(ctx, &v, `SELECT id, `+verdictColumns+` FROM verdicts
		WHERE result_id = ? AND kind = ? AND judge = ? AND prompt_hash = ? AND panel = ?`,
		resultID, kind, judge, promptHash, panel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("look up verdict of %s on result %d: %w", judge, resultID, err)
	}
	return &v, true, nil
}

// Verdicts returns every verdict on the results of batch (every version, human ones
// included), oldest first.
func (s *Store) Verdicts(ctx context.Context, batch string) ([]Verdict, error) {
	var vs []Verdict
	err := s.db.SelectContext(ctx, &vs, `SELECT v.id, `+prefixed("v.", verdictColumns)+`
		FROM verdicts v JOIN results r ON r.id = v.result_id
		WHERE r.batch = ? ORDER BY v.created_at, v.id`, batch)
	if err != nil {
		return nil, fmt.Errorf("read verdicts of batch %s: %w", batch, err)
	}
	return vs, nil
}

// ResultByID returns the stored result id.
func (s *Store) ResultByID(ctx context.Context, id int64) (*Result, error) {
	var r Result
	err := s.db.GetContext(ctx, &r, `SELECT id, `+resultColumns+` FROM results WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("no result %d in %s", id, s.path)
	}
	if err != nil {
		return nil, fmt.Errorf("read result %d: %w", id, err)
	}
	return &r, nil
}

func prefixed(p, columns string) string {
	fields := strings.Split(columns, ",")
	for i, f := range fields {
		fields[i] = p + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// TaskDefinition is what judges see of a task beyond the stored result: stored by task
// content hash, so stored answers can be judged again without the task's source.
type TaskDefinition struct {
	TaskHash       string    `db:"task_hash"`
	TaskID         string    `db:"task_id"`
	Category       string    `db:"category"`
	Title          string    `db:"title"`
	Capabilities   []string  `db:"-"`
	Reference      string    `db:"reference"`
	JudgeThreshold float64   `db:"judge_threshold"`
	CreatedAt      time.Time `db:"created_at"`
}

// SaveTaskDefinition stores d unless its hash is already stored (a hash names one
// content, so the stored one is the same).
func (s *Store) SaveTaskDefinition(ctx context.Context, d TaskDefinition) error {
	caps, err := json.Marshal(d.Capabilities)
	if err != nil {
		return fmt.Errorf("save task definition %s: %w", d.TaskID, err)
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now().UTC()
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO task_definitions
		(task_hash, task_id, category, title, capabilities, reference, judge_threshold, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_hash) DO NOTHING`,
		d.TaskHash, d.TaskID, d.Category, d.Title, string(caps), d.Reference, d.JudgeThreshold, d.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("save task definition %s: %w", d.TaskID, err)
	}
	return nil
}

// StoredTaskDefinition returns the task definition stored under hash, if any.
func (s *Store) StoredTaskDefinition(ctx context.Context, hash string) (*TaskDefinition, bool, error) {
	var row struct {
		TaskDefinition
		Caps string `db:"capabilities"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT task_hash, task_id, category, title, capabilities,
		reference, judge_threshold, created_at FROM task_definitions WHERE task_hash = ?`, hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read task definition %s: %w", hash, err)
	}
	d := row.TaskDefinition
	if err := json.Unmarshal([]byte(row.Caps), &d.Capabilities); err != nil {
		return nil, false, fmt.Errorf("read task definition %s: capabilities: %w", hash, err)
	}
	return &d, true, nil
}
