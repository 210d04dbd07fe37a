package sandbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// GoTestReport is the outcome of GoTest.
type GoTestReport struct {
	Build       Result        // the compile step (go test -c)
	Run         Result        // running the test binary
	BuildFailed bool          // the package (or its tests) did not compile, or vet failed
	Tests       []TestOutcome // per top-level test, in the order they ran; tests that never ran are failed
	Passed      int           // tests that passed
	Failed      int           // tests that failed, crashed, timed out or never ran (skips count in neither)
}

// TestOutcome is one top-level test; subtests fold into their parent.
type TestOutcome struct {
	Name   string
	Passed bool
	Output string // for a failure, its output lines (log, failure messages, panic)
}

// BinaryOutcome names the synthetic failure GoTest adds when the test binary
// failed (a crash, os.Exit, a kill) while every test it reported passed.
const BinaryOutcome = "(test binary)"

// buildLimits bound the compile step, which runs the Go toolchain on
// untrusted source and needs more than the tests.
var buildLimits = Limits{
	WallTime:       180 * time.Second,
	MemoryBytes:    4 << 30,
	MaxProcesses:   1024,
	MaxOutputBytes: 1 << 20,
	MaxFileBytes:   1 << 30,
}

// maxTestOutput bounds TestOutcome.Output.
const maxTestOutput = 16 << 10

// GoTest compiles and runs the Go tests in dir (a module: go.mod and .go
// files, standard library only) inside the sandbox, package by package: every
// directory holding a _test.go file is built with `go test -c` (which also
// runs vet, as go test does) under the toolchain's own larger limits and a
// shared build cache, then its test binary runs with limits, once with
// -test.list to learn every test and once with -test.v. Tests of a package
// below the root are named "<dir>/<Test>". dir must be a directory the caller
// created for this call; binaries are written there. The error reports only a
// sandbox set-up failure.
//
// Verdicts come from the binaries' -test.v output. A test that panics,
// calls os.Exit, times out or is killed fails, and so does every listed
// test that never ran; a binary that fails outside any test adds a failed
// BinaryOutcome. The output is the tested code's too: code written to forge
// testing's verdict lines and then end the process itself could fake a pass.
func GoTest(ctx context.Context, dir string, limits Limits) (GoTestReport, error) {
	limits = limits.withDefaults()
	var rep GoTestReport
	goBin, goroot, err := findGo()
	if err != nil {
		return rep, err
	}
	cache, err := sharedGoCache()
	if err != nil {
		return rep, err
	}
	real, err := checkDir(dir)
	if err != nil {
		return rep, err
	}
	pkgs, err := testPackages(real)
	if err != nil {
		return rep, err
	}
	if len(pkgs) == 0 {
		pkgs = []string{"."} // still compile it: a build error is a result
	}
	for i, pkg := range pkgs {
		build, run, tests, err := goTestPackage(ctx, real, pkg, i, goBin, goroot, cache, limits)
		rep.Build = mergeResults(rep.Build, build)
		if err != nil {
			return rep, err
		}
		if build.ExitCode != 0 || build.Killed {
			rep.BuildFailed = true
			return rep, nil
		}
		rep.Run = mergeResults(rep.Run, run)
		rep.Tests = append(rep.Tests, tests...)
	}
	for _, t := range rep.Tests {
		switch {
		case t.Passed:
			rep.Passed++
		case !strings.HasPrefix(t.Output, skippedPrefix):
			rep.Failed++
		}
	}
	return rep, nil
}

// testPackages lists the directories under root (relative, "." first) that
// hold test files.
func testPackages(root string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		seen[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sandbox: finding test packages: %w", err)
	}
	pkgs := make([]string, 0, len(seen))
	for p := range seen {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if (pkgs[i] == ".") != (pkgs[j] == ".") {
			return pkgs[i] == "."
		}
		return pkgs[i] < pkgs[j]
	})
	return pkgs, nil
}

