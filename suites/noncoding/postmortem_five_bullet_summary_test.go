package noncoding

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var postmortemFiveBulletSummary = harness.Register(&harness.Task{
	ID:         "postmortem-five-bullet-summary",
	Category:   harness.NonCoding,
	Title:      "Summarise an incident postmortem in five bullets",
	Difficulty: 3,
	MaxTokens:  768,
	Tags:       []string{"summarisation", "incident", "sre"},
	Prompt: `Summarise the postmortem below for the weekly engineering leadership email.

Reply with exactly 5 bullet points, each starting with "- " and at most 35 words, and nothing else. Together they must cover: the customer impact (with numbers), how long it lasted, the root cause, how it was resolved, and the follow-up actions.

---
# Postmortem: checkout failures in EU region (INC-2291)

Status: final · Severity: SEV-2 · Author: Dana Whitfield · Date of incident: 2025-04-08

## Summary
Between 14:02 and 14:49 UTC on 8 April, about 12% of checkout requests in the EU region failed with HTTP 503. 1,840 checkout attempts failed; we have no evidence that any order was charged without being recorded. The US and APAC regions were not affected.

## Timeline (UTC)
- 13:55 Deploy of payments-service v2.41.0 to eu-west-1 begins (change CHG-7730). The release includes PR #8812, which moves database settings from environment variables into config/payments.yaml.
- 14:02 First 503s from /api/checkout. Error rate climbs from 0.1% to 11.8% over four minutes.
- 14:06 PagerDuty alert "checkout 5xx > 5%" fires; on-call (Rui Alves) acknowledges at 14:08.
- 14:15 The CDN dashboard shows elevated origin latency; the team suspects the CDN and opens a ticket with the provider. The provider reports no issues on their side.
- 14:31 Rui notices payments-service logs full of "timed out waiting for a connection from pool (max_open_conns=5, in_use=5, waiting=212)".
- 14:38 Comparison with v2.40.2 shows the pool size was 50 before the release. In config/payments.yaml, max_open_conns had been written as 5 instead of 50.
- 14:41 Decision to roll back rather than hot-fix the config.
- 14:49 Rollback to v2.40.2 complete in eu-west-1; error rate back to baseline.

## Root cause
PR #8812 migrated the database pool settings to the YAML config file and set max_open_conns to 5 (a typo for 50). The same release added an extra fraud-score lookup per checkout, so each request also held its connection longer. Under normal EU afternoon traffic the pool was exhausted within minutes, requests queued for a connection until the 10-second timeout, and the load balancer returned 503. The US and APAC deploys were scheduled for the following day and never ran with the bad value.

## What went well
- Alerting fired within four minutes of the first errors.
- Rollback took eight minutes once decided.

## What went wrong
- We spent about 16 minutes investigating the CDN, which was a symptom (slow origin), not the cause.
- The config change was reviewed as a "mechanical move" and the value change was missed.
- Staging traffic is too low to exhaust a pool of 5 connections.

## Action items
1. Add schema validation for config/payments.yaml with a minimum of 20 for max_open_conns (owner: Dana Whitfield, due 2025-04-18).
2. Alert when pool wait time p95 exceeds 500 ms (owner: Rui Alves, due 2025-04-15).
3. Run a 10-minute load test at production EU peak rate in staging before payments-service releases (owner: Kenji Mori, due 2025-05-02).
4. Add "connection pool exhausted" to the checkout runbook's first-checks list (owner: Rui Alves, due 2025-04-11).
---`,
	Capabilities: []string{"selects the facts leadership needs", "states the root cause precisely, not the symptom (CDN)", "respects an exact output format and length"},
	Reference: `- Impact: for 47 minutes on 8 April (14:02–14:49 UTC) about 12% of EU checkout requests failed with 503 errors — 1,840 failed checkout attempts; US and APAC were unaffected, and no unrecorded charges were found.
- Root cause: PR #8812 moved the payments-service database settings into config/payments.yaml and set the connection pool size to 5 instead of 50, so the pool was exhausted under normal traffic.
- Contributing factors: the same release held each connection longer (extra fraud-score lookup), the value change was missed in review as a "mechanical move", and staging traffic is too low to exhaust the pool.
- Resolution: after about 16 minutes spent suspecting the CDN, on-call found pool-exhaustion errors in the logs and rolled back to v2.40.2, restoring normal error rates at 14:49.
- Follow-ups: config schema validation with a minimum pool size, an alert on pool wait time, a peak-rate load test in staging before releases, and a runbook entry for pool exhaustion.`,
	Checks: []harness.Check{
		harness.Func{Label: "five-short-bullets", Version: "1", Fn: fiveShortBullets},
		harness.Contains{Label: "required-facts", All: []string{
			"47 min|47-min|47min|14:02|forty-seven",
			"1,840|1840|1 840|1.840",
			"12%|12 %|12 percent|twelve percent",
			"pool",
			"5 instead of 50|50 to 5|from 50|of 5|to 5|5 connections|typo",
			"roll back|rolled back|rollback|reverted|revert",
			"alert",
			"validation|validate|validating|schema",
		}},
	},
	WrongAnswers: []string{
		// Right facts, wrong format: a paragraph instead of five bullets.
		`For 47 minutes about 12% of EU checkouts failed (1,840 attempts) because PR #8812 set the DB connection pool to 5 instead of 50; the team rolled back, and follow-ups add config validation and an alert on pool wait time.`,
		// Blames the symptom.
		`- Impact: 12% of EU checkout requests failed for 47 minutes (1,840 attempts).
- Root cause: the CDN had elevated origin latency and returned 503s.
- The provider was contacted and the deploy was rolled back to v2.40.2.
- Alerting fired within four minutes.
- Follow-ups: a new alert and a load test.`,
	},
})

var bulletLine = regexp.MustCompile(`^\s*(?:[-*•]|\d+[.)])\s+(.*)$`)

// fiveShortBullets passes when the answer has exactly five bullet lines of at most 40
// words each (the prompt asks for 35; a little slack for hyphenated numbers and times).
func fiveShortBullets(_ context.Context, answer string) harness.CheckResult {
	var n int
	var long []string
	for _, line := range strings.Split(answer, "\n") {
		m := bulletLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		if w := len(strings.Fields(m[1])); w > 40 {
			long = append(long, fmt.Sprintf("bullet %d has %d words", n, w))
		}
	}
	if n != 5 {
		return harness.CheckResult{Detail: fmt.Sprintf("%d bullet points, want exactly 5", n)}
	}
	if len(long) > 0 {
		return harness.CheckResult{Score: 0.5, Detail: strings.Join(long, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestPostmortemFiveBulletSummary(t *testing.T) { harness.Run(t, postmortemFiveBulletSummary) }
