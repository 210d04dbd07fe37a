package suites

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/harness"
)

// BenchmarkReplaySuite times the whole corpus replayed from fixtures/, as CI and the
// offline main job run it: every suite package's test binary (built once, outside the
// timer) runs with two at a time, as `go test -p 2` does on this machine; every model
// and judge call is replayed, every check run, every result and verdict stored in a
// fresh database. Hidden-test outcomes come from lim's check cache after the first
// run, as on a developer's machine (LIM_CHECK_CACHE=off measures them cold).
//
// `go test ./suites/...` adds Go's own work on top: it relinks each package's test
// binary on every run (about 2 s per package on a 2-core machine), which its build
// cache does not keep.
func BenchmarkReplaySuite(b *testing.B) {
	root, err := harness.ModuleRoot()
	if err != nil {
		b.Fatal(err)
	}
	pkgs, err := filepath.Glob(filepath.Join(root, "suites", "*", "suite_test.go"))
	if err != nil || len(pkgs) == 0 {
		b.Fatalf("no suite packages found: %v", err)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LIM_") || strings.HasPrefix(kv, "LIM_CHECK_CACHE=") {
			env = append(env, kv)
		}
	}
	bins := b.TempDir()
	type suite struct{ dir, bin string }
	var suites []suite
	for _, p := range pkgs {
		dir := filepath.Dir(p)
		bin := filepath.Join(bins, filepath.Base(dir)+".test")
		build := exec.CommandContext(b.Context(), "go", "test", "-c", "-o", bin, ".")
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", dir, err, out)
		}
		suites = append(suites, suite{dir, bin})
	}
	replay := func(db string) {
		sem := make(chan struct{}, 2)
		var wg sync.WaitGroup
		for _, s := range suites {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				cmd := exec.CommandContext(b.Context(), s.bin, "-test.count=1", "-test.skip=^TestSuite$")
				cmd.Dir = s.dir
				cmd.Env = append(env, "LIM_DB="+db)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Errorf("replay of %s failed: %v\n%s", s.dir, err, out)
				}
			}()
		}
		wg.Wait()
	}
	replay(filepath.Join(b.TempDir(), "warm.db")) // fill the check cache outside the timer
	b.ResetTimer()
	var total time.Duration
	for b.Loop() {
		db := filepath.Join(b.TempDir(), "lim.db")
		start := time.Now()
		replay(db)
		total += time.Since(start)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(total.Seconds()/float64(b.N), "s/replay")
}