// goTestPackage builds and runs the tests of one package of the module at real.
func goTestPackage(ctx context.Context, real, pkg string, n int, goBin, goroot, cache string, limits Limits) (build, run Result, tests []TestOutcome, err error) {
	bin := filepath.Join(real, fmt.Sprintf("pkg%d.test", n))
	_ = os.Remove(bin) // never run a stale binary
	build, err = Run(ctx, Cmd{
		Dir:  real,
		Path: goBin,
		Args: []string{"test", "-c", "-o", bin, "./" + pkg},
		Env: []string{
			"PATH=" + filepath.Join(goroot, "bin") + ":" + sandboxPATH,
			"GOCACHE=" + cache,
			"GOFLAGS=-mod=mod",
			"GOPROXY=off",
			"GOSUMDB=off",
			"GOTOOLCHAIN=local",
			"GOWORK=off",
			"GOENV=off",
			"CGO_ENABLED=0",
		},
		Limits: buildLimits,
		binds:  []bind{{Path: cache, Writable: true}, {Path: goroot}},
	})
	if err != nil {
		return build, run, nil, fmt.Errorf("sandbox: compiling tests of %s: %w", pkg, err)
	}
	if build.ExitCode != 0 || build.Killed {
		return build, run, nil, nil
	}
	if _, err := os.Stat(bin); err != nil {
		return build, run, nil, nil // no test files: nothing to run
	}
	pkgDir := filepath.Join(real, filepath.FromSlash(pkg))
	list, err := Run(ctx, Cmd{Dir: pkgDir, Path: bin, Args: []string{"-test.list", "."}, Limits: limits})
	if err != nil {
		return build, run, nil, fmt.Errorf("sandbox: listing tests of %s: %w", pkg, err)
	}
	timeout := limits.WallTime - min(limits.WallTime/10, 5*time.Second)
	run, err = Run(ctx, Cmd{
		Dir:  pkgDir,
		Path: bin,
		Args: []string{
			"-test.v",
			"-test.count=1",
			"-test.paniconexit0", // what go test passes: os.Exit(0) inside a test fails it
			"-test.timeout=" + timeout.String(),
		},
		Limits: limits,
	})
	if err != nil {
		return build, run, nil, fmt.Errorf("sandbox: running tests of %s: %w", pkg, err)
	}
	tests = parseTestOutput(run, listedTests(list.Output))
	if pkg != "." {
		for i := range tests {
			tests[i].Name = pkg + "/" + tests[i].Name
		}
	}
	return build, run, tests, nil
}

// mergeResults folds the result of one more command into acc: outputs joined,
// limits hit OR-ed, the worst exit code kept, durations summed.
func mergeResults(acc, r Result) Result {
	if acc.Duration == 0 && len(acc.Output) == 0 {
		return r
	}
	acc.Output = append(acc.Output, r.Output...)
	acc.OutputTruncated = acc.OutputTruncated || r.OutputTruncated
	acc.TimedOut = acc.TimedOut || r.TimedOut
	acc.Killed = acc.Killed || r.Killed
	if r.ExitCode != 0 {
		acc.ExitCode = r.ExitCode
	}
	acc.Duration += r.Duration
	return acc
}

// findGo returns the go command and its GOROOT, both with symlinks resolved.
func findGo() (goBin, goroot string, err error) {
	var candidates []string
	if r := os.Getenv("GOROOT"); r != "" {
		candidates = append(candidates, filepath.Join(r, "bin", "go"))
	}
	if r := runtime.GOROOT(); r != "" { //nolint:staticcheck // a hint only; PATH is tried too
		candidates = append(candidates, filepath.Join(r, "bin", "go"))
	}
	if p, err := exec.LookPath("go"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		real, err := filepath.EvalSymlinks(c)
		if err != nil {
			continue
		}
		root := filepath.Dir(filepath.Dir(real))
		if _, err := os.Stat(filepath.Join(root, "src", "runtime")); err == nil {
			return real, root, nil
		}
	}
	return "", "", errors.New("sandbox: no Go toolchain found (looked in $GOROOT, runtime.GOROOT() and PATH)")
}

