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
}

// NewReport builds the report of batch from its results.
func NewReport(batch string, rs []Result) Report {
	overall, byCat := Leaderboard(rs)
	return Report{Batch: batch, Overall: overall, ByCategory: byCat}
}

var leaderboardHeader = []string{"model", "results", "failed", "check score", "all checks pass", "TTFT ms (mean)", "decode tok/s server (median)", "decode tok/s client (median)", "tokens in/out", "cost USD", "source"}

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
		fmt.Sprintf("%d/%d", s.TokensIn, s.TokensOut),
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
	var rows [][]string
	for _, s := range r.Overall {
		rows = append(rows, s.cells(s.Model))
	}
	var catRows [][]string
	for _, s := range r.Overall {
		for _, c := range r.ByCategory[s.Model] {
			catRows = append(catRows, c.cells(s.Model+" · "+c.Category))
		}
	}
	title := fmt.Sprintf("lim leaderboard, batch %s", r.Batch)
	notes := r.notes()
	switch f {
	case FormatMarkdown:
		fmt.Fprintf(w, "## %s\n\n", title)
		writeMarkdownTable(w, leaderboardHeader, rows)
		fmt.Fprintf(w, "\n### By category\n\n")
		writeMarkdownTable(w, leaderboardHeader, catRows)
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		return nil
	default:
		fmt.Fprintln(w, title)
		if err := writeTextTable(w, leaderboardHeader, rows); err != nil {
			return err
		}
		fmt.Fprintln(w, "\nby category")
		if err := writeTextTable(w, leaderboardHeader, catRows); err != nil {
			return err
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
