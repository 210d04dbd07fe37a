package judges

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// RejudgeStats counts what Rejudge did.
type RejudgeStats struct {
	Judged    int // results judged by the panel (new verdicts stored)
	Reused    int // results this version of the panel had judged already
	Failed    int // results that are not ok: never judged, they score 0
	NoTask    int // results whose task definition is not stored (judged before lim kept them)
	Errors    int // judge errors among the new verdicts
	Unchanged int // results whose scores equal the previous version's
}

// Rejudge judges the stored results f selects again, with panel p and the current
// judge prompt, without calling any model: the answers, check results and task
// definitions come from the store. Verdicts of earlier versions (another prompt, another
// panel) are kept; a result this version has judged already is not judged again, so an
// interrupted rejudge resumes. hc makes the judges' calls. Progress goes to log.
func Rejudge(ctx context.Context, store *results.Store, cfg *harness.Config, hc *http.Client, p *Panel, f results.Filter, log io.Writer) (RejudgeStats, error) {
	var st RejudgeStats
	rs, batch, err := store.Results(ctx, f)
	if err != nil {
		return st, err
	}
	if len(rs) == 0 {
		return st, fmt.Errorf("no results to re-judge in batch %q of %s", batch, store.Path())
	}
	before, err := store.Verdicts(ctx, batch)
	if err != nil {
		return st, err
	}
	previous := results.ByResult(before)
	fmt.Fprintf(log, "re-judging %d results of batch %s with %s (judge prompt %s)\n", len(rs), batch, p.Name(), PromptVersion())
	for i := range rs {
		res := &rs[i]
		if res.Status != results.StatusOK {
			st.Failed++
			continue
		}
		def, ok, err := store.StoredTaskDefinition(ctx, res.TaskHash)
		if err != nil {
			return st, err
		}
		if !ok {
			st.NoTask++
			fmt.Fprintf(log, "  %s %s: no stored task definition (run the task's test once to store it)\n", res.TaskID, res.Model)
			continue
		}
		in, err := InputFromStore(def, res)
		if err != nil {
			return st, err
		}
		judged, err := harness.ParseSpec(res.Model)
		if err != nil {
			return st, fmt.Errorf("result %d: %w", res.ID, err)
		}
		already := 0
		for _, v := range previous[res.ID] {
			if v.Kind == results.VerdictJudge && v.PromptHash == PromptVersion() && v.Panel == p.Name() && v.ErrorKind != results.JudgeErrCall {
				already++
			}
		}
		vs, err := p.Verdicts(ctx, store, cfg, hc, res, judged, in, false)
		if err != nil {
			return st, err
		}
		if already == len(p.Judges) {
			st.Reused++
			continue
		}
		st.Judged++
		old := results.Judge(res, previous[res.ID])
		now := results.Judge(res, vs)
		for _, v := range vs {
			if !v.Scored() {
				st.Errors++
			}
		}
		if old.Judged && now.Judged && old.Score == now.Score {
			st.Unchanged++
		}
		line := fmt.Sprintf("  %s %s: ", res.TaskID, res.Model)
		switch {
		case !now.Judged:
			line += "unjudged (every judge erred)"
		default:
			line += fmt.Sprintf("%.2f", now.Score)
		}
		if old.Judged && !old.Human {
			line += fmt.Sprintf(" (was %.2f)", old.Score)
		}
		fmt.Fprintln(log, line)
	}
	return st, nil
}
