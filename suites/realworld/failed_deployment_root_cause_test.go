package realworld

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var failedDeploymentRootCause = harness.Register(&harness.Task{
	ID:         "failed-deployment-root-cause",
	Category:   harness.NonCoding,
	Title:      "Diagnose a failed Kubernetes deployment from pipeline, pod and application logs",
	Difficulty: 5,
	MaxTokens:  1536,
	Tags:       []string{"real-world", "logs", "kubernetes", "diagnosis", "postgres"},
	Prompt: `Our deploy of payments-api to production failed and was rolled back automatically. The same commit deployed fine to staging an hour earlier. Below is everything I collected. What caused it?

Explain the root cause (not the symptoms) and the evidence for it, say whether production is affected right now, and how to fix it so the next deploy succeeds. End with exactly two lines:
ROOT CAUSE: <one sentence>
FIX: <one sentence>

--- CD pipeline (run #4411, merge of PR #2381, commit 9f2c1ab) ---
2025-05-12T09:14:02Z [ci] building image registry.acme.io/payments/payments-api:9f2c1ab
2025-05-12T09:16:40Z [ci] pushed registry.acme.io/payments/payments-api:9f2c1ab digest=sha256:4be17c09d2a1f0e6
2025-05-12T09:16:44Z [cd] kubectl apply -k overlays/prod
2025-05-12T09:16:45Z [cd] Warning: policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget
2025-05-12T09:16:45Z [cd] configmap/payments-api-config-7h2m9k unchanged
2025-05-12T09:16:45Z [cd] deployment.apps/payments-api configured
2025-05-12T09:16:45Z [cd] poddisruptionbudget.policy/payments-api unchanged
2025-05-12T09:16:45Z [cd] kubectl rollout status deployment/payments-api -n payments --timeout=10m
2025-05-12T09:16:46Z [cd] Waiting for deployment "payments-api" rollout to finish: 1 out of 6 new replicas have been updated...
2025-05-12T09:21:46Z [cd] Waiting for deployment "payments-api" rollout to finish: 1 out of 6 new replicas have been updated...
2025-05-12T09:26:45Z [cd] error: deployment "payments-api" exceeded its progress deadline
2025-05-12T09:26:46Z [cd] rolling back: kubectl rollout undo deployment/payments-api -n payments
2025-05-12T09:26:47Z [cd] deployment.apps/payments-api rolled back
2025-05-12T09:26:47Z [cd] ##[error]Deploy failed: rollout of payments-api:9f2c1ab did not complete

--- kubectl get pods -n payments (09:26:30) ---
NAME                            READY   STATUS             RESTARTS      AGE
payments-api-7d9f8c6b5-2xkqp    1/1     Running            0             3d4h
payments-api-7d9f8c6b5-8hj2d    1/1     Running            0             3d4h
payments-api-7d9f8c6b5-c4n7w    1/1     Running            0             3d4h
payments-api-7d9f8c6b5-kq2vx    1/1     Running            0             3d4h
payments-api-7d9f8c6b5-t9mfl    1/1     Running            0             3d4h
payments-api-5c4b9d7f8-qm7zt    0/1     CrashLoopBackOff   6 (32s ago)   9m44s

--- kubectl top pods -n payments (09:26:31) ---
NAME                            CPU(cores)   MEMORY(bytes)
payments-api-7d9f8c6b5-2xkqp    212m         431Mi
payments-api-7d9f8c6b5-8hj2d    198m         427Mi
payments-api-7d9f8c6b5-c4n7w    240m         440Mi
payments-api-7d9f8c6b5-kq2vx    187m         418Mi
payments-api-7d9f8c6b5-t9mfl    205m         436Mi

--- kubectl describe pod payments-api-5c4b9d7f8-qm7zt -n payments (excerpt) ---
Containers:
  api:
    Image:          registry.acme.io/payments/payments-api:9f2c1ab
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Mon, 12 May 2025 09:25:50 +0000
      Finished:     Mon, 12 May 2025 09:25:52 +0000
    Ready:          False
    Restart Count:  6
    Limits:
      cpu:     1
      memory:  512Mi
    Requests:
      cpu:      250m
      memory:   256Mi
    Readiness:  http-get http://:8080/readyz delay=5s timeout=2s period=5s #success=1 #failure=3
Events:
  Type     Reason     Age                    From               Message
  ----     ------     ----                   ----               -------
  Normal   Scheduled  9m45s                  default-scheduler  Successfully assigned payments/payments-api-5c4b9d7f8-qm7zt to ip-10-2-41-17.eu-west-1.compute.internal
  Normal   Pulling    9m44s                  kubelet            Pulling image "registry.acme.io/payments/payments-api:9f2c1ab"
  Normal   Pulled     9m3s                   kubelet            Successfully pulled image "registry.acme.io/payments/payments-api:9f2c1ab" in 41.2s (41.2s including waiting)
  Normal   Created    41s (x7 over 9m2s)     kubelet            Created container api
  Normal   Started    41s (x7 over 9m2s)     kubelet            Started container api
  Warning  Unhealthy  8m55s (x2 over 9m)     kubelet            Readiness probe failed: Get "http://10.2.41.88:8080/readyz": dial tcp 10.2.41.88:8080: connect: connection refused
  Warning  BackOff    32s (x37 over 8m50s)   kubelet            Back-off restarting failed container api in pod payments-api-5c4b9d7f8-qm7zt_payments(4f1d6a2e-9c1b-4f0e-a7d2-8b5c3e9f0a14)

--- kubectl logs payments-api-5c4b9d7f8-qm7zt -n payments --previous ---
{"time":"2025-05-12T09:25:50.311Z","level":"INFO","msg":"starting payments-api","version":"9f2c1ab","go":"go1.24.3"}
{"time":"2025-05-12T09:25:50.318Z","level":"INFO","msg":"config loaded","env":"prod","db_host":"payments-db.internal:5432","redis_addr":"10.2.9.14:6379"}
{"time":"2025-05-12T09:25:51.320Z","level":"WARN","msg":"redis dial failed, retrying","error":"dial tcp 10.2.9.14:6379: i/o timeout","attempt":1}
{"time":"2025-05-12T09:25:51.402Z","level":"INFO","msg":"redis connected","addr":"10.2.9.14:6379","attempt":2}
{"time":"2025-05-12T09:25:51.455Z","level":"INFO","msg":"database connected","host":"payments-db.internal:5432","pool_max":20}
{"time":"2025-05-12T09:25:51.470Z","level":"INFO","msg":"running database migrations","current":"20250428_1","target":"20250509_1","pending":1}
{"time":"2025-05-12T09:25:51.471Z","level":"INFO","msg":"applying migration","version":"20250509_1","name":"add_invoice_currency"}
{"time":"2025-05-12T09:25:52.906Z","level":"ERROR","msg":"migration failed, transaction rolled back","version":"20250509_1","statement":"ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL","error":"ERROR: column \"currency\" of relation \"invoices\" contains null values (SQLSTATE 23502)"}
{"time":"2025-05-12T09:25:52.907Z","level":"ERROR","msg":"startup failed","error":"migrate: 20250509_1 add_invoice_currency: ERROR: column \"currency\" of relation \"invoices\" contains null values (SQLSTATE 23502)"}`,
	Capabilities: []string{"separates the root cause from symptoms and red herrings (probe failures, memory, Redis retry, deprecation warning)", "reads a Postgres error and knows why it only fails on a table with rows", "proposes a safe migration fix"},
	Reference: `**Root cause.** The new version runs its database migrations at startup, and migration 20250509_1 (add_invoice_currency) fails on production:

    ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL
    ERROR: column "currency" of relation "invoices" contains null values (SQLSTATE 23502)

Adding a NOT NULL column without a default to a table that already has rows is impossible: every existing invoice would get NULL. Staging passed because its invoices table is empty (or has no rows that matter), so the same commit worked there.

**Chain of events.** The migration fails → the process exits with code 1 two seconds after start → the container restarts into CrashLoopBackOff → it never listens on :8080, so the readiness probe gets "connection refused" → the first new replica never becomes ready, the rollout exceeds its progress deadline, and the pipeline rolls back.

**Red herrings.** The readiness-probe failures are a symptom. Memory use of the old pods (≈430Mi of a 512Mi limit) is not involved: the new pod exits with Error/exit code 1, not OOM. The Redis dial timeout was transient (connected on attempt 2). The PodDisruptionBudget deprecation warning and the 41 s image pull are unrelated.

**Production impact now.** None beyond the failed deploy: the migration ran in a transaction that was rolled back, so the schema is unchanged, and the five old replicas (7d9f8c6b5) kept serving throughout; the rollback restored the previous ReplicaSet. The invoice-currency feature in 9f2c1ab is simply not live.

**Fix.** Change the migration so it works on a populated table: add the column with a default (e.g. ` + "`ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR'`" + ` if that is correct for existing invoices), or do it in steps: add it nullable, backfill existing rows, then set NOT NULL. Test migrations against a staging database with production-like data before the next deploy.

ROOT CAUSE: Migration 20250509_1 (add_invoice_currency) adds a NOT NULL column "currency" without a default to the populated invoices table, so Postgres rejects it (SQLSTATE 23502), the new pods exit at startup and the rollout times out.
FIX: Rewrite the migration to add the column with a default, or add it nullable, backfill existing invoices and only then set NOT NULL, and redeploy.`,
	Checks: []harness.Check{
		harness.Contains{Label: "names-the-cause", All: []string{
			"20250509_1|add_invoice_currency|migration",
			"currency",
			"not null|null values|23502|null value",
		}},
		harness.Func{Label: "root-cause-and-fix-lines", Version: "1", Fn: checkDeploymentVerdictLines},
		harness.Lacks{Label: "no-invented-errors", Any: []string{"oomkilled", "imagepullbackoff", "errimagepull"}},
	},
	WrongAnswers: []string{
		// Blames the readiness probe.
		`The new pod never became ready: the readiness probe on /readyz got connection refused, so the rollout exceeded its progress deadline and was rolled back. The app needs more time to start (the image pull alone took 41 s) and the migration logs show it is doing work at startup.

ROOT CAUSE: The readiness probe fails because payments-api starts too slowly, so the rollout exceeds its progress deadline.
FIX: Increase the readiness probe's initialDelaySeconds and the rollout timeout.`,
		// Blames memory.
		`Pods use about 430Mi of their 512Mi memory limit, so the new version, which also runs a migration that fails with null values, runs out of memory and crash-loops.

ROOT CAUSE: The pods run out of memory (431Mi of a 512Mi limit) and crash-loop.
FIX: Raise the memory limit to 1Gi.`,
		// Right cause, useless fix.
		`Migration 20250509_1 add_invoice_currency fails with "column currency contains null values" (SQLSTATE 23502), so the pod exits and crash-loops.

ROOT CAUSE: Migration 20250509_1 adds a NOT NULL currency column that fails with null values.
FIX: Re-run the deployment pipeline.`,
	},
})

