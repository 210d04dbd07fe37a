package results

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Format is how a report is written.
type Format string

// Report formats.
const (
	FormatText     Format = "text"
	FormatMarkdown Format = "markdown"
)

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case FormatText, "", "table":
		return FormatText, nil
	case FormatMarkdown, "md":
		return FormatMarkdown, nil
	}
	return "", fmt.Errorf("unknown report format %q: use text or markdown", s)
}

// Report is the leaderboard of one batch, ready to write.
type Report struct {
	Batch      string
	Overall    []Standing
	ByCategory map[string][]Standing
	// Judged says the report carries judged scores (built with NewJudgedReport).
	Judged bool
	// Agreements are the judges' agreement per pair, overall and per category.
	Agreements []Agreement
	// Panels lists the judge panels and prompt versions of the verdicts scored.
	Panels []string
	// Settings says which sampling settings and how many samples the numbers rest on.
	Settings []string
	// Superseded counts results left out because their task changed later in the batch.
	Superseded int
	// JudgeErrors says, per judge, how many of its verdicts were errors and of what kind.
	JudgeErrors []string
}

// NewReport builds the report of batch from its results.
// Of a task that changed within the batch, only its newest version's results count.
func NewReport(batch string, rs []Result) Report {
	rs, superseded := currentVersions(rs)
	overall, byCat := Leaderboard(rs)
	return Report{Batch: batch, Overall: overall, ByCategory: byCat, Settings: settingsNotes(rs), Superseded: superseded}
}

// NewJudgedReport builds the report of batch from its results and their verdicts: the
// leaderboard gains the judged score with its bootstrap interval, the judges' agreement
// and the results flagged for review. Without verdicts it is NewReport.
func NewJudgedReport(batch string, rs []Result, vs []Verdict) Report {
	if len(vs) == 0 {
		return NewReport(batch, rs)
	}
	rs, superseded := currentVersions(rs)
	overall, byCat := JudgedLeaderboard(rs, vs)
	rep := Report{Batch: batch, Overall: overall, ByCategory: byCat, Judged: true, Agreements: Agreements(rs, vs),
		Settings: settingsNotes(rs), Superseded: superseded}
	byResult := ByResult(vs)
	judged := make([]Judgement, len(rs))
	seen := map[string]bool{}
	for i := range rs {
		j := Judge(&rs[i], byResult[rs[i].ID])
		judged[i] = j
		if len(j.Verdicts) > 0 && !seen[j.Version] {
			seen[j.Version] = true
			v := j.Verdicts[0]
			rep.Panels = append(rep.Panels, fmt.Sprintf("%s (judge prompt %s)", v.Panel, v.PromptHash))
		}
	}
	sort.Strings(rep.Panels)
	rep.JudgeErrors = judgeErrorNotes(judged)
	return rep
}

// currentVersions keeps, of each task's results for one model, sample and setting, only
// those of the task's newest version in the batch (the one last run): when a task's prompt
// or checks change in the middle of a batch, its earlier answers stay stored but would
// otherwise count the task twice. It returns how many results it left out.
func currentVersions(rs []Result) (kept []Result, superseded int) {
	type slot struct {
		task, settings, model string
		sample                int
	}
	newest := map[slot]*Result{}
	for i := range rs {
		r := &rs[i]
		k := slot{r.TaskID, r.SettingsHash, r.Model, r.Sample}
		if cur := newest[k]; cur == nil || r.FinishedAt.After(cur.FinishedAt) || (r.FinishedAt.Equal(cur.FinishedAt) && r.ID > cur.ID) {
			newest[k] = r
		}
	}
	for i := range rs {
		r := &rs[i]
		if newest[slot{r.TaskID, r.SettingsHash, r.Model, r.Sample}].TaskHash != r.TaskHash {
			superseded++
			continue
		}
		kept = append(kept, *r)
	}
	return kept, superseded
}

var leaderboardHeader = []string{"model", "results", "failed", "check score", "all checks pass", "TTFT ms (mean)", "decode tok/s server (median)", "decode tok/s client (median)", "tokens in/out", "cost USD", "source"}

var judgedHeader = []string{"judged score [95% CI]", "judge agreement (exact, κw)", "flagged", "unjudged"}

