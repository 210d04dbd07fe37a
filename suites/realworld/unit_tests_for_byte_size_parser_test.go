package realworld

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/harness/sandbox"
)

// byteSizeSource is the code the model writes tests for.
const byteSizeSource = `package bytesize

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

var units = map[string]float64{
	"":    1,
	"b":   1,
	"k":   1e3,
	"kb":  1e3,
	"m":   1e6,
	"mb":  1e6,
	"g":   1e9,
	"gb":  1e9,
	"t":   1e12,
	"tb":  1e12,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
}

// Parse parses a human-readable size such as "512", "1.5KB", "10 MiB" or "2g"
// into a number of bytes.
//
//   - A bare number is a number of bytes; the unit "B" also means bytes.
//   - K/KB, M/MB, G/GB and T/TB are decimal units (powers of 1000);
//     KiB, MiB, GiB and TiB are binary units (powers of 1024).
//   - Units are case-insensitive, and spaces are allowed around the number
//     and between the number and the unit.
//   - Fractions are allowed ("1.5KB" is 1500 bytes); the result is rounded
//     to the nearest byte, halves away from zero ("2.5B" is 3).
//   - Empty input, negative sizes, unknown units and sizes above
//     math.MaxInt64 bytes are errors.
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("bytesize: empty size")
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	num, unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))
	n, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("bytesize: invalid number %q", num)
	}
	if n < 0 {
		return 0, fmt.Errorf("bytesize: negative size %q", s)
	}
	mult, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("bytesize: unknown unit %q", unit)
	}
	v := math.Round(n * mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("bytesize: %q overflows int64", s)
	}
	return int64(v), nil
}
`

// byteSizeMutants each break one documented rule of Parse.
var byteSizeMutants = map[string][2]string{
	"binary units are decimal":  {`"kib": 1 << 10,`, `"kib": 1e3,`},
	"units are case-sensitive":  {`unit := s[:i], strings.ToLower(strings.TrimSpace(s[i:]))`, `unit := s[:i], strings.TrimSpace(s[i:])`},
	"negative sizes accepted":   {`if n < 0 {`, `if n < -1e300 {`},
	"fractions truncated":       {`v := math.Round(n * mult)`, `v := math.Trunc(n * mult)`},
	"no overflow check":         {`if v >= math.MaxInt64 {`, `if false {`},
	"space before unit refused": {`strings.ToLower(strings.TrimSpace(s[i:]))`, `strings.ToLower(s[i:])`},
}

var unitTestsForByteSizeParser = harness.Register(&harness.Task{
	ID:         "unit-tests-for-byte-size-parser",
	Category:   harness.SimpleCoding,
	Title:      "Write unit tests that pin down a byte-size parser's documented behaviour",
	Difficulty: 3,
	MaxTokens:  2048,
	Tags:       []string{"real-world", "go", "testing", "unit-tests"},
	Prompt: `Write unit tests for this Go package (file bytesize/bytesize.go):

` + harness.Fenced("go", byteSizeSource) + `

Requirements:
- One test file in package bytesize (same package), standard library only.
- Put the tests in a single top-level test function named TestParse (table-driven; subtests with t.Run and helper functions are fine).
- The tests must pass on the code above. They will also be run against several subtly broken versions of Parse, each violating one rule of its doc comment, and should fail on every one of them: cover every documented rule, valid inputs and errors alike.

Reply with the complete test file in one fenced code block.`,
	Capabilities: []string{"derives test cases from a doc comment", "covers error cases and boundaries, not just the happy path", "writes tests that catch regressions (mutation-resistant)"},
	Reference: harness.Fenced("go", `package bytesize

import (
	"math"
	"strconv"
	"testing"
)

func TestParse(t *testing.T) {
	valid := []struct {
		in   string
		want int64
	}{
		{"0", 0},
		{"512", 512},
		{"512B", 512},
		{"1KB", 1000},
		{"1K", 1000},
		{"1.5KB", 1500},
		{"2MB", 2000000},
		{"3GB", 3000000000},
		{"1TB", 1000000000000},
		{"1KiB", 1024},
		{"1.5KiB", 1536},
		{"10MiB", 10 << 20},
		{"2GiB", 2 << 30},
		{"1TiB", 1 << 40},
		{"1kb", 1000},
		{"2g", 2000000000},
		{"1kib", 1024},
		{"1MIB", 1 << 20},
		{"10 MiB", 10 << 20},
		{"  7 KB  ", 7000},
		{"2.5B", 3},
		{"2.4B", 2},
		{"0.5", 1},
		{"9000000TB", 9000000000000000000},
	}
	for _, tc := range valid {
		t.Run(strconv.Quote(tc.in), func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("Parse(%q) = %d, %v; want %d, nil", tc.in, got, err, tc.want)
			}
		})
	}

	invalid := []string{
		"",
		"   ",
		"-1",
		"-5KB",
		"-0.5MiB",
		"12XB",
		"10 bytes",
		"KB",
		"1..5KB",
		"10000000TB",
		"9EiB",
	}
	for _, in := range invalid {
		t.Run("invalid "+strconv.Quote(in), func(t *testing.T) {
			got, err := Parse(in)
			if err == nil {
				t.Errorf("Parse(%q) = %d, nil; want an error", in, got)
			}
		})
	}

	t.Run("largest valid size", func(t *testing.T) {
		got, err := Parse("9223372036854774784")
		if err != nil || got <= 0 || got > math.MaxInt64 {
			t.Errorf("Parse(near MaxInt64) = %d, %v", got, err)
		}
	})
}`),
	Checks: []harness.Check{
		harness.GoTests{
			Label:   "passes-on-given-code",
			Package: "bytesize",
			Given:   map[string]string{"bytesize.go": byteSizeSource},
			// The answer is compiled as solution.go, where go test does not look for tests;
			// this file runs the model's TestParse against the correct code.
			Tests: map[string]string{"run_model_tests_test.go": `package bytesize

import "testing"

func TestModelTestsPassOnGivenCode(t *testing.T) { TestParse(t) }
`},
		},
		harness.Func{Label: "kills-mutants", Version: "1", Fn: checkByteSizeMutants, Cache: true},
	},
	WrongAnswers: []string{
		// Happy-path tests only: pass on the code but miss most broken versions.
		harness.Fenced("go", `package bytesize

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{"512": 512, "1KB": 1000, "2MB": 2000000} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := Parse("abc"); err == nil {
		t.Error("want an error")
	}
}`),
		// Thorough, but expects KiB to be 1000: fails on the correct code.
		harness.Fenced("go", `package bytesize

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{"1KB": 1000, "1KiB": 1000, "1kb": 1000, "10 MB": 10000000, "2.5B": 3} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1XB", "10000000TB"} {
		if _, err := Parse(in); err == nil {
			t.Errorf("Parse(%q): want an error", in)
		}
	}
}`),
	},
})

