package results

import (
	"bytes"
	"context"
	"database/sql"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func hwRun(tier string, started time.Time) *HWRun {
	return &HWRun{Tier: tier, TierSource: "LIM_TIER", CPUModel: "Test CPU", Cores: 8,
		MemoryBytes: sql.NullInt64{Int64: 16 << 30, Valid: true}, OS: "linux", Arch: "arm64",
		ServerParallelSource: "unknown", StartedAt: started}
}

func saveHWResult(t *testing.T, s *Store, run *HWRun, model, kind, param string, metrics map[string]float64) *HWResult {
	t.Helper()
	r := &HWResult{RunID: run.ID, Benchmark: "Benchmark" + kind + "/" + param, Kind: kind, Param: param,
		Model: model, Iterations: 3, CreatedAt: run.StartedAt, Metrics: metrics}
	require.NoError(t, s.SaveHWResult(context.Background(), r))
	return r
}

func TestHWStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var version int
	require.NoError(t, s.DB().Get(&version, "PRAGMA user_version"))
	assert.Equal(t, 3, version, "migrations 0001…0003 applied")

	run := hwRun("pi5-8g", time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	require.NoError(t, s.SaveHWRun(ctx, run))
	require.NotZero(t, run.ID)
	require.NoError(t, s.SetHWRunBandwidth(ctx, run.ID, 17.5, "probe copy"))

	m := &HWModel{RunID: run.ID, Model: "ollama:qwen3:4b", Quant: "Q4_K_M", Runtime: "ollama",
		BytesPerToken: sql.NullInt64{Int64: 2_500_000_000, Valid: true}, Fit: "fits"}
	require.NoError(t, s.SaveHWModel(ctx, m))
	first := m.ID
	m.Spill = "none: CPU only (no GPU)"
	require.NoError(t, s.SaveHWModel(ctx, m), "a second save of the same run and model updates it")
	assert.Equal(t, first, m.ID)

	r := saveHWResult(t, s, run, m.Model, "decode", "ctx=0", map[string]float64{"tok/s": 12.5, "tpot-gap-%": -0.4})
	bad := &HWResult{RunID: run.ID, Benchmark: "BenchmarkDecode/x", Kind: "decode", Param: "ctx=0",
		Iterations: 1, CreatedAt: run.StartedAt, Metrics: map[string]float64{"tok/s": math.NaN()}}
	require.ErrorContains(t, s.SaveHWResult(ctx, bad), "tok/s is NaN")

	runs, err := s.HWRuns(ctx)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.Equal(t, 17.5, runs[0].BandwidthGBs.Float64)
	assert.Equal(t, "probe copy", runs[0].BandwidthSource)
	models, err := s.HWModels(ctx)
	require.NoError(t, err)
	require.Len(t, models, 1, "the second save replaced the first")
	assert.Equal(t, "none: CPU only (no GPU)", models[0].Spill)
	got, err := s.HWResults(ctx, run.ID)
	require.NoError(t, err)
	require.Len(t, got, 1, "the NaN result was not stored")
	assert.Equal(t, r.ID, got[0].ID)
	assert.Equal(t, map[string]float64{"tok/s": 12.5, "tpot-gap-%": -0.4}, got[0].Metrics)
	other, err := s.HWResults(ctx, run.ID+1)
	require.NoError(t, err)
	assert.Empty(t, other)
}

func TestHWReportSideBySide(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	day := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

	pi := hwRun("pi5-8g", day)
	macOld := hwRun("mac-m4", day.Add(time.Hour))
	macNew := hwRun("mac-m4", day.Add(2*time.Hour))
	macNew.GPU = "Apple M4 (10 GPU cores)"
	for _, r := range []*HWRun{pi, macOld, macNew} {
		require.NoError(t, s.SaveHWRun(ctx, r))
	}
	require.NoError(t, s.SetHWRunBandwidth(ctx, macNew.ID, 120, "LIM_BANDWIDTH_GBS"))
	const model = "ollama:qwen3:4b"
	for _, m := range []*HWModel{
		{RunID: pi.ID, Model: model, Quant: "Q4_K_M", Runtime: "ollama", RuntimeVersion: "0.17.4", Fit: "fits alone", NumCtx: sql.NullInt64{Int64: 8192, Valid: true}},
		{RunID: macNew.ID, Model: model, Quant: "Q4_K_M", Runtime: "ollama", Fit: "fits", Spill: "none: all in GPU memory"},
	} {
		require.NoError(t, s.SaveHWModel(ctx, m))
	}
	saveHWResult(t, s, pi, model, "decode", "ctx=0", map[string]float64{"tok/s": 9})
	saveHWResult(t, s, pi, model, "decode", "ctx=0", map[string]float64{"tok/s": 11})
	saveHWResult(t, s, pi, model, "decode", "ctx=4096", map[string]float64{"tok/s": 7})
	// The older Mac run's decode is replaced by the newer one; its prefill, measured
	// only in the older run, still shows.
	saveHWResult(t, s, macOld, model, "decode", "ctx=0", map[string]float64{"tok/s": 1000})
	saveHWResult(t, s, macOld, model, "prefill", "prompt=512", map[string]float64{"tok/s": 900})
	saveHWResult(t, s, macNew, model, "decode", "ctx=0", map[string]float64{"tok/s": 50})
	saveHWResult(t, s, macNew, "", "bandwidth", "kernel=copy", map[string]float64{"GB/s": 110})

	rep, err := s.HWReport(ctx)
	require.NoError(t, err)
	require.Len(t, rep.Devices, 2)
	assert.Equal(t, "pi5-8g", rep.Devices[0].Tier, "devices in the order they were first measured")
	assert.Equal(t, "mac-m4", rep.Devices[1].Tier)
	assert.Equal(t, 2, rep.Devices[1].Runs)
	assert.Equal(t, macNew.ID, rep.Devices[1].Latest.ID)

	require.Len(t, rep.Models, 1)
	tbl := rep.Models[0]
	cell := func(kind, param, unit string) []Summary {
		for _, r := range tbl.Rows {
			if r.Kind == kind && r.Param == param && r.Unit == unit {
				return r.Cells
			}
		}
		t.Fatalf("no row %s %s %s", kind, param, unit)
		return nil
	}
	dec := cell("decode", "ctx=0", "tok/s")
	assert.Equal(t, Summary{N: 2, Mean: 10, Median: 10}, dec[0], "both samples of the Pi's run")
	assert.Equal(t, Summary{N: 1, Mean: 50, Median: 50}, dec[1], "only the newest Mac run")
	assert.Equal(t, 900.0, cell("prefill", "prompt=512", "tok/s")[1].Median)
	assert.Zero(t, cell("prefill", "prompt=512", "tok/s")[0].N, "the Pi has no prefill")
	assert.Zero(t, cell("decode", "ctx=4096", "tok/s")[1].N)
	var order []string
	for _, r := range tbl.Rows {
		order = append(order, r.Kind+" "+r.Param)
	}
	assert.Equal(t, []string{"decode ctx=0", "decode ctx=4096", "prefill prompt=512"}, order, "ctx=0 before ctx=4096, decode before prefill")
	require.Len(t, rep.DeviceRows, 1)
	assert.Equal(t, 110.0, rep.DeviceRows[0].Cells[1].Median)

	var text bytes.Buffer
	require.NoError(t, rep.Write(&text, FormatText))
	out := text.String()
	for _, want := range []string{"pi5-8g", "mac-m4", "ollama:qwen3:4b", "decode ctx=0 · tok/s", "10.0 (n=2)", "50.0 (n=1)",
		"fits alone (ctx 8192)", "Apple M4 (10 GPU cores)", "120.0 GB/s (LIM_BANDWIDTH_GBS)", "ollama 0.17.4"} {
		assert.Contains(t, out, want)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "prefill prompt=512 · tok/s") {
			assert.Regexp(t, `^prefill prompt=512 · tok/s\s+-\s+900 \(n=1\)$`, line)
		}
	}
	var md bytes.Buffer
	require.NoError(t, rep.Write(&md, FormatMarkdown))
	assert.Contains(t, md.String(), "| device | pi5-8g | mac-m4 |")
	assert.Contains(t, md.String(), "### ollama:qwen3:4b")
}

func TestHWReportEmpty(t *testing.T) {
	s := openTemp(t)
	rep, err := s.HWReport(context.Background())
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, rep.Write(&out, FormatText))
	assert.Contains(t, out.String(), "no hardware benchmarks")
	assert.Contains(t, out.String(), "LIM_HW_MODELS")
}
