package refactoring

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const genericStatsOriginal = `package stats

// SumInts returns the sum of xs (0 for none).
func SumInts(xs []int) int {
	var s int
	for _, x := range xs {
		s += x
	}
	return s
}

// SumInt64s returns the sum of xs (0 for none).
func SumInt64s(xs []int64) int64 {
	var s int64
	for _, x := range xs {
		s += x
	}
	return s
}

// SumFloat64s returns the sum of xs (0 for none).
func SumFloat64s(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// MaxInts returns the largest of xs; false if xs is empty.
func MaxInts(xs []int) (int, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m, true
}

// MaxFloat64s returns the largest of xs; false if xs is empty.
func MaxFloat64s(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m, true
}

// MaxStrings returns the lexically largest of xs; false if xs is empty.
func MaxStrings(xs []string) (string, bool) {
	if len(xs) == 0 {
		return "", false
	}
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m, true
}

// MeanInts returns the arithmetic mean of xs (0 for none), accumulated in float64.
func MeanInts(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += float64(x)
	}
	return s / float64(len(xs))
}

// MeanFloat64s returns the arithmetic mean of xs (0 for none).
func MeanFloat64s(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}`

const genericStatsReference = `package stats

import "cmp"

// Number is any integer or floating-point type, including named types such as
// type Cents int64.
type Number interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64
}

// Sum returns the sum of xs (0 for none), computed in T.
func Sum[T Number](xs []T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}

// Max returns the largest of xs; false if xs is empty.
func Max[T cmp.Ordered](xs []T) (T, bool) {
	if len(xs) == 0 {
		var zero T
		return zero, false
	}
	m := xs[0]
	for _, x := range xs[1:] {
		if x > m {
			m = x
		}
	}
	return m, true
}

// Mean returns the arithmetic mean of xs (0 for none). It accumulates in float64, so
// small integer types cannot overflow.
func Mean[T Number](xs []T) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += float64(x)
	}
	return s / float64(len(xs))
}`

