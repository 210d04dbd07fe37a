package suites

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/harness"
)

// BenchmarkReplaySuite times the whole corpus replayed from fixtures/, the way CI and
// the offline main job run it: `go test -count=1 ./suites/...` (test binaries already
// built), every model call replayed, every check run, every result stored in a fresh
// database. Hidden-test outcomes come from lim's check cache after the first iteration,
// as they do on a developer's machine; LIM_CHECK_CACHE=off measures them cold.
func BenchmarkReplaySuite(b *testing.B) {
	root, err := harness.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LIM_") || strings.HasPrefix(kv, "LIM_CHECK_CACHE=") {
			env = append(env, kv)
		}
	}
	run := func(db string) {
		cmd := exec.CommandContext(b.Context(), "go", "test", "-count=1", "-skip=^(TestSuite|TestCorpus)$", "./suites/...")
		cmd.Dir = root
		cmd.Env = append(env, "LIM_DB="+db)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("replay failed: %v\n%s", err, out)
		}
	}
	run(filepath.Join(b.TempDir(), "warm.db")) // build the test binaries outside the timer
	b.ResetTimer()
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		db := filepath.Join(b.TempDir(), "lim.db")
		start := time.Now()
		run(db)
		total += time.Since(start)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/replay")
}
