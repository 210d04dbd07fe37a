package noncoding

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var releaseNotePlainLanguage = harness.Register(&harness.Task{
	ID:         "release-note-plain-language",
	Category:   harness.NonCoding,
	Title:      "Translate a technical release note into plain language for customers",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"writing", "release-notes", "audience"},
	Prompt: `Below are the engineering release notes for v4.12.0 of Shopkeep, a payments dashboard for small shops. Rewrite them as a short update for our customers: shop owners who use the Shopkeep dashboard in a browser and are not technical.

- At most 150 words.
- Plain, friendly language: our readers don't know what a token, an SDK, TLS or a webhook is.
- Only what changes for them and what (if anything) they need to do. Leave out changes that only matter to developers integrating with our API.

## v4.12.0 — 2025-05-06
### Breaking
- auth: session JWTs now expire after 12h (was 30d); refresh tokens rotate on use. Clients on SDK < 3.2 must re-authenticate after upgrade.
- TLS 1.0/1.1 disabled on api.shopkeep.io and dashboard.shopkeep.io (minimum TLS 1.2). Browsers older than ~2014 (e.g. IE 10, Android 4.3 stock browser) can no longer connect.
### Added
- Idempotency-Key header on POST /v2/payments (24h dedupe window).
- Dashboard: CSV export of payouts (Payouts → Export).
### Fixed
- payout.paid webhook is retried with exponential backoff (max 6 attempts over ~2h) instead of once.
- VAT rounding: VAT is now computed per line item and then summed (was computed on the order total). Order totals can differ by ±0.01 from v4.11.`,
	Capabilities: []string{"writes for a non-technical audience", "keeps the changes that affect the reader and drops developer-only ones", "states what the reader has to do"},
	Reference: `What's new in Shopkeep (6 May 2025)

- Signing in: for your security, you'll now be asked to sign in again after 12 hours instead of staying signed in for 30 days.
- Older browsers: very old browsers (from around 2014 or earlier, such as Internet Explorer 10) can no longer open the dashboard. If you use one, please switch to an up-to-date browser like Chrome, Firefox, Edge or Safari.
- New: you can now download your payouts as a spreadsheet (CSV) from the Payouts page — just click Export.
- VAT: we now calculate VAT for each item on an order and then add it up, the way tax authorities do. Some order totals may be one cent different from before. Nothing else changes and you don't need to do anything.`,
	Checks: []harness.Check{
		harness.Contains{Label: "reader-facts", All: []string{
			"12 hours|12-hour|twelve hours|12h",
			"sign in|log in|signed in|logged in|log back in|sign back in|signed out|logged out",
			"browser",
			"export|download",
			"payout",
		}},
		harness.Matches{Label: "vat-rounding", Patterns: []string{`(?i)\bcents?\b|0[.,]01|\bpenn(y|ies)\b|\bpence\b|¢`}},
		harness.Lacks{Label: "no-jargon", Any: []string{"jwt", "tls", "idempotenc", "webhook", "sdk", "backoff", "dedupe", "refresh token"}},
		harness.Func{Label: "word-limit", Version: "1", Fn: func(_ context.Context, answer string) harness.CheckResult {
			n := len(strings.Fields(answer))
			switch {
			case n == 0:
				return harness.CheckResult{Detail: "empty answer"}
			case n > 165: // 150 asked, slack for headings and symbols
				return harness.CheckResult{Detail: fmt.Sprintf("%d words, limit 150", n)}
			}
			return harness.CheckResult{Passed: true, Score: 1}
		}},
	},
	WrongAnswers: []string{
		// Keeps the jargon.
		`Shopkeep v4.12.0: sessions (JWT) now expire after 12 hours, so you will need to log in again more often. TLS 1.0/1.1 is disabled, so old browsers no longer work. You can export payouts as CSV. The payout webhook is retried with backoff. VAT totals may differ by a cent.`,
		// Plain, but misses the VAT change and the sign-in change.
		`Good news! You can now download your payouts as a spreadsheet from the Payouts page. Also, very old browsers can no longer open the dashboard, so please keep your browser up to date.`,
	},
})

func TestReleaseNotePlainLanguage(t *testing.T) { harness.Run(t, releaseNotePlainLanguage) }