var testPackageClause = regexp.MustCompile(`(?m)^package\s+\w+`)

// checkByteSizeMutants runs the model's tests against each mutant of Parse in the
// sandbox; a mutant is killed when the tests build and at least one fails.
func checkByteSizeMutants(ctx context.Context, answer string) harness.CheckResult {
	src, err := harness.GoCode(answer)
	if err != nil {
		return harness.CheckResult{Detail: err.Error()}
	}
	if loc := testPackageClause.FindStringIndex(src); loc != nil {
		src = src[:loc[0]] + "package bytesize" + src[loc[1]:]
	} else {
		src = "package bytesize\n\n" + src
	}
	var survivors []string
	killed := 0
	for name, edit := range byteSizeMutants {
		if !strings.Contains(byteSizeSource, edit[0]) {
			return harness.CheckResult{Detail: "mutant " + name + " does not apply to the source"}
		}
		mutant := strings.Replace(byteSizeSource, edit[0], edit[1], 1)
		rep, err := runGoTestFiles(ctx, map[string]string{
			"go.mod":           "module example.com/bytesize\n\ngo 1.22\n",
			"bytesize.go":      mutant,
			"bytesize_test.go": src,
		})
		switch {
		case err != nil:
			return harness.CheckResult{Detail: "sandbox: " + err.Error()}
		case rep.BuildFailed:
			return harness.CheckResult{Detail: "the tests do not build: " + clipOutput(string(rep.Build.Output))}
		case rep.Failed > 0:
			killed++
		default:
			survivors = append(survivors, name)
		}
	}
	r := harness.CheckResult{Score: float64(killed) / float64(len(byteSizeMutants)), Passed: len(survivors) == 0}
	if len(survivors) > 0 {
		r.Detail = fmt.Sprintf("the tests pass on %d broken version(s): %s", len(survivors), strings.Join(sortedStrings(survivors), "; "))
	}
	return r
}

// runGoTestFiles writes files into a fresh directory and runs go test there in the sandbox.
func runGoTestFiles(ctx context.Context, files map[string]string) (sandbox.GoTestReport, error) {
	dir, err := os.MkdirTemp("", "lim-realworld-")
	if err != nil {
		return sandbox.GoTestReport{}, err
	}
	defer os.RemoveAll(dir)
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			return sandbox.GoTestReport{}, err
		}
	}
	return sandbox.GoTest(ctx, dir, sandbox.Limits{})
}

func clipOutput(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

func TestUnitTestsForByteSizeParser(t *testing.T) { harness.Run(t, unitTestsForByteSizeParser) }

// TestByteSizeMutantsApply keeps the mutants in step with the source.
func TestByteSizeMutantsApply(t *testing.T) {
	for name, edit := range byteSizeMutants {
		if strings.Count(byteSizeSource, edit[0]) != 1 {
			t.Errorf("mutant %q: %q must occur exactly once in the source", name, edit[0])
		}
	}
}
