package reasoning

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const parsePortLog = `commit b7713aa4c0de51a2e9f1d0c6b3a87e2f90d1c4e5
Author: Priya Raman <priya@example.com>
Date:   Thu Jun 13 16:02:11 2024 +0200

    config: name the port bounds

diff --git a/config/port.go b/config/port.go
@@ -3,13 +3,17 @@
 package config
 
 import (
-	"errors"
 	"fmt"
 	"strconv"
 	"strings"
 )
 
+const (
+	minPort = 1
+	maxPort = 65535
+)
+
 // parsePort accepts "8080", ":8080" and "host:8080".
 func parsePort(s string) (int, error) {
 	s = strings.TrimSpace(s)
@@ -19,8 +24,8 @@ func parsePort(s string) (int, error) {
 	if err != nil {
 		return 0, fmt.Errorf("invalid port %q: %w", s, err)
 	}
-	if n <= 0 {
-		return 0, errors.New("port must be positive")
+	if n < minPort || n > maxPort {
+		return 0, fmt.Errorf("port %d out of range %d-%d", n, minPort, maxPort)
 	}
 	return int(n), nil
 }

commit f02d7e81b5a3c9d4e6f7a8b9c0d1e2f3a4b5c6d7
Author: Tom Becker <tom@example.com>
Date:   Wed Jun 12 10:44:57 2024 +0200

    config: clearer error for negative ports

diff --git a/config/port.go b/config/port.go
@@ -3,6 +3,7 @@
 package config
 
 import (
+	"errors"
 	"fmt"
 	"strconv"
 	"strings"
@@ -14,9 +15,12 @@ func parsePort(s string) (int, error) {
 	if i := strings.LastIndex(s, ":"); i >= 0 {
 		s = s[i+1:]
 	}
-	n, err := strconv.ParseUint(s, 10, 16)
-	if err != nil || n == 0 {
-		return 0, fmt.Errorf("invalid port %q", s)
+	n, err := strconv.ParseInt(s, 10, 16)
+	if err != nil {
+		return 0, fmt.Errorf("invalid port %q: %w", s, err)
+	}
+	if n <= 0 {
+		return 0, errors.New("port must be positive")
 	}
 	return int(n), nil
 }

commit 9a2c6f0e7d8c9b0a1f2e3d4c5b6a79880a1b2c3d
Author: Priya Raman <priya@example.com>
Date:   Tue Jun 11 09:15:30 2024 +0200

    config: trim whitespace around env values

diff --git a/config/port.go b/config/port.go
@@ -10,6 +10,7 @@ import (
 
 // parsePort accepts "8080", ":8080" and "host:8080".
 func parsePort(s string) (int, error) {
+	s = strings.TrimSpace(s)
 	if i := strings.LastIndex(s, ":"); i >= 0 {
 		s = s[i+1:]
 	}

commit e85f1b3d2c1b0a9f8e7d6c5b4a3928171605f4e3
Author: Tom Becker <tom@example.com>
Date:   Mon Jun 10 14:20:03 2024 +0200

    config: accept host:port in LISTEN_ADDR

diff --git a/config/port.go b/config/port.go
@@ -8,9 +8,11 @@ import (
 	"strings"
 )
 
-// parsePort accepts "8080" and ":8080".
+// parsePort accepts "8080", ":8080" and "host:8080".
 func parsePort(s string) (int, error) {
-	s = strings.TrimPrefix(s, ":")
+	if i := strings.LastIndex(s, ":"); i >= 0 {
+		s = s[i+1:]
+	}
 	n, err := strconv.ParseUint(s, 10, 16)
 	if err != nil || n == 0 {
 		return 0, fmt.Errorf("invalid port %q", s)

commit c41a9d27f6e5d4c3b2a1908f7e6d5c4b3a291807
Author: Lena Vogt <lena@example.com>
Date:   Fri Jun 7 17:31:48 2024 +0200

    config: let strconv do the range check

diff --git a/config/port.go b/config/port.go
@@ -11,9 +11,9 @@ import (
 // parsePort accepts "8080" and ":8080".
 func parsePort(s string) (int, error) {
 	s = strings.TrimPrefix(s, ":")
-	n, err := strconv.Atoi(s)
-	if err != nil || n < 1 || n > 65535 {
+	n, err := strconv.ParseUint(s, 10, 16)
+	if err != nil || n == 0 {
 		return 0, fmt.Errorf("invalid port %q", s)
 	}
-	return n, nil
+	return int(n), nil
 }

commit 7d0e4b1a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e
Author: Lena Vogt <lena@example.com>
Date:   Thu Jun 6 11:02:36 2024 +0200

    config: accept ":8080" and test parsePort

diff --git a/config/port.go b/config/port.go
@@ -8,8 +8,9 @@ import (
 	"strings"
 )
 
-// parsePort accepts "8080".
+// parsePort accepts "8080" and ":8080".
 func parsePort(s string) (int, error) {
+	s = strings.TrimPrefix(s, ":")
 	n, err := strconv.Atoi(s)
 	if err != nil || n < 1 || n > 65535 {
 		return 0, fmt.Errorf("invalid port %q", s)
diff --git a/config/port_test.go b/config/port_test.go
new file mode 100644
@@ -0,0 +1,19 @@
+package config
+
+import "testing"
+
+func TestParsePort(t *testing.T) {
+	for in, want := range map[string]int{"8080": 8080, ":443": 443, "65535": 65535, "1": 1} {
+		if got, err := parsePort(in); err != nil || got != want {
+			t.Errorf("parsePort(%q) = %d, %v; want %d", in, got, err, want)
+		}
+	}
+	for _, in := range []string{"0", "65536", "http", ""} {
+		if _, err := parsePort(in); err == nil {
+			t.Errorf("parsePort(%q) accepted", in)
+		}
+	}
+}`

