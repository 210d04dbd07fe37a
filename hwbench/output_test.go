package hwbench

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchunit"

	"github.com/local-inference-machine/lim/results"
)

// runSelf runs this test binary again with args and env on top of the environment
// less every LIM_ and OLLAMA_ setting, and returns its output. The child runs no tests
// (args should hold -test.run=^$), so it cannot recurse.
func runSelf(t *testing.T, timeout time.Duration, env []string, args ...string) (string, error) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LIM_") && !strings.HasPrefix(kv, "OLLAMA_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}

// parsed is a benchmark run's output as benchfmt reads it: results by full name
// (without the -GOMAXPROCS suffix), each with its values by unit.
type parsed map[string]map[string]float64

func parseOutput(t *testing.T, out string) parsed {
	t.Helper()
	r := benchfmt.NewReader(strings.NewReader(out), "go test -bench output")
	got := parsed{}
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("benchfmt cannot parse the output: %v", rec)
		case *benchfmt.Result:
			base, parts := rec.Name.Parts()
			name := "Benchmark" + string(base) // benchfmt drops the prefix
			for _, p := range parts {
				if !bytes.HasPrefix(p, []byte("-")) { // drop the -GOMAXPROCS suffix
					name += string(p)
				}
			}
			values := map[string]float64{}
			for _, v := range rec.Values {
				values[v.Unit] = v.Value
			}
			got[name] = values
		}
	}
	require.NoError(t, r.Err())
	return got
}

func TestUnitsAreBenchstatFriendly(t *testing.T) {
	for _, u := range Units {
		assert.False(t, strings.ContainsFunc(u, unicode.IsSpace), "unit %q has a space", u)
		v, tidy := benchunit.Tidy(1, u)
		assert.Equal(t, u, tidy, "benchstat would rename %q", u)
		assert.Equal(t, 1.0, v, "benchstat would rescale %q", u)
		assert.NotEqual(t, "ns/op", u)
	}

	// A line as go test prints it, with every unit: benchfmt reads each back, and the
	// name splits into the /key=value parts benchstat's -col /model and /ctx use.
	line := "BenchmarkDecode/model=ollama-qwen3-14b/quant=Q4_K_M/ctx=4096-8 \t       3\t"
	for i, u := range Units {
		line += fmt.Sprintf("\t%d.5 %s", i+1, u)
	}
	r := benchfmt.NewReader(strings.NewReader(line+"\n"), "line")
	require.True(t, r.Scan())
	res, ok := r.Result().(*benchfmt.Result)
	require.True(t, ok, "%v", r.Result())
	require.Len(t, res.Values, len(Units))
	for i, v := range res.Values {
		assert.Equal(t, Units[i], v.Unit)
		assert.Equal(t, float64(i+1)+0.5, v.Value)
	}
	// benchstat's -col /model reads the name part that starts "/model=".
	base, parts := res.Name.Parts()
	assert.Equal(t, "Decode", string(base))
	var names []string
	for _, p := range parts {
		names = append(names, string(p))
	}
	assert.Equal(t, []string{"/model=ollama-qwen3-14b", "/quant=Q4_K_M", "/ctx=4096", "-8"}, names)
}

// TestBenchmarkOutputParses runs the bandwidth benchmarks (they need no model server)
// as `go test -bench` would, and reads the output back with benchfmt and the store.
func TestBenchmarkOutputParses(t *testing.T) {
	db := filepath.Join(t.TempDir(), "lim.db")
	out, err := runSelf(t, 2*time.Minute, []string{"LIM_DB=" + db, "LIM_TIER=unit-test", "LIM_HW_PROBE_MB=8"},
		"-test.run=^$", "-test.bench=^BenchmarkMemoryBandwidth$", "-test.benchtime=2x")
	require.NoError(t, err, out)
	got := parseOutput(t, out)
	require.Len(t, got, 2, out)
	for _, kernel := range []string{KernelCopy, KernelTriad} {
		values := got["BenchmarkMemoryBandwidth/kernel="+kernel]
		require.NotNil(t, values, "no result for %s in\n%s", kernel, out)
		assert.Greater(t, values[UnitGBs], 0.0)
		assert.NotContains(t, values, "sec/op", "ns/op is hidden")
	}

	store, err := results.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	runs, err := store.HWRuns(context.Background())
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, "unit-test", runs[0].Tier)
	assert.Equal(t, "LIM_TIER", runs[0].TierSource)
	assert.Positive(t, runs[0].Cores)
	stored, err := store.HWResults(context.Background(), runs[0].ID)
	require.NoError(t, err)
	require.Len(t, stored, 2)
	for _, r := range stored {
		assert.Equal(t, "bandwidth", r.Kind)
		assert.Equal(t, 2, r.Iterations)
		printed := got[r.Benchmark][UnitGBs]
		assert.InEpsilon(t, printed, r.Metrics[UnitGBs], 1e-3, "%s: stored %v, printed %v", r.Benchmark, r.Metrics[UnitGBs], printed)
	}
}

func TestBenchmarksSkipWithoutModels(t *testing.T) {
	out, err := runSelf(t, time.Minute, []string{"LIM_DB=" + filepath.Join(t.TempDir(), "lim.db")},
		"-test.run=^$", "-test.bench=^Benchmark(Decode|Prefill|Load|Users)$", "-test.v")
	require.NoError(t, err, out)
	assert.Equal(t, 4, strings.Count(out, "--- SKIP"), out)
	assert.Contains(t, out, "set LIM_HW_MODELS (or LIM_MODELS)")
	assert.Empty(t, parseOutput(t, out))
}

func TestBenchmarksFailOnWrongConfiguration(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{[]string{"LIM_HW_MODELS=ollama:m", "LIM_HW_USERS=0"}, "LIM_HW_USERS"},
		{[]string{"LIM_HW_MODELS=ollama"}, "LIM_HW_MODELS"},
		// Nothing listens on port 9 of loopback (discard): the configured server is wrong.
		{[]string{"LIM_HW_MODELS=ollama:m", "OLLAMA_HOST=127.0.0.1:9"}, "cannot reach Ollama at http://127.0.0.1:9"},
		{[]string{"LIM_HW_MODELS=openai:nosuch/m"}, "LIM_ENDPOINT_NOSUCH_URL"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			env := append(tc.env, "LIM_DB="+filepath.Join(t.TempDir(), "lim.db"))
			out, err := runSelf(t, time.Minute, env, "-test.run=^$", "-test.bench=^BenchmarkLoad$", "-test.benchtime=1x")
			require.Error(t, err, "the benchmark passed:\n%s", out)
			assert.Contains(t, out, "FAIL")
			assert.Contains(t, out, tc.want)
		})
	}
}

func TestMetricsRejectUnknownUnits(t *testing.T) {
	var ms metrics
	ms.add(UnitTokS, math.NaN())
	ms.add(UnitTokS, math.Inf(1))
	assert.Empty(t, ms, "non-finite values are not reported")
	ms.add(UnitTokS, 3)
	assert.Equal(t, metrics{{UnitTokS, 3}}, ms)
	assert.Panics(t, func() { ms.add("tokens per second", 1) })
}