var (
	deployLine       = regexp.MustCompile(`(?im)^[\s*_>-]*(root cause|fix)[\s*_]*:[\s*_]*(.+)$`)
	deployCause      = regexp.MustCompile(`(?i)migration|add_invoice_currency|20250509`)
	deployCauseWhy   = regexp.MustCompile(`(?i)not null|null value|23502|no default|without a default|without default|existing rows|populated|non-empty|nonempty`)
	deployRedHerring = regexp.MustCompile(`(?i)memory|\boom|redis|image pull|pulling|disruption|\bpdb\b|deprecat|\bdns\b|initialdelay|cpu`)
	deployFix        = regexp.MustCompile(`(?i)default|backfill|back-fill|back fill|nullable|allow null|two steps|two-step|multi-step|in steps|separate migration|several migrations|expand`)
)

// checkDeploymentVerdictLines checks the closing ROOT CAUSE and FIX lines: the cause
// names the failing migration and why it fails, blames no red herring, and the fix
// makes the migration work on a populated table.
func checkDeploymentVerdictLines(_ context.Context, answer string) harness.CheckResult {
	lines := map[string]string{}
	for _, m := range deployLine.FindAllStringSubmatch(answer, -1) {
		lines[strings.ToLower(m[1])] = m[2] // the last one wins
	}
	cause, fix := lines["root cause"], lines["fix"]
	var bad []string
	switch {
	case cause == "":
		bad = append(bad, "no ROOT CAUSE line")
	case !deployCause.MatchString(cause) || !deployCauseWhy.MatchString(cause):
		bad = append(bad, "ROOT CAUSE does not name the failing migration and why it fails: "+cause)
	case deployRedHerring.MatchString(cause):
		bad = append(bad, "ROOT CAUSE blames a red herring ("+deployRedHerring.FindString(cause)+")")
	}
	switch {
	case fix == "":
		bad = append(bad, "no FIX line")
	case !deployFix.MatchString(fix):
		bad = append(bad, "FIX does not make the migration work on existing rows: "+fix)
	}
	if len(bad) > 0 {
		return harness.CheckResult{Score: float64(2-min(len(bad), 2)) / 2, Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestFailedDeploymentRootCause(t *testing.T) { harness.Run(t, failedDeploymentRootCause) }
