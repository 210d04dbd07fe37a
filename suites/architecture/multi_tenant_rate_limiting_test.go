package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var multiTenantRateLimiting = harness.Register(&harness.Task{
	ID:         "multi-tenant-rate-limiting",
	Category:   harness.Architecture,
	Title:      "Design rate limiting for a multi-tenant API",
	Difficulty: 4,
	MaxTokens:  3072,
	Tags:       []string{"rate-limiting", "multi-tenant", "redis", "go", "api-design"},
	Prompt: `Design rate limiting for our public REST API.

Facts:
- 8 stateless Go API replicas behind a round-robin load balancer; a Redis primary with a replica (about 0.5 ms away) is available.
- Tenants are on plans: Free 10 requests/s with bursts up to 20; Pro 100 requests/s with bursts up to 200; Enterprise has per-contract limits stored in the tenants table and changed by sales at any time.
- Some endpoints are expensive: POST /exports counts as 10 requests, search as 2.
- Every tenant may have many API keys; the limit applies to the tenant as a whole.
- Last quarter one Free tenant's script hammered the API from 300 IPs and slowed everyone down.
- Redis had two 1-minute outages last year.

Cover: the algorithm and where its state lives, how all replicas share a tenant's limit (and how you keep the check atomic), how costs and plan changes are handled, what the client sees when limited, what happens when Redis is unavailable, and how you protect the system from a tenant that ignores the limits.

Include, in one fenced Go code block, the interface the HTTP middleware calls: a type Limiter interface with a method Allow, and a Decision struct carrying what the middleware needs to build its response. About 500–700 words plus the code.`,
	Capabilities: []string{"token bucket / GCRA with rate and burst per tenant", "shared atomic state in Redis (Lua script or equivalent)", "weighted costs", "429 with Retry-After and rate-limit headers", "explicit fail-open or fail-closed choice with a local fallback"},
	Reference: `Algorithm: a token bucket per tenant (rate r tokens/s, capacity b = burst), implemented as GCRA so the state is a single timestamp per tenant ("theoretical arrival time", TAT). It matches the plans directly (Free r=10, b=20; Pro r=100, b=200), lets a request cost n tokens, and has no fixed-window boundary effects.

Shared state: one Redis key per tenant, rl:{tenant_id}, holding the TAT, with a TTL of b/r seconds plus a margin so idle tenants cost nothing. The check-and-update runs as a Lua script (EVALSHA), so read–compute–write is atomic across the 8 replicas and costs one round trip (~0.5 ms):

- now = Redis TIME (one clock for all replicas, no skew)
- tat = max(stored TAT, now); new_tat = tat + cost × (1/r)
- if new_tat − now > b/r: deny, retry_after = new_tat − now − b/r
- else: store new_tat, allow, remaining = floor((b/r − (new_tat − now)) × r)

Keying by tenant (resolved from the API key in the auth middleware) makes all of a tenant's keys and IPs share one bucket, which is exactly what the 300-IP script needed.

Costs and plans: the middleware looks the cost up in a static route table (POST /exports 10, search 2, everything else 1) and passes it to Allow. The tenant's rate and burst come from its plan, or from the tenants row for Enterprise, cached in each replica for 30 s and invalidated on change; they are passed into the script on every call, so a plan change takes effect within 30 s without touching the stored state (GCRA state is plan-independent).

Client response: when denied, 429 Too Many Requests with Retry-After (seconds, rounded up) and a JSON error body; every response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (or the X-RateLimit-* variants) so well-behaved clients can pace themselves. The denial happens before any expensive work.

Redis unavailable: the limiter has a 20 ms timeout. On error or timeout it fails open to a local in-memory token bucket per tenant on each replica, with rate r/8 and burst b/8 (the replicas get equal traffic from round-robin), so limits stay roughly right during a 1-minute outage instead of either rejecting every request (fail closed, an outage of our own making) or allowing unlimited traffic. A circuit breaker stops calling Redis for a few seconds after repeated failures; we alert on fallback use.

Abusive tenants: repeated 429s are counted; a tenant above, say, 1,000 denials per minute gets a temporary block cached in every replica (answered from memory, no Redis call), and an edge/WAF rule per IP in front of the load balancer absorbs floods from unauthenticated traffic before it reaches the replicas. Per-tenant concurrency limits on expensive endpoints (at most 2 running exports) protect the database from bursts that fit the rate but not the capacity.

` + harness.Fenced("go", `package ratelimit

import (
	"context"
	"time"
)

// Limit is a tenant's rate: Rate tokens per second, up to Burst at once.
type Limit struct {
	Rate  float64
	Burst int
}

// Decision is the outcome of one Allow call.
type Decision struct {
	Allowed    bool
	Limit      Limit         // for the RateLimit-Limit header
	Remaining  int           // tokens left after this request
	RetryAfter time.Duration // when denied: wait this long before retrying
	ResetAfter time.Duration // until the bucket is full again
	Degraded   bool          // decided by the local fallback, Redis unavailable
}

// Limiter decides whether a tenant may spend cost tokens now.
type Limiter interface {
	// Allow consumes cost tokens from tenant's bucket if they are available. The error
	// is non-nil only when no decision could be made at all; fallbacks are the
	// implementation's job and are reported through Decision.Degraded.
	Allow(ctx context.Context, tenantID string, limit Limit, cost int) (Decision, error)
}`),
	Checks: []harness.Check{
		harness.GoDeclares{Want: []string{"Limiter", "Limiter.Allow", "Decision"}},
		harness.Contains{All: []string{
			"token bucket|GCRA|leaky bucket|sliding window|sliding-window",
			"429",
			"Retry-After",
			"Lua|EVAL|MULTI|atomic|INCRBY|INCR",
			"fail open|fail-open|fails open|fail closed|fail-closed|fails closed|fallback|fall back",
			"burst",
		}},
	},
	WrongAnswers: []string{`Each replica keeps an in-memory token bucket per API key with the plan's rate, so no shared state is needed and Redis outages don't matter. Limited requests get a 503.

` + harness.Fenced("go", `type Limiter interface {
	Allow(apiKey string) bool
}`)},
})

func TestMultiTenantRateLimiting(t *testing.T) { harness.Run(t, multiTenantRateLimiting) }
