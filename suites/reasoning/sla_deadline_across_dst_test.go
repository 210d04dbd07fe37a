package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var slaDeadlineAcrossDST = harness.Register(&harness.Task{
	ID:         "sla-deadline-across-dst",
	Category:   harness.Reasoning,
	Title:      "Work out what a calendar-day SLA deadline does across the end of DST",
	Difficulty: 4,
	MaxTokens:  1536,
	Tags:       []string{"go", "time", "time-zones", "dst"},
	Prompt: `Our support desk promises a first response within 48 hours. A customer in Berlin says they were given more than that. The deadline code:

` + harness.Fenced("go", `berlin, _ := time.LoadLocation("Europe/Berlin")
opened := time.Date(2024, 10, 26, 22, 0, 0, 0, berlin) // ticket #8812
deadline := opened.AddDate(0, 0, 2)
fmt.Println(deadline.Sub(opened).Hours())`) + `

Europe/Berlin switches from CEST (UTC+2) to CET (UTC+1) on 2024-10-27 at 03:00 local time (clocks go back to 02:00).

Two questions about ticket #8812:
1. How many hours does this program print (how much real time the customer was actually given)?
2. What should the deadline be, as Berlin local time, if it is exactly 48 real hours after opening?

Explain, then end with a final line of the form
ANSWER: <hours> | <YYYY-MM-DD HH:MM Berlin time>`,
	Capabilities: []string{"AddDate keeps the wall clock, Add adds elapsed time", "converts across a DST change", "gets the direction of the fall-back hour right"},
	Reference: `opened is 2024-10-26 22:00 CEST = 20:00 UTC.

1. AddDate(0, 0, 2) adds two calendar days and keeps the wall-clock time in the location: 2024-10-28 22:00, which is CET by then = 21:00 UTC. From 20:00 UTC on the 26th to 21:00 UTC on the 28th is 49 hours, because the night of the 27th had a 25-hour day. The program prints 49.

2. 48 real hours after 2024-10-26 20:00 UTC is 2024-10-28 20:00 UTC = 21:00 CET (opened.Add(48 * time.Hour)).

ANSWER: 49 | 2024-10-28 21:00`,
	Checks: []harness.Check{harness.FinalAnswer{Want: []string{
		"49 | 2024-10-28 21:00", "49|2024-10-28 21:00", "49 | 2024-10-28 21:00 CET", "49h | 2024-10-28 21:00",
		"49 hours | 2024-10-28 21:00", "49 | 2024-10-28 21:00 Berlin time", "49 | 2024-10-28 21:00 (CET)",
	}}},
	WrongAnswers: []string{"Clocks go back, so the customer loses an hour: 47 hours, and the right deadline is 23:00.\n\nANSWER: 47 | 2024-10-28 23:00"},
})

func TestSLADeadlineAcrossDST(t *testing.T) { harness.Run(t, slaDeadlineAcrossDST) }
