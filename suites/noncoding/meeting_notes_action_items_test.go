package noncoding

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var meetingNotesActionItems = harness.Register(&harness.Task{
	ID:         "meeting-notes-action-items",
	Category:   harness.NonCoding,
	Title:      "Extract action items with owners and due dates from meeting notes",
	Difficulty: 4,
	MaxTokens:  1024,
	Tags:       []string{"extraction", "json", "dates", "meetings"},
	Prompt: `Extract the open action items from these meeting notes.

Platform sync — Tuesday 11 March 2025, 10:00–10:45
Attendees: Priya Natarajan, Tom Becker, Lena Holm, Marcus Oyelaran (notes)

1. Postgres 16 upgrade
- Staging upgrade went fine last Thursday. Prod window agreed: Sat 22 Mar, 06:00 UTC.
- Priya to write the rollback runbook by Friday.
- Someone has to check pg_stat_statements for queries that use the operators removed in 16. Was Lena's, but Lena is out all of next week, so Tom takes it. Needs to be done before the prod window, so Thu 20 Mar at the latest.

2. On-call
- Lena: rotate the PagerDuty API key (it was pasted in #platform on Friday). Done during the meeting.
- The on-call handbook still describes the old escalation policy and needs updating. Nobody volunteered; no date yet.

3. Cost
- AWS bill up 18% in February, mostly NAT gateway traffic.
- Marcus will pull a per-service breakdown of NAT traffic by end of next week.
- Decision: no reserved-instance purchase this quarter.

4. AOB
- Priya asked whether anyone has looked at the flaky e2e test (checkout_spec). Tom: "I'll dig into it tomorrow."
- Lena to send the signed DPA back to the vendor by 31 March.

Rules:
- An action item is work someone still has to do after the meeting. Things already done and decisions are not action items.
- "owner" is the person's full name as in the attendee list, or null if nobody owns it.
- "due" is a date in YYYY-MM-DD form, or null if none was given. "By Friday" means the Friday of the meeting's week; "end of next week" means the Friday of the following week; "tomorrow" is the day after the meeting.
- "task" is a short description of the work.
- List the items in the order they appear in the notes.

Reply with only a JSON object of the form {"action_items": [{"owner": ..., "task": ..., "due": ...}, ...]}.`,
	Capabilities: []string{"tells action items from decisions and finished work", "resolves relative dates against the meeting date", "tracks a reassigned owner", "emits null for missing fields instead of guessing"},
	Reference: harness.Fenced("json", `{
  "action_items": [
    {"owner": "Priya Natarajan", "task": "Write the rollback runbook for the Postgres 16 upgrade", "due": "2025-03-14"},
    {"owner": "Tom Becker", "task": "Check pg_stat_statements for queries using operators removed in Postgres 16", "due": "2025-03-20"},
    {"owner": null, "task": "Update the on-call handbook with the new escalation policy", "due": null},
    {"owner": "Marcus Oyelaran", "task": "Pull a per-service breakdown of NAT gateway traffic", "due": "2025-03-21"},
    {"owner": "Tom Becker", "task": "Investigate the flaky checkout_spec e2e test", "due": "2025-03-12"},
    {"owner": "Lena Holm", "task": "Send the signed DPA back to the vendor", "due": "2025-03-31"}
  ]
}`),
	Checks: []harness.Check{
		harness.JSONFields{Want: `{"action_items": [
  {"owner": "Priya Natarajan", "due": "2025-03-14"},
  {"owner": "Tom Becker", "due": "2025-03-20"},
  {"owner": null, "due": null},
  {"owner": "Marcus Oyelaran", "due": "2025-03-21"},
  {"owner": "Tom Becker", "due": "2025-03-12"},
  {"owner": "Lena Holm", "due": "2025-03-31"}
]}`},
		harness.Func{Label: "items-and-tasks", Version: "1", Fn: checkMeetingActionItems},
	},
	WrongAnswers: []string{
		// Keeps the original owner, counts the finished key rotation, guesses dates.
		`{"action_items": [
  {"owner": "Priya Natarajan", "task": "Rollback runbook", "due": "2025-03-14"},
  {"owner": "Lena Holm", "task": "Check pg_stat_statements", "due": "2025-03-20"},
  {"owner": "Lena Holm", "task": "Rotate the PagerDuty API key", "due": null},
  {"owner": null, "task": "Update on-call handbook", "due": null},
  {"owner": "Marcus Oyelaran", "task": "NAT traffic breakdown", "due": "2025-03-21"},
  {"owner": "Tom Becker", "task": "Flaky e2e test", "due": "2025-03-12"},
  {"owner": "Lena Holm", "task": "Send signed DPA", "due": "2025-03-31"}
]}`,
		// Right items, but "end of next week" read as the Friday of this week.
		`{"action_items": [
  {"owner": "Priya Natarajan", "task": "Rollback runbook", "due": "2025-03-14"},
  {"owner": "Tom Becker", "task": "Check pg_stat_statements for removed operators", "due": "2025-03-20"},
  {"owner": null, "task": "Update on-call handbook", "due": null},
  {"owner": "Marcus Oyelaran", "task": "NAT traffic breakdown", "due": "2025-03-14"},
  {"owner": "Tom Becker", "task": "Flaky checkout_spec e2e test", "due": "2025-03-12"},
  {"owner": "Lena Holm", "task": "Send signed DPA to vendor", "due": "2025-03-31"}
]}`,
	},
})

// meetingTaskWords are, per expected item, words one of which its task must mention.
var meetingTaskWords = []*regexp.Regexp{
	regexp.MustCompile(`(?i)runbook|rollback|roll-back|roll back`),
	regexp.MustCompile(`(?i)pg_stat_statements|operator|quer`),
	regexp.MustCompile(`(?i)handbook|escalation`),
	regexp.MustCompile(`(?i)NAT`),
	regexp.MustCompile(`(?i)e2e|checkout_spec|flaky|end-to-end`),
	regexp.MustCompile(`(?i)DPA|vendor|data processing`),
}

// checkMeetingActionItems checks there are exactly the six open items and that each
// task describes the right piece of work.
func checkMeetingActionItems(_ context.Context, answer string) harness.CheckResult {
	v, err := harness.JSONValue(answer)
	if err != nil {
		return harness.CheckResult{Detail: err.Error()}
	}
	obj, _ := v.(map[string]any)
	items, _ := obj["action_items"].([]any)
	if len(items) != len(meetingTaskWords) {
		return harness.CheckResult{Detail: fmt.Sprintf("%d action items, want %d", len(items), len(meetingTaskWords))}
	}
	var bad []string
	for i, it := range items {
		m, _ := it.(map[string]any)
		task, _ := m["task"].(string)
		if !meetingTaskWords[i].MatchString(task) {
			bad = append(bad, fmt.Sprintf("item %d task %q does not match /%s/", i, task, meetingTaskWords[i]))
		}
	}
	if len(bad) > 0 {
		return harness.CheckResult{Score: 1 - float64(len(bad))/float64(len(items)), Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestMeetingNotesActionItems(t *testing.T) { harness.Run(t, meetingNotesActionItems) }
