package results

import (
	"fmt"
	"math"
	"sort"
)

// CheckCap is the highest judged score of a result that failed a deterministic check: a
// program that fails its hidden tests is not "good", whatever the judges say.
const CheckCap = 1.0

// Judgement is one result's judged score, derived from its stored verdicts.
type Judgement struct {
	Score      float64 // 0–2
	Judged     bool    // false: no usable verdict; such a result is left out of judged means and counted
	Failed     bool    // the result is not ok: it scores 0 without a judge
	Human      bool    // a reviewer's verdict decided the score
	Capped     bool    // a failed deterministic check capped the judges' score at CheckCap
	Flagged    bool    // two judges differ by 2 on a dimension: a person should look
	SameFamily bool    // a judge of the judged model's family took part
	Version    string  // the judge verdicts' version used: prompt hash and panel
	// Verdicts are the judge verdicts of that version, errors included.
	Verdicts []Verdict
	Errors   int // judge errors among Verdicts
}

// Judge derives r's judged score from vs, r's verdicts (of any version, any kind):
//
//   - a result that is not ok scores 0 (failures stay in every mean);
//   - else the latest human verdict, if there is one, decides: its mean over the three
//     dimensions;
//   - else the judge verdicts of the latest version (prompt hash and panel) decide: the
//     mean over the judges that gave scores of each one's mean over the three
//     dimensions, capped at CheckCap when a deterministic check failed. Judge errors
//     never become scores: with no scored verdict the result is unjudged.
func Judge(r *Result, vs []Verdict) Judgement {
	var j Judgement
	if r.Status != StatusOK {
		return Judgement{Judged: true, Failed: true}
	}
	var human *Verdict
	var latest *Verdict
	for i := range vs {
		v := &vs[i]
		switch v.Kind {
		case VerdictHuman:
			if v.Scored() && (human == nil || newer(v, human)) {
				human = v
			}
		case VerdictJudge:
			if latest == nil || newer(v, latest) {
				latest = v
			}
		}
	}
	if latest != nil {
		j.Version = latest.Version()
		for _, v := range vs {
			if v.Kind == VerdictJudge && v.Version() == j.Version {
				j.Verdicts = append(j.Verdicts, v)
			}
		}
		sort.Slice(j.Verdicts, func(a, b int) bool { return j.Verdicts[a].Judge < j.Verdicts[b].Judge })
	}
	var sum float64
	var n int
	for i, v := range j.Verdicts {
		if !v.Scored() {
			j.Errors++
			continue
		}
		sum += v.Mean()
		n++
		j.SameFamily = j.SameFamily || v.SameFamily
		for _, w := range j.Verdicts[i+1:] {
			if w.Scored() && maxDiff(v.Scores(), w.Scores()) >= 2 {
				j.Flagged = true
			}
		}
	}
	switch {
	case human != nil:
		j.Score, j.Judged, j.Human = human.Mean(), true, true
	case n > 0:
		j.Score, j.Judged = sum/float64(n), true
		if r.ChecksPassed.Valid && !r.ChecksPassed.Bool && j.Score > CheckCap {
			j.Score, j.Capped = CheckCap, true
		}
	}
	return j
}

func newer(a, b *Verdict) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

func maxDiff(a, b [3]int) int {
	d := 0
	for i := range a {
		d = max(d, abs(a[i]-b[i]))
	}
	return d
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ByResult groups verdicts by the result they judge.
func ByResult(vs []Verdict) map[int64][]Verdict {
	m := map[int64][]Verdict{}
	for _, v := range vs {
		m[v.ResultID] = append(m[v.ResultID], v)
	}
	return m
}

// JudgedSummary is a model's judged score over a set of results.
type JudgedSummary struct {
	Tasks      int     // tasks with a judged score (failed results count, scoring 0)
	Mean       float64 // mean over tasks of each task's mean over its samples (0–2)
	Lo, Hi     float64 // bootstrap 95% interval of Mean, resampling tasks
	Unjudged   int     // ok results no judge gave a usable verdict on
	Human      int     // results a reviewer scored
	Flagged    int     // results whose judges differ by 2 on a dimension
	Capped     int     // results a failed check capped
	SameFamily int     // results judged with a judge of the model's own family
	Agreement  Agreement
}

// bootstrapReps and bootstrapSeed fix the judged score's interval: the same results
// always give the same interval.
const (
	bootstrapReps = 2000
	bootstrapSeed = 20260427
)

// summarizeJudged computes the judged summary of rows.
func summarizeJudged(rows []*Result, byResult map[int64][]Verdict) JudgedSummary {
	var s JudgedSummary
	perTask := map[string][]float64{}
	var pairs pairItems
	for _, r := range rows {
		j := Judge(r, byResult[r.ID])
		switch {
		case !j.Judged:
			s.Unjudged++
			continue
		case j.Human:
			s.Human++
		}
		if j.Flagged {
			s.Flagged++
		}
		if j.Capped {
			s.Capped++
		}
		if j.SameFamily {
			s.SameFamily++
		}
		perTask[r.TaskID] = append(perTask[r.TaskID], j.Score)
		pairs.add(j.Verdicts)
	}
	tasks := make([]string, 0, len(perTask))
	for t := range perTask {
		tasks = append(tasks, t)
	}
	sort.Strings(tasks)
	groups := make([][]float64, len(tasks))
	for i, t := range tasks {
		groups[i] = perTask[t]
	}
	s.Tasks = len(groups)
	s.Mean, s.Lo, s.Hi = BootstrapMeanCI(groups, bootstrapReps, bootstrapSeed)
	s.Agreement = pairs.agreement("", "", "")
	return s
}

// fmtStat prints x, or "-" when it is undefined.
func fmtStat(format string, x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf(format, x)
}
