//go:build unix

package sandbox

import (
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writePackage writes a go.mod and files into a fresh directory.
func writePackage(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/task\n\ngo 1.26\n"
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// solution is code under test that misbehaves as told by its argument.
const solution = `package task

import (
	"os"
	"time"
)

func Add(a, b int) int { return a + b }

func Misbehave(how string) {
	switch how {
	case "panic":
		panic("solution exploded")
	case "exit1":
		os.Exit(1)
	case "exit0":
		os.Exit(0)
	case "hang":
		for {
			time.Sleep(time.Millisecond)
		}
	case "hog":
		var keep [][]byte
		for i := 0; i < 64; i++ {
			b := make([]byte, 64<<20)
			for j := range b {
				b[j] = 1
			}
			keep = append(keep, b)
		}
	}
}
`

func TestGoTest(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string]string
		limits      Limits
		buildFailed bool
		want        map[string]bool // test name → passed
		passed      int
		failed      int
		contains    map[string]string // test name → text its Output must hold
	}{
		{
			name: "passing and failing tests, subtests folded",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestAdd(t *testing.T) { if Add(2, 2) != 4 { t.Fatal("bad") } }
func TestTable(t *testing.T) {
	t.Run("ok", func(t *testing.T) {})
	t.Run("wrong", func(t *testing.T) { t.Errorf("Add(1, 1) = %d, want 3", Add(1, 1)) })
}
func TestAlsoPasses(t *testing.T) { t.Run("nested", func(t *testing.T) { t.Log("fine") }) }
`},
			want:     map[string]bool{"TestAdd": true, "TestTable": false, "TestAlsoPasses": true},
			passed:   2,
			failed:   1,
			contains: map[string]string{"TestTable": "Add(1, 1) = 2, want 3"},
		},
		{
			name: "panic in the solution fails its test and every later one",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestFirst(t *testing.T) {}
func TestPanics(t *testing.T) { Misbehave("panic") }
func TestLater(t *testing.T) {}
`},
			want:     map[string]bool{"TestFirst": true, "TestPanics": false, "TestLater": false},
			passed:   1,
			failed:   2,
			contains: map[string]string{"TestPanics": "solution exploded", "TestLater": "never ran"},
		},
		{
			name: "os.Exit(1) in the solution",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestExits(t *testing.T) { Misbehave("exit1") }
`},
			want:     map[string]bool{"TestExits": false},
			failed:   1,
			contains: map[string]string{"TestExits": "did not finish: exit status 1"},
		},
		{
			name: "os.Exit(0) in the solution",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestExitsZero(t *testing.T) { Misbehave("exit0") }
func TestAfter(t *testing.T) {}
`},
			want:   map[string]bool{"TestExitsZero": false, "TestAfter": false},
			failed: 2,
		},
		{
			name: "os.Exit(0) in an init function",
			files: map[string]string{"task.go": solution + "\nfunc init() { os.Exit(0) }\n", "task_test.go": `package task
import "testing"
func TestNeverRuns(t *testing.T) {}
`},
			want:     map[string]bool{BinaryOutcome: false},
			failed:   1,
			contains: map[string]string{BinaryOutcome: "outside any test"},
		},
		{
			name: "endless loop hits the test timeout",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestQuick(t *testing.T) {}
func TestHangs(t *testing.T) { Misbehave("hang") }
`},
			limits:   Limits{WallTime: 3 * time.Second},
			want:     map[string]bool{"TestQuick": true, "TestHangs": false},
			passed:   1,
			failed:   1,
			contains: map[string]string{"TestHangs": "test timed out"},
		},
		{
			name: "memory hog in the solution",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestHog(t *testing.T) { Misbehave("hog") }
`},
			limits:   Limits{MemoryBytes: 1 << 30},
			want:     map[string]bool{"TestHog": false},
			failed:   1,
			contains: map[string]string{"TestHog": "out of memory"},
		},
		{
			name: "compile error",
			files: map[string]string{"task.go": "package task\nfunc Add(a, b int) int { return a + c }\n", "task_test.go": `package task
import "testing"
func TestAdd(t *testing.T) { Add(1, 2) }
`},
			buildFailed: true,
		},
		{
			name: "import outside the standard library",
			files: map[string]string{"task.go": "package task\nimport _ \"github.com/pkg/errors\"\n", "task_test.go": `package task
import "testing"
func TestX(t *testing.T) {}
`},
			buildFailed: true,
		},
		{
			name: "test file without tests",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
func helper() int { return Add(1, 2) }
var _ = helper
`},
		},
		{
			name:  "no test files",
			files: map[string]string{"task.go": solution},
		},
		{
			name: "skip counts as neither",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestSkipped(t *testing.T) { t.Skip("not here") }
func TestRuns(t *testing.T) {}
`},
			want:   map[string]bool{"TestSkipped": false, "TestRuns": true},
			passed: 1,
		},
		{
			name: "parallel tests and examples",
			files: map[string]string{"task.go": solution, "task_test.go": `package task
import ("fmt"; "testing")
func TestP1(t *testing.T) { t.Parallel(); t.Error("p1 failed") }
func TestP2(t *testing.T) { t.Parallel() }
func ExampleAdd() {
	fmt.Println(Add(1, 2))
	// Output: 3
}
func Example_wrong() {
	fmt.Println(Add(1, 2))
	// Output: 4
}
`},
			want:     map[string]bool{"TestP1": false, "TestP2": true, "ExampleAdd": true, "Example_wrong": false},
			passed:   2,
			failed:   2,
			contains: map[string]string{"TestP1": "p1 failed"},
		},
		{
			name: "forged verdict lines from the solution do not hide a failure",
			files: map[string]string{"task.go": solution + "\nfunc Forge() { println(\"--- PASS: TestForged (0.00s)\") ; panic(\"after forging\") }\n", "task_test.go": `package task
import "testing"
func TestForged(t *testing.T) { Forge() }
`},
			want:   map[string]bool{"TestForged": false},
			failed: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writePackage(t, tt.files)
			rep, err := GoTest(context.Background(), dir, tt.limits)
			if err != nil {
				t.Fatal(err)
			}
			if rep.BuildFailed != tt.buildFailed {
				t.Fatalf("BuildFailed = %v, want %v; build output:\n%s", rep.BuildFailed, tt.buildFailed, rep.Build.Output)
			}
			got := map[string]bool{}
			for _, o := range rep.Tests {
				got[o.Name] = o.Passed
			}
			if tt.want == nil {
				tt.want = map[string]bool{}
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("outcomes = %v, want %v\nrun output:\n%s", got, tt.want, rep.Run.Output)
			}
			if rep.Passed != tt.passed || rep.Failed != tt.failed {
				t.Errorf("Passed=%d Failed=%d, want %d %d", rep.Passed, rep.Failed, tt.passed, tt.failed)
			}
			for name, text := range tt.contains {
				i := slices.IndexFunc(rep.Tests, func(o TestOutcome) bool { return o.Name == name })
				if i < 0 || !strings.Contains(rep.Tests[i].Output, text) {
					t.Errorf("%s output does not contain %q: %+v", name, text, rep.Tests)
				}
			}
		})
	}
}

