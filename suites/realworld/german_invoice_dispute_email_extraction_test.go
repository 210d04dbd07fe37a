package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var germanInvoiceDisputeEmailExtraction = harness.Register(&harness.Task{
	ID:         "german-invoice-dispute-email-extraction",
	Category:   harness.NonCoding,
	Title:      "Extract an invoice dispute from a German business e-mail into JSON",
	Difficulty: 4,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "extraction", "json", "german", "email", "accounting"},
	Prompt: `Accounts receivable wants disputes like the one below captured as JSON for the dunning system.

Fields (use exactly these names):
- "invoice_number", "customer_number", "delivery_note", "article_number" (strings)
- "invoice_date": "YYYY-MM-DD"; "invoice_total_gross_eur": number
- "delivered_units", "damaged_units": numbers
- "credit_requested_net_eur", "credit_requested_gross_eur": numbers (gross = net plus the VAT rate the e-mail states, rounded to cents)
- "amount_to_be_paid_eur": what the customer will transfer (compute it if the e-mail doesn't state it), number
- "payment_date": "YYYY-MM-DD", the date by which they will pay
- "replacement_wanted": boolean
- "pickup_deadline": "YYYY-MM-DD"
- "contact_name": first and last name only, no title; "company" (strings); "vat_id": the customer's VAT id without spaces
Amounts are plain numbers in euros (1.234,56 € → 1234.56). Reply with only the JSON object.

---
Von: Dr. Katrin Vogel <k.vogel@hansen-logistik.de>
An: buchhaltung@monitorwerk.de
Datum: Mittwoch, 9. April 2025 11:32
Betreff: Reklamation zu Rechnung RE-2025-10387 – Kundennr. KD-20931

Sehr geehrte Damen und Herren,

bezugnehmend auf Ihre Rechnung RE-2025-10387 vom 28.03.2025 über 5.783,40 € (brutto) teilen wir Ihnen mit, dass drei der zwölf gelieferten Monitore (Art.-Nr. MW-27Q, Lieferschein LS-55120 vom 26.03.2025) mit gebrochenem Display bei uns angekommen sind. Fotos und das Schadensprotokoll des Spediteurs finden Sie im Anhang.

Wir bitten um eine Gutschrift für die drei beschädigten Geräte, also 3 × 405,00 € netto zuzüglich 19 % MwSt. Eine Ersatzlieferung wünschen wir nicht.

Den unstrittigen Restbetrag überweisen wir unter Abzug der Gutschrift bis zum 15. April 2025. Ihre Zahlungserinnerung vom 7. April betrachten wir damit als erledigt.

Die beschädigten Monitore halten wir bis zum 30. April zur Abholung bereit (Lager Tor 4, Werner-von-Siemens-Str. 18, 22113 Hamburg).

Mit freundlichen Grüßen

Dr. Katrin Vogel
Leiterin Einkauf
Hansen Logistik GmbH
Tel. +49 40 555 123-40
USt-IdNr. DE 812 345 678
---`,
	Capabilities: []string{"reads German business e-mail", "parses German number and date formats", "computes VAT and the remaining amount", "does not confuse similar dates (invoice, delivery note, reminder, payment, pickup)"},
	Reference: harness.Fenced("json", `{
  "invoice_number": "RE-2025-10387",
  "customer_number": "KD-20931",
  "delivery_note": "LS-55120",
  "article_number": "MW-27Q",
  "invoice_date": "2025-03-28",
  "invoice_total_gross_eur": 5783.40,
  "delivered_units": 12,
  "damaged_units": 3,
  "credit_requested_net_eur": 1215.00,
  "credit_requested_gross_eur": 1445.85,
  "amount_to_be_paid_eur": 4337.55,
  "payment_date": "2025-04-15",
  "replacement_wanted": false,
  "pickup_deadline": "2025-04-30",
  "contact_name": "Katrin Vogel",
  "company": "Hansen Logistik GmbH",
  "vat_id": "DE812345678"
}`),
	Checks: []harness.Check{harness.JSONFields{Want: `{
  "invoice_number": "RE-2025-10387",
  "customer_number": "KD-20931",
  "delivery_note": "LS-55120",
  "article_number": "MW-27Q",
  "invoice_date": "2025-03-28",
  "invoice_total_gross_eur": 5783.4,
  "delivered_units": 12,
  "damaged_units": 3,
  "credit_requested_net_eur": 1215,
  "credit_requested_gross_eur": 1445.85,
  "amount_to_be_paid_eur": 4337.55,
  "payment_date": "2025-04-15",
  "replacement_wanted": false,
  "pickup_deadline": "2025-04-30",
  "contact_name": "Katrin Vogel",
  "company": "Hansen Logistik GmbH",
  "vat_id": "DE812345678"
}`}},
	WrongAnswers: []string{
		// Subtracts the net credit from the gross total and takes the reminder date as the invoice date.
		`{"invoice_number": "RE-2025-10387", "customer_number": "KD-20931", "delivery_note": "LS-55120", "article_number": "MW-27Q",
"invoice_date": "2025-04-07", "invoice_total_gross_eur": 5783.40, "delivered_units": 12, "damaged_units": 3,
"credit_requested_net_eur": 1215.00, "credit_requested_gross_eur": 1445.85, "amount_to_be_paid_eur": 4568.40,
"payment_date": "2025-04-15", "replacement_wanted": false, "pickup_deadline": "2025-04-30",
"contact_name": "Katrin Vogel", "company": "Hansen Logistik GmbH", "vat_id": "DE812345678"}`,
		// Reads "5.783,40" as 5.7834 and keeps the title.
		`{"invoice_number": "RE-2025-10387", "customer_number": "KD-20931", "delivery_note": "LS-55120", "article_number": "MW-27Q",
"invoice_date": "2025-03-28", "invoice_total_gross_eur": 5.7834, "delivered_units": 12, "damaged_units": 3,
"credit_requested_net_eur": 1215.00, "credit_requested_gross_eur": 1445.85, "amount_to_be_paid_eur": 4337.55,
"payment_date": "2025-04-15", "replacement_wanted": false, "pickup_deadline": "2025-04-30",
"contact_name": "Dr. Katrin Vogel", "company": "Hansen Logistik GmbH", "vat_id": "DE 812 345 678"}`,
	},
})

func TestGermanInvoiceDisputeEmailExtraction(t *testing.T) {
	harness.Run(t, germanInvoiceDisputeEmailExtraction)
}
