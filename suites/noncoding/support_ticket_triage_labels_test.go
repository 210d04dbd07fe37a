package noncoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var supportTicketTriageLabels = harness.Register(&harness.Task{
	ID:         "support-ticket-triage-labels",
	Category:   harness.NonCoding,
	Title:      "Classify support tickets into triage labels",
	Difficulty: 2,
	MaxTokens:  768,
	Tags:       []string{"classification", "support", "json"},
	Prompt: `Label each support ticket below with exactly one triage label.

Labels:
- "account-access": the customer cannot sign in or get into their account (passwords, 2FA, SSO, locked accounts).
- "billing": charges, refunds, invoices, payment methods, plans and prices.
- "bug": a feature of the product behaves wrongly or shows an error.
- "how-to": asks whether or how the product can do something.
- "feature-request": asks for something the product does not do.

If a ticket fits more than one label, use the first one that fits in this order:
account-access, billing, bug, how-to, feature-request.

Tickets:
T-4101: I was charged twice for the March invoice (INV-20931). Please refund one of the payments.
T-4102: Since this morning's update the CSV export downloads an empty file for any report with more than about 1000 rows.
T-4103: Any chance you could add a dark mode to the dashboard? My team works night shifts.
T-4104: My authenticator app was on my old phone and now I can't get past the 2FA screen.
T-4105: How do I add a second admin to our workspace? I can't find it anywhere in Settings.
T-4106: The password reset email never arrives, I've checked spam twice. Also, while I'm here: is the annual plan cheaper than paying monthly?
T-4107: The invoice PDFs still show our old VAT number although we changed it in the billing settings last week.
T-4108: Is there a way to have a report emailed to me every Monday morning? If not, please consider adding it.
T-4109: Clicking Save on the Team page gives "Error 500 - something went wrong". I was trying to remove a colleague who left.
T-4110: From next quarter we'd like to pay by bank transfer instead of card. Can you switch our account over?
T-4111: Since yesterday SSO login through Okta fails with "invalid SAML response" for all of our users.
T-4112: Your mobile app really needs an offline mode for our field technicians.

Reply with only a JSON object mapping each ticket id to its label, e.g. {"T-4101": "billing", ...}.`,
	Capabilities: []string{"applies label definitions consistently", "applies the precedence rule to tickets that fit two labels", "returns exact machine-readable JSON"},
	Reference: harness.Fenced("json", `{
  "T-4101": "billing",
  "T-4102": "bug",
  "T-4103": "feature-request",
  "T-4104": "account-access",
  "T-4105": "how-to",
  "T-4106": "account-access",
  "T-4107": "billing",
  "T-4108": "how-to",
  "T-4109": "bug",
  "T-4110": "billing",
  "T-4111": "account-access",
  "T-4112": "feature-request"
}`),
	Checks: []harness.Check{harness.JSONFields{Strict: true, Want: `{
  "T-4101": "billing",
  "T-4102": "bug",
  "T-4103": "feature-request",
  "T-4104": "account-access",
  "T-4105": "how-to",
  "T-4106": "account-access",
  "T-4107": "billing",
  "T-4108": "how-to",
  "T-4109": "bug",
  "T-4110": "billing",
  "T-4111": "account-access",
  "T-4112": "feature-request"
}`}},
	WrongAnswers: []string{
		// Ignores the precedence rule: labels by the most visible symptom.
		`{"T-4101": "billing", "T-4102": "bug", "T-4103": "feature-request", "T-4104": "account-access",
"T-4105": "how-to", "T-4106": "account-access", "T-4107": "bug", "T-4108": "feature-request",
"T-4109": "bug", "T-4110": "billing", "T-4111": "bug", "T-4112": "feature-request"}`,
	},
})

func TestSupportTicketTriageLabels(t *testing.T) { harness.Run(t, supportTicketTriageLabels) }
