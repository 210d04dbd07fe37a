package results

import (
	"sort"
)

// Standing is one line of the leaderboard: one model, overall or within one category.
// Every result counts: failed ones score 0 in CheckScore and stay in Results.
type Standing struct {
	Model    string
	Category string // empty for the model's overall line

	Results  int // measurements, including failures
	Failures int // results whose status is not ok
	Statuses map[Status]int

	Checked    int     // results of tasks that have deterministic checks
	CheckScore float64 // mean check score over Checked; a failed result scores 0
	ChecksPass int     // results that passed every check

	TTFTms       Summary // time to first token, client side
	ServerDecode Summary // tok/s from the server's own counters (Ollama eval_count/eval_duration)
	ClientDecode Summary // tok/s from the client's stream timing
	TokensIn     int64
	TokensOut    int64
	TokensKnown  int // results whose backend reported token counts
	CostUSD      float64
	CostReported int            // results whose backend reported a cost
	Sources      map[string]int // results per source: live, replay, oracle

	// Judged is the judges' score of these results; nil when the leaderboard was built
	// without verdicts.
	Judged *JudgedSummary
}

// Summary describes a sample of measurements: how many there were, their mean and median.
type Summary struct {
	N      int
	Mean   float64
	Median float64
}

func summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{N: len(s), Mean: sum / float64(len(s)), Median: med}
}

// Leaderboard ranks the models in rs. It returns one overall standing per model, best
// check score first, and, per model, one standing per category.
func Leaderboard(rs []Result) (overall []Standing, byCategory map[string][]Standing) {
	return leaderboard(rs, nil)
}

// JudgedLeaderboard is Leaderboard with each standing's judged score, from vs, the
// verdicts on rs.
func JudgedLeaderboard(rs []Result, vs []Verdict) (overall []Standing, byCategory map[string][]Standing) {
	byResult := ByResult(vs)
	if byResult == nil {
		byResult = map[int64][]Verdict{}
	}
	return leaderboard(rs, byResult)
}

func leaderboard(rs []Result, byResult map[int64][]Verdict) (overall []Standing, byCategory map[string][]Standing) {
	type group struct {
		rows []*Result
	}
	models := map[string]*group{}
	cats := map[[2]string]*group{}
	for i := range rs {
		r := &rs[i]
		if models[r.Model] == nil {
			models[r.Model] = &group{}
		}
		models[r.Model].rows = append(models[r.Model].rows, r)
		k := [2]string{r.Model, r.Category}
		if cats[k] == nil {
			cats[k] = &group{}
		}
		cats[k].rows = append(cats[k].rows, r)
	}
	for m, g := range models {
		overall = append(overall, standing(m, "", g.rows, byResult))
	}
	sort.Slice(overall, func(i, j int) bool {
		a, b := overall[i], overall[j]
		if a.CheckScore != b.CheckScore {
			return a.CheckScore > b.CheckScore
		}
		return a.Model < b.Model
	})
	byCategory = map[string][]Standing{}
	for k, g := range cats {
		byCategory[k[0]] = append(byCategory[k[0]], standing(k[0], k[1], g.rows, byResult))
	}
	for _, ss := range byCategory {
		sort.Slice(ss, func(i, j int) bool { return ss[i].Category < ss[j].Category })
	}
	return overall, byCategory
}

func standing(model, category string, rows []*Result, byResult map[int64][]Verdict) Standing {
	s := Standing{Model: model, Category: category, Statuses: map[Status]int{}, Sources: map[string]int{}}
	var ttft, server, client []float64
	var scoreSum float64
	for _, r := range rows {
		s.Results++
		s.Statuses[r.Status]++
		s.Sources[r.Source]++
		if r.Status != StatusOK {
			s.Failures++
		}
		if r.CheckCount > 0 {
			s.Checked++
			if r.Status == StatusOK && r.CheckScore.Valid {
				scoreSum += r.CheckScore.Float64
			}
			if r.Status == StatusOK && r.ChecksPassed.Valid && r.ChecksPassed.Bool {
				s.ChecksPass++
			}
		}
		if r.TTFTms.Valid {
			ttft = append(ttft, r.TTFTms.Float64)
		}
		if v, ok := r.ServerDecodeRate(); ok {
			server = append(server, v)
		}
		if v, ok := r.ClientDecodeRate(); ok {
			client = append(client, v)
		}
		if r.PromptTokens.Valid {
			s.TokensIn += r.PromptTokens.Int64
		}
		if r.CompletionTokens.Valid {
			s.TokensOut += r.CompletionTokens.Int64
			s.TokensKnown++
		}
		if r.CostUSD.Valid {
			s.CostUSD += r.CostUSD.Float64
			s.CostReported++
		}
	}
	if s.Checked > 0 {
		s.CheckScore = scoreSum / float64(s.Checked)
	}
	s.TTFTms = summarize(ttft)
	s.ServerDecode = summarize(server)
	s.ClientDecode = summarize(client)
	if byResult != nil {
		j := summarizeJudged(rows, byResult)
		s.Judged = &j
	}
	return s
}
