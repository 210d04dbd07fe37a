package hwbench

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Percentile is the nearest-rank percentile p (0 < p ≤ 100) of xs; NaN for no samples.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Call is what one streamed request measured, as the concurrency sweep keeps it.
type Call struct {
	TTFT      time.Duration
	LastToken time.Duration
	Tokens    int // completion tokens the server reported
	Err       error
}

// TPOT is the client's time per output token after the first; ok is false when the
// call streamed fewer than two tokens.
func (c Call) TPOT() (time.Duration, bool) {
	if c.Tokens < 2 || c.LastToken <= c.TTFT {
		return 0, false
	}
	return (c.LastToken - c.TTFT) / time.Duration(c.Tokens-1), true
}

// SweepStats summarises a concurrency window: calls made by all users and the wall
// clock from the first request sent to the last response ended.
type SweepStats struct {
	AggregateTokS             float64 // all completion tokens / wall clock
	UserTokSP50               float64 // median per-request stream rate (tokens after the first / their span)
	TTFTP50, TTFTP95, TTFTP99 float64 // ms
	GoodputReqS               float64 // requests that met both SLOs, per second of wall clock
	SLOPct                    float64 // share of requests that met both SLOs
	ReqS                      float64 // requests per second
	ErrPct                    float64
	Requests                  int
}

// Sweep computes the concurrency metrics. A failed call counts as a request that missed
// its SLO; its tokens are not counted.
func Sweep(calls []Call, wall time.Duration, sloTTFT, sloTPOT time.Duration) SweepStats {
	var st SweepStats
	st.Requests = len(calls)
	if len(calls) == 0 || wall <= 0 {
		return st
	}
	var tokens, good, failed int
	var ttfts, rates []float64
	for _, c := range calls {
		if c.Err != nil {
			failed++
			continue
		}
		tokens += c.Tokens
		ttfts = append(ttfts, float64(c.TTFT)/float64(time.Millisecond))
		tpot, ok := c.TPOT()
		if ok {
			rates = append(rates, float64(c.Tokens-1)/(c.LastToken-c.TTFT).Seconds())
		}
		if ok && c.TTFT <= sloTTFT && tpot <= sloTPOT {
			good++
		}
	}
	sec := wall.Seconds()
	st.AggregateTokS = float64(tokens) / sec
	st.UserTokSP50 = Percentile(rates, 50)
	st.TTFTP50, st.TTFTP95, st.TTFTP99 = Percentile(ttfts, 50), Percentile(ttfts, 95), Percentile(ttfts, 99)
	st.GoodputReqS = float64(good) / sec
	st.SLOPct = 100 * float64(good) / float64(len(calls))
	st.ReqS = float64(len(calls)) / sec
	st.ErrPct = 100 * float64(failed) / float64(len(calls))
	return st
}

var nameUnsafe = regexp.MustCompile(`[:/=\s,]+`)

// BenchName is a model spec as a benchmark name element: ':' , '/', '=' and spaces
// become '-' (so benchstat's /key=value parsing holds), and Ollama's ":latest" goes.
func BenchName(s string) string {
	s = strings.TrimSuffix(strings.TrimSpace(s), ":latest")
	return strings.Trim(nameUnsafe.ReplaceAllString(s, "-"), "-")
}
