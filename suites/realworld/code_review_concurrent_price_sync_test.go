package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var codeReviewConcurrentPriceSync = harness.Register(&harness.Task{
	ID:         "code-review-concurrent-price-sync",
	Category:   harness.NonCoding,
	Title:      "Review a pull request that parallelises a sync loop",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"real-world", "code-review", "go", "concurrency"},
	Prompt: `Review this pull request as a senior Go engineer. The module is on Go 1.23. Report real problems (correctness first), each with the line it concerns and a concrete fix; skip style nits. End with a line "VERDICT: APPROVE" or "VERDICT: REQUEST CHANGES".

PR #2207 "pricing: fetch supplier prices concurrently"
Description: The nightly price sync takes 40+ minutes for 9,000 SKUs because prices are fetched one by one. This fetches up to 8 SKUs at a time and, instead of aborting on the first failure, syncs everything it can and returns all errors. Tested locally against the supplier sandbox: 6 minutes.

` + harness.Fenced("diff", `diff --git a/internal/pricing/sync.go b/internal/pricing/sync.go
index 4e1c2a7..9b03f12 100644
--- a/internal/pricing/sync.go
+++ b/internal/pricing/sync.go
@@ -2,28 +2,45 @@ package pricing
 
 import (
 	"context"
+	"errors"
 	"fmt"
+	"log/slog"
+	"sync"
 	"time"
 
 	"github.com/acme/shop/internal/cache"
 	"github.com/acme/shop/internal/supplier"
 )
 
 // Syncer copies supplier prices into the price cache.
 type Syncer struct {
 	client *supplier.Client // safe for concurrent use
 	cache  *cache.TTL       // safe for concurrent use
 }
 
 // SyncPrices refreshes the cached price of every SKU from the supplier API.
-// It stops at the first error.
+// It fetches up to 8 SKUs at a time and returns the errors of all failed SKUs.
 func (s *Syncer) SyncPrices(ctx context.Context, skus []string) error {
-	for _, sku := range skus {
-		p, err := s.client.Price(ctx, sku)
-		if err != nil {
-			return fmt.Errorf("price %s: %w", sku, err)
-		}
-		s.cache.Set(sku, p, 24*time.Hour)
-	}
-	return nil
+	var (
+		wg   sync.WaitGroup
+		errs []error
+		sem  = make(chan struct{}, 8)
+	)
+	for _, sku := range skus {
+		wg.Add(1)
+		sem <- struct{}{}
+		go func() {
+			defer wg.Done()
+			defer func() { <-sem }()
+			p, err := s.client.Price(ctx, sku)
+			if err != nil {
+				errs = append(errs, fmt.Errorf("price %s: %w", sku, err))
+				return
+			}
+			s.cache.Set(sku, p, 24*time.Hour)
+		}()
+	}
+	wg.Wait()
+	slog.Info("price sync done", "skus", len(skus), "failed", len(errs))
+	return errors.Join(errs...)
 }`),
	Capabilities: []string{"finds the real concurrency bug (unsynchronised append from goroutines)", "does not flag non-issues (loop variable capture is fine since Go 1.22)", "proposes a concrete fix and a clear verdict"},
	Reference: `**1. Data race on errs (must fix).** Inside the goroutine, ` + "`errs = append(errs, fmt.Errorf(...))`" + ` runs in up to 8 goroutines at once with no synchronisation. Concurrent appends to the same slice are a data race: errors can be silently lost (two goroutines write the same slot) and the slice header can be corrupted; ` + "`go test -race`" + ` will flag it, and the "failed" count logged afterwards can be wrong. Fix: guard it with a mutex,

` + harness.Fenced("go", `var mu sync.Mutex
...
if err != nil {
	mu.Lock()
	errs = append(errs, fmt.Errorf("price %s: %w", sku, err))
	mu.Unlock()
	return
}`) + `

or collect per-SKU results into a pre-sized slice indexed by position, or use errgroup with SetLimit(8) plus a mutex-protected error list.

**2. Cancellation (should fix).** ` + "`sem <- struct{}{}`" + ` blocks without looking at ctx, so after the context is cancelled the loop still starts a goroutine for every remaining SKU (each failing immediately). Select on ` + "`ctx.Done()`" + ` while acquiring the semaphore and stop launching work.

Not a problem: capturing ` + "`sku`" + ` in the closure is fine since Go 1.22 (per-iteration loop variables), and the cache and client are documented as safe for concurrent use.

Please also run the package tests with -race in CI so this kind of bug is caught automatically.

VERDICT: REQUEST CHANGES`,
	Checks: []harness.Check{
		harness.Contains{Label: "finds-the-race", All: []string{
			"data race|race condition|racy|race detector|-race|unsynchroni|not synchroni|without synchroni|no synchroni|mutex|not safe for concurrent|not goroutine-safe|not thread-safe|concurrent append|concurrently append|appends concurrently|appending concurrently|appended concurrently|concurrent writes|lost errors|errors can be lost",
			"errs|append",
		}},
		harness.FinalAnswer{Prefix: "VERDICT:", Want: []string{"REQUEST CHANGES"}},
	},
	WrongAnswers: []string{
		`Nice speed-up. The semaphore pattern is correct and errors.Join keeps every failure. Minor: the log line could include the duration.

VERDICT: APPROVE`,
		`1. The closure captures the loop variable sku, so all goroutines may see the last SKU. Copy it with sku := sku before starting the goroutine.
2. The log message should use a structured duration field.

VERDICT: REQUEST CHANGES`,
	},
})

func TestCodeReviewConcurrentPriceSync(t *testing.T) { harness.Run(t, codeReviewConcurrentPriceSync) }
