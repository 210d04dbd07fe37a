package results

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func scored(resultID int64, judge string, s [3]int) *Verdict {
	v := &Verdict{ResultID: resultID, Kind: VerdictJudge, Judge: judge, PromptHash: "p1", Panel: "a,b", ParseStatus: ParseOK, Rationale: "because"}
	v.SetScores(s)
	return v
}

func judgeError(resultID int64, judge, kind string) *Verdict {
	return &Verdict{ResultID: resultID, Kind: VerdictJudge, Judge: judge, PromptHash: "p1", Panel: "a,b", ParseStatus: ParseError, ErrorKind: kind, Error: "unreadable", Raw: "{oops"}
}

func TestVerdictsAreStoredPerVersionAndReplacedWithinOne(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := sampleResult("ollama:m", 0, StatusOK)
	require.NoError(t, s.Save(ctx, r))

	first := judgeError(r.ID, "a", JudgeErrCall)
	require.NoError(t, s.SaveVerdict(ctx, first))
	retried := scored(r.ID, "a", [3]int{2, 1, 0})
	retried.PromptTokens = sql.NullInt64{Int64: 900, Valid: true}
	retried.CostUSD = sql.NullFloat64{Float64: 0.0012, Valid: true}
	require.NoError(t, s.SaveVerdict(ctx, retried))
	assert.Equal(t, first.ID, retried.ID, "the same judge, prompt and panel: the retry replaces the failed call")

	newPrompt := scored(r.ID, "a", [3]int{1, 1, 1})
	newPrompt.PromptHash = "p2"
	newPrompt.CreatedAt = time.Now().Add(time.Minute)
	require.NoError(t, s.SaveVerdict(ctx, newPrompt))
	human := &Verdict{ResultID: r.ID, Kind: VerdictHuman, Judge: "alice", ParseStatus: ParseOK, Rationale: "checked by hand"}
	human.SetScores([3]int{2, 2, 2})
	require.NoError(t, s.SaveVerdict(ctx, human))

	vs, err := s.Verdicts(ctx, "b1")
	require.NoError(t, err)
	require.Len(t, vs, 3, "old versions are kept beside new ones")
	got, ok, err := s.StoredVerdict(ctx, r.ID, VerdictJudge, "a", "p1", "a,b")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, [3]int{2, 1, 0}, got.Scores())
	assert.Equal(t, ParseOK, got.ParseStatus)
	assert.Equal(t, int64(900), got.PromptTokens.Int64)
	assert.InDelta(t, 0.0012, got.CostUSD.Float64, 1e-12)

	j := Judge(r, vs)
	assert.True(t, j.Human, "a reviewer's verdict wins")
	assert.Equal(t, 2.0, j.Score)
	assert.Equal(t, "p2 a,b", j.Version, "the latest judge version is the one reported")
}

func TestInvalidVerdictsAreRefused(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := sampleResult("ollama:m", 0, StatusOK)
	require.NoError(t, s.Save(ctx, r))

	outOfRange := scored(r.ID, "a", [3]int{3, 1, 1})
	errorWithScores := judgeError(r.ID, "a", JudgeErrParse)
	errorWithScores.SetScores([3]int{0, 0, 0})
	missingScore := scored(r.ID, "a", [3]int{1, 1, 1})
	missingScore.Quality = sql.NullInt64{}
	noKind := judgeError(r.ID, "a", "")
	orphan := scored(r.ID+100, "a", [3]int{1, 1, 1})
	for name, v := range map[string]*Verdict{
		"score out of range":      outOfRange,
		"a judge error w/ scores": errorWithScores,
		"a dimension missing":     missingScore,
		"error without its kind":  noKind,
		"no such result":          orphan,
	} {
		assert.Error(t, s.SaveVerdict(ctx, v), name)
	}
	// The schema refuses what the Go check would, for writers that bypass it.
	_, err := s.DB().Exec(`INSERT INTO verdicts (result_id, kind, judge, parse_status, error_kind, correctness, completeness, quality, created_at)
		VALUES (?, 'judge', 'x', 'error', 'parse', 0, 0, 0, ?)`, r.ID, time.Now())
	assert.Error(t, err, "a judge error never carries a score")
}

