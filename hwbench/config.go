package hwbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/local-inference-machine/lim/harness"
)

// Config is hwbench's configuration, read from the environment (see the package doc).
type Config struct {
	// Models are the models to benchmark; ModelsVar names the variable they came from.
	Models    []harness.Spec `json:"models"`
	ModelsVar string         `json:"models_var"`
	// Skipped lists the specs that cannot be benchmarked (the oracle).
	Skipped []string `json:"skipped,omitempty"`

	DecodeTokens int   `json:"decode_tokens"`
	Prefill      []int `json:"prefill"`
	DeepCtx      int   `json:"deep_ctx"`
	NumCtx       int   `json:"num_ctx"`

	Users    []int         `json:"users"`
	Duration time.Duration `json:"duration"`
	SLOTTFT  time.Duration `json:"slo_ttft"`
	SLOTPOT  time.Duration `json:"slo_tpot"`

	// ServerParallel is the server's parallelism when known (0 when not), and
	// ServerParallelSource says where the number came from.
	ServerParallel       int    `json:"server_parallel,omitempty"`
	ServerParallelSource string `json:"server_parallel_source"`

	Tier         string  `json:"tier,omitempty"`
	BandwidthGBs float64 `json:"bandwidth_gbs,omitempty"` // LIM_BANDWIDTH_GBS; 0: probe
	ProbeBytes   int64   `json:"probe_bytes,omitempty"`   // LIM_HW_PROBE_MB; 0: default
	OSReserve    int64   `json:"os_reserve,omitempty"`    // LIM_HW_OS_RESERVE_GB; 0: default
	KVCacheType  string  `json:"kv_cache_type"`
	DBPath       string  `json:"-"`
}

// ErrNoModels is returned by ConfigFromEnv when no model is configured: the benchmarks
// skip with it.
var ErrNoModels = errors.New("no models to benchmark: set LIM_HW_MODELS (or LIM_MODELS) to ollama: or openai: specs, e.g. LIM_HW_MODELS=ollama:qwen3:14b")