func (r Report) header() []string {
	if !r.Judged {
		return leaderboardHeader
	}
	return append(append([]string(nil), leaderboardHeader...), judgedHeader...)
}

func (r Report) cells(s Standing, first string) []string {
	c := s.cells(first)
	if !r.Judged {
		return c
	}
	j := s.Judged
	if j == nil {
		j = &JudgedSummary{}
	}
	return append(c, judgedCell(j), agreementCell(j.Agreement), fmt.Sprint(j.Flagged), fmt.Sprint(j.Unjudged))
}

func judgedCell(j *JudgedSummary) string {
	if j.Tasks == 0 {
		return "-"
	}
	c := fmt.Sprintf("%.2f [%.2f, %.2f] (tasks=%d)", j.Mean, j.Lo, j.Hi, j.Tasks)
	if j.Human > 0 {
		c += fmt.Sprintf(" %d human", j.Human)
	}
	return c
}

func agreementCell(a Agreement) string {
	if a.Items == 0 {
		return "-"
	}
	return fmt.Sprintf("%s, %s (n=%d)", fmtStat("%.2f", a.Exact), fmtStat("%.2f", a.Kappa), a.Results)
}

func (s Standing) cells(first string) []string {
	return []string{
		first,
		fmt.Sprint(s.Results),
		failedCell(s),
		scoreCell(s),
		fmt.Sprintf("%d/%d", s.ChecksPass, s.Checked),
		summaryCell(s.TTFTms, "%.0f", false),
		summaryCell(s.ServerDecode, "%.1f", true),
		summaryCell(s.ClientDecode, "%.1f", true),
		tokensCell(s),
		costCell(s),
		sourcesCell(s.Sources),
	}
}

func failedCell(s Standing) string {
	if s.Failures == 0 {
		return "0"
	}
	var parts []string
	for _, st := range []Status{StatusTruncated, StatusEmpty, StatusTimeout, StatusError} {
		if n := s.Statuses[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	return fmt.Sprintf("%d (%s)", s.Failures, strings.Join(parts, ", "))
}

func scoreCell(s Standing) string {
	if s.Checked == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f (n=%d)", s.CheckScore, s.Checked)
}

func summaryCell(sm Summary, format string, median bool) string {
	if sm.N == 0 {
		return "-"
	}
	v := sm.Mean
	if median {
		v = sm.Median
	}
	return fmt.Sprintf(format+" (n=%d)", v, sm.N)
}

func tokensCell(s Standing) string {
	if s.TokensKnown == 0 {
		return "-"
	}
	c := fmt.Sprintf("%d/%d", s.TokensIn, s.TokensOut)
	if s.TokensKnown < s.Results {
		c += fmt.Sprintf(" (%d/%d reported)", s.TokensKnown, s.Results)
	}
	return c
}

func costCell(s Standing) string {
	if s.CostReported == 0 {
		return "-"
	}
	c := fmt.Sprintf("%.4f", s.CostUSD)
	if s.CostReported < s.Results {
		c += fmt.Sprintf(" (%d/%d reported)", s.CostReported, s.Results)
	}
	return c
}

func sourcesCell(m map[string]int) string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, "+")
}

// Write writes the report in format f.
func (r Report) Write(w io.Writer, f Format) error {
	if len(r.Overall) == 0 {
		_, err := fmt.Fprintln(w, "no results yet: run the suites first (go run ./cmd/lim run)")
		return err
	}
	header := r.header()
	var rows [][]string
	for _, s := range r.Overall {
		rows = append(rows, r.cells(s, s.Model))
	}
	var catRows [][]string
	for _, s := range r.Overall {
		for _, c := range r.ByCategory[s.Model] {
			catRows = append(catRows, r.cells(c, s.Model+" · "+c.Category))
		}
	}
	agreeHeader, agreeRows := r.agreementTable()
	title := fmt.Sprintf("lim leaderboard, batch %s", r.Batch)
	notes := r.notes()
	switch f {
	case FormatMarkdown:
		fmt.Fprintf(w, "## %s\n\n", title)
		writeMarkdownTable(w, header, rows)
		fmt.Fprintf(w, "\n### By category\n\n")
		writeMarkdownTable(w, header, catRows)
		if len(agreeRows) > 0 {
			fmt.Fprintf(w, "\n### Judge agreement\n\n")
			writeMarkdownTable(w, agreeHeader, agreeRows)
		}
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		return nil
	default:
		fmt.Fprintln(w, title)
		if err := writeTextTable(w, header, rows); err != nil {
			return err
		}
		fmt.Fprintln(w, "\nby category")
		if err := writeTextTable(w, header, catRows); err != nil {
			return err
		}
		if len(agreeRows) > 0 {
			fmt.Fprintln(w, "\njudge agreement")
			if err := writeTextTable(w, agreeHeader, agreeRows); err != nil {
				return err
			}
		}
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "* %s\n", n)
		}
		return nil
	}
}

