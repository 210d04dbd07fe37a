package hwbench

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clearEnv unsets every variable hwbench reads, for the test.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, v := range []string{"LIM_HW_MODELS", "LIM_MODELS", "LIM_HW_DECODE_TOKENS", "LIM_HW_PREFILL", "LIM_HW_DEEP_CTX",
		"LIM_HW_NUM_CTX", "LIM_HW_USERS", "LIM_HW_DURATION", "LIM_SLO_TTFT_MS", "LIM_SLO_TPOT_MS", "LIM_HW_SERVER_PARALLEL",
		"OLLAMA_NUM_PARALLEL", "LIM_TIER", "LIM_BANDWIDTH_GBS", "LIM_HW_PROBE_MB", "LIM_HW_OS_RESERVE_GB", "OLLAMA_KV_CACHE_TYPE", "LIM_DB"} {
		t.Setenv(v, "")
	}
}

func TestConfigDefaults(t *testing.T) {
	clearEnv(t)
	t.Setenv("LIM_MODELS", "oracle,ollama:qwen3:14b,openai:llamacpp/qwen3")
	c, err := ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "LIM_MODELS", c.ModelsVar)
	require.Len(t, c.Models, 2)
	assert.Equal(t, []string{"oracle"}, c.Skipped)
	assert.Equal(t, 128, c.DecodeTokens)
	assert.Equal(t, []int{512, 4096}, c.Prefill)
	assert.Equal(t, 8192, c.NumCtx, "4096 + 128 tokens need the next power of two")
	assert.Equal(t, []int{1, 2, 3, 5, 8}, c.Users)
	assert.Equal(t, 30*time.Second, c.Duration)
	assert.Equal(t, 2*time.Second, c.SLOTTFT)
	assert.Equal(t, 100*time.Millisecond, c.SLOTPOT)
	assert.Zero(t, c.ServerParallel)
	assert.Contains(t, c.ServerParallelSource, "LIM_HW_SERVER_PARALLEL")
	assert.Equal(t, "f16", c.KVCacheType)
}

func TestConfigOverrides(t *testing.T) {
	clearEnv(t)
	t.Setenv("LIM_MODELS", "ollama:ignored")
	t.Setenv("LIM_HW_MODELS", "ollama:lim-tiny-endless")
	t.Setenv("LIM_HW_PREFILL", "128, 1024")
	t.Setenv("LIM_HW_DEEP_CTX", "0")
	t.Setenv("LIM_HW_USERS", "1,4")
	t.Setenv("LIM_HW_DURATION", "2s")
	t.Setenv("LIM_SLO_TTFT_MS", "500")
	t.Setenv("LIM_SLO_TPOT_MS", "12.5")
	t.Setenv("OLLAMA_NUM_PARALLEL", "4")
	t.Setenv("LIM_BANDWIDTH_GBS", "546")
	t.Setenv("LIM_HW_PROBE_MB", "64")
	t.Setenv("OLLAMA_KV_CACHE_TYPE", "Q8_0")
	c, err := ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "LIM_HW_MODELS", c.ModelsVar)
	assert.Equal(t, "ollama:lim-tiny-endless", c.Models[0].Raw)
	assert.Equal(t, []int{128, 1024}, c.Prefill)
	assert.Equal(t, 2048, c.NumCtx)
	assert.Equal(t, 500*time.Millisecond, c.SLOTTFT)
	assert.Equal(t, 12500*time.Microsecond, c.SLOTPOT)
	assert.Equal(t, 4, c.ServerParallel)
	assert.Contains(t, c.ServerParallelSource, "OLLAMA_NUM_PARALLEL", "said where the number came from")
	assert.Equal(t, 546.0, c.BandwidthGBs)
	assert.Equal(t, int64(64<<20), c.ProbeBytes)
	assert.Equal(t, "q8_0", c.KVCacheType)

	t.Setenv("LIM_HW_SERVER_PARALLEL", "2")
	c, err = ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, 2, c.ServerParallel, "the user's statement wins over the environment")
	assert.Equal(t, "LIM_HW_SERVER_PARALLEL", c.ServerParallelSource)
}

func TestConfigNoModels(t *testing.T) {
	clearEnv(t)
	_, err := ConfigFromEnv()
	require.True(t, errors.Is(err, ErrNoModels))
	assert.Contains(t, err.Error(), "LIM_HW_MODELS")
	assert.Contains(t, err.Error(), "LIM_MODELS")
	t.Setenv("LIM_MODELS", "oracle")
	_, err = ConfigFromEnv()
	require.True(t, errors.Is(err, ErrNoModels))
	assert.Contains(t, err.Error(), "only the oracle")
}

func TestConfigErrorsNameTheSetting(t *testing.T) {
	for name, value := range map[string]string{
		"LIM_HW_MODELS":          "ollama",
		"LIM_HW_USERS":           "1,0",
		"LIM_HW_PREFILL":         "big",
		"LIM_HW_DECODE_TOKENS":   "1",
		"LIM_HW_DURATION":        "30",
		"LIM_SLO_TTFT_MS":        "-1",
		"LIM_HW_SERVER_PARALLEL": "many",
		"LIM_BANDWIDTH_GBS":      "fast",
		"LIM_HW_NUM_CTX":         "1024",
		"LIM_HW_PROBE_MB":        "1",
		"LIM_HW_OS_RESERVE_GB":   "x",
		"OLLAMA_KV_CACHE_TYPE":   "q3",
	} {
		t.Run(name, func(t *testing.T) {
			clearEnv(t)
			t.Setenv("LIM_HW_MODELS", "ollama:m")
			t.Setenv(name, value)
			_, err := ConfigFromEnv()
			require.Error(t, err)
			assert.False(t, errors.Is(err, ErrNoModels))
			assert.Contains(t, err.Error(), name)
		})
	}
}
