package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var commitMessageForRetryCancellation = harness.Register(&harness.Task{
	ID:         "commit-message-for-retry-cancellation",
	Category:   harness.NonCoding,
	Title:      "Write the commit message for a staged diff",
	Difficulty: 2,
	MaxTokens:  512,
	Tags:       []string{"real-world", "git", "commit-message", "go"},
	Prompt: `Write the commit message for this staged change. Follow the usual Git conventions: a subject line of at most 72 characters in the imperative mood ("Fix …", not "Fixed …"), no trailing period, a blank line, then a body wrapped at about 72 columns that explains what was wrong and why the change fixes it. The repository prefixes subjects with the package name, e.g. "httpx: …".

Reply with only the commit message.

` + harness.Fenced("diff", `diff --git a/internal/httpx/retry.go b/internal/httpx/retry.go
index 3f9c2d1..8a0b7e4 100644
--- a/internal/httpx/retry.go
+++ b/internal/httpx/retry.go
@@ -41,10 +41,19 @@ func (c *Client) Do(req *http.Request) (*http.Response, error) {
 	var lastErr error
 	for attempt := 0; attempt < c.maxAttempts; attempt++ {
 		if attempt > 0 {
-			time.Sleep(c.backoff(attempt))
+			t := time.NewTimer(c.backoff(attempt))
+			select {
+			case <-req.Context().Done():
+				t.Stop()
+				return nil, req.Context().Err()
+			case <-t.C:
+			}
 		}
 		resp, err := c.hc.Do(req)
 		if err != nil {
+			if req.Context().Err() != nil {
+				return nil, req.Context().Err()
+			}
 			lastErr = err
 			continue
 		}
diff --git a/internal/httpx/retry_test.go b/internal/httpx/retry_test.go
index 5b71e0a..c94d2f3 100644
--- a/internal/httpx/retry_test.go
+++ b/internal/httpx/retry_test.go
@@ -1,8 +1,11 @@
 package httpx
 
 import (
+	"context"
+	"errors"
 	"net/http"
 	"net/http/httptest"
+	"sync/atomic"
 	"testing"
 	"time"
 )
@@ -86,3 +89,29 @@ func TestDoGivesUpAfterMaxAttempts(t *testing.T) {
 		t.Fatalf("attempts = %d, want 3", got)
 	}
 }
+
+func TestDoStopsRetryingWhenContextIsCancelled(t *testing.T) {
+	var calls atomic.Int32
+	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
+		calls.Add(1)
+		w.WriteHeader(http.StatusServiceUnavailable)
+	}))
+	defer srv.Close()
+
+	c := New(srv.Client(), WithMaxAttempts(5), WithBackoff(func(int) time.Duration { return time.Hour }))
+	ctx, cancel := context.WithCancel(context.Background())
+	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
+	time.AfterFunc(50*time.Millisecond, cancel)
+
+	start := time.Now()
+	_, err := c.Do(req)
+	if !errors.Is(err, context.Canceled) {
+		t.Fatalf("err = %v, want context.Canceled", err)
+	}
+	if elapsed := time.Since(start); elapsed > 5*time.Second {
+		t.Fatalf("Do returned after %v; it should stop waiting as soon as the context is cancelled", elapsed)
+	}
+	if got := calls.Load(); got != 1 {
+		t.Fatalf("server saw %d requests, want 1", got)
+	}
+}`),
	Capabilities: []string{"reads a diff and states the behaviour change, not the line edits", "follows commit message conventions (imperative subject, length, blank line)", "explains why in the body"},
	Reference: `httpx: stop retrying once the request context is done

Client.Do waited between attempts with time.Sleep and kept retrying after
the caller's context had been cancelled or had timed out, so a cancelled
request could block for the whole backoff and still hit the server again.

Wait for the backoff on a timer that also watches the request context,
and return the context's error as soon as it is done, both while waiting
and when an attempt fails because of it.

Add a test that cancels the context during a one-hour backoff.`,
	Checks: []harness.Check{
		harness.CommitMessage{},
		harness.Contains{Label: "says-what-changed", All: []string{
			"context|ctx",
			"cancel|done|deadline|time out|timed out|timeout",
			"retry|retries|retrying|backoff|back-off|sleep|wait",
		}},
	},
	WrongAnswers: []string{
		`Fixed the retry loop.

Replaced time.Sleep with a timer and added a test.`,
		`httpx: make Client.Do return immediately with the context's error when the request context is cancelled during backoff`,
		`Update retry.go and retry_test.go.`,
	},
})

func TestCommitMessageForRetryCancellation(t *testing.T) {
	harness.Run(t, commitMessageForRetryCancellation)
}