// sharedGoCache returns the build cache shared by every GoTest call (so a
// repeat compile takes about a second), creating it if needed. It lives
// under os.UserCacheDir()/lim and is written only by the sandboxed
// toolchain, never by the tested code, which cannot write outside its dir.
func sharedGoCache() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("sandbox: locating the build cache: %w", err)
	}
	name := "sandbox-gocache"
	if os.Getenv(UnsafeEnv) == "1" {
		name += "-unsafe" // written by the caller's own uid; keep it apart
	}
	dir := filepath.Join(base, "lim", name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("sandbox: creating the build cache: %w", err)
	}
	return filepath.EvalSymlinks(dir)
}

var testName = regexp.MustCompile(`^(Test|Example|Fuzz)[\p{L}\p{N}_]*$`)

// listedTests parses -test.list output: the tests, examples and fuzz
// targets a plain run executes (benchmarks are left out).
func listedTests(out []byte) []string {
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		if name := strings.TrimSpace(line); testName.MatchString(name) {
			names = append(names, name)
		}
	}
	return names
}

const skippedPrefix = "skipped"

// parseTestOutput turns -test.v output into one outcome per top-level test.
// A test that started but never reported, or was listed but never started,
// failed; so did the binary itself when it exited badly though every test
// passed.
func parseTestOutput(res Result, listed []string) []TestOutcome {
	type state struct {
		status string // "run", "pass", "fail", "skip"
		out    bytes.Buffer
	}
	var order []string
	tests := map[string]*state{}
	get := func(name string) *state {
		top, _, _ := strings.Cut(name, "/")
		s, ok := tests[top]
		if !ok {
			s = &state{status: "run"}
			tests[top] = s
			order = append(order, top)
		}
		return s
	}
	var cur *state
	sawPass := false
	sc := bufio.NewScanner(bytes.NewReader(res.Output))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "=== "); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && (f[0] == "RUN" || f[0] == "CONT" || f[0] == "PAUSE" || f[0] == "NAME") {
				cur = get(f[1])
				continue
			}
		}
		if rest, ok := strings.CutPrefix(line, "--- "); ok {
			verdict, rest, _ := strings.Cut(rest, ": ")
			name, _, _ := strings.Cut(rest, " (")
			if status := map[string]string{"PASS": "pass", "FAIL": "fail", "SKIP": "skip"}[verdict]; status != "" && name != "" {
				cur = get(name)
				if !strings.Contains(name, "/") {
					cur.status = status
				}
				continue
			}
		}
		if line == "PASS" || line == "FAIL" { // the binary's closing verdict
			sawPass = sawPass || line == "PASS"
			cur = nil
			continue
		}
		if cur != nil && cur.out.Len() < maxTestOutput {
			cur.out.WriteString(line)
			cur.out.WriteByte('\n')
		}
	}

	why := fmt.Sprintf("exit status %d", res.ExitCode)
	switch {
	case res.TimedOut:
		why = "wall-clock limit hit, killed"
	case res.OutputTruncated:
		why = "output limit hit, killed"
	case res.Killed:
		why = "killed for a limit"
	}
	for _, name := range listed {
		if _, ok := tests[name]; !ok {
			tests[name] = &state{status: "notrun"}
			order = append(order, name)
		}
	}
	var outcomes []TestOutcome
	anyFailed := false
	for _, name := range order {
		s := tests[name]
		o := TestOutcome{Name: name, Passed: s.status == "pass"}
		switch s.status {
		case "fail":
			o.Output = s.out.String()
		case "skip":
			o.Output = skippedPrefix + ": " + s.out.String()
		case "run":
			o.Output = s.out.String() + "(the test did not finish: " + why + ")\n"
		case "notrun":
			o.Output = "(the test never ran: the binary stopped first: " + why + ")\n"
		}
		anyFailed = anyFailed || (!o.Passed && s.status != "skip")
		outcomes = append(outcomes, o)
	}
	if !anyFailed && (res.ExitCode != 0 || res.Killed || !sawPass) {
		tail := res.Output[max(0, len(res.Output)-maxTestOutput):]
		outcomes = append(outcomes, TestOutcome{
			Name:   BinaryOutcome,
			Output: string(tail) + "(the test binary failed outside any test: " + why + ")\n",
		})
	}
	return outcomes
}
