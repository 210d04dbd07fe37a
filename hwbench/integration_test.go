//go:build integration

package hwbench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/internal/devollama"
	"github.com/local-inference-machine/lim/internal/devollama/devollamatest"
	"github.com/local-inference-machine/lim/results"
)

// The tiny model's shape (internal/devollama): F32, its own output layer, a 258-token
// vocabulary of width 64, 2 layers of 4 KV heads of 16 dimensions.
const (
	tinyTableBytes = 258 * 64 * 4
	tinyKVPerToken = 2 * (4*16 + 4*16) * 2 // f16
	tinyParallel   = 2
)

// startOllama starts the development Ollama with OLLAMA_NUM_PARALLEL=parallel; like
// devollamatest.Start, it skips without a binary unless LIM_REQUIRE_OLLAMA=1.
func startOllama(t *testing.T, parallel int) *devollama.Server {
	t.Helper()
	bin, ok := devollama.Find()
	switch {
	case !ok && bin != "":
		t.Fatalf("%s=%s: no such file", devollama.EnvBin, bin)
	case !ok && os.Getenv(devollamatest.EnvRequire) == "1":
		t.Fatalf("no ollama binary and %s=1: run `go run ./cmd/ollama-dev install`", devollamatest.EnvRequire)
	case !ok:
		t.Skipf("no ollama binary: run `go run ./cmd/ollama-dev install` (or set %s)", devollama.EnvBin)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := devollama.Start(ctx, devollama.Options{Bin: bin, NumParallel: parallel,
		ModelsDir: filepath.Join(dir, "models"), LogPath: filepath.Join(dir, "ollama.log")})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of the ollama log:\n%s", srv.LogTail())
		}
		if err := srv.Stop(); err != nil {
			t.Errorf("stopping ollama: %v", err)
		}
	})
	return srv
}

// childTimeout leaves the child process the test's remaining time, less a margin.
func childTimeout(t *testing.T) time.Duration {
	if d, ok := t.Deadline(); ok {
		return time.Until(d) - 30*time.Second
	}
	return 30 * time.Minute
}

