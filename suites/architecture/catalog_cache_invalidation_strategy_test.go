package architecture

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var catalogCacheInvalidationStrategy = harness.Register(&harness.Task{
	ID:         "catalog-cache-invalidation-strategy",
	Category:   harness.Architecture,
	Title:      "Choose a cache invalidation strategy for a product catalog",
	Difficulty: 2,
	MaxTokens:  2048,
	Tags:       []string{"caching", "consistency", "redis", "postgresql"},
	Prompt: `Our product pages are slow under load and we are adding caching. The facts:

- PostgreSQL is the source of truth for products (name, description, images, price).
- 6 stateless app servers serve ~30,000 product reads per second at peak; 90% of reads hit the 2,000 most popular products.
- Redis is available to all app servers (about 0.5 ms away); each server can also keep an in-process cache.
- Prices change about 200 times a day, through an ERP import job that writes to PostgreSQL. For legal reasons a changed price must be shown everywhere within 5 seconds.
- Descriptions and images change a few times a week through the admin UI; showing an old description for up to 10 minutes is fine.
- When a popular product's cache entry disappears, hundreds of requests for it can arrive in the same second.

Choose a cache invalidation strategy. Say what is cached where, with which expiry, how a price change reaches every cache in time, what happens when a product is hot and its entry expires, and what the main failure mode of your design is and how you bound it. About 300–500 words.`,
	Capabilities: []string{"separates data by staleness tolerance (price vs description)", "event-driven invalidation plus a TTL safety net", "stampede protection for hot keys", "reasons about the failure of the invalidation channel"},
	Reference: `Strategy: cache-aside with two freshness classes — TTL alone for content, explicit invalidation (backed by a short TTL) for prices.

What is cached where
- Product content (name, description, images): Redis with a 10-minute TTL, and in each app server's in-process LRU (the 2,000 hot products fit easily) with a 60-second TTL. No invalidation machinery is needed: the worst case (Redis 10 min, process cache 1 min on top, so cap the Redis TTL at 9 min) stays inside the 10-minute tolerance. The admin UI may additionally delete the Redis key on save so editors see their change quickly.
- Prices: cached separately from content (key price:{id}), so the rare price change never evicts the heavy content entry. Redis and in-process, both with a TTL of 5 seconds at most as the safety net, plus active invalidation.

How a price change arrives in time
- The ERP import writes the price and, in the same transaction, an outbox row (or a trigger issues pg_notify('price_changed', id)). A small relay publishes the product id on a Redis pub/sub channel (or the app servers LISTEN on PostgreSQL directly).
- Every app server subscribes, deletes price:{id} from its in-process cache, and one of them (or the relay) deletes the Redis key. We delete rather than write the new value, which avoids races where an older value overwrites a newer one; the next read reloads from PostgreSQL.
- Typical propagation is milliseconds. If a message is lost (pub/sub is fire-and-forget; a server was reconnecting), the 5-second TTL still bounds staleness to the legal limit. A subscriber that reconnects flushes its price cache, since it may have missed messages.

Hot keys and expiry
- Loads are coalesced: within a server, singleflight ensures one PostgreSQL query per key however many requests wait; across servers, a short Redis lock (SET NX with a 2 s expiry) lets one loader refill Redis while others briefly serve the stale value or wait.
- TTLs get ±10% jitter so the popular products do not all expire in the same second, and content entries of hot products are refreshed ahead of expiry (refresh when less than 10% of the TTL remains) so they never go cold.

Main failure mode
- The invalidation path failing silently (relay down, subscriptions dropped) would serve stale prices; the 5-second TTL on prices bounds that by construction, and we alert on relay lag and subscriber disconnects. If Redis is down, servers fall back to the in-process cache and PostgreSQL behind singleflight, with a cap on concurrent database loads to protect PostgreSQL.
- Cost: a price read misses at least every 5 s per key per server, i.e. at most ~2,000 × 6 / 5 ≈ 2,400 cheap primary-key lookups per second at peak — acceptable, and it can be reduced by caching prices only in Redis and letting in-process entries live 1 s.`,
	Checks: []harness.Check{harness.Contains{All: []string{
		"TTL|expiry|expire",
		"pub/sub|pubsub|publish|LISTEN|NOTIFY|outbox|change data capture|CDC|broadcast|event-driven|event bus|Kafka|subscrib",
		"singleflight|single-flight|single flight|stampede|thundering herd|dogpile|coalesc|request collapsing|stale-while-revalidate|serve stale|serve the stale|refresh-ahead|refresh ahead|early refresh|only one request",
		"invalidat",
	}}},
	WrongAnswers: []string{`Cache every product in Redis with a 10-minute TTL and in each server's memory for 10 minutes. That takes the load off PostgreSQL, and prices will catch up when the entry expires.`},
})

func TestCatalogCacheInvalidationStrategy(t *testing.T) {
	harness.Run(t, catalogCacheInvalidationStrategy)
}
