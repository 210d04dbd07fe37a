package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"

	"github.com/local-inference-machine/lim/harness/sandbox"
)

// DefaultModule is the module path of the temporary module generated code is tested in.
const DefaultModule = "example.com/task"

// GoTests runs hidden Go tests against the code in an answer, in the sandbox, in a fresh
// temporary module. The score is the fraction of hidden top-level tests that pass; a
// build failure scores 0 and reports the compiler's message.
type GoTests struct {
	// Label names the check; "hidden-tests" when empty.
	Label string
	// Package is the package name of a single-file solution: the answer's package clause
	// is rewritten to it, so "package main" around a correct function still counts.
	Package string
	// Tests are the hidden test files, path → source (e.g. "solution_test.go").
	Tests map[string]string
	// Given are files supplied with the task that the answer does not write, path → source.
	Given map[string]string
	// MultiFile splits the answer into files by "// file: <path>" markers instead of
	// taking its one Go block as solution.go.
	MultiFile bool
	// Module is the module path (DefaultModule when empty): multi-file prompts tell the
	// model to import its packages under it.
	Module string
	// Limits bound the test run (sandbox defaults when zero).
	Limits sandbox.Limits
}

// Name implements Check.
func (c GoTests) Name() string { return orDefault(c.Label, "hidden-tests") }

// Spec implements Check.
func (c GoTests) Spec() string {
	b, _ := json.Marshal(struct {
		Package, Module string
		MultiFile       bool
		Tests, Given    map[string]string
	}{c.Package, c.module(), c.MultiFile, c.Tests, c.Given})
	return "gotests:" + string(b)
}

func (c GoTests) module() string { return orDefault(c.Module, DefaultModule) }

// Files returns the module the check would test for answer: the solution files, the
// given files and the hidden tests, path → source.
func (c GoTests) Files(answer string) (map[string]string, error) {
	files := map[string]string{}
	if c.MultiFile {
		fs, err := Files(answer)
		if err != nil {
			return nil, err
		}
		for p, src := range fs {
			if strings.HasSuffix(p, "_test.go") {
				continue // the model's own tests don't count, and could shadow hidden ones
			}
			if p == "go.mod" || p == "go.sum" {
				continue
			}
			files[p] = src
		}
	} else {
		src, err := GoCode(answer)
		if err != nil {
			return nil, err
		}
		if c.Package != "" {
			src = setPackage(src, c.Package)
		}
		files["solution.go"] = src
	}
	for p, src := range c.Given {
		files[p] = src
	}
	for p, src := range c.Tests {
		files[p] = src
	}
	files["go.mod"] = "module " + c.module() + "\n\ngo " + goVersion() + "\n"
	return files, nil
}

// goVersion is the language version of the module generated code is tested in: the
// toolchain's own, so answers may use everything it supports.
func goVersion() string {
	v := strings.TrimPrefix(runtime.Version(), "go")
	if parts := strings.SplitN(v, ".", 3); len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return "1.22"
}

var packageClause = regexp.MustCompile(`(?m)^package\s+\w+`)

func setPackage(src, pkg string) string {
	if loc := packageClause.FindStringIndex(src); loc != nil {
		return src[:loc[0]] + "package " + pkg + src[loc[1]:]
	}
	return "package " + pkg + "\n\n" + src
}

// Run implements Check.
func (c GoTests) Run(ctx context.Context, answer string) CheckResult {
	files, err := c.Files(answer)
	if err != nil {
		return fail(c.Name(), "%v", err)
	}
	return throughCheckCache(ctx, c.Spec(), files, func() CheckResult { return c.run(ctx, files) })
}

func (c GoTests) run(ctx context.Context, files map[string]string) CheckResult {
	dir, err := os.MkdirTemp("", "lim-gotest-")
	if err != nil {
		return fail(c.Name(), "create sandbox dir: %v", err)
	}
	defer os.RemoveAll(dir)
	mod := filepath.Join(dir, "mod")
	for p, src := range files {
		full := filepath.Join(mod, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return fail(c.Name(), "write %s: %v", p, err)
		}
		if err := os.WriteFile(full, []byte(src), 0o644); err != nil {
			return fail(c.Name(), "write %s: %v", p, err)
		}
	}
	rep, err := sandbox.GoTest(ctx, mod, c.Limits)
	if err != nil {
		return fail(c.Name(), "run hidden tests: %v", err)
	}
	iso := describeIsolation(rep.Run.Isolation)
	if rep.BuildFailed {
		r := fail(c.Name(), "build failed: %s", clip(string(rep.Build.Output), 2000))
		r.Isolation = iso
		return r
	}
	total := rep.Passed + rep.Failed
	if total == 0 {
		r := fail(c.Name(), "no hidden test ran: %s", clip(string(rep.Run.Output), 2000))
		r.Isolation = iso
		return r
	}
	var failures []string
	for _, t := range rep.Tests {
		if !t.Passed {
			failures = append(failures, t.Name+": "+clip(strings.TrimSpace(t.Output), 300))
		}
	}
	switch {
	case rep.Run.TimedOut:
		failures = append(failures, "the test run hit its time limit")
	case rep.Run.OutputTruncated:
		failures = append(failures, "the test run exceeded its output limit")
	}
	r := fraction(c.Name(), rep.Passed, total, failures)
	if rep.Run.Killed {
		r.Passed = false
	}
	r.Isolation = iso
	return r
}

