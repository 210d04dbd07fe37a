package hwbench

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}
	assert.Equal(t, 5.0, Percentile(xs, 50))
	assert.Equal(t, 10.0, Percentile(xs, 95))
	assert.Equal(t, 10.0, Percentile(xs, 99))
	assert.Equal(t, 1.0, Percentile(xs, 1))
	assert.Equal(t, 7.0, Percentile([]float64{7}, 99))
	assert.True(t, math.IsNaN(Percentile(nil, 50)))
	assert.Equal(t, []float64{5, 1, 4, 2, 3, 6, 7, 8, 9, 10}, xs, "the input is not sorted in place")
}

func TestSweep(t *testing.T) {
	ms := time.Millisecond
	calls := []Call{
		{TTFT: 100 * ms, LastToken: 100*ms + 99*10*ms, Tokens: 100},   // 100 tok/s, meets both SLOs
		{TTFT: 3000 * ms, LastToken: 3000*ms + 99*10*ms, Tokens: 100}, // TTFT too slow
		{TTFT: 200 * ms, LastToken: 200*ms + 99*200*ms, Tokens: 100},  // 5 tok/s: TPOT too slow
		{Err: errors.New("HTTP 503")},
	}
	st := Sweep(calls, 10*time.Second, 2*time.Second, 100*ms)
	assert.Equal(t, 4, st.Requests)
	assert.InDelta(t, 30.0, st.AggregateTokS, 1e-9, "300 tokens over 10 s; the failed call adds none")
	assert.InDelta(t, 100.0, st.UserTokSP50, 1e-9)
	assert.InDelta(t, 200.0, st.TTFTP50, 1e-9)
	assert.InDelta(t, 3000.0, st.TTFTP99, 1e-9)
	assert.InDelta(t, 0.1, st.GoodputReqS, 1e-9, "one good request in 10 s")
	assert.InDelta(t, 25.0, st.SLOPct, 1e-9, "the failed request counts as a miss")
	assert.InDelta(t, 25.0, st.ErrPct, 1e-9)
	assert.InDelta(t, 0.4, st.ReqS, 1e-9)

	assert.Equal(t, SweepStats{}, Sweep(nil, time.Second, time.Second, time.Second))
	one := Call{TTFT: ms, LastToken: ms, Tokens: 1}
	_, ok := one.TPOT()
	assert.False(t, ok, "one token has no time per output token")
}

func TestBenchName(t *testing.T) {
	for in, want := range map[string]string{
		"ollama:qwen3:14b":                   "ollama-qwen3-14b",
		"ollama:lim-tiny-endless:latest":     "ollama-lim-tiny-endless",
		"openai:openrouter/qwen/qwen3-coder": "openai-openrouter-qwen-qwen3-coder",
		"openai:llamacpp/a=b c":              "openai-llamacpp-a-b-c",
		"Q4_K_M":                             "Q4_K_M",
	} {
		assert.Equal(t, want, BenchName(in), in)
	}
}
