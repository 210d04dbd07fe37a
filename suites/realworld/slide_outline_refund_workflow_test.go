package realworld

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var slideOutlineRefundWorkflow = harness.Register(&harness.Task{
	ID:         "slide-outline-refund-workflow",
	Category:   harness.NonCoding,
	Title:      "Turn a change brief into slide content with a fixed structure",
	Difficulty: 1,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "slides", "writing", "support"},
	Prompt: `Write the slide content for a 10-minute briefing to our customer-support agents, from this brief:

BRIEF — new refund approval workflow (owner: Sara Nyberg, Support Operations)
- Starts Monday 2 June 2025. The shared "refunds" spreadsheet becomes read-only on Friday 30 May.
- Refunds up to €50: the agent approves them directly in Zendesk with the "Refund ≤ €50" macro.
- Refunds from €50.01 to €500: the agent submits the "Refund approval" form; a team lead approves within 4 business hours.
- Refunds over €500: same form, but Finance approves, within 2 business days.
- Any order carrying a fraud flag goes to the Risk team, whatever the amount.
- Every refund needs one of five reason codes: DAMAGED, NOT_DELIVERED, WRONG_ITEM, DUPLICATE_CHARGE, GOODWILL.
- Training sessions: 27 May and 28 May, 14:00 CET (30 minutes, Teams link in the calendar invite).
- Why: refunds grew 38% last quarter, and the spreadsheet had no audit trail.

Format, exactly:
- 6 slides. Each slide starts with a line "## Slide N: <title>" (N = 1 to 6), followed by 2 to 4 bullet lines starting with "- ".
- Slide 1 is titled "New refund approval workflow"; slide 6 is titled "Questions".
- No other text.`,
	Capabilities: []string{"structures a brief into a short talk", "keeps every threshold and date exact", "follows a strict output format"},
	Reference: `## Slide 1: New refund approval workflow
- Starts Monday 2 June 2025
- Replaces the shared refunds spreadsheet (read-only from Friday 30 May)
- Owner: Sara Nyberg, Support Operations

## Slide 2: Why we are changing
- Refunds grew 38% last quarter
- The spreadsheet had no audit trail
- Clear limits: faster for small refunds, controlled for large ones

## Slide 3: Who approves what
- Up to €50: you approve directly in Zendesk with the "Refund ≤ €50" macro
- €50.01–€500: submit the "Refund approval" form; a team lead approves within 4 business hours
- Over €500: same form; Finance approves within 2 business days
- Fraud-flagged orders always go to the Risk team, whatever the amount

## Slide 4: Reason codes are mandatory
- Every refund needs exactly one reason code
- DAMAGED, NOT_DELIVERED, WRONG_ITEM
- DUPLICATE_CHARGE, GOODWILL

## Slide 5: Training and timeline
- Training: 27 May or 28 May, 14:00 CET, 30 minutes (Teams link in the invite)
- 30 May: spreadsheet becomes read-only
- 2 June: new workflow goes live

## Slide 6: Questions
- Ask Sara Nyberg (Support Operations)
- Or bring your questions to the training sessions`,
	Checks: []harness.Check{
		harness.Func{Label: "slide-structure", Version: "1", Fn: checkRefundSlides},
		harness.Matches{Label: "thresholds", Patterns: []string{
			`(?i)(€ ?50|\bEUR ?50)([^0-9.,]|$)|\b50 ?(€|EUR\b)`,
			`(?i)(€ ?500|\bEUR ?500)([^0-9]|$)|\b500 ?(€|EUR\b)`,
		}},
		harness.Contains{Label: "brief-facts", All: []string{
			"2 June|June 2|2/6|06-02|2nd June|June 2nd",
			"team lead",
			"finance",
			"risk",
			"reason code",
			"27 May|May 27|27/5|27th",
		}},
	},
	WrongAnswers: []string{
		// Good content, but five slides and a paragraph.
		`## Slide 1: New refund approval workflow
- Starts 2 June 2025; the spreadsheet is read-only from 30 May

## Slide 2: Who approves what
- Up to €50: agent, via the Zendesk macro
- €50.01–€500: team lead, within 4 business hours
- Over €500: Finance, within 2 business days
- Fraud flags go to the Risk team

## Slide 3: Reason codes
- Every refund needs a reason code: DAMAGED, NOT_DELIVERED, WRONG_ITEM, DUPLICATE_CHARGE, GOODWILL

## Slide 4: Training
- 27 May and 28 May, 14:00 CET

## Slide 5: Questions
- Ask Sara Nyberg

Thanks everyone, this will make refunds faster and safer.`,
		// Right shape, wrong thresholds.
		`## Slide 1: New refund approval workflow
- Starts 2 June 2025
- Replaces the refunds spreadsheet

## Slide 2: Why
- Refunds grew 38% last quarter
- No audit trail

## Slide 3: Approvals
- Up to €100: approve yourself in Zendesk
- Above €100: team lead approves
- Fraud flags: Risk team

## Slide 4: Reason codes
- Every refund needs a reason code
- Five codes, e.g. DAMAGED and GOODWILL

## Slide 5: Training
- 27 May and 28 May, 14:00 CET
- 30 minutes on Teams

## Slide 6: Questions
- Ask Sara Nyberg
- Finance handles nothing new`,
	},
})

var (
	slideHeading = regexp.MustCompile(`^#{1,3}\s*Slide\s+(\d+)\s*[:.–-]\s*(.+?)\s*$`)
	slideBullet  = regexp.MustCompile(`^\s*[-*•]\s+\S`)
)

// checkRefundSlides checks the exact slide format: six numbered slides, 2–4 bullets
// each, the fixed first and last titles, and nothing else.
func checkRefundSlides(_ context.Context, answer string) harness.CheckResult {
	type slide struct {
		n       int
		title   string
		bullets int
	}
	var slides []slide
	var bad []string
	for _, line := range strings.Split(strings.TrimSpace(answer), "\n") {
		l := strings.TrimSpace(strings.ReplaceAll(line, "**", ""))
		switch m := slideHeading.FindStringSubmatch(l); {
		case m != nil:
			var n int
			fmt.Sscan(m[1], &n)
			slides = append(slides, slide{n: n, title: m[2]})
		case l == "":
		case slideBullet.MatchString(l) && len(slides) > 0:
			slides[len(slides)-1].bullets++
		default:
			bad = append(bad, fmt.Sprintf("stray line %q", clipString(l, 60)))
		}
	}
	if len(slides) != 6 {
		bad = append(bad, fmt.Sprintf("%d slides, want 6", len(slides)))
	}
	for i, s := range slides {
		if s.n != i+1 {
			bad = append(bad, fmt.Sprintf("slide %d is numbered %d", i+1, s.n))
		}
		if s.bullets < 2 || s.bullets > 4 {
			bad = append(bad, fmt.Sprintf("slide %d has %d bullets, want 2 to 4", i+1, s.bullets))
		}
	}
	if len(slides) > 0 && !strings.EqualFold(strings.Trim(slides[0].title, `"*_ `), "New refund approval workflow") {
		bad = append(bad, fmt.Sprintf("slide 1 is titled %q", slides[0].title))
	}
	if len(slides) == 6 && !strings.EqualFold(strings.Trim(slides[5].title, `"*_ `), "Questions") {
		bad = append(bad, fmt.Sprintf("slide 6 is titled %q", slides[5].title))
	}
	if len(bad) > 0 {
		return harness.CheckResult{Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func clipString(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func TestSlideOutlineRefundWorkflow(t *testing.T) { harness.Run(t, slideOutlineRefundWorkflow) }