var genericOverConstraint = harness.Register(&harness.Task{
	ID:         "generic-over-constraint",
	Category:   harness.Refactoring,
	Title:      "Collapse per-type helpers into generic functions over a constraint",
	Difficulty: 4,
	MaxTokens:  2048,
	Tags:       []string{"go", "refactoring", "generics", "type-constraints"},
	Prompt: `This stats package has one copy of each helper per element type, and callers with named
types (type Cents int64, type Millis uint32) must convert their slices first. Replace the
copies with generic functions:

` + harness.Fenced("go", genericStatsOriginal) + `

Required API after the change (package stats; every old function is removed):

    // Number is any integer or floating-point type, including named types whose
    // underlying type is one (type Cents int64).
    type Number interface{ ... }
    func Sum[T Number](xs []T) T
    func Max[T cmp.Ordered](xs []T) (T, bool)
    func Mean[T Number](xs []T) float64

Behaviour to keep, for every element type: Sum of nothing is 0 and is computed in T
(as before: an int sum is an int sum); Max returns the first element larger than all
before it and false for an empty slice; Mean returns 0 for an empty slice and accumulates
in float64 exactly like the old MeanInts, so a Mean of int8 or uint8 values never
overflows. Standard library only.

Reply with the complete refactored Go file in one fenced code block.`,
	Capabilities: []string{"type-parameterised functions", "approximation constraints (~T) for named types", "keeps numeric semantics (accumulation type)"},
	Reference:    harness.Fenced("go", genericStatsReference),
	Checks: []harness.Check{
		harness.GoTests{
			Package: "stats",
			Tests: map[string]string{"stats_test.go": `package stats

import (
	"math"
	"testing"
)

type Cents int64
type Millis uint32
type Ratio float32
type Name string

func TestSum(t *testing.T) {
	if got := Sum([]int{1, 2, 3}); got != 6 {
		t.Errorf("Sum ints = %d", got)
	}
	if got := Sum([]float64{0.5, 0.25}); got != 0.75 {
		t.Errorf("Sum floats = %v", got)
	}
	if got := Sum([]Cents{199, 1}); got != Cents(200) {
		t.Errorf("Sum Cents = %d", got)
	}
	if got := Sum([]Millis{4000000000, 1}); got != Millis(4000000001) {
		t.Errorf("Sum Millis = %d", got)
	}
	if got := Sum[int64](nil); got != 0 {
		t.Errorf("Sum(nil) = %d", got)
	}
	if got := Sum([]uint8{200, 100}); got != 44 {
		t.Errorf("Sum uint8 wraps like uint8 arithmetic: got %d, want 44", got)
	}
	if got := Sum([]Ratio{0.5, 0.25}); got != 0.75 {
		t.Errorf("Sum Ratio = %v", got)
	}
}

func TestMax(t *testing.T) {
	if m, ok := Max([]int{3, 9, -2, 9}); m != 9 || !ok {
		t.Errorf("Max ints = %d, %v", m, ok)
	}
	if m, ok := Max([]float64{-1.5, -0.5}); m != -0.5 || !ok {
		t.Errorf("Max floats = %v, %v", m, ok)
	}
	if m, ok := Max([]string{"pear", "apple", "zucchini", "fig"}); m != "zucchini" || !ok {
		t.Errorf("Max strings = %q, %v", m, ok)
	}
	if m, ok := Max([]Name{"b", "a"}); m != "b" || !ok {
		t.Errorf("Max Names = %q, %v", m, ok)
	}
	if m, ok := Max([]Cents{5, 50, 7}); m != 50 || !ok {
		t.Errorf("Max Cents = %d, %v", m, ok)
	}
	if m, ok := Max[string](nil); m != "" || ok {
		t.Errorf("Max(nil) = %q, %v", m, ok)
	}
	if m, ok := Max([]int{-7}); m != -7 || !ok {
		t.Errorf("Max single = %d, %v", m, ok)
	}
}

func TestMean(t *testing.T) {
	if got := Mean([]int{1, 2, 3, 4}); got != 2.5 {
		t.Errorf("Mean ints = %v", got)
	}
	if got := Mean([]int8{100, 100, 100}); got != 100 {
		t.Errorf("Mean int8 = %v, want 100 (no overflow)", got)
	}
	if got := Mean([]uint8{200, 250}); got != 225 {
		t.Errorf("Mean uint8 = %v, want 225", got)
	}
	if got := Mean([]Cents{1, 2}); got != 1.5 {
		t.Errorf("Mean Cents = %v", got)
	}
	if got := Mean([]int64{math.MaxInt64, math.MaxInt64}); got != float64(math.MaxInt64) {
		t.Errorf("Mean of two MaxInt64 = %v", got)
	}
	if got := Mean[float64](nil); got != 0 {
		t.Errorf("Mean(nil) = %v", got)
	}
	if got := Mean([]Millis{1, 2, 4}); math.Abs(got-7.0/3) > 1e-12 {
		t.Errorf("Mean Millis = %v", got)
	}
}
`},
		},
		harness.GoDeclares{
			Want:   []string{"Number", "Sum", "Max", "Mean"},
			Forbid: []string{"SumInts", "SumInt64s", "SumFloat64s", "MaxInts", "MaxFloat64s", "MaxStrings", "MeanInts", "MeanFloat64s"},
		},
	},
	WrongAnswers: []string{
		harness.Fenced("go", genericStatsOriginal),
		// Constraint without ~: named types such as Cents do not satisfy it.
		harness.Fenced("go", strings.NewReplacer(
			"	~int | ~int8 | ~int16 | ~int32 | ~int64 |\n		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |\n		~float32 | ~float64",
			"	int | int8 | int16 | int32 | int64 |\n		uint | uint8 | uint16 | uint32 | uint64 | uintptr |\n		float32 | float64",
		).Replace(genericStatsReference)),
		// Mean reuses Sum, so small integer types overflow before the division.
		harness.Fenced("go", strings.Replace(genericStatsReference,
			"	var s float64\n	for _, x := range xs {\n		s += float64(x)\n	}\n	return s / float64(len(xs))",
			"	return float64(Sum(xs)) / float64(len(xs))", 1)),
	},
})

func TestGenericOverConstraint(t *testing.T) { harness.Run(t, genericOverConstraint) }
