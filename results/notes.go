package results

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// comparisonSettings reads the parts of a result's stored settings JSON (harness.Settings,
// which this package cannot import) that every backend of a comparison shares; the
// per-call fields beside them, such as the budget sent for one task, are left out.
type comparisonSettings struct {
	Temperature float64 `json:"temperature"`
	MaxTokens   int     `json:"max_tokens"`
	ThinkBudget int     `json:"think_budget"`
	Think       string  `json:"think"`
	NumCtx      int     `json:"num_ctx"`
	Seed        int     `json:"seed"`
}

func (c comparisonSettings) String() string {
	budget := "each task's budget"
	if c.MaxTokens > 0 {
		budget = fmt.Sprint(c.MaxTokens)
	}
	think := "the model's default"
	if c.Think != "" {
		think = c.Think
	}
	if c.Think != "off" {
		budget += fmt.Sprintf(" + %d for thinking", c.ThinkBudget)
	}
	return fmt.Sprintf("temperature %g, max tokens %s, thinking %s, num_ctx %d (Ollama), base seed %d",
		c.Temperature, budget, think, c.NumCtx, c.Seed)
}

// settingsNotes says which settings and how many samples the report's numbers rest on,
// and warns when one batch mixes settings, which makes its rows incomparable.
func settingsNotes(rs []Result) []string {
	counts := map[string]int{}
	unreadable := 0
	samples := map[string]int{}
	for i := range rs {
		r := &rs[i]
		if r.Sample+1 > samples[r.Model] {
			samples[r.Model] = r.Sample + 1
		}
		var c comparisonSettings
		if err := json.Unmarshal([]byte(r.Settings), &c); err != nil || r.Settings == "" {
			unreadable++
			continue
		}
		counts[c.String()]++
	}
	var notes []string
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	switch {
	case len(keys) == 1:
		notes = append(notes, fmt.Sprintf("settings (all %d results): %s.", counts[keys[0]], keys[0]))
	case len(keys) > 1:
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s (%d results)", k, counts[k])
		}
		notes = append(notes, "settings differ within this batch, so its rows are not one comparison: "+strings.Join(parts, "; ")+".")
	}
	if unreadable > 0 {
		notes = append(notes, fmt.Sprintf("%d results have no readable settings.", unreadable))
	}
	if len(samples) > 0 {
		byCount := map[int][]string{}
		for m, n := range samples {
			byCount[n] = append(byCount[n], m)
		}
		if len(byCount) == 1 {
			for n := range byCount {
				notes = append(notes, fmt.Sprintf("samples per task and model: %d.", n))
			}
		} else {
			var parts []string
			for n, ms := range byCount {
				sort.Strings(ms)
				parts = append(parts, fmt.Sprintf("%d for %s", n, strings.Join(ms, ", ")))
			}
			sort.Strings(parts)
			notes = append(notes, "samples per task and model: "+strings.Join(parts, "; ")+".")
		}
	}
	return notes
}

// judgeErrorNotes counts, per judge, the verdicts of the reported results' current
// judgements that are judge errors, by kind: they are never scores, and a result judged
// by one judge of two rests on that one alone.
func judgeErrorNotes(judged []Judgement) []string {
	type tally struct {
		total, errs int
		kinds       map[string]int
	}
	per := map[string]*tally{}
	for _, j := range judged {
		for _, v := range j.Verdicts {
			t := per[v.Judge]
			if t == nil {
				t = &tally{kinds: map[string]int{}}
				per[v.Judge] = t
			}
			t.total++
			if v.ParseStatus == ParseError {
				t.errs++
				t.kinds[v.ErrorKind]++
			}
		}
	}
	var notes []string
	for judge, t := range per {
		if t.errs == 0 {
			continue
		}
		var kinds []string
		for k, n := range t.kinds {
			kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(kinds)
		notes = append(notes, fmt.Sprintf("judge errors, never scored: %s gave no verdict on %d of %d results (%s); see the verdicts table's error column.",
			judge, t.errs, t.total, strings.Join(kinds, ", ")))
	}
	sort.Strings(notes)
	return notes
}
