package realworld

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var portPythonBucketizeToGo = harness.Register(&harness.Task{
	ID:         "port-python-bucketize-to-go",
	Category:   harness.SimpleCoding,
	Title:      "Port a Python bucketing function to Go, preserving its behaviour",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"real-world", "go", "python", "porting"},
	Prompt: `We are moving our metrics pipeline from Python to Go. Port this function exactly: the Go version must return the same results as the Python one for every input, including negative readings and ties when rounding.

    # metrics/buckets.py
    def bucketize(readings, width):
        """Group integer sensor readings into fixed-width buckets.

        Returns a list of (bucket_start, count, mean) tuples sorted by bucket_start,
        where mean is the average of the bucket's readings rounded to an integer.
        """
        if width <= 0:
            raise ValueError(f"width must be positive, got {width}")
        buckets = {}
        for r in readings:
            start = r - r % width
            buckets.setdefault(start, []).append(r)
        out = []
        for start in sorted(buckets):
            vals = buckets[start]
            out.append((start, len(vals), round(sum(vals) / len(vals))))
        return out

The Go API is:

    package metrics

    type Bucket struct {
        Start int
        Count int
        Mean  int
    }

    // Bucketize returns an error where the Python code raises ValueError.
    func Bucketize(readings []int, width int) ([]Bucket, error)

Readings are small enough that sums never overflow. Reply with the complete Go file (package metrics, including the Bucket type) in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"knows Python's modulo follows the divisor's sign (floor semantics)", "knows Python 3's round() rounds halves to even", "preserves sorting and the error case"},
	Reference: harness.Fenced("go", `package metrics

import (
	"fmt"
	"math"
	"sort"
)

// Bucket is one bucket of readings.
type Bucket struct {
	Start int
	Count int
	Mean  int
}

// Bucketize groups readings into buckets of the given width, like the Python
// bucketize: bucket starts are multiples of width (floor semantics, also for
// negative readings) and means are rounded half to even.
func Bucketize(readings []int, width int) ([]Bucket, error) {
	if width <= 0 {
		return nil, fmt.Errorf("width must be positive, got %d", width)
	}
	type acc struct{ count, sum int }
	buckets := map[int]*acc{}
	for _, r := range readings {
		m := r % width
		if m < 0 {
			m += width // Python's % takes the sign of the divisor
		}
		start := r - m
		a := buckets[start]
		if a == nil {
			a = &acc{}
			buckets[start] = a
		}
		a.count++
		a.sum += r
	}
	starts := make([]int, 0, len(buckets))
	for s := range buckets {
		starts = append(starts, s)
	}
	sort.Ints(starts)
	out := make([]Bucket, 0, len(starts))
	for _, s := range starts {
		a := buckets[s]
		mean := math.RoundToEven(float64(a.sum) / float64(a.count)) // Python 3 round()
		out = append(out, Bucket{Start: s, Count: a.count, Mean: int(mean)})
	}
	return out, nil
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "metrics",
		Tests: map[string]string{"metrics_test.go": `package metrics

import (
	"reflect"
	"testing"
)

func check(t *testing.T, readings []int, width int, want []Bucket) {
	t.Helper()
	got, err := Bucketize(readings, width)
	if err != nil {
		t.Fatalf("Bucketize(%v, %d): unexpected error %v", readings, width, err)
	}
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Bucketize(%v, %d) = %+v, want %+v", readings, width, got, want)
	}
}

func TestPositiveReadings(t *testing.T) {
	check(t, []int{12, 1, 3, 11, 2}, 10, []Bucket{{0, 3, 2}, {10, 2, 12}})
	check(t, []int{5}, 5, []Bucket{{5, 1, 5}})
	check(t, []int{0, 0, 7}, 1, []Bucket{{0, 2, 0}, {7, 1, 7}})
}

func TestNegativeReadingsUseFloor(t *testing.T) {
	// Python: -1 % 10 == 9, so -1 falls in the bucket starting at -10.
	check(t, []int{-1}, 10, []Bucket{{-10, 1, -1}})
	check(t, []int{-10, -11, -20, -21}, 10, []Bucket{{-30, 1, -21}, {-20, 2, -16}, {-10, 1, -10}})
}

func TestNegativeBucketsMixed(t *testing.T) {
	check(t, []int{-3, 4, -7, 0}, 5, []Bucket{{-10, 1, -7}, {-5, 1, -3}, {0, 2, 2}})
}

func TestRoundHalfToEven(t *testing.T) {
	// Means 2.5, 3.5, 0.5, -2.5 and -0.5: Python's round gives 2, 4, 0, -2 and 0.
	check(t, []int{2, 3}, 100, []Bucket{{0, 2, 2}})
	check(t, []int{3, 4}, 100, []Bucket{{0, 2, 4}})
	check(t, []int{0, 1}, 100, []Bucket{{0, 2, 0}})
	check(t, []int{-2, -3}, 100, []Bucket{{-100, 2, -2}})
	check(t, []int{-1, 0}, 100, []Bucket{{-100, 1, -1}, {0, 1, 0}})
	check(t, []int{-1, 0}, 1, []Bucket{{-1, 1, -1}, {0, 1, 0}})
	check(t, []int{1, 2, 3, 4}, 10, []Bucket{{0, 4, 2}})
	check(t, []int{-1, -2, -3, -4}, 10, []Bucket{{-10, 4, -2}})
}

func TestEmpty(t *testing.T) {
	got, err := Bucketize(nil, 3)
	if err != nil || len(got) != 0 {
		t.Errorf("Bucketize(nil, 3) = %v, %v; want no buckets, nil", got, err)
	}
}

func TestNonPositiveWidth(t *testing.T) {
	for _, w := range []int{0, -5} {
		if _, err := Bucketize([]int{1, 2}, w); err == nil {
			t.Errorf("Bucketize(_, %d): want an error", w)
		}
	}
}
`},
	}},
	WrongAnswers: []string{
		// Go's % truncates towards zero: negative readings land in the wrong bucket.
		harness.Fenced("go", `package metrics

import (
	"errors"
	"math"
	"sort"
)

type Bucket struct {
	Start int
	Count int
	Mean  int
}

func Bucketize(readings []int, width int) ([]Bucket, error) {
	if width <= 0 {
		return nil, errors.New("width must be positive")
	}
	groups := map[int][]int{}
	for _, r := range readings {
		start := r - r%width
		groups[start] = append(groups[start], r)
	}
	var starts []int
	for s := range groups {
		starts = append(starts, s)
	}
	sort.Ints(starts)
	var out []Bucket
	for _, s := range starts {
		sum := 0
		for _, v := range groups[s] {
			sum += v
		}
		out = append(out, Bucket{s, len(groups[s]), int(math.RoundToEven(float64(sum) / float64(len(groups[s]))))})
	}
	return out, nil
}`),
		// Floor is right, but math.Round rounds halves away from zero.
		harness.Fenced("go", `package metrics

import (
	"errors"
	"math"
	"sort"
)

type Bucket struct {
	Start int
	Count int
	Mean  int
}

func Bucketize(readings []int, width int) ([]Bucket, error) {
	if width <= 0 {
		return nil, errors.New("width must be positive")
	}
	groups := map[int][]int{}
	for _, r := range readings {
		start := int(math.Floor(float64(r)/float64(width))) * width
		groups[start] = append(groups[start], r)
	}
	var starts []int
	for s := range groups {
		starts = append(starts, s)
	}
	sort.Ints(starts)
	var out []Bucket
	for _, s := range starts {
		sum := 0
		for _, v := range groups[s] {
			sum += v
		}
		out = append(out, Bucket{s, len(groups[s]), int(math.Round(float64(sum) / float64(len(groups[s]))))})
	}
	return out, nil
}`),
	},
})

func TestPortPythonBucketizeToGo(t *testing.T) { harness.Run(t, portPythonBucketizeToGo) }