// ConfigFromEnv reads the configuration. It returns ErrNoModels (wrapped) when no model
// is configured, and an error naming the variable when one is malformed.
func ConfigFromEnv() (*Config, error) {
	c := &Config{DecodeTokens: 128, Prefill: []int{512, 4096}, DeepCtx: 4096,
		Users: []int{1, 2, 3, 5, 8}, Duration: 30 * time.Second,
		SLOTTFT: 2 * time.Second, SLOTPOT: 100 * time.Millisecond, KVCacheType: "f16"}

	var err error
	if c.DecodeTokens, err = posInt("LIM_HW_DECODE_TOKENS", c.DecodeTokens, 2); err != nil {
		return nil, err
	}
	if c.Prefill, err = intList("LIM_HW_PREFILL", c.Prefill, 16); err != nil {
		return nil, err
	}
	if c.DeepCtx, err = posInt("LIM_HW_DEEP_CTX", c.DeepCtx, 0); err != nil {
		return nil, err
	}
	if c.Users, err = intList("LIM_HW_USERS", c.Users, 1); err != nil {
		return nil, err
	}
	if c.Duration, err = duration("LIM_HW_DURATION", c.Duration); err != nil {
		return nil, err
	}
	if c.SLOTTFT, err = envMillis("LIM_SLO_TTFT_MS", c.SLOTTFT); err != nil {
		return nil, err
	}
	if c.SLOTPOT, err = envMillis("LIM_SLO_TPOT_MS", c.SLOTPOT); err != nil {
		return nil, err
	}

	longest := c.DeepCtx
	for _, p := range c.Prefill {
		longest = max(longest, p)
	}
	c.NumCtx = 2048
	for c.NumCtx < longest+c.DecodeTokens+64 {
		c.NumCtx *= 2
	}
	if v := os.Getenv("LIM_HW_NUM_CTX"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < longest+c.DecodeTokens {
			return nil, fmt.Errorf("LIM_HW_NUM_CTX=%q: want a whole number of at least %d (the largest prompt, %d tokens, plus LIM_HW_DECODE_TOKENS=%d), or leave it unset", v, longest+c.DecodeTokens, longest, c.DecodeTokens)
		}
		c.NumCtx = n
	}

	switch v, ollama := strings.TrimSpace(os.Getenv("LIM_HW_SERVER_PARALLEL")), strings.TrimSpace(os.Getenv("OLLAMA_NUM_PARALLEL")); {
	case v != "":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("LIM_HW_SERVER_PARALLEL=%q: want the number of requests the server runs at once (e.g. Ollama's OLLAMA_NUM_PARALLEL), 1 or more", v)
		}
		c.ServerParallel, c.ServerParallelSource = n, "LIM_HW_SERVER_PARALLEL"
	case ollama != "":
		n, err := strconv.Atoi(ollama)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("OLLAMA_NUM_PARALLEL=%q: want a whole number of 1 or more", ollama)
		}
		c.ServerParallel, c.ServerParallelSource = n, "OLLAMA_NUM_PARALLEL in the benchmark's environment (assumed to be the server's)"
	default:
		c.ServerParallelSource = "unknown: set LIM_HW_SERVER_PARALLEL to the server's setting"
	}

	c.Tier = strings.TrimSpace(os.Getenv("LIM_TIER"))
	if v := os.Getenv("LIM_BANDWIDTH_GBS"); v != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f <= 0 {
			return nil, fmt.Errorf("LIM_BANDWIDTH_GBS=%q: want the device's memory bandwidth in GB/s, e.g. 546 for an M4 Max, or leave it unset to measure it", v)
		}
		c.BandwidthGBs = f
	}
	if mb, err := posInt("LIM_HW_PROBE_MB", 0, 8); err != nil {
		return nil, err
	} else {
		c.ProbeBytes = int64(mb) << 20
	}
	if v := os.Getenv("LIM_HW_OS_RESERVE_GB"); v != "" {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 {
			return nil, fmt.Errorf("LIM_HW_OS_RESERVE_GB=%q: want the memory to keep for the OS and other programs, in GiB", v)
		}
		c.OSReserve = int64(f * (1 << 30))
	}
	if v := strings.ToLower(strings.TrimSpace(os.Getenv("OLLAMA_KV_CACHE_TYPE"))); v != "" {
		if _, ok := kvBytesPerElement[v]; !ok {
			return nil, fmt.Errorf("OLLAMA_KV_CACHE_TYPE=%q: hwbench knows f16, q8_0 and q4_0", v)
		}
		c.KVCacheType = v
	}
	c.DBPath = os.Getenv("LIM_DB")
	if c.DBPath == "" {
		c.DBPath = harness.DefaultDBPath()
	}

	list, name := os.Getenv("LIM_HW_MODELS"), "LIM_HW_MODELS"
	if strings.TrimSpace(list) == "" {
		list, name = os.Getenv("LIM_MODELS"), "LIM_MODELS"
	}
	specs, err := harness.ParseSpecs(list)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.ModelsVar = name
	for _, s := range specs {
		if s.Kind == harness.KindOracle {
			c.Skipped = append(c.Skipped, s.Raw)
			continue
		}
		c.Models = append(c.Models, s)
	}
	if len(c.Models) == 0 {
		if len(c.Skipped) > 0 {
			return c, fmt.Errorf("%w (%s=%q names only the oracle, which has no hardware to measure)", ErrNoModels, name, list)
		}
		return c, ErrNoModels
	}
	return c, nil
}

// JSON is the configuration as stored with a run.
func (c *Config) JSON() string {
	b, _ := json.Marshal(c)
	return string(b)
}

func posInt(name string, def, min int) (int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min {
		return 0, fmt.Errorf("%s=%q: want a whole number of at least %d", name, v, min)
	}
	return n, nil
}

func intList(name string, def []int, min int) ([]int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < min {
			return nil, fmt.Errorf("%s=%q: want a comma-separated list of whole numbers of at least %d, e.g. %s", name, v, min, joinInts(def))
		}
		out = append(out, n)
	}
	return out, nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func duration(name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q: want a duration such as 30s or 2m", name, v)
	}
	return d, nil
}

func envMillis(name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("%s=%q: want milliseconds, e.g. 500", name, v)
	}
	return time.Duration(f * float64(time.Millisecond)), nil
}
