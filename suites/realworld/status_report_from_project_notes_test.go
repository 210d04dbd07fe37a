package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var statusReportFromProjectNotes = harness.Register(&harness.Task{
	ID:         "status-report-from-project-notes",
	Category:   harness.NonCoding,
	Title:      "Write a weekly status report and next steps from raw project notes",
	Difficulty: 2,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "status-report", "summarisation", "project-management"},
	Prompt: `Below are my working notes for the billing migration project (moving subscription billing from our in-house system to Stripe). Turn them into the weekly status report for stakeholders (engineering manager, finance lead, support lead).

Format:
- First line: "OVERALL: GREEN", "OVERALL: AMBER" or "OVERALL: RED". GREEN means on track for the go-live date, AMBER means the date is at risk but still reachable, RED means it will be missed.
- Then sections "Done this week", "In progress", "Risks and blockers" and "Next steps" (each next step with an owner and, where the notes give one, a date).
- Under 250 words. Stick to the notes: don't invent dates, numbers or owners.

Today is Thursday 5 June 2025. Go-live is planned for Monday 30 June 2025.

--- notes ---
mon 2 jun
- EU customers migrated to Stripe over the weekend: 4,812 subscriptions, 0 failed. 3 had wrong VAT rates in Stripe, fixed manually by Oskar same day.
- support macros for "where is my invoice" updated (Lina)
- US migration still blocked: Stripe Tax needs our state sales-tax registrations (TX, WA, NY). Finance filed them 12 May, no answer yet.

tue 3 jun
- webhook handler: duplicate invoice.paid events caused double "payment received" emails. Fix merged (PR #1184, idempotency on event id). 
- dry run of US migration on staging: 2,967 subs, 41 failed — all customers with a legacy "grandfathered" plan that has no Stripe price. Need a decision from product on how to map them. Asked Mei.

wed 4 jun
- PR #1184 reopened: duplicates still happen when the event arrives on two pods at the same time (idempotency check isn't atomic). Oskar working on a unique constraint on event id, expects to merge Fri 6 jun.
- Finance (Hanna): if the tax registrations are not confirmed by Fri 13 jun we can't go live with US on 30 jun — Stripe needs ~2 weeks to activate tax collection. Hanna chasing the state offices daily.

thu 5 jun
- Mei: grandfathered plans → create 2 legacy prices in Stripe (monthly + annual), decision final. Ticket BILL-311 for me (Jonas), target Tue 10 jun.
- dunning emails: copy approved by support, templates still to build in Stripe (Lina, next week)
- old billing system read-only switch: planned for 1 jul, day after go-live
--- end ---`,
	Capabilities: []string{"turns chronological notes into a structured status report", "picks the right overall status from the stated criteria", "keeps owners and dates exactly as in the notes", "tracks an item that was fixed and then reopened"},
	Reference: `OVERALL: AMBER

**Done this week**
- EU customers migrated to Stripe: 4,812 subscriptions, 0 failures; 3 wrong VAT rates were corrected the same day (Oskar).
- Support macros for "where is my invoice" updated (Lina).
- Product decision on grandfathered plans: they map to two new legacy prices in Stripe, monthly and annual (Mei).
- Dunning email copy approved by support.

**In progress**
- Duplicate "payment received" emails: the first fix (PR #1184) was reopened because the idempotency check isn't atomic across pods; Oskar is adding a unique constraint on the event id, expected to merge Fri 6 June.
- US migration dry run on staging: 2,967 subscriptions, 41 failed, all on grandfathered plans — being fixed via BILL-311.

**Risks and blockers**
- US go-live is blocked on the TX, WA and NY sales-tax registrations (filed 12 May, no answer). If they are not confirmed by Fri 13 June, the US cannot go live on 30 June, because Stripe needs about two weeks to activate tax collection. Hanna is chasing the state offices daily.

**Next steps**
- Oskar: merge the unique-constraint fix for duplicate webhook events — Fri 6 June.
- Jonas: create the two legacy prices and map grandfathered plans (BILL-311) — Tue 10 June.
- Hanna: get the tax registrations confirmed — deadline Fri 13 June.
- Lina: build the dunning email templates in Stripe — next week.
- Old billing system switches to read-only on 1 July, the day after go-live.`,
	Checks: []harness.Check{
		harness.Matches{Label: "overall-amber", Patterns: []string{`(?im)^[\s*_#>-]*OVERALL[\s*_]*:[\s*_]*AMBER\b`}},
		harness.Contains{Label: "key-facts", All: []string{
			"4,812|4812|4 812",
			"tax",
			"13 jun|jun 13|june 13|13 june|13/6|6/13|2025-06-13|13th",
			"#1184|1184|reopened|re-opened|unique constraint|duplicate",
			"BILL-311|legacy price|grandfathered",
			"Oskar", "Jonas", "Hanna", "Lina",
		}},
		harness.Matches{Label: "sections", Patterns: []string{
			`(?im)^[\s*_#>-]*done this week`,
			`(?im)^[\s*_#>-]*in progress`,
			`(?im)^[\s*_#>-]*risks? (and|&) blockers?`,
			`(?im)^[\s*_#>-]*next steps`,
		}},
	},
	WrongAnswers: []string{
		// Calls the project on track and treats the reopened fix as done.
		`OVERALL: GREEN

Done this week
- EU migration complete (4,812 subscriptions).
- Duplicate payment emails fixed (PR #1184).
- Decision on grandfathered plans (BILL-311).

In progress
- US migration.

Risks and blockers
- Tax registrations pending (Hanna), needed by 13 June.

Next steps
- Jonas: BILL-311 by 10 June. Lina: dunning templates. Oskar: monitor webhooks.`,
		// Right status, but no structure and missing owners.
		`OVERALL: AMBER. EU is migrated (4,812 subscriptions). The US is blocked on tax registrations, which must be confirmed by 13 June for the 30 June go-live. The duplicate email fix was reopened, and grandfathered plans get legacy prices.`,
	},
})

func TestStatusReportFromProjectNotes(t *testing.T) { harness.Run(t, statusReportFromProjectNotes) }