var gitLogCommitThatBrokeTest = harness.Register(&harness.Task{
	ID:         "git-log-commit-that-broke-test",
	Category:   harness.Reasoning,
	Title:      "Find the commit that broke a test by reading git log -p",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"git", "go", "strconv", "regression"},
	Prompt: `TestParsePort passed in CI when it was added in 7d0e4b1. On main it now fails. Nobody touched the test since. Here is git log -p for config/ since then (newest first):

` + harness.Fenced("diff", parsePortLog) + `

Which commit first made TestParsePort fail? Check each commit's version of parsePort against the test, then end with a final line of the form
ANSWER: <short hash, 7 characters>`,
	Capabilities: []string{"reconstructs each version of a function from diffs", "knows strconv bitSize semantics (ParseInt vs ParseUint with 16 bits)", "does not blame the most recent or most suspicious-looking commit by default"},
	Reference: `Walking the history oldest to newest against the test (8080, :443, 65535 and 1 accepted; 0, 65536, "http" and "" rejected):

- 7d0e4b1: Atoi + range 1..65535, ":" prefix trimmed → passes (the test was green).
- c41a9d2: ParseUint(s, 10, 16) accepts 0..65535 and rejects 65536 with a range error; n == 0 rejected → still passes.
- e85f1b3: keeps what follows the last ":" → ":443" → "443"; still passes.
- 9a2c6f0: TrimSpace only → passes.
- f02d7e8: switches to ParseInt(s, 10, 16). With bitSize 16 that is a signed 16-bit range, -32768..32767, so "65535" now fails with "value out of range". This is where the test breaks.
- b7713aa: only renames the bound check (minPort/maxPort); the ParseInt with bitSize 16 is still there, so it stays red but did not cause it.

ANSWER: f02d7e8`,
	Checks:       []harness.Check{harness.FinalAnswer{Want: []string{"f02d7e8", "f02d7e81", "f02d7e81b5a3c9d4e6f7a8b9c0d1e2f3a4b5c6d7"}}},
	WrongAnswers: []string{"The latest commit rewrote the range check, so it is the most likely culprit.\n\nANSWER: b7713aa"},
})

func TestGitLogCommitThatBrokeTest(t *testing.T) { harness.Run(t, gitLogCommitThatBrokeTest) }