// TestBenchmarksAgainstDevOllama is CI's hwbench run: every benchmark once, against the
// real Ollama serving the tiny model natively and through its OpenAI-compatible API,
// the output read back with benchfmt, every metric found in the store.
func TestBenchmarksAgainstDevOllama(t *testing.T) {
	srv := startOllama(t, tinyParallel)
	db := filepath.Join(t.TempDir(), "lim.db")
	env := []string{
		"OLLAMA_HOST=" + srv.Host(),
		"LIM_HW_MODELS=ollama:" + devollama.EndlessModel + ",openai:ollama/" + devollama.EndlessModel,
		"LIM_DB=" + db, "LIM_TIER=ci-tiny",
		"LIM_HW_USERS=1,2", "LIM_HW_DURATION=2s", "LIM_HW_SERVER_PARALLEL=2",
	}
	start := time.Now()
	out, err := runSelf(t, childTimeout(t), env, "-test.run=^$", "-test.bench=.", "-test.benchtime=1x")
	t.Logf("go test -bench . -benchtime 1x ./hwbench/ (%v):\n%s", time.Since(start).Round(time.Second), out)
	require.NoError(t, err)
	got := parseOutput(t, out)

	native := "model=ollama-" + devollama.EndlessModel + "/quant=F32/"
	openai := "model=openai-ollama-" + devollama.EndlessModel + "/quant=unknown/"
	decode := []string{UnitTokS, UnitClientTokS, UnitTPOT, UnitTPOTGap, UnitCeiling, UnitMBU}
	decodeClient := []string{UnitClientTokS, UnitTPOT}
	sweep := []string{UnitTokS, UnitUserTokSP50, UnitTTFTP50, UnitTTFTP95, UnitTTFTP99, UnitGoodput, UnitSLO, UnitReqS, UnitErr}
	want := map[string][]string{
		"BenchmarkDecode/" + native + "ctx=0":            append(decode, UnitTTFT),
		"BenchmarkDecode/" + native + "ctx=4096":         append(decode, UnitPromptTok),
		"BenchmarkDecode/" + openai + "ctx=0":            append(decodeClient, UnitTTFT),
		"BenchmarkDecode/" + openai + "ctx=4096":         append(decodeClient, UnitPromptTok),
		"BenchmarkPrefill/" + native + "prompt=512":      {UnitPromptTok, UnitTokS, UnitClientTokS, UnitTTFT},
		"BenchmarkPrefill/" + native + "prompt=4096":     {UnitPromptTok, UnitTokS, UnitClientTokS, UnitTTFT},
		"BenchmarkPrefill/" + openai + "prompt=512":      {UnitPromptTok, UnitClientTokS, UnitTTFT},
		"BenchmarkPrefill/" + openai + "prompt=4096":     {UnitPromptTok, UnitClientTokS, UnitTTFT},
		"BenchmarkLoad/" + native + "state=cold":         {UnitLoad, UnitTTFT},
		"BenchmarkLoad/" + native + "state=warm":         {UnitLoad, UnitTTFT},
		"BenchmarkLoad/" + openai + "state=warm":         {UnitTTFT}, // cold is skipped: no unload over /v1
		"BenchmarkUsers/" + native + "users=1":           sweep,
		"BenchmarkUsers/" + native + "users=2":           sweep,
		"BenchmarkUsers/" + openai + "users=1":           sweep,
		"BenchmarkUsers/" + openai + "users=2":           sweep,
		"BenchmarkMemoryBandwidth/kernel=" + KernelCopy:  {UnitGBs},
		"BenchmarkMemoryBandwidth/kernel=" + KernelTriad: {UnitGBs},
	}
	var gotNames, wantNames []string
	for n := range got {
		gotNames = append(gotNames, n)
	}
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(gotNames)
	sort.Strings(wantNames)
	require.Equal(t, wantNames, gotNames, "the benchmarks that ran")

	for name, units := range want {
		values := got[name]
		var unitsGot []string
		for u, v := range values {
			unitsGot = append(unitsGot, u)
			assert.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s: %s = %v", name, u, v)
			assert.GreaterOrEqual(t, v, 0.0, "%s: %s", name, u)
		}
		sort.Strings(unitsGot)
		sorted := slices.Clone(units)
		sort.Strings(sorted)
		assert.Equal(t, sorted, unitsGot, "%s: the units reported (ns/op hidden, no server counters over /v1)", name)
		for _, u := range []string{UnitTokS, UnitClientTokS, UnitTTFT, UnitTPOT, UnitGBs, UnitCeiling, UnitMBU, UnitReqS} {
			if _, ok := values[u]; ok {
				assert.Positive(t, values[u], "%s: %s", name, u)
			}
		}
		if v, ok := values[UnitSLO]; ok {
			assert.LessOrEqual(t, v, 100.0, name)
			assert.Zero(t, values[UnitErr], "%s: no request failed", name)
		}
		if v, ok := values[UnitMBU]; ok {
			assert.Less(t, v, 100.0, "%s: decode cannot beat the memory roofline", name)
		}
	}

	// The byte-level tokenizer makes prompt sizes exact.
	for _, m := range []string{native, openai} {
		assert.Equal(t, 512.0, got["BenchmarkPrefill/"+m+"prompt=512"][UnitPromptTok], m)
		assert.Equal(t, 4096.0, got["BenchmarkPrefill/"+m+"prompt=4096"][UnitPromptTok], m)
		assert.Equal(t, 4096.0, got["BenchmarkDecode/"+m+"ctx=4096"][UnitPromptTok], m)
	}

	// The client's time per output token agrees with the server's eval rate.
	for _, p := range []string{"ctx=0", "ctx=4096"} {
		gap := got["BenchmarkDecode/"+native+p][UnitTPOTGap]
		t.Logf("client TPOT against the server's eval rate, %s: %+.2f%%", p, gap)
		assert.LessOrEqual(t, math.Abs(gap), 5.0, "%s: client TPOT and server eval rate differ by %.2f%%", p, gap)
	}

	// Everything printed is stored, with the device and the models.
	ctx := context.Background()
	store, err := results.Open(ctx, db)
	require.NoError(t, err)
	defer store.Close()
	runs, err := store.HWRuns(ctx)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	run := runs[0]
	assert.Equal(t, "ci-tiny", run.Tier)
	assert.Equal(t, int64(tinyParallel), run.ServerParallel.Int64)
	assert.Equal(t, "LIM_HW_SERVER_PARALLEL", run.ServerParallelSource)
	assert.Positive(t, run.BandwidthGBs.Float64)
	assert.True(t, strings.HasPrefix(run.BandwidthSource, "probe "), run.BandwidthSource)
	assert.Positive(t, run.MemoryBytes.Int64)

	models, err := store.HWModels(ctx)
	require.NoError(t, err)
	require.Len(t, models, 2)
	version := strings.TrimPrefix(devollama.Version, "v")
	for _, m := range models {
		switch m.Model {
		case "ollama:" + devollama.EndlessModel:
			assert.Equal(t, "F32", m.Quant)
			assert.Equal(t, "ollama", m.Runtime)
			assert.Equal(t, version, m.RuntimeVersion)
			assert.NotEmpty(t, m.ModelDigest)
			assert.Equal(t, 4*m.Parameters.Int64, m.WeightsBytes.Int64, "F32: 4 bytes a weight")
			assert.Equal(t, m.WeightsBytes.Int64-tinyTableBytes, m.BytesPerToken.Int64, "all weights but the embedding table")
			assert.Equal(t, "tensors", m.BytesSource)
			assert.Equal(t, int64(tinyKVPerToken), m.KVBytesPerToken.Int64)
			assert.Equal(t, int64(8192), m.NumCtx.Int64)
			assert.Equal(t, FitYes, m.Fit, m.FitDetail)
			assert.Positive(t, m.LoadedBytes.Int64)
			if run.GPU == "" {
				assert.Equal(t, "none: CPU only (no GPU)", m.Spill)
			}
		case "openai:ollama/" + devollama.EndlessModel:
			assert.Equal(t, "unknown", m.Quant)
			assert.Equal(t, "ollama (OpenAI API)", m.Runtime)
			assert.Equal(t, "ollama "+version, m.RuntimeVersion)
			assert.False(t, m.BytesPerToken.Valid)
			assert.Equal(t, FitUnknown, m.Fit)
		default:
			t.Errorf("unexpected model %q stored", m.Model)
		}
	}

	stored, err := store.HWResults(ctx, run.ID)
	require.NoError(t, err)
	assert.Len(t, stored, len(got), "one stored result per benchmark line")
	for _, r := range stored {
		printed, ok := got[r.Benchmark]
		if !assert.True(t, ok, "stored %s was not printed", r.Benchmark) {
			continue
		}
		assert.Equal(t, len(printed), len(r.Metrics), r.Benchmark)
		for u, v := range printed {
			s := r.Metrics[u]
			assert.LessOrEqual(t, math.Abs(s-v), 1e-3*math.Max(math.Abs(s), math.Abs(v))+1e-9, "%s: %s printed %v, stored %v", r.Benchmark, u, v, s)
		}
	}

	rep, err := store.HWReport(ctx)
	require.NoError(t, err)
	var sb strings.Builder
	require.NoError(t, rep.Write(&sb, results.FormatText))
	for _, s := range []string{"ci-tiny", "ollama:" + devollama.EndlessModel, "openai:ollama/" + devollama.EndlessModel, "decode ctx=4096 · mbu-%"} {
		assert.Contains(t, sb.String(), s)
	}
}

// TestBenchmarkFailsForAMissingModel: a model the server does not have is a
// configuration error, and the message says how to fix it.
func TestBenchmarkFailsForAMissingModel(t *testing.T) {
	srv := startOllama(t, 1)
	env := []string{"OLLAMA_HOST=" + srv.Host(), "LIM_HW_MODELS=ollama:no-such-model", "LIM_DB=" + filepath.Join(t.TempDir(), "lim.db")}
	out, err := runSelf(t, 2*time.Minute, env, "-test.run=^$", "-test.bench=^BenchmarkLoad$", "-test.benchtime=1x")
	require.Error(t, err, out)
	assert.Contains(t, out, "has no model \"no-such-model\": `ollama pull no-such-model`")
}
