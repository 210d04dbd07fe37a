package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/judges"
	"github.com/local-inference-machine/lim/results"
)

const reviewUsage = `usage:
  lim review list  [-db F] [-batch B] [-all] [-answer N]
      list the results whose judges differ by 2 on a dimension, with both verdicts,
      their rationales and the answer (-all: reviewed ones too)
  lim review score -result ID -correctness N -completeness N -quality N [-note TEXT] [-reviewer NAME] [-db F]
      record your score (each 0 fail, 1 acceptable, 2 good) as a verdict that wins in reports`

func reviewCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, reviewUsage)
		if len(args) == 0 {
			return errors.New("review: name a subcommand, list or score")
		}
		return nil
	}
	switch args[0] {
	case "list":
		return reviewList(ctx, args[1:], stdout, stderr)
	case "score":
		return reviewScore(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintln(stderr, reviewUsage)
	return fmt.Errorf("review: unknown subcommand %q: use list or score", args[0])
}

func reviewList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("review list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "results database (default: LIM_DB, else results/lim.db)")
	batch := fs.String("batch", "", "batch (default: the most recent)")
	all := fs.Bool("all", false, "list reviewed results too")
	answerChars := fs.Int("answer", 2000, "show at most this many characters of each answer (0: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := results.Open(ctx, dbPath(*db))
	if err != nil {
		return err
	}
	defer store.Close()
	rs, read, err := store.Results(ctx, results.Filter{Batch: *batch})
	if err != nil {
		return err
	}
	vs, err := store.Verdicts(ctx, read)
	if err != nil {
		return err
	}
	byResult := results.ByResult(vs)
	shown, reviewed := 0, 0
	for i := range rs {
		r := &rs[i]
		j := results.Judge(r, byResult[r.ID])
		if !j.Flagged {
			continue
		}
		if j.Human {
			reviewed++
			if !*all {
				continue
			}
		}
		shown++
		writeFlagged(stdout, r, j, byResult[r.ID], *answerChars)
	}
	if shown == 0 {
		fmt.Fprintf(stdout, "no results to review in batch %s (%d flagged results already reviewed; -all lists them)\n", read, reviewed)
	}
	return nil
}

func writeFlagged(w io.Writer, r *results.Result, j results.Judgement, all []results.Verdict, answerChars int) {
	checks := "no deterministic checks"
	if r.ChecksPassed.Valid {
		checks = fmt.Sprintf("checks passed: %v (score %.2f)", r.ChecksPassed.Bool, r.CheckScore.Float64)
	}
	fmt.Fprintf(w, "result %d · task %s (%s) · model %s · %s\n", r.ID, r.TaskID, r.Category, r.Model, checks)
	for _, v := range j.Verdicts {
		fmt.Fprintf(w, "  %s\n", verdictLine(v))
		if v.Rationale != "" {
			fmt.Fprintf(w, "      %s\n", strings.ReplaceAll(v.Rationale, "\n", "\n      "))
		}
	}
	for _, v := range all {
		if v.Kind == results.VerdictHuman {
			fmt.Fprintf(w, "  reviewed by %s\n", verdictLine(v))
		}
	}
	answer := r.Answer
	if answerChars > 0 && len(answer) > answerChars {
		answer = answer[:answerChars] + fmt.Sprintf("\n[… %d more characters]", len(r.Answer)-answerChars)
	}
	fmt.Fprintf(w, "  answer:\n    %s\n", strings.ReplaceAll(answer, "\n", "\n    "))
	fmt.Fprintf(w, "  score it: lim review score -result %d -correctness N -completeness N -quality N -note '…'\n\n", r.ID)
}

func verdictLine(v results.Verdict) string {
	if !v.Scored() {
		return fmt.Sprintf("%s: judge error (%s): %s", v.Judge, v.ErrorKind, v.Error)
	}
	s := v.Scores()
	line := fmt.Sprintf("%s: correctness %d, completeness %d, quality %d", v.Judge, s[0], s[1], s[2])
	if v.SameFamily {
		line += " [same family as the model]"
	}
	return line
}

func reviewScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("review score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "results database (default: LIM_DB, else results/lim.db)")
	id := fs.Int64("result", 0, "the result's id (see lim review list)")
	var dims [3]*int
	for i, d := range results.Dimensions {
		dims[i] = fs.Int(d, -1, d+": 0 fail, 1 acceptable, 2 good")
	}
	note := fs.String("note", "", "why (stored as the verdict's rationale)")
	reviewer := fs.String("reviewer", defaultReviewer(), "who scored it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return errors.New("review score: -result is required (see lim review list)")
	}
	var scores [3]int
	for i, d := range results.Dimensions {
		if *dims[i] < 0 || *dims[i] > 2 {
			return fmt.Errorf("review score: -%s must be 0, 1 or 2", d)
		}
		scores[i] = *dims[i]
	}
	if strings.TrimSpace(*reviewer) == "" {
		return errors.New("review score: -reviewer is empty")
	}
	store, err := results.Open(ctx, dbPath(*db))
	if err != nil {
		return err
	}
	defer store.Close()
	r, err := store.ResultByID(ctx, *id)
	if err != nil {
		return err
	}
	v := &results.Verdict{ResultID: r.ID, Kind: results.VerdictHuman, Judge: *reviewer, ParseStatus: results.ParseOK, Rationale: *note, Source: "human"}
	v.SetScores(scores)
	if err := store.SaveVerdict(ctx, v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded %s's score %d/%d/%d for result %d (%s on %s); it wins over the judges in lim report\n",
		*reviewer, scores[0], scores[1], scores[2], r.ID, r.TaskID, r.Model)
	return nil
}

func defaultReviewer() string {
	for _, k := range []string{"LIM_REVIEWER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "reviewer"
}

func rejudgeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rejudge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "results database (default: LIM_DB, else results/lim.db)")
	batch := fs.String("batch", "", "batch to re-judge (default: the most recent)")
	model := fs.String("model", "", "only this model's results")
	task := fs.String("task", "", "only this task's results")
	panel := fs.String("judges", os.Getenv("LIM_JUDGES"), "the judge panel, model specs comma-separated (default: LIM_JUDGES)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lim rejudge -judges SPECS [-batch B] [-model M] [-task T] [-db F]")
		fmt.Fprintln(stderr, "Judges stored answers again with a panel and the current judge prompt; no model is called, and earlier verdicts are kept.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*panel) == "" || strings.EqualFold(*panel, "off") {
		return fmt.Errorf("rejudge: name the judges with -judges or LIM_JUDGES (e.g. %s)", judges.DefaultLiveJudges)
	}
	p, err := judges.NewPanel(*panel, true)
	if err != nil {
		return fmt.Errorf("rejudge: -judges: %w", err)
	}
	settings, err := harness.SettingsFromEnv()
	if err != nil {
		return err
	}
	cfg := &harness.Config{Live: true, Fixtures: harness.FixtureOff, Limits: harness.DefaultCallLimits(), Settings: settings}
	store, err := results.Open(ctx, dbPath(*db))
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := judges.Rejudge(ctx, store, cfg, &http.Client{}, p, results.Filter{Batch: *batch, Model: *model, TaskID: *task}, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "judged %d results (%d judge errors, %d with unchanged scores); %d already judged by this version; %d not ok (never judged); %d without a stored task definition\n",
		st.Judged, st.Errors, st.Unchanged, st.Reused, st.Failed, st.NoTask)
	return nil
}
