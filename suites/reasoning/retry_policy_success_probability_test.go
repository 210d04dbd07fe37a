package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var retryPolicySuccessProbability = harness.Register(&harness.Task{
	ID:         "retry-policy-success-probability",
	Category:   harness.Reasoning,
	Title:      "Probability that a retry policy with a deadline succeeds",
	Difficulty: 5,
	MaxTokens:  2560,
	Tags:       []string{"retries", "probability", "timeouts"},
	Prompt: `We want to know how often the payment client's retry policy actually rescues a call to the flaky fraud-check API.

Each attempt, independently of the others, has one of three outcomes:
- success (p = 0.6), answered after 0.1 s;
- HTTP 503 (p = 0.3), answered after 0.1 s;
- a hang (p = 0.1), cut off by the per-attempt timeout after exactly 2 s.

The client's policy:
- at most 4 attempts in all;
- after a failed attempt (503 or timeout) it waits 0.5 s, 1 s and 2 s before attempts 2, 3 and 4 respectively, the wait starting when the failed attempt ends;
- an overall deadline of 6 s from the start of attempt 1: an attempt is started only if its full 2 s timeout would end by the deadline (start time + 2 s ≤ 6 s); otherwise the client gives up.

Ignore everything else (no time between steps beyond what is listed). What is the probability that the call succeeds? Work through the timelines, then end with a final line giving the probability as a decimal rounded to 4 places:
ANSWER: 0.xxxx`,
	Capabilities: []string{"enumerates outcome sequences with their timelines", "applies the deadline rule per path", "sums the probabilities exactly"},
	Reference: `Success on attempt 1: 0.6.

Attempt 2 starts at 0.1 + 0.5 = 0.6 s after a 503 or 2.0 + 0.5 = 2.5 s after a timeout; both leave room (≤ 4 s). P(fail) = 0.4, so success on attempt 2 adds 0.4 × 0.6 = 0.24.

Attempt 3 (wait 1 s):
- 503, 503: attempt 2 ends 0.7 → starts 1.7 ✓ (p 0.09)
- 503, timeout: ends 2.6 → starts 3.6 ✓ (p 0.03)
- timeout, 503: ends 2.6 → starts 3.6 ✓ (p 0.03)
- timeout, timeout: ends 4.5 → would start 5.5, 5.5 + 2 > 6 ✗
Reaching attempt 3: 0.15, success adds 0.15 × 0.6 = 0.09.

Attempt 4 (wait 2 s):
- 503, 503, 503: attempt 3 ends 1.8 → starts 3.8 ✓ (p 0.027)
- any path with a timeout among attempts 1–3 starts at 5.7 or later ✗ (e.g. 503,503,timeout ends 3.7 → 5.7)
Success adds 0.027 × 0.6 = 0.0162.

Total: 0.6 + 0.24 + 0.09 + 0.0162 = 0.9462.

ANSWER: 0.9462`,
	Checks:       []harness.Check{harness.FinalAnswer{Want: []string{"0.9462", "0.9462 (94.62%)", ".9462", "≈ 0.9462", "~0.9462"}}},
	WrongAnswers: []string{"Each attempt fails with probability 0.4, so four attempts fail with 0.4^4 = 0.0256.\n\nANSWER: 0.9744"},
})

func TestRetryPolicySuccessProbability(t *testing.T) { harness.Run(t, retryPolicySuccessProbability) }
