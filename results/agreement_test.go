package results

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Two judges on six items, worked by hand:
//
//	a: 0 1 2 2 1 2
//	b: 0 2 2 1 1 0
//
// exact 3/6; within one 5/6 (only the last item differs by 2).
//
// Quadratic kappa, weights (i−j)²/4: observed weighted disagreement (¼ + ¼ + 1)/6 = 0.25;
// marginals a = (1, 2, 3)/6, b = (2, 2, 2)/6, expected = ⅓·(1.25·⅙ + 0.5·2/6 + 1.25·3/6)
// = ⅓; κ = 1 − 0.25/⅓ = 0.25.
//
// Krippendorff's ordinal alpha: coincidences o00 = 2, o11 = 2, o22 = 2, o12 = o21 = 2,
// o02 = o20 = 1; n0 = 3, n1 = 4, n2 = 5, n = 12; δ²(0,1) = (7 − 3.5)² = 12.25,
// δ²(1,2) = (9 − 4.5)² = 20.25, δ²(0,2) = (12 − 4)² = 64; Σ o·δ² = 4·20.25 + 2·64 = 209;
// Σ n·n·δ² = 2·(12·12.25 + 20·20.25 + 15·64) = 3024; α = 1 − 11·209/3024 = 725/3024.
var handA, handB = []int{0, 1, 2, 2, 1, 2}, []int{0, 2, 2, 1, 1, 0}

func TestAgreementStatisticsAgainstHandComputedValues(t *testing.T) {
	pairs := func(a, b []int) [][]int {
		u := make([][]int, len(a))
		for i := range a {
			u[i] = []int{a[i], b[i]}
		}
		return u
	}
	for _, tc := range []struct {
		name                         string
		a, b                         []int
		exact, within1, kappa, alpha float64
	}{
		{"worked example", handA, handB, 3.0 / 6, 5.0 / 6, 0.25, 725.0 / 3024},
		{"perfect agreement", []int{0, 1, 2, 1}, []int{0, 1, 2, 1}, 1, 1, 1, 1},
		// Opposite ends every time: observed weighted disagreement 1, expected
		// ¼ + ¼ = ½, so κ = 1 − 1/½ = −1; alpha: o02 = o20 = 2, n0 = n2 = 2, n = 4,
		// δ²(0,2) = (4 − 2)² = 4, α = 1 − 3·(4·4)/(2·2·2·4) = −0.5.
		{"opposite ends", []int{0, 2}, []int{2, 0}, 0, 0, -1, -0.5},
		// Both judges always say 1: agreement is perfect but chance-corrected
		// statistics are undefined.
		{"both constant", []int{1, 1, 1}, []int{1, 1, 1}, 1, 1, math.NaN(), math.NaN()},
		{"no items", nil, nil, math.NaN(), math.NaN(), math.NaN(), math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			near(t, tc.exact, ExactAgreement(tc.a, tc.b), "exact")
			near(t, tc.within1, WithinOne(tc.a, tc.b), "within one")
			near(t, tc.kappa, QuadraticKappa(tc.a, tc.b, ScoreLevels), "quadratic kappa")
			near(t, tc.alpha, KrippendorffOrdinal(pairs(tc.a, tc.b)), "ordinal alpha")
		})
	}
}

// Krippendorff's alpha with three coders and missing values, by hand: units
// {1,1,2} {0,0} {2} {1,2} {2,2,2} {0,1}. The single {2} is not pairable. Coincidences
// (a unit of m values adds 1/(m−1) per ordered pair): o00 = 2, o01 = o10 = 1, o11 = 1,
// o12 = o21 = 2, o22 = 3; n0 = 3, n1 = 4, n2 = 5, n = 12; the δ² are the worked
// example's; Σ o·δ² = 2·12.25 + 4·20.25 = 105.5; α = 1 − 11·105.5/3024 = 3727/6048.
func TestKrippendorffOrdinalWithMissingValues(t *testing.T) {
	units := [][]int{{1, 1, 2}, {0, 0}, {2}, {1, 2}, {2, 2, 2}, {0, 1}}
	near(t, 3727.0/6048, KrippendorffOrdinal(units), "alpha")
}

func TestBootstrapMeanCI(t *testing.T) {
	// Two tasks scoring 0 and 2: a resample of two tasks has mean 0, 1 or 2 with
	// probabilities ¼, ½, ¼, so the 2.5% and 97.5% quantiles are 0 and 2.
	mean, lo, hi := BootstrapMeanCI([][]float64{{0}, {2}}, 4000, 1)
	assert.Equal(t, 1.0, mean)
	assert.Equal(t, 0.0, lo)
	assert.Equal(t, 2.0, hi)

	// Means of task means: a task's samples are averaged first.
	groups := [][]float64{{2, 0}, {2}, {1, 1, 1}, {}}
	mean, lo, hi = BootstrapMeanCI(groups, 2000, 7)
	assert.InDelta(t, (1+2+1)/3.0, mean, 1e-12)
	assert.LessOrEqual(t, lo, mean)
	assert.GreaterOrEqual(t, hi, mean)
	assert.GreaterOrEqual(t, lo, 1.0)
	assert.LessOrEqual(t, hi, 2.0)
	m2, lo2, hi2 := BootstrapMeanCI(groups, 2000, 7)
	assert.Equal(t, []float64{mean, lo, hi}, []float64{m2, lo2, hi2}, "a fixed seed gives a fixed interval")

	mean, lo, hi = BootstrapMeanCI([][]float64{{1.5, 0.5}}, 2000, 7)
	assert.Equal(t, []float64{1, 1, 1}, []float64{mean, lo, hi}, "one task: no spread to resample")
	mean, _, _ = BootstrapMeanCI(nil, 2000, 7)
	assert.True(t, math.IsNaN(mean))
}

func near(t *testing.T, want, got float64, what string) {
	t.Helper()
	if math.IsNaN(want) {
		assert.True(t, math.IsNaN(got), "%s: want undefined (NaN), got %v", what, got)
		return
	}
	assert.InDelta(t, want, got, 1e-12, what)
}