func TestJudgeScoresResults(t *testing.T) {
	ok := sampleResult("m", 0, StatusOK)
	ok.ID = 1
	failedCheck := sampleResult("m", 1, StatusOK)
	failedCheck.ID = 2
	failedCheck.ChecksPassed = sql.NullBool{Bool: false, Valid: true}
	truncated := sampleResult("m", 2, StatusTruncated)
	truncated.ID = 3

	both := []Verdict{*scored(1, "a", [3]int{2, 2, 2}), *scored(1, "b", [3]int{0, 1, 2})}
	j := Judge(ok, both)
	assert.InDelta(t, (2+1)/2.0, j.Score, 1e-12, "mean over judges of each one's mean")
	assert.True(t, j.Flagged, "correctness 2 vs 0")

	oneError := []Verdict{*scored(1, "a", [3]int{1, 2, 1}), *judgeError(1, "b", JudgeErrParse)}
	j = Judge(ok, oneError)
	assert.InDelta(t, 4/3.0, j.Score, 1e-12, "a judge error is left out, not scored 0")
	assert.Equal(t, 1, j.Errors)
	assert.False(t, j.Flagged)

	j = Judge(ok, []Verdict{*judgeError(1, "a", JudgeErrParse), *judgeError(1, "b", JudgeErrLength)})
	assert.False(t, j.Judged, "no scored verdict: unjudged, never a default score")

	j = Judge(failedCheck, []Verdict{*scored(2, "a", [3]int{2, 2, 2}), *scored(2, "b", [3]int{2, 2, 1})})
	assert.Equal(t, CheckCap, j.Score, "a failed check caps the score")
	assert.True(t, j.Capped)

	j = Judge(truncated, nil)
	assert.True(t, j.Judged && j.Failed)
	assert.Equal(t, 0.0, j.Score, "a failed result scores 0")
}

func TestJudgedReport(t *testing.T) {
	var rs []Result
	var vs []Verdict
	add := func(model, task, category string, status Status, a, b [3]int) {
		r := sampleResult(model, 0, status)
		r.ID = int64(len(rs) + 1)
		r.TaskID, r.Category = task, category
		r.CheckScore = sql.NullFloat64{Float64: 1, Valid: true}
		r.ChecksPassed = sql.NullBool{Bool: true, Valid: true}
		rs = append(rs, *r)
		if status == StatusOK {
			va, vb := scored(r.ID, "ollama:judge-a", a), scored(r.ID, "openai:x/judge-b", b)
			va.SameFamily = model == "ollama:judge-a-family"
			vs = append(vs, *va, *vb)
		}
	}
	add("ollama:m", "t1", "simple-coding", StatusOK, [3]int{2, 2, 2}, [3]int{2, 2, 1})
	add("ollama:m", "t2", "non-coding", StatusOK, [3]int{0, 1, 1}, [3]int{2, 1, 1})
	add("ollama:m", "t3", "non-coding", StatusTimeout, [3]int{}, [3]int{})

	rep := NewJudgedReport("b1", rs, vs)
	var text, md strings.Builder
	require.NoError(t, rep.Write(&text, FormatText))
	require.NoError(t, rep.Write(&md, FormatMarkdown))
	require.Len(t, rep.Overall, 1)
	j := rep.Overall[0].Judged
	require.NotNil(t, j)
	// Task means: t1 (2 + 5/3)/2 = 11/6, t2 (2/3 + 4/3)/2 = 1, t3 failed = 0.
	assert.InDelta(t, (11.0/6+1+0)/3, j.Mean, 1e-12)
	assert.Equal(t, 3, j.Tasks)
	assert.Equal(t, 1, j.Flagged)
	assert.Equal(t, 2, j.Agreement.Results)
	assert.Contains(t, md.String(), "judged score [95% CI]")
	assert.Contains(t, md.String(), "### Judge agreement")
	assert.Contains(t, md.String(), "| ollama:judge-a vs openai:x/judge-b | all | 2 | 0.67 | 0.83 |")
	assert.Contains(t, text.String(), "judges: a,b (judge prompt p1)")

	var cats []string
	for _, a := range rep.Agreements {
		cats = append(cats, a.Category)
	}
	assert.Equal(t, []string{"", "non-coding", "simple-coding"}, cats)

	assert.NotContains(t, text.String(), "judge errors", "no judge erred")

	plain := NewJudgedReport("b1", rs, nil)
	assert.False(t, plain.Judged, "no verdicts: the plain leaderboard")
}

func TestJudgedReportCountsJudgeErrors(t *testing.T) {
	var rs []Result
	var vs []Verdict
	for i, errs := range [][2]string{{"", ""}, {"", JudgeErrLength}, {JudgeErrParse, JudgeErrLength}} {
		r := sampleResult("ollama:m", i, StatusOK)
		r.ID = int64(i + 1)
		rs = append(rs, *r)
		for k, judge := range []string{"a", "b"} {
			if errs[k] == "" {
				vs = append(vs, *scored(r.ID, judge, [3]int{1, 1, 1}))
			} else {
				vs = append(vs, *judgeError(r.ID, judge, errs[k]))
			}
		}
	}
	var text strings.Builder
	require.NoError(t, NewJudgedReport("b1", rs, vs).Write(&text, FormatText))
	assert.Contains(t, text.String(), "judge errors, never scored: a gave no verdict on 1 of 3 results (parse 1)")
	assert.Contains(t, text.String(), "judge errors, never scored: b gave no verdict on 2 of 3 results (length 2)")
}