// notes explains what the numbers mean, so no figure is read without its caveats.
func (r Report) notes() []string {
	notes := []string{
		"check score: mean fraction of deterministic checks passed, over results of tasks that have checks; every failed result (truncated, empty, timeout, error) scores 0 and stays in the mean.",
		"decode tok/s server: the server's own counters (Ollama eval_count/eval_duration); client: tokens after the first over the time from first to last streamed token.",
	}
	if r.Judged {
		notes = append(notes,
			"judged score: the judges' mean over correctness, completeness and quality (0 fail, 1 acceptable, 2 good), averaged over the panel, then over each task's samples, then over tasks; [95% CI] is a bootstrap interval resampling tasks (fixed seed). A failed result scores 0; a failed deterministic check caps the score at 1; a reviewer's score (lim review) replaces the judges'. Judge errors never become scores: a result no judge could score is counted as unjudged and left out.",
			"judge agreement: exact agreement and quadratic-weighted Cohen's kappa of the judges over each result's three dimensions; flagged: results whose judges differ by 2 on a dimension (see lim review list).")
		same := 0
		for _, s := range r.Overall {
			if s.Judged != nil {
				same += s.Judged.SameFamily
			}
		}
		if same > 0 {
			notes = append(notes, fmt.Sprintf("%d results were judged by a judge of the judged model's own family (flagged in the verdicts): such judges tend to favour their family.", same))
		}
		for _, p := range r.Panels {
			notes = append(notes, "judges: "+p)
		}
		notes = append(notes, r.JudgeErrors...)
	}
	notes = append(notes, r.Settings...)
	if r.Superseded > 0 {
		notes = append(notes, fmt.Sprintf("%d results of earlier versions of a task (its prompt, answer or checks changed within this batch) are stored but left out: each task counts once, in its newest version.", r.Superseded))
	}
	sources := map[string]bool{}
	for _, s := range r.Overall {
		for k := range s.Sources {
			sources[k] = true
		}
	}
	if sources[SourceReplay] {
		notes = append(notes, "replay: answers and server counters are recorded fixtures (in lim's own repository: a tiny random-weight test model); client timings of replayed results are not measurements.")
	}
	if sources[SourceOracle] {
		notes = append(notes, "oracle: the tasks' reference answers, a ceiling for the checks; it makes no model call, so it has no timings.")
	}
	return notes
}

func writeTextTable(w io.Writer, header []string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

func writeMarkdownTable(w io.Writer, header []string, rows [][]string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(header, " | "))
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
	}
	fmt.Fprintf(w, "|%s|\n", strings.Join(seps, "|"))
	for _, r := range rows {
		esc := make([]string, len(r))
		for i, c := range r {
			esc[i] = strings.ReplaceAll(c, "|", `\|`)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(esc, " | "))
	}
}

// agreementTable is the judge agreement section: one row per judge pair, overall and
// per category.
func (r Report) agreementTable() ([]string, [][]string) {
	header := []string{"judges", "category", "results", "exact", "within 1", "kappa (quadratic)", "alpha (ordinal)"}
	var rows [][]string
	for _, a := range r.Agreements {
		cat := a.Category
		if cat == "" {
			cat = "all"
		}
		rows = append(rows, []string{
			a.JudgeA + " vs " + a.JudgeB, cat, fmt.Sprint(a.Results),
			fmtStat("%.2f", a.Exact), fmtStat("%.2f", a.Within1), fmtStat("%.2f", a.Kappa), fmtStat("%.2f", a.Alpha),
		})
	}
	return header, rows
}
