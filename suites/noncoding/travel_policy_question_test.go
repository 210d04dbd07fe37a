package noncoding

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var travelPolicyQuestion = harness.Register(&harness.Task{
	ID:         "travel-policy-question",
	Category:   harness.NonCoding,
	Title:      "Answer an employee's question strictly from the travel policy",
	Difficulty: 4,
	MaxTokens:  1024,
	Tags:       []string{"question-answering", "grounding", "policy"},
	Prompt: `You answer employees' questions about the travel policy below. Answer strictly from the policy text: do not add rules, limits or exceptions it does not state, and say so when it does not cover something.

=== Nordvik AB — Travel and Expense Policy (rev. 7, effective 1 January 2025) ===

1. Scope
1.1 This policy applies to all employees and contractors travelling on company business.

2. Approvals
2.1 Every business trip needs your manager's approval before anything is booked.
2.2 Trips to destinations outside the EU/EEA additionally need approval from the Travel Desk, which checks visa and insurance requirements.
2.3 Trips with a total estimated cost above SEK 150,000 additionally need CFO approval.

3. Booking
3.1 Flights, hotels and rail must be booked through the company's travel agency (Egencia).
3.2 Flights must be booked at least 14 days before departure unless your manager confirms in writing that the trip is urgent.

4. Class of travel
4.1 Economy class is the default for all flights.
4.2 Premium economy may be booked when the scheduled flight time of a single flight exceeds 6 hours.
4.3 Business class may be booked only when the scheduled flight time of a single flight exceeds 10 hours, and only with prior written approval from a VP. Manager approval alone is not sufficient for business class.
4.4 First class is never reimbursed.

5. Expenses during the trip
5.1 Meals are covered by the daily allowance (per diem) of the destination country according to the Swedish Tax Agency's table; meal receipts are not reimbursed on top of it.
5.2 Taxis are reimbursed when public transport is unavailable or unsafe, or between 23:00 and 06:00.
5.3 Hotel rooms up to the city cap in Appendix B are reimbursed; anything above the cap needs the Travel Desk's approval before booking.

6. Claims
6.1 Submit expense claims in Concur within 30 days of returning, with itemised receipts.

=== End of policy ===

Question from Jonas (Sales, Stockholm office):
"I'm flying Stockholm → Singapore for a three-day customer workshop next month. The direct flight is scheduled at 12 h 40 min. Estimated total cost incl. hotel is about SEK 62,000. Can I book business class? Can I expense the airport lounge at Arlanda? And who has to approve the trip?"

Answer Jonas in a few sentences, citing the section numbers you rely on. Then end your reply with exactly these three lines:
BUSINESS CLASS: <YES, NO or NOT COVERED>
LOUNGE: <YES, NO or NOT COVERED>
APPROVERS: <comma-separated list of everyone whose approval he needs, chosen from: manager, Travel Desk, VP, CFO>`,
	Capabilities: []string{"answers only from the given text", "combines conditions from several sections", "says when the policy is silent instead of guessing", "cites its sources"},
	Reference: `Hi Jonas,

- Business class: yes, it is allowed. Your flight's scheduled time (12 h 40 min) exceeds the 10 hours required by §4.3, but you need prior written approval from a VP; your manager's approval alone is not enough for business class.
- Airport lounge: the policy does not mention lounge access at all, so it neither allows nor forbids expensing it. Please check with the Travel Desk or Finance before you count on it.
- Approvals: your manager must approve the trip before anything is booked (§2.1); Singapore is outside the EU/EEA, so the Travel Desk must approve too (§2.2); and the VP's written approval covers business class (§4.3). At about SEK 62,000 you are below the SEK 150,000 threshold, so no CFO approval is needed (§2.3).
- Remember to book through Egencia at least 14 days before departure (§3.1, §3.2).

BUSINESS CLASS: YES
LOUNGE: NOT COVERED
APPROVERS: manager, Travel Desk, VP`,
	Checks: []harness.Check{
		harness.Func{Label: "answer-lines", Version: "1", Fn: checkTravelPolicyLines},
		harness.Contains{Label: "cites-sections", All: []string{"4.3", "2.2"}},
	},
	WrongAnswers: []string{
		// Invents a lounge rule and forgets the Travel Desk.
		`Yes, business class is allowed because the flight is over 10 hours (§4.3), with written VP approval. Lounge access is a normal travel expense you can claim in Concur (§6.1). Your manager approves the trip (§2.1).

BUSINESS CLASS: YES
LOUNGE: YES
APPROVERS: manager, VP`,
		// Thinks manager approval covers business class.
		`Business class is allowed for flights over 10 hours (§4.3). The policy does not cover lounges. Singapore is outside the EU, so the Travel Desk approves as well (§2.2).

BUSINESS CLASS: YES
LOUNGE: NOT COVERED
APPROVERS: manager, Travel Desk`,
	},
})

var travelPolicyLine = regexp.MustCompile(`(?im)^[\s*_>-]*(business class|lounge|approvers)\s*[*_]*\s*:\s*(.+?)\s*$`)

// checkTravelPolicyLines checks the three closing lines: business class YES, lounge NOT
// COVERED, and exactly the manager, Travel Desk and VP as approvers.
func checkTravelPolicyLines(_ context.Context, answer string) harness.CheckResult {
	got := map[string]string{}
	for _, m := range travelPolicyLine.FindAllStringSubmatch(answer, -1) {
		got[strings.ToLower(m[1])] = strings.Trim(m[2], "*_`. ") // the last occurrence wins
	}
	var bad []string
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }
	if g := norm(got["business class"]); g != "YES" {
		bad = append(bad, fmt.Sprintf("BUSINESS CLASS: %q, want YES", g))
	}
	if g := norm(got["lounge"]); g != "NOT COVERED" {
		bad = append(bad, fmt.Sprintf("LOUNGE: %q, want NOT COVERED", g))
	}
	var approvers []string
	for _, a := range strings.Split(got["approvers"], ",") {
		a = norm(strings.TrimPrefix(strings.TrimSpace(strings.ToLower(a)), "and "))
		a = strings.TrimPrefix(a, "THE ")
		if a != "" {
			approvers = append(approvers, a)
		}
	}
	slices.Sort(approvers)
	if want := []string{"MANAGER", "TRAVEL DESK", "VP"}; !slices.Equal(approvers, want) {
		bad = append(bad, fmt.Sprintf("APPROVERS: %v, want %v", approvers, want))
	}
	if len(bad) > 0 {
		return harness.CheckResult{Score: float64(3-len(bad)) / 3, Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestTravelPolicyQuestion(t *testing.T) { harness.Run(t, travelPolicyQuestion) }
