package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var idempotentWebhookHandling = harness.Register(&harness.Task{
	ID:         "idempotent-webhook-handling",
	Category:   harness.Architecture,
	Title:      "Design idempotent handling of payment-provider webhooks",
	Difficulty: 3,
	MaxTokens:  2560,
	Tags:       []string{"webhooks", "idempotency", "payments", "distributed-systems"},
	Prompt: `We receive webhooks from our payment provider and currently process them inline in the HTTP handler. Twice last month a customer's subscription was extended twice for one payment, and once a "payment_failed" that arrived after the matching "payment_succeeded" suspended a paying customer.

What the provider documents:
- delivery is at least once; if we do not answer 2xx within 10 seconds it retries with backoff for up to 3 days;
- events can arrive in any order;
- every event has a unique id (evt_...), a type, a created timestamp, and the full current state of the object it concerns (e.g. the payment with its status and an updated_at);
- each request is signed: header Provider-Signature = HMAC-SHA256 of timestamp + "." + raw body with our endpoint secret, timestamp included in the header.

Our side: a Go service with PostgreSQL, three replicas behind a load balancer; processing an event can take up to 30 seconds (it calls our billing service and sends e-mail).

Design the webhook handling: what the HTTP handler does and in what order, how duplicates are made harmless, how out-of-order events are handled, how the slow processing fits the 10-second limit, and what happens when processing fails. Include the table(s) you would add (a CREATE TABLE is fine). About 400–600 words.`,
	Capabilities: []string{"verifies the signature on the raw body and rejects stale timestamps", "deduplicates by event id with a unique constraint", "acknowledges fast and processes asynchronously", "orders by object version/updated_at rather than arrival", "makes side effects idempotent"},
	Reference: `Handler (synchronous part, well under 10 s)
1. Read the raw body (with a size limit) before any JSON parsing.
2. Verify Provider-Signature: recompute HMAC-SHA256(secret, timestamp + "." + raw body), compare with hmac.Equal (constant time), and reject timestamps more than 5 minutes old to stop replays. Failure → 400/401, nothing stored.
3. Parse the event and, in one transaction, insert it into webhook_events:

    CREATE TABLE webhook_events (
      event_id     text PRIMARY KEY,          -- evt_..., the dedup key
      type         text NOT NULL,
      object_id    text NOT NULL,
      object_updated_at timestamptz NOT NULL,
      payload      jsonb NOT NULL,
      received_at  timestamptz NOT NULL DEFAULT now(),
      status       text NOT NULL DEFAULT 'pending', -- pending|done|failed|skipped
      attempts     int  NOT NULL DEFAULT 0,
      last_error   text
    );

   INSERT ... ON CONFLICT (event_id) DO NOTHING. A duplicate delivery hits the conflict and is simply acknowledged.
4. Return 200 (or 204) immediately after the commit — for new events and for duplicates alike. We answer 2xx only once the event is durably stored, so a crash before commit makes the provider retry, which is what we want.

Processing (asynchronous)
- Workers on all three replicas claim pending rows with SELECT ... FOR UPDATE SKIP LOCKED (ordered by received_at), so each event is processed by one worker at a time, and the 30-second work no longer runs inside the provider's 10-second window.
- Out-of-order: the event carries the full object state, so we do not apply events as deltas in arrival order. A payments_state table keeps, per object_id, the last applied object_updated_at. A worker applies an event only if its object_updated_at is newer (UPDATE ... WHERE last_updated_at < $new); an older event (the late payment_failed) is marked skipped. Decisions are made from the object's current status, not from the event type.
- Idempotent side effects: the retry of a half-processed event must not extend a subscription twice. The billing call carries an idempotency key derived from the event id (or the payment id for "extend for this payment"), and the extension is recorded in a table with a unique constraint on payment_id in the same transaction as the state change. E-mails are sent from an outbox row keyed by event id, so a retry cannot send a second one.
- Per object, workers serialize through the row lock on payments_state (SELECT ... FOR UPDATE), so two events for the same payment are not applied concurrently.

Failures
- A failed attempt sets status back to pending with attempts+1, last_error and a next_attempt_at with exponential backoff; after N attempts it becomes failed and alerts. Failed events can be replayed from the stored payload, and, since the provider keeps events, we can also refetch the object from its API to reconcile.
- A nightly reconciliation compares our subscription state with the provider's API for recently changed payments, catching anything lost before we stored it.

Why this fixes both incidents: the duplicate extension is stopped twice over (event_id primary key, and a unique payment_id on the extension record); the late payment_failed is skipped because its object_updated_at is older than the payment_succeeded state already applied.`,
	Checks: []harness.Check{harness.Contains{All: []string{
		"event id|event_id|evt_|eventid",
		"unique|primary key|ON CONFLICT",
		"hmac|signature",
		"2xx|200|204",
		"queue|asynchronous|async|background|worker",
		"updated_at|version|timestamp|sequence",
	}}},
	WrongAnswers: []string{`Keep processing inline but make it faster: cache the billing call and send e-mails in a goroutine, so we answer within 10 seconds. Return 500 on any error so the provider retries. Verify the signature by parsing the JSON and re-serialising it before computing the HMAC.`},
})

func TestIdempotentWebhookHandling(t *testing.T) { harness.Run(t, idempotentWebhookHandling) }
