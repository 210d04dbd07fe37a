package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var redisLockFencingReview = harness.Register(&harness.Task{
	ID:         "redis-lock-fencing-review",
	Category:   harness.Architecture,
	Title:      "Review a Redis-lock design protecting ledger writes",
	Difficulty: 5,
	MaxTokens:  3072,
	Tags:       []string{"distributed-locks", "redis", "correctness", "design-review"},
	Prompt: `Please review this design note before we ship it. Focus on correctness: can money be lost or created?

    Ledger writer — design note

    Several ledger-writer workers (Go, 12 pods) consume "apply transaction" jobs.
    Two jobs for the same account must never be applied at the same time, so each
    worker takes a per-account lock in Redis:

      1. SET lock:acct:{id} 1 NX PX 10000      -- lock with a 10 s expiry, so a
                                                 crashed worker cannot block an account
      2. if SET returned nil: requeue the job with a 200 ms delay, stop
      3. SELECT balance FROM accounts WHERE id = $1           (PostgreSQL)
      4. compute new balance; call the fraud-scoring API (p99 800 ms, sometimes 15 s)
      5. UPDATE accounts SET balance = $new WHERE id = $1
      6. INSERT INTO ledger_entries (...)
      7. DEL lock:acct:{id}

    Redis: one primary with an asynchronous replica, automatic failover by Sentinel.
    The pods run with GOGC=off during batch imports and occasionally pause for
    several seconds.

List the correctness problems, each with a concrete interleaving that shows the damage, and propose a fixed design. Say whether the Redis lock is still needed in your design.`,
	Capabilities: []string{"lock expiry during a slow call or pause lets two holders proceed (lost update)", "DEL without an ownership check releases another worker's lock", "async replication + failover can lose the lock", "fencing tokens or making the database itself enforce the invariant (row lock / conditional update / version)", "steps 5 and 6 need one transaction"},
	Reference: `Problems

1. The lock can expire while its holder is still working. Worker A locks account 42 (10 s), reads balance 100, then the fraud API takes 15 s (or the pod pauses). At t=10 s the key expires; worker B locks, reads 100, applies −30 and writes 70. A wakes up and writes 100 − 50 = 50 computed from its stale read. B's debit is lost: money created. The expiry that protects against crashes makes mutual exclusion time-based, and nothing in steps 5–6 notices the lock is gone.

2. DEL releases someone else's lock. Continuing the interleaving: A finishes and runs DEL lock:acct:42 — but the key now belongs to B (A's expired). A third worker C can lock immediately and run concurrently with B. The value is always "1", so nobody can tell whose lock it is. Fix for this part alone: a random token as the value and a compare-and-delete Lua script (if GET == token then DEL).

3. Failover loses locks. A's SET is acknowledged by the primary, which crashes before replicating; Sentinel promotes the replica, which has no lock:acct:42, and B acquires it while A is still running. Asynchronous replication gives no guarantee here (WAIT does not make it safe either, and Redlock has the same timing assumptions as problem 1).

4. Steps 5 and 6 are not atomic. A crash between them leaves the balance changed without a ledger entry (or, if the job is retried, applied twice). And the job itself can be delivered twice after a requeue, so applying it is not idempotent.

The underlying issue: a lease-based lock in another system cannot guarantee mutual exclusion for writes into PostgreSQL; the storage must reject writes from a holder whose lease is over. That is what fencing tokens do — or, here, simply let PostgreSQL be the lock, since all the state lives there.

Fixed design

- One PostgreSQL transaction per job:
    BEGIN;
    SELECT balance, version FROM accounts WHERE id = $1 FOR UPDATE;   -- row lock, held until commit
    INSERT INTO applied_jobs (job_id) VALUES ($2);                      -- unique: a redelivered job fails here → ack and skip
    UPDATE accounts SET balance = $new, version = version + 1 WHERE id = $1;
    INSERT INTO ledger_entries (...);
    COMMIT;
  The row lock cannot "expire" while the transaction is alive, and it dies with the connection if the worker crashes, so there is no time-based assumption.
- Don't hold the row lock across the fraud call: call the fraud-scoring API before the transaction (it only needs the transaction data), or use optimistic concurrency instead of FOR UPDATE: read balance and version without locking, call the API, then UPDATE accounts SET balance = $new, version = version + 1 WHERE id = $1 AND version = $read_version; zero rows updated → someone else wrote first → re-read and recompute (or retry the job). The version check is the fencing token, enforced by the database.
- Alternatively, derive balances from ledger_entries with a CHECK/trigger-maintained running balance, so every change is an append in the same transaction.
- Set statement and idle-in-transaction timeouts so a paused worker's transaction is eventually aborted and rolled back — safe, because nothing was committed.

Is the Redis lock still needed? Not for correctness. At most it can stay as an optimisation to reduce contention (fewer optimistic retries for hot accounts); if kept, it must use a unique token with compare-and-delete, and the database version check remains the real guard. If we ever keep a lock outside the database for correctness, it must hand out a monotonically increasing fencing token that the storage checks on every write (e.g. WHERE last_token < $token).`,
	Checks: []harness.Check{harness.Contains{All: []string{
		"expire|expiry|expires|TTL|lease",
		"pause|GC|stop-the-world|slow|15 s|15s",
		"fencing|version|compare-and-set|compare-and-swap|CAS|optimistic|FOR UPDATE|row lock",
		"failover|replica|replication",
		"token|owner|ownership|random value|unique value|compare-and-delete",
		"transaction",
	}}},
	WrongAnswers: []string{`The design is mostly fine. Raise the lock expiry to 60 s so the fraud call always fits, and use Redlock across three Redis instances to survive failover. Consider lowering the requeue delay to 50 ms.`},
})

func TestRedisLockFencingReview(t *testing.T) { harness.Run(t, redisLockFencingReview) }