func describeIsolation(iso sandbox.Isolation) string {
	s := "enforced: " + strings.Join(iso.Enforced, ",")
	if len(iso.Missing) > 0 {
		s += "; NOT enforced: " + strings.Join(iso.Missing, "; ")
	}
	return s
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// GoDeclares checks the structure of Go code in an answer: every name in Want must be
// declared and no name in Forbid may be. Names are "Func", "Type", or "Type.Method".
// Refactoring tasks use it to see that the requested change happened.
type GoDeclares struct {
	Label     string // "declares" when empty
	Want      []string
	Forbid    []string
	MultiFile bool
}

// Name implements Check.
func (c GoDeclares) Name() string { return orDefault(c.Label, "declares") }

// Spec implements Check.
func (c GoDeclares) Spec() string {
	return fmt.Sprintf("declares:%v:%s|%s", c.MultiFile, strings.Join(c.Want, ","), strings.Join(c.Forbid, ","))
}

// Run implements Check.
func (c GoDeclares) Run(_ context.Context, answer string) CheckResult {
	var srcs []string
	if c.MultiFile {
		fs, err := Files(answer)
		if err != nil {
			return fail(c.Name(), "%v", err)
		}
		for p, s := range fs {
			if strings.HasSuffix(p, ".go") {
				srcs = append(srcs, s)
			}
		}
	} else {
		s, err := GoCode(answer)
		if err != nil {
			return fail(c.Name(), "%v", err)
		}
		srcs = []string{s}
	}
	declared := map[string]bool{}
	for _, src := range srcs {
		if !packageClause.MatchString(src) {
			src = "package p\n\n" + src
		}
		f, err := parser.ParseFile(token.NewFileSet(), "answer.go", src, parser.SkipObjectResolution)
		if err != nil {
			return fail(c.Name(), "the Go code does not parse: %v", err)
		}
		for name := range goDecls(f) {
			declared[name] = true
		}
	}
	var failures []string
	for _, w := range c.Want {
		if !declared[w] {
			failures = append(failures, w+" is not declared")
		}
	}
	for _, f := range c.Forbid {
		if declared[f] {
			failures = append(failures, f+" is still declared")
		}
	}
	return fraction(c.Name(), len(c.Want)+len(c.Forbid)-len(failures), len(c.Want)+len(c.Forbid), failures)
}

func goDecls(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				names[recvType(d.Recv.List[0].Type)+"."+d.Name.Name] = true
			} else {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
					if it, ok := s.Type.(*ast.InterfaceType); ok {
						for _, m := range it.Methods.List {
							for _, n := range m.Names {
								names[s.Name.Name+"."+n.Name] = true
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}

func recvType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvType(t.X)
	case *ast.IndexExpr:
		return recvType(t.X)
	case *ast.IndexListExpr:
		return recvType(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}

// The check cache remembers the outcome of expensive checks (compiling and running
// hidden tests) by the hash of the check and the exact files tested, so replays and
// re-runs of identical answers don't rebuild them. LIM_CHECK_CACHE=off disables it.

// throughCheckCache returns the cached result of the check spec on inputs, or runs it
// and caches what it returns (unless ctx ended: a cancelled run is not a verdict).
func throughCheckCache(ctx context.Context, spec string, inputs map[string]string, run func() CheckResult) CheckResult {
	key := checkCacheKey(spec, inputs)
	if r, ok := cachedCheck(key); ok {
		return r
	}
	r := run()
	if ctx.Err() == nil {
		storeCheck(key, r)
	}
	return r
}

func checkCacheKey(spec string, files map[string]string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", runtime.Version(), spec)
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%s\x00", p, files[p])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func checkCacheFile(key string) (string, bool) {
	if os.Getenv("LIM_CHECK_CACHE") == "off" {
		return "", false
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", false
	}
	return filepath.Join(dir, "lim", "checks", key[:2], key+".json"), true
}

func cachedCheck(key string) (CheckResult, bool) {
	var r CheckResult
	path, ok := checkCacheFile(key)
	if !ok {
		return r, false
	}
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &r) != nil {
		return r, false
	}
	return r, true
}

func storeCheck(key string, r CheckResult) {
	path, ok := checkCacheFile(key)
	if !ok {
		return
	}
	b, err := json.Marshal(r)
	if err != nil {
		return
	}
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	tmp := path + ".tmp" + fmt.Sprint(os.Getpid())
	if os.WriteFile(tmp, b, 0o644) == nil {
		os.Rename(tmp, path)
	}
}
