package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var swedishOrderChangeEmailExtraction = harness.Register(&harness.Task{
	ID:         "swedish-order-change-email-extraction",
	Category:   harness.NonCoding,
	Title:      "Extract an order change from a Swedish customer e-mail into JSON",
	Difficulty: 3,
	MaxTokens:  1024,
	Tags:       []string{"real-world", "extraction", "json", "swedish", "email"},
	Prompt: `Our order desk gets e-mails like the one below. Extract the changed order into JSON so it can be entered into the ERP.

Fields (use exactly these names):
- "customer_company", "contact_name", "contact_email", "organisation_number" (strings)
- "customer_order_number": the customer's own order number; "supplier_order_number": our order number (strings)
- "items": the order lines as they stand after the changes, in the order the e-mail mentions them, each {"article_number": string, "quantity": number, "unit_price_sek": number}; lines that are removed are not included
- "removed_article_numbers": array of strings
- "stated_total_excl_vat_sek": the total the customer writes (number); "computed_total_excl_vat_sek": your own sum of quantity × unit price over "items" (number)
- "delivery_deadline": "YYYY-MM-DD"
- "payment_terms_days": number
Amounts are plain numbers in kronor (1 250,50 kr → 1250.5). Reply with only the JSON object.

---
Från: Karin Lindqvist <karin.lindqvist@nordbygg.se>
Till: order@stalprofil.se
Datum: tisdag 6 maj 2025 08:47
Ämne: Ändring av beställning PO-2025-0417 (ert ordernr 88213)

Hej Mattias,

Tack för orderbekräftelsen i fredags. Vi behöver göra några ändringar i vår beställning PO-2025-0417 (ert ordernummer 88213):

1. Art.nr 4471-B, galvaniserad vinkelprofil 50x50: öka från 10 till 15 st à 1 250,00 kr.
2. Art.nr 2209, takplåt TP20 svart: stryk raden helt, vi har hittat det lokalt.
3. Art.nr 3150-K, skruv 4,8x35 (burk à 250 st): oförändrat 12 burkar à 389,50 kr.
4. Lägg till art.nr 5002, hörnbeslag 90°: 40 st à 42,75 kr.

Det ger en ny ordersumma på 24 884,00 kr exkl. moms, om jag räknat rätt.

Leveransen måste vara framme på bygget senast fredag den 16 maj. Adressen är oförändrad (Sjöviksvägen 12, 117 58 Stockholm), märk godset "Etapp 2 – Lindqvist". Betalningsvillkor som tidigare, 30 dagar netto.

Hör av dig om något är oklart!

Med vänliga hälsningar
Karin Lindqvist
Inköpsansvarig
Nordbygg Entreprenad AB
Org.nr 556677-8899
Tel 08-123 456 78
---`,
	Capabilities: []string{"reads Swedish business e-mail", "applies the requested changes to get the final order lines", "parses Swedish number formats (space thousands, decimal comma)", "recomputes a total instead of trusting the one stated"},
	Reference: harness.Fenced("json", `{
  "customer_company": "Nordbygg Entreprenad AB",
  "contact_name": "Karin Lindqvist",
  "contact_email": "karin.lindqvist@nordbygg.se",
  "organisation_number": "556677-8899",
  "customer_order_number": "PO-2025-0417",
  "supplier_order_number": "88213",
  "items": [
    {"article_number": "4471-B", "quantity": 15, "unit_price_sek": 1250.00},
    {"article_number": "3150-K", "quantity": 12, "unit_price_sek": 389.50},
    {"article_number": "5002", "quantity": 40, "unit_price_sek": 42.75}
  ],
  "removed_article_numbers": ["2209"],
  "stated_total_excl_vat_sek": 24884.00,
  "computed_total_excl_vat_sek": 25134.00,
  "delivery_deadline": "2025-05-16",
  "payment_terms_days": 30
}`),
	Checks: []harness.Check{harness.JSONFields{Want: `{
  "customer_company": "Nordbygg Entreprenad AB",
  "contact_name": "Karin Lindqvist",
  "contact_email": "karin.lindqvist@nordbygg.se",
  "organisation_number": "556677-8899",
  "customer_order_number": "PO-2025-0417",
  "supplier_order_number": "88213",
  "items": [
    {"article_number": "4471-B", "quantity": 15, "unit_price_sek": 1250},
    {"article_number": "3150-K", "quantity": 12, "unit_price_sek": 389.5},
    {"article_number": "5002", "quantity": 40, "unit_price_sek": 42.75}
  ],
  "removed_article_numbers": ["2209"],
  "stated_total_excl_vat_sek": 24884,
  "computed_total_excl_vat_sek": 25134,
  "delivery_deadline": "2025-05-16",
  "payment_terms_days": 30
}`}},
	WrongAnswers: []string{
		// Keeps the original quantity and copies the stated total as the computed one.
		`{"customer_company": "Nordbygg Entreprenad AB", "contact_name": "Karin Lindqvist", "contact_email": "karin.lindqvist@nordbygg.se",
"organisation_number": "556677-8899", "customer_order_number": "PO-2025-0417", "supplier_order_number": "88213",
"items": [{"article_number": "4471-B", "quantity": 10, "unit_price_sek": 1250}, {"article_number": "3150-K", "quantity": 12, "unit_price_sek": 389.5}, {"article_number": "5002", "quantity": 40, "unit_price_sek": 42.75}],
"removed_article_numbers": ["2209"], "stated_total_excl_vat_sek": 24884, "computed_total_excl_vat_sek": 24884,
"delivery_deadline": "2025-05-16", "payment_terms_days": 30}`,
		// Reads "389,50" as 38950 and mixes up the order numbers.
		`{"customer_company": "Nordbygg Entreprenad AB", "contact_name": "Karin Lindqvist", "contact_email": "karin.lindqvist@nordbygg.se",
"organisation_number": "556677-8899", "customer_order_number": "88213", "supplier_order_number": "PO-2025-0417",
"items": [{"article_number": "4471-B", "quantity": 15, "unit_price_sek": 1250}, {"article_number": "3150-K", "quantity": 12, "unit_price_sek": 38950}, {"article_number": "5002", "quantity": 40, "unit_price_sek": 4275}],
"removed_article_numbers": ["2209"], "stated_total_excl_vat_sek": 24884, "computed_total_excl_vat_sek": 658950,
"delivery_deadline": "2025-05-16", "payment_terms_days": 30}`,
	},
})

func TestSwedishOrderChangeEmailExtraction(t *testing.T) {
	harness.Run(t, swedishOrderChangeEmailExtraction)
}