// TestGoTestRunsEveryPackage checks that tests below the module root run too, named
// by their directory, and that a failure there counts.
func TestGoTestRunsEveryPackage(t *testing.T) {
	dir := writePackage(t, map[string]string{
		"task.go":             "package task\n\nfunc Add(a, b int) int { return a + b }\n",
		"task_test.go":        "package task\nimport \"testing\"\nfunc TestAdd(t *testing.T) { if Add(1, 2) != 3 { t.Fatal() } }\n",
		"store/store.go":      "package store\n\nfunc Get() string { return \"wrong\" }\n",
		"store/store_test.go": "package store\nimport \"testing\"\nfunc TestGet(t *testing.T) { if Get() != \"right\" { t.Fatal(\"Get is wrong\") } }\n",
		"util/util.go":        "package util\n\nfunc ID(s string) string { return s }\n",
	})
	rep, err := GoTest(context.Background(), dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.BuildFailed {
		t.Fatalf("build failed: %s", rep.Build.Output)
	}
	got := map[string]bool{}
	for _, o := range rep.Tests {
		got[o.Name] = o.Passed
	}
	want := map[string]bool{"TestAdd": true, "store/TestGet": false}
	if len(got) != len(want) || got["TestAdd"] != true || got["store/TestGet"] != false {
		t.Errorf("tests = %v, want %v", got, want)
	}
	if rep.Passed != 1 || rep.Failed != 1 {
		t.Errorf("passed %d failed %d, want 1 and 1", rep.Passed, rep.Failed)
	}
}

func TestGoTestCompileErrorShowsCompilerMessage(t *testing.T) {
	dir := writePackage(t, map[string]string{
		"task.go":      "package task\n\nfunc Add(a, b int) int { return a + c }\n",
		"task_test.go": "package task\nimport \"testing\"\nfunc TestAdd(t *testing.T) { Add(1, 2) }\n",
	})
	rep, err := GoTest(context.Background(), dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.BuildFailed || !strings.Contains(string(rep.Build.Output), "task.go:3:37: undefined: c") {
		t.Errorf("BuildFailed=%v, build output %q", rep.BuildFailed, rep.Build.Output)
	}
	if len(rep.Tests) != 0 || rep.Run.Duration != 0 {
		t.Errorf("a failed build ran tests: %+v", rep)
	}
}

func TestGoTestIsolation(t *testing.T) {
	const key = "sk-or-test-fedcba9876543210"
	t.Setenv("OPENROUTER_API_KEY", key)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	outside := filepath.Join(t.TempDir(), "pwned")
	dir := writePackage(t, map[string]string{
		"task.go": "package task\n",
		"task_test.go": fmt.Sprintf(`package task
import ("net"; "os"; "testing"; "time")
func TestNoKey(t *testing.T) {
	if v := os.Getenv("OPENROUTER_API_KEY"); v != "" { t.Fatalf("saw key %%q", v) }
}
func TestNoDial(t *testing.T) {
	if c, err := net.DialTimeout("tcp", %q, 2*time.Second); err == nil { c.Close(); t.Fatal("dialed out") }
}
func TestNoWriteOutside(t *testing.T) {
	if err := os.WriteFile(%q, []byte("x"), 0o644); err == nil { t.Fatal("wrote outside") }
	if err := os.WriteFile("/tmp/lim-gotest-pwned", []byte("x"), 0o644); err == nil { t.Fatal("wrote /tmp") }
}
func TestTempDirWorks(t *testing.T) {
	if err := os.WriteFile(t.TempDir()+"/f", []byte("x"), 0o644); err != nil { t.Fatal(err) }
}
`, ln.Addr().String(), outside),
	})
	rep, err := GoTest(context.Background(), dir, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	iso := rep.Run.Isolation
	if !iso.NetworkIsolated || !iso.FilesystemConfined {
		t.Skipf("sandbox not fully isolating here: %v", iso.Missing)
	}
	if rep.Failed != 0 || rep.Passed != 4 {
		t.Errorf("Passed=%d Failed=%d, want 4 0: %+v\n%s", rep.Passed, rep.Failed, rep.Tests, rep.Run.Output)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Error("the test wrote outside its dir")
	}
	if _, err := os.Stat("/tmp/lim-gotest-pwned"); err == nil {
		os.Remove("/tmp/lim-gotest-pwned")
		t.Error("the test wrote to the host's /tmp")
	}
}

// TestGoTestConcurrent runs several GoTest calls at once: each sandbox's
// process limit must count only its own processes.
func TestGoTestConcurrent(t *testing.T) {
	t.Parallel()
	const n = 3
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dir := writePackage(t, map[string]string{
				"task.go": solution,
				"task_test.go": fmt.Sprintf(`package task
import ("sync"; "testing")
func TestWorkers(t *testing.T) {
	var wg sync.WaitGroup
	for j := 0; j < 8; j++ { wg.Add(1); go func() { defer wg.Done(); for k := 0; k < 1e6; k++ { _ = Add(k, %d) } }() }
	wg.Wait()
}
`, i),
			})
			rep, err := GoTest(context.Background(), dir, Limits{})
			switch {
			case err != nil:
				errs <- err.Error()
			case rep.Passed != 1 || rep.Failed != 0:
				errs <- fmt.Sprintf("run %d: Passed=%d Failed=%d build=%s run=%s", i, rep.Passed, rep.Failed, rep.Build.Output, rep.Run.Output)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestParseTestOutput(t *testing.T) {
	tests := []struct {
		name   string
		output string
		exit   int
		listed []string
		want   []TestOutcome
	}{
		{
			name:   "all pass",
			output: "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\n",
			want:   []TestOutcome{{Name: "TestA", Passed: true}},
		},
		{
			name:   "exit status without a failing test",
			output: "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nsomething crashed\n",
			exit:   2,
			want: []TestOutcome{{Name: "TestA", Passed: true}, {Name: BinaryOutcome,
				Output: "=== RUN   TestA\n--- PASS: TestA (0.00s)\nPASS\nsomething crashed\n(the test binary failed outside any test: exit status 2)\n"}},
		},
		{
			name:   "missing closing PASS",
			output: "=== RUN   TestA\n--- PASS: TestA (0.00s)\n",
			want: []TestOutcome{{Name: "TestA", Passed: true}, {Name: BinaryOutcome,
				Output: "=== RUN   TestA\n--- PASS: TestA (0.00s)\n(the test binary failed outside any test: exit status 0)\n"}},
		},
		{
			name:   "listed test never ran",
			output: "=== RUN   TestA\n    a_test.go:3: oops\n--- FAIL: TestA (0.00s)\nFAIL\n",
			exit:   1,
			listed: []string{"TestA", "TestB"},
			want: []TestOutcome{{Name: "TestA", Output: "    a_test.go:3: oops\n"},
				{Name: "TestB", Output: "(the test never ran: the binary stopped first: exit status 1)\n"}},
		},
		{
			name:   "no tests",
			output: "testing: warning: no tests to run\nPASS\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := parseTestOutput(Result{Output: []byte(tt.output), ExitCode: tt.exit}, tt.listed)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// BenchmarkGoTest measures one compile and run of a small package with a
// warm build cache.
func BenchmarkGoTest(b *testing.B) {
	var build, run time.Duration
	for b.Loop() {
		dir := writePackage(b, map[string]string{"task.go": solution, "task_test.go": `package task
import "testing"
func TestAdd(t *testing.T) { if Add(1, 2) != 3 { t.Fatal() } }
`})
		rep, err := GoTest(context.Background(), dir, Limits{})
		if err != nil || rep.Passed != 1 {
			b.Fatalf("err=%v report=%+v", err, rep)
		}
		build += rep.Build.Duration
		run += rep.Run.Duration
	}
	b.ReportMetric(float64(build.Milliseconds())/float64(b.N), "build-ms/op")
	b.ReportMetric(float64(run.Milliseconds())/float64(b.N), "run-ms/op")
}
