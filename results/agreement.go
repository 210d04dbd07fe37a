package results

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Agreement is how two judges agree on the same items: one item is one dimension of one
// result both judged with scores (judge errors are not items). Statistics that are
// undefined on the items (no items; both judges constant) are NaN.
type Agreement struct {
	JudgeA, JudgeB string // empty when pooled over every pair of judges
	Category       string // empty: every category
	Results        int    // results both judges scored
	Items          int    // Results × the three dimensions
	Exact          float64
	Within1        float64 // |a − b| ≤ 1
	Kappa          float64 // Cohen's kappa, quadratic weights
	Alpha          float64 // Krippendorff's alpha, ordinal metric
}

// ScoreLevels is the number of levels of a rubric dimension (0, 1, 2).
const ScoreLevels = 3

// ExactAgreement is the share of items on which a and b are equal (NaN without items).
func ExactAgreement(a, b []int) float64 {
	return share(a, b, func(x, y int) bool { return x == y })
}

// WithinOne is the share of items on which a and b differ by at most 1.
func WithinOne(a, b []int) float64 {
	return share(a, b, func(x, y int) bool { return abs(x-y) <= 1 })
}

func share(a, b []int, ok func(x, y int) bool) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return math.NaN()
	}
	n := 0
	for i := range a {
		if ok(a[i], b[i]) {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// QuadraticKappa is Cohen's kappa of two raters' scores a and b on levels 0…k−1 with
// quadratic disagreement weights (i−j)²/(k−1)²:
//
//	κ = 1 − Σ w·observed / Σ w·expected,
//
// expected being the product of the two raters' marginal distributions. It is NaN when
// undefined: no items, or no expected disagreement (both raters constant on one level).
func QuadraticKappa(a, b []int, k int) float64 {
	if len(a) == 0 || len(a) != len(b) || k < 2 {
		return math.NaN()
	}
	n := float64(len(a))
	obs := make([][]float64, k)
	for i := range obs {
		obs[i] = make([]float64, k)
	}
	pa, pb := make([]float64, k), make([]float64, k)
	for i := range a {
		if a[i] < 0 || a[i] >= k || b[i] < 0 || b[i] >= k {
			return math.NaN()
		}
		obs[a[i]][b[i]] += 1 / n
		pa[a[i]] += 1 / n
		pb[b[i]] += 1 / n
	}
	var num, den float64
	for i := range k {
		for j := range k {
			w := float64((i-j)*(i-j)) / float64((k-1)*(k-1))
			num += w * obs[i][j]
			den += w * pa[i] * pb[j]
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return 1 - num/den
}

// KrippendorffOrdinal is Krippendorff's alpha with the ordinal metric over units, each
// holding the values the raters gave one item (units with fewer than two values are not
// pairable and are ignored). From the coincidence matrix o (each unit adds, for every
// ordered pair of its values, 1/(m−1)), the marginals n_c and n = Σ n_c:
//
//	δ²(c,k) = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²
//	α = 1 − (n − 1) · Σ o_ck δ²(c,k) / Σ n_c n_k δ²(c,k)
//
// It is NaN when undefined (no pairable unit, or a single value used throughout).
func KrippendorffOrdinal(units [][]int) float64 {
	o := map[[2]int]float64{}
	marg := map[int]float64{}
	for _, u := range units {
		m := len(u)
		if m < 2 {
			continue
		}
		for i := range u {
			for j := range u {
				if i != j {
					o[[2]int{u[i], u[j]}] += 1 / float64(m-1)
				}
			}
			marg[u[i]]++
		}
	}
	var values []int
	var n float64
	for c, nc := range marg {
		values = append(values, c)
		n += nc
	}
	if len(values) < 2 {
		return math.NaN()
	}
	sort.Ints(values)
	rank := map[int]int{}
	for i, c := range values {
		rank[c] = i
	}
	delta2 := func(c, k int) float64 {
		lo, hi := rank[c], rank[k]
		if lo > hi {
			lo, hi = hi, lo
		}
		var sum float64
		for g := lo; g <= hi; g++ {
			sum += marg[values[g]]
		}
		d := sum - (marg[c]+marg[k])/2
		return d * d
	}
	var do, de float64
	for _, c := range values {
		for _, k := range values {
			d := delta2(c, k)
			do += o[[2]int{c, k}] * d
			de += marg[c] * marg[k] * d
		}
	}
	if de == 0 {
		return math.NaN()
	}
	return 1 - (n-1)*do/de
}

// BootstrapMeanCI returns the mean over groups of each group's mean (for lim: the mean
// over tasks of each task's mean over its samples), and the 95% percentile interval of
// that mean over reps bootstrap resamples of the groups, drawn from a generator seeded
// with seed so the interval is reproducible. Empty groups are ignored; with no group
// every value is NaN, with one the interval is that group's mean.
func BootstrapMeanCI(groups [][]float64, reps int, seed uint64) (mean, lo, hi float64) {
	var means []float64
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		var s float64
		for _, x := range g {
			s += x
		}
		means = append(means, s/float64(len(g)))
	}
	if len(means) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	mean = meanOf(means)
	if len(means) == 1 || reps < 1 {
		return mean, mean, mean
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x6c696d))
	stats := make([]float64, reps)
	for r := range stats {
		var s float64
		for range means {
			s += means[rng.IntN(len(means))]
		}
		stats[r] = s / float64(len(means))
	}
	sort.Float64s(stats)
	return mean, quantile(stats, 0.025), quantile(stats, 0.975)
}

func meanOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// quantile is the q-quantile of sorted xs, interpolating linearly between ranks.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	f := pos - float64(i)
	return sorted[i]*(1-f) + sorted[i+1]*f
}

// pairItems collects two judges' scores on shared items.
type pairItems struct {
	a, b    []int
	results int
}

// add adds every pair of scored verdicts among vs (one result's verdicts of one
// version) as items.
func (p *pairItems) add(vs []Verdict) {
	for i, v := range vs {
		if !v.Scored() {
			continue
		}
		for _, w := range vs[i+1:] {
			if !w.Scored() {
				continue
			}
			p.addPair(v, w)
		}
	}
}

func (p *pairItems) addPair(v, w Verdict) {
	sv, sw := v.Scores(), w.Scores()
	p.a = append(p.a, sv[:]...)
	p.b = append(p.b, sw[:]...)
	p.results++
}

func (p *pairItems) agreement(a, b, category string) Agreement {
	units := make([][]int, len(p.a))
	for i := range p.a {
		units[i] = []int{p.a[i], p.b[i]}
	}
	return Agreement{
		JudgeA: a, JudgeB: b, Category: category,
		Results: p.results, Items: len(p.a),
		Exact: ExactAgreement(p.a, p.b), Within1: WithinOne(p.a, p.b),
		Kappa: QuadraticKappa(p.a, p.b, ScoreLevels), Alpha: KrippendorffOrdinal(units),
	}
}

// Agreements is the agreement of every pair of judges over the results rs, from their
// verdicts vs: overall (Category "") and per category, for the version of verdicts each
// result is scored by (see Judge). Pairs are ordered by judge, overall first.
func Agreements(rs []Result, vs []Verdict) []Agreement {
	type key struct{ a, b, category string }
	items := map[key]*pairItems{}
	byResult := ByResult(vs)
	for i := range rs {
		r := &rs[i]
		j := Judge(r, byResult[r.ID])
		for x, v := range j.Verdicts {
			if !v.Scored() {
				continue
			}
			for _, w := range j.Verdicts[x+1:] {
				if !w.Scored() {
					continue
				}
				for _, cat := range []string{"", r.Category} {
					k := key{v.Judge, w.Judge, cat}
					if items[k] == nil {
						items[k] = &pairItems{}
					}
					items[k].addPair(v, w)
				}
			}
		}
	}
	var out []Agreement
	for k, p := range items {
		out = append(out, p.agreement(k.a, k.b, k.category))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.JudgeA != b.JudgeA {
			return a.JudgeA < b.JudgeA
		}
		if a.JudgeB != b.JudgeB {
			return a.JudgeB < b.JudgeB
		}
		return a.Category < b.Category
	})
	return out
}
