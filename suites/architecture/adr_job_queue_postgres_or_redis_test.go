package architecture

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const adrJobQueueReference = `# ADR 0012: Background jobs in a PostgreSQL table

## Status

Accepted — 2024-06-14

## Context

The monolith sends order confirmations, PDF invoices and ERP exports inline in request handlers; slow SMTP and ERP calls cause timeouts, and a crash loses the work. We need a background job queue.

Forces:
- A job must be enqueued atomically with the business write: an order row without its confirmation job (or a job for an order that rolled back) is a customer-visible bug. Today both live in PostgreSQL.
- Volume is modest: ~50 jobs/s at peak, ~1.5 M a day; seconds of latency are fine.
- Jobs must survive restarts and deploys, be retried with backoff, and be inspectable by support.
- We are four engineers and run only a managed PostgreSQL 16. Redis would be a new production dependency to provision, secure, monitor and learn, including its persistence settings (with the default RDB snapshots, acknowledged jobs can be lost on a crash).

Options considered:
- A: a jobs table in PostgreSQL, workers claiming rows with SELECT ... FOR UPDATE SKIP LOCKED.
- B: Redis Streams with consumer groups on a new managed Redis.

## Decision

Chosen option: A, a PostgreSQL jobs table.

Handlers insert the job row in the same transaction as the business rows, so both commit or neither does. Workers claim batches with

    UPDATE jobs SET state = 'running', locked_until = now() + interval '5 minutes', attempts = attempts + 1
    WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' AND run_at <= now()
                 ORDER BY run_at LIMIT 20 FOR UPDATE SKIP LOCKED)
    RETURNING *;

A failed job goes back to queued with run_at = now() + backoff; after 10 attempts it becomes dead for manual review. A sweeper re-queues running jobs whose locked_until passed (a crashed worker). Workers use LISTEN/NOTIFY to wake up early, polling every second as a fallback. Job handlers are idempotent (keyed by job id), since a job can run twice after a lease expiry. Completed rows are deleted, or moved to a partitioned history table dropped after 14 days.

Option B is rejected: it cannot join the business transaction (we would need an outbox table in PostgreSQL anyway, plus a relay), it adds a system we do not operate today, and its throughput advantage is irrelevant at 50 jobs/s.

## Consequences

- Positive: exactly the transactional guarantee we need, with no outbox or relay; one system to back up, monitor and reason about; jobs are visible with plain SQL for support; no new vendor or credentials.
- Negative: queue traffic adds write load and dead tuples to the primary — we need autovacuum tuning on the jobs table and must delete completed jobs promptly; polling and NOTIFY add some connections. At several thousand jobs/s, or if many services need to consume the same events, this design stops fitting; we will then revisit a dedicated broker (Redis Streams, SQS or Kafka), fed by the same table used as an outbox.
- Follow-up: build the jobs table and worker library, add dashboards for queue depth, age of the oldest queued job and dead jobs, and move the three inline tasks over one by one.`

var adrJobQueuePostgresOrRedis = harness.Register(&harness.Task{
	ID:         "adr-job-queue-postgres-or-redis",
	Category:   harness.Architecture,
	Title:      "Write an ADR choosing between a PostgreSQL and a Redis job queue",
	Difficulty: 3,
	MaxTokens:  2560,
	Tags:       []string{"adr", "job-queue", "postgresql", "redis"},
	Prompt: `Write an architecture decision record (ADR 0012) for our background job queue.

Situation: our monolith sends order confirmation e-mails, renders invoice PDFs and pushes orders to the ERP inline in HTTP handlers; slow SMTP and ERP calls cause timeouts and a crash loses the work. Facts:
- an order confirmation job must exist if and only if the order was committed (today orders are written to PostgreSQL in one transaction);
- peak volume ~50 jobs per second, ~1.5 million per day; a few seconds of delay are acceptable;
- jobs must survive restarts and deploys, be retried with backoff, and support must be able to see stuck jobs;
- the team is four engineers; production runs one managed PostgreSQL 16 and nothing else stateful.

Options:
- A: a jobs table in PostgreSQL; workers claim jobs with SELECT ... FOR UPDATE SKIP LOCKED.
- B: Redis Streams with consumer groups, on a new managed Redis instance.

Use the sections Title, Status, Context, Decision and Consequences (positive and negative). In the Decision section, put the choice on its own line starting with "Chosen option:" followed by A or B, then explain. Name what would make you revisit the decision.`,
	Capabilities: []string{"ADR structure", "weighs the transactional-enqueue requirement (outbox) against throughput", "operational cost of a new stateful dependency", "honest negative consequences and a revisit trigger"},
	Reference:    adrJobQueueReference,
	Checks: []harness.Check{
		harness.Contains{Label: "adr-sections", All: []string{"Status", "Context", "Decision", "Consequences"}},
		harness.Matches{Label: "chooses-postgres", Patterns: []string{`(?im)^[\W_]*chosen option[\W_]*:[\W_]*(option\s+)?A\b`}},
		harness.Contains{Label: "key-points", All: []string{"SKIP LOCKED", "same transaction|atomic|outbox|transactional"}},
	},
	WrongAnswers: []string{strings.Replace(strings.Replace(adrJobQueueReference, "Chosen option: A, a PostgreSQL jobs table.", "Chosen option: B, Redis Streams.", 1), "# ADR 0012: Background jobs in a PostgreSQL table", "# ADR 0012: Background jobs on Redis Streams", 1)},
})

func TestADRJobQueuePostgresOrRedis(t *testing.T) { harness.Run(t, adrJobQueuePostgresOrRedis) }
