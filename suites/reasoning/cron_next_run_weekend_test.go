package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var cronNextRunWeekend = harness.Register(&harness.Task{
	ID:         "cron-next-run-weekend",
	Category:   harness.Reasoning,
	Title:      "Find a cron job's next run time across a weekend",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"cron", "scheduling", "dates"},
	Prompt: `A server with TZ=UTC has this crontab entry (standard 5-field cron: minute, hour, day of month, month, day of week; 0 = Sunday):

    */20 8-18 * * 1-5 /usr/local/bin/sync-invoices

It is now Friday 2024-03-29 18:45:00 UTC. The finance team asks when sync-invoices runs next.

Reason it out, then end with a final line of the form
ANSWER: YYYY-MM-DD HH:MM
(the time in UTC).`,
	Capabilities: []string{"reads cron fields including step and range", "rolls over a weekend correctly"},
	Reference: `"*/20" in the minute field means minutes 0, 20 and 40; "8-18" means hours 8 through 18 inclusive; "1-5" means Monday to Friday.

On Friday 2024-03-29 the last runs are 18:00, 18:20 and 18:40; at 18:45 nothing is left that day (19:00 is outside 8-18). Saturday 03-30 and Sunday 03-31 are excluded by the day-of-week field, so the next run is Monday 2024-04-01 at 08:00.

ANSWER: 2024-04-01 08:00`,
	Checks: []harness.Check{harness.FinalAnswer{Want: []string{
		"2024-04-01 08:00", "2024-04-01 08:00 UTC", "2024-04-01 08:00:00", "2024-04-01 08:00:00 UTC",
		"2024-04-01T08:00", "2024-04-01T08:00Z", "2024-04-01T08:00:00Z",
	}}},
	WrongAnswers: []string{"The hour range 8-18 ends at 18:00, so the next slot is the next day.\n\nANSWER: 2024-03-30 08:00"},
})

func TestCronNextRunWeekend(t *testing.T) { harness.Run(t, cronNextRunWeekend) }
