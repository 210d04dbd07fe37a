package results

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// HWRun is one hwbench process: the device it ran on and what it knew about the server.
// Nullable numbers are NULL when the device or the user did not say, never 0.
type HWRun struct {
	ID                   int64           `db:"id"`
	Tier                 string          `db:"tier"`
	TierSource           string          `db:"tier_source"`
	CPUModel             string          `db:"cpu_model"`
	Cores                int             `db:"cores"`
	MemoryBytes          sql.NullInt64   `db:"memory_bytes"`
	OS                   string          `db:"os"`
	Arch                 string          `db:"arch"`
	GPU                  string          `db:"gpu"`
	GPUMemoryBytes       sql.NullInt64   `db:"gpu_memory_bytes"`
	BandwidthGBs         sql.NullFloat64 `db:"bandwidth_gbs"`
	BandwidthSource      string          `db:"bandwidth_source"`
	ServerParallel       sql.NullInt64   `db:"server_parallel"`
	ServerParallelSource string          `db:"server_parallel_source"`
	Settings             string          `db:"settings"`
	GoVersion            string          `db:"go_version"`
	StartedAt            time.Time       `db:"started_at"`
}

// HWModel is what a run learnt about one model on its device: quantisation, runtime,
// the bytes a decoded token reads, whether it fits in memory and whether it spilled.
type HWModel struct {
	ID              int64         `db:"id"`
	RunID           int64         `db:"run_id"`
	Model           string        `db:"model"`
	ModelDigest     string        `db:"model_digest"`
	Quant           string        `db:"quant"`
	Runtime         string        `db:"runtime"`
	RuntimeVersion  string        `db:"runtime_version"`
	Parameters      sql.NullInt64 `db:"parameters"`
	WeightsBytes    sql.NullInt64 `db:"weights_bytes"`
	BytesPerToken   sql.NullInt64 `db:"bytes_per_token"`
	BytesSource     string        `db:"bytes_source"`
	KVBytesPerToken sql.NullInt64 `db:"kv_bytes_per_token"`
	NumCtx          sql.NullInt64 `db:"num_ctx"`
	Fit             string        `db:"fit"`
	FitDetail       string        `db:"fit_detail"`
	LoadedBytes     sql.NullInt64 `db:"loaded_bytes"`
	VRAMBytes       sql.NullInt64 `db:"vram_bytes"`
	Spill           string        `db:"spill"`
}

// HWResult is one sub-benchmark measurement and the metrics it reported, by unit.
type HWResult struct {
	ID         int64     `db:"id"`
	RunID      int64     `db:"run_id"`
	Benchmark  string    `db:"benchmark"`
	Kind       string    `db:"kind"`
	Param      string    `db:"param"`
	Model      string    `db:"model"`
	Iterations int       `db:"iterations"`
	Note       string    `db:"note"`
	CreatedAt  time.Time `db:"created_at"`

	Metrics map[string]float64 `db:"-"`
}

// SaveHWRun inserts run and sets its ID.
func (s *Store) SaveHWRun(ctx context.Context, run *HWRun) error {
	res, err := s.db.NamedExecContext(ctx, `INSERT INTO hw_runs (tier, tier_source, cpu_model,
		cores, memory_bytes, os, arch, gpu, gpu_memory_bytes, bandwidth_gbs, bandwidth_source,
		server_parallel, server_parallel_source, settings, go_version, started_at)
		VALUES (:tier, :tier_source, :cpu_model, :cores, :memory_bytes, :os, :arch, :gpu,
		:gpu_memory_bytes, :bandwidth_gbs, :bandwidth_source, :server_parallel,
		:server_parallel_source, :settings, :go_version, :started_at)`, run)
	if err != nil {
		return fmt.Errorf("save hwbench run on %s: %w", run.Tier, err)
	}
	if run.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("save hwbench run on %s: %w", run.Tier, err)
	}
	return nil
}

// SetHWRunBandwidth records the memory bandwidth run id's ceilings use, and its source.
func (s *Store) SetHWRunBandwidth(ctx context.Context, id int64, gbs float64, source string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE hw_runs SET bandwidth_gbs = ?, bandwidth_source = ? WHERE id = ?`, gbs, source, id); err != nil {
		return fmt.Errorf("record the bandwidth of hwbench run %d: %w", id, err)
	}
	return nil
}

// SaveHWModel writes m, replacing what the same run stored about the same model
// before (a run learns more, such as the spill, once the model is loaded), and sets m.ID.
func (s *Store) SaveHWModel(ctx context.Context, m *HWModel) error {
	_, err := s.db.NamedExecContext(ctx, `INSERT INTO hw_models (run_id, model, model_digest,
		quant, runtime, runtime_version, parameters, weights_bytes, bytes_per_token, bytes_source,
		kv_bytes_per_token, num_ctx, fit, fit_detail, loaded_bytes, vram_bytes, spill)
		VALUES (:run_id, :model, :model_digest, :quant, :runtime, :runtime_version, :parameters,
		:weights_bytes, :bytes_per_token, :bytes_source, :kv_bytes_per_token, :num_ctx, :fit,
		:fit_detail, :loaded_bytes, :vram_bytes, :spill)
		ON CONFLICT (run_id, model) DO UPDATE SET model_digest = excluded.model_digest,
		quant = excluded.quant, runtime = excluded.runtime, runtime_version = excluded.runtime_version,
		parameters = excluded.parameters, weights_bytes = excluded.weights_bytes,
		bytes_per_token = excluded.bytes_per_token, bytes_source = excluded.bytes_source,
		kv_bytes_per_token = excluded.kv_bytes_per_token, num_ctx = excluded.num_ctx,
		fit = excluded.fit, fit_detail = excluded.fit_detail, loaded_bytes = excluded.loaded_bytes,
		vram_bytes = excluded.vram_bytes, spill = excluded.spill`, m)
	if err != nil {
		return fmt.Errorf("save hwbench model %s: %w", m.Model, err)
	}
	if err := s.db.GetContext(ctx, &m.ID, `SELECT id FROM hw_models WHERE run_id = ? AND model = ?`, m.RunID, m.Model); err != nil {
		return fmt.Errorf("save hwbench model %s: %w", m.Model, err)
	}
	return nil
}

// SaveHWResult inserts r and its metrics in one transaction and sets r.ID. Metrics must
// be finite numbers: a NaN or an infinity is a bug in the benchmark, not a measurement.
func (s *Store) SaveHWResult(ctx context.Context, r *HWResult) error {
	for unit, v := range r.Metrics {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("save hwbench result %s: metric %s is %v", r.Benchmark, unit, v)
		}
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save hwbench result %s: %w", r.Benchmark, err)
	}
	defer tx.Rollback()
	res, err := tx.NamedExecContext(ctx, `INSERT INTO hw_results (run_id, benchmark, kind, param,
		model, iterations, note, created_at) VALUES (:run_id, :benchmark, :kind, :param, :model,
		:iterations, :note, :created_at)`, r)
	if err != nil {
		return fmt.Errorf("save hwbench result %s: %w", r.Benchmark, err)
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("save hwbench result %s: %w", r.Benchmark, err)
	}
	for unit, v := range r.Metrics {
		if _, err := tx.ExecContext(ctx, `INSERT INTO hw_metrics (result_id, unit, value) VALUES (?, ?, ?)`, r.ID, unit, v); err != nil {
			return fmt.Errorf("save hwbench result %s: metric %s: %w", r.Benchmark, unit, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save hwbench result %s: %w", r.Benchmark, err)
	}
	return nil
}

// HWRuns returns every stored hwbench run, oldest first.
func (s *Store) HWRuns(ctx context.Context) ([]HWRun, error) {
	var runs []HWRun
	if err := s.db.SelectContext(ctx, &runs, `SELECT * FROM hw_runs ORDER BY started_at, id`); err != nil {
		return nil, fmt.Errorf("read hwbench runs: %w", err)
	}
	return runs, nil
}

// HWModels returns what the runs stored about their models.
func (s *Store) HWModels(ctx context.Context) ([]HWModel, error) {
	var ms []HWModel
	if err := s.db.SelectContext(ctx, &ms, `SELECT * FROM hw_models ORDER BY run_id, model`); err != nil {
		return nil, fmt.Errorf("read hwbench models: %w", err)
	}
	return ms, nil
}

// HWResults returns the stored hwbench measurements with their metrics, of run runID,
// or of every run when runID is 0.
func (s *Store) HWResults(ctx context.Context, runID int64) ([]HWResult, error) {
	var rs []HWResult
	q := `SELECT * FROM hw_results`
	var args []any
	if runID != 0 {
		q += ` WHERE run_id = ?`
		args = append(args, runID)
	}
	if err := s.db.SelectContext(ctx, &rs, q+` ORDER BY id`, args...); err != nil {
		return nil, fmt.Errorf("read hwbench results: %w", err)
	}
	byID := make(map[int64]*HWResult, len(rs))
	for i := range rs {
		rs[i].Metrics = map[string]float64{}
		byID[rs[i].ID] = &rs[i]
	}
	var ms []struct {
		ResultID int64   `db:"result_id"`
		Unit     string  `db:"unit"`
		Value    float64 `db:"value"`
	}
	q = `SELECT m.result_id, m.unit, m.value FROM hw_metrics m`
	if runID != 0 {
		q += ` JOIN hw_results r ON r.id = m.result_id WHERE r.run_id = ?`
	}
	if err := s.db.SelectContext(ctx, &ms, q, args...); err != nil {
		return nil, fmt.Errorf("read hwbench metrics: %w", err)
	}
	for _, m := range ms {
		if r := byID[m.ResultID]; r != nil {
			r.Metrics[m.Unit] = m.Value
		}
	}
	return rs, nil
}

// HWReport is `lim report --hw`: the devices side by side, per model.
type HWReport struct {
	Path    string
	Devices []HWDevice
	Models  []HWModelTable
	// Device-level measurements (the bandwidth probe), one row per kind, param and unit.
	DeviceRows []HWRow
}

// HWDevice is one column of the report: a tier label and its most recent run.
type HWDevice struct {
	Tier   string
	Latest HWRun
	Runs   int
}

// HWModelTable holds one model's rows; Facts and Rows have one cell per device.
type HWModelTable struct {
	Model string
	Facts []HWFact
	Rows  []HWRow
}

// HWFact is a described property of a model on each device (quantisation, fit, …).
type HWFact struct {
	Name  string
	Cells []string
}

// HWRow is one metric of one sub-benchmark on each device.
type HWRow struct {
	Kind, Param, Unit string
	Cells             []Summary // N == 0: no measurement on that device
}

// HWReport reads every stored hwbench run and builds the side-by-side report. For each
// device (tier), model and sub-benchmark it uses the most recent run that measured it,
// with all the samples (-count) that run stored.
func (s *Store) HWReport(ctx context.Context) (HWReport, error) {
	runs, err := s.HWRuns(ctx)
	if err != nil {
		return HWReport{}, err
	}
	models, err := s.HWModels(ctx)
	if err != nil {
		return HWReport{}, err
	}
	results, err := s.HWResults(ctx, 0)
	if err != nil {
		return HWReport{}, err
	}
	return BuildHWReport(s.path, runs, models, results), nil
}

// BuildHWReport builds the report from stored rows (see Store.HWReport).
func BuildHWReport(path string, runs []HWRun, models []HWModel, results []HWResult) HWReport {
	rep := HWReport{Path: path}
	runByID := map[int64]HWRun{}
	col := map[string]int{}
	for _, r := range runs { // oldest first: devices in the order they were first measured
		runByID[r.ID] = r
		i, ok := col[r.Tier]
		if !ok {
			i = len(rep.Devices)
			col[r.Tier] = i
			rep.Devices = append(rep.Devices, HWDevice{Tier: r.Tier})
		}
		rep.Devices[i].Latest = r
		rep.Devices[i].Runs++
	}
	n := len(rep.Devices)

	// The latest run per (device, model, kind, param) decides which samples count.
	type rowKey struct{ model, kind, param string }
	latest := map[rowKey]map[int]int64{}
	for _, r := range results {
		run, ok := runByID[r.RunID]
		if !ok {
			continue
		}
		k := rowKey{r.Model, r.Kind, r.Param}
		if latest[k] == nil {
			latest[k] = map[int]int64{}
		}
		c := col[run.Tier]
		if prev, ok := latest[k][c]; !ok || later(run, runByID[prev]) {
			latest[k][c] = run.ID
		}
	}
	type cellKey struct {
		rowKey
		unit string
	}
	samples := map[cellKey][][]float64{}
	for _, r := range results {
		run, ok := runByID[r.RunID]
		if !ok {
			continue
		}
		k := rowKey{r.Model, r.Kind, r.Param}
		c := col[run.Tier]
		if latest[k][c] != r.RunID {
			continue
		}
		for unit, v := range r.Metrics {
			ck := cellKey{k, unit}
			if samples[ck] == nil {
				samples[ck] = make([][]float64, n)
			}
			samples[ck][c] = append(samples[ck][c], v)
		}
	}
	var keys []cellKey
	for k := range samples {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.model != b.model {
			return a.model < b.model
		}
		if ka, kb := kindOrder(a.kind), kindOrder(b.kind); ka != kb {
			return ka < kb
		}
		if a.param != b.param {
			return paramLess(a.param, b.param)
		}
		if ua, ub := unitOrder(a.unit), unitOrder(b.unit); ua != ub {
			return ua < ub
		}
		return a.unit < b.unit
	})
	tables := map[string]*HWModelTable{}
	var order []string
	for _, k := range keys {
		row := HWRow{Kind: k.kind, Param: k.param, Unit: k.unit, Cells: make([]Summary, n)}
		for c, xs := range samples[k] {
			row.Cells[c] = summarize(xs)
		}
		if k.model == "" {
			rep.DeviceRows = append(rep.DeviceRows, row)
			continue
		}
		t := tables[k.model]
		if t == nil {
			t = &HWModelTable{Model: k.model}
			tables[k.model] = t
			order = append(order, k.model)
		}
		t.Rows = append(t.Rows, row)
	}

	// Facts: what the device's most recent run that measured the model learnt about it.
	latestModel := map[string][]*HWModel{}
	for i := range models {
		m := &models[i]
		run, ok := runByID[m.RunID]
		if !ok {
			continue
		}
		if latestModel[m.Model] == nil {
			latestModel[m.Model] = make([]*HWModel, n)
		}
		c := col[run.Tier]
		if prev := latestModel[m.Model][c]; prev == nil || later(run, runByID[prev.RunID]) {
			latestModel[m.Model][c] = m
		}
	}
	for _, name := range order {
		t := tables[name]
		per := latestModel[name]
		if per == nil {
			per = make([]*HWModel, n)
		}
		t.Facts = modelFacts(per)
		rep.Models = append(rep.Models, *t)
	}
	return rep
}

func later(a, b HWRun) bool {
	if !a.StartedAt.Equal(b.StartedAt) {
		return a.StartedAt.After(b.StartedAt)
	}
	return a.ID > b.ID
}

func modelFacts(per []*HWModel) []HWFact {
	fact := func(name string, f func(m *HWModel) string) HWFact {
		cells := make([]string, len(per))
		for i, m := range per {
			cells[i] = "-"
			if m != nil {
				if v := f(m); v != "" {
					cells[i] = v
				}
			}
		}
		return HWFact{Name: name, Cells: cells}
	}
	return []HWFact{
		fact("quant", func(m *HWModel) string { return m.Quant }),
		fact("runtime", func(m *HWModel) string { return strings.TrimSpace(m.Runtime + " " + m.RuntimeVersion) }),
		fact("MB read per token", func(m *HWModel) string {
			if !m.BytesPerToken.Valid {
				return ""
			}
			return fmt.Sprintf("%.1f (%s)", float64(m.BytesPerToken.Int64)/1e6, m.BytesSource)
		}),
		fact("memory fit", func(m *HWModel) string {
			if m.NumCtx.Valid && m.Fit != "" && m.Fit != "unknown" {
				return fmt.Sprintf("%s (ctx %d)", m.Fit, m.NumCtx.Int64)
			}
			return m.Fit
		}),
		fact("spill", func(m *HWModel) string { return m.Spill }),
	}
}

func kindOrder(kind string) int {
	switch kind {
	case "bandwidth":
		return 0
	case "decode":
		return 1
	case "prefill":
		return 2
	case "load":
		return 3
	case "users":
		return 4
	}
	return 5
}

// unitOrder puts the headline metrics first.
func unitOrder(unit string) int {
	for i, u := range []string{"GB/s", "tok/s", "client-tok/s", "ttft-ms", "tpot-ms", "load-ms", "mbu-%", "ceiling-tok/s",
		"user-tok/s-p50", "ttft-p50-ms", "ttft-p95-ms", "ttft-p99-ms", "goodput-req/s", "slo-%"} {
		if u == unit {
			return i
		}
	}
	return 100
}

// paramLess orders "ctx=512" before "ctx=4096": by key, then numerically when both
// values are numbers.
func paramLess(a, b string) bool {
	ka, va, _ := strings.Cut(a, "=")
	kb, vb, _ := strings.Cut(b, "=")
	if ka != kb {
		return ka < kb
	}
	na, errA := strconv.ParseFloat(va, 64)
	nb, errB := strconv.ParseFloat(vb, 64)
	if errA == nil && errB == nil {
		return na < nb
	}
	return va < vb
}

// Write writes the report in format f.
func (r HWReport) Write(w io.Writer, f Format) error {
	if len(r.Devices) == 0 {
		_, err := fmt.Fprintf(w, "no hardware benchmarks in %s yet: run `go test -bench . ./hwbench/` with LIM_HW_MODELS or LIM_MODELS set (and LIM_TIER naming the device)\n", r.Path)
		return err
	}
	header := []string{"device"}
	for _, d := range r.Devices {
		header = append(header, d.Tier)
	}
	deviceRows := [][]string{
		r.deviceCells("cpu", func(x HWRun) string { return fmt.Sprintf("%s, %d cores", orDash(x.CPUModel), x.Cores) }),
		r.deviceCells("memory", func(x HWRun) string { return bytesCell(x.MemoryBytes) }),
		r.deviceCells("gpu", func(x HWRun) string {
			if x.GPU == "" {
				return "none"
			}
			if x.GPUMemoryBytes.Valid {
				return x.GPU + ", " + bytesCell(x.GPUMemoryBytes)
			}
			return x.GPU
		}),
		r.deviceCells("os/arch", func(x HWRun) string { return x.OS + "/" + x.Arch }),
		r.deviceCells("bandwidth", func(x HWRun) string {
			if !x.BandwidthGBs.Valid {
				return "-"
			}
			return fmt.Sprintf("%.1f GB/s (%s)", x.BandwidthGBs.Float64, x.BandwidthSource)
		}),
		r.deviceCells("server parallel", func(x HWRun) string {
			if !x.ServerParallel.Valid {
				return orDash(x.ServerParallelSource)
			}
			return fmt.Sprintf("%d (%s)", x.ServerParallel.Int64, x.ServerParallelSource)
		}),
		r.deviceCells("latest run", func(x HWRun) string { return x.StartedAt.Local().Format("2006-01-02 15:04") }),
	}
	for _, row := range r.DeviceRows {
		deviceRows = append(deviceRows, row.cells())
	}
	metricHeader := append([]string{"benchmark · metric"}, header[1:]...)

	switch f {
	case FormatMarkdown:
		fmt.Fprintf(w, "## lim hardware report\n\n")
		writeMarkdownTable(w, header, deviceRows)
		for _, m := range r.Models {
			fmt.Fprintf(w, "\n### %s\n\n", m.Model)
			writeMarkdownTable(w, metricHeader, m.rows())
		}
		fmt.Fprintln(w)
		for _, n := range hwNotes {
			fmt.Fprintf(w, "- %s\n", n)
		}
		return nil
	default:
		fmt.Fprintln(w, "lim hardware report")
		if err := writeTextTable(w, header, deviceRows); err != nil {
			return err
		}
		for _, m := range r.Models {
			fmt.Fprintf(w, "\n%s\n", m.Model)
			if err := writeTextTable(w, metricHeader, m.rows()); err != nil {
				return err
			}
		}
		fmt.Fprintln(w)
		for _, n := range hwNotes {
			fmt.Fprintf(w, "* %s\n", n)
		}
		return nil
	}
}

var hwNotes = []string{
	"each cell is the median of the samples (n) of the device's most recent run of that benchmark; compare runs properly with benchstat on the `go test -bench` output.",
	"tok/s: decode and prefill from the server's own counters (Ollama eval and prompt_eval; absent for OpenAI-compatible servers), and for users=N all users' tokens over the wall clock; client-tok/s: decode as streamed tokens after the first over the time from first to last, prefill as prompt tokens over the time to first token.",
	"mbu-%: measured decode tok/s over the ceiling, memory bandwidth / bytes read per token (weights, active experts only for MoE, plus the KV cache at that context).",
	"memory fit: weights + KV cache at the context + an OS reserve against the device's memory: fits (in what is free now), fits alone (only with nothing else running), no.",
}

func (r HWReport) deviceCells(name string, f func(HWRun) string) []string {
	row := []string{name}
	for _, d := range r.Devices {
		row = append(row, f(d.Latest))
	}
	return row
}

func (m HWModelTable) rows() [][]string {
	var rows [][]string
	for _, f := range m.Facts {
		rows = append(rows, append([]string{f.Name}, f.Cells...))
	}
	for _, r := range m.Rows {
		rows = append(rows, r.cells())
	}
	return rows
}

func (r HWRow) cells() []string {
	row := []string{fmt.Sprintf("%s %s · %s", r.Kind, r.Param, r.Unit)}
	for _, c := range r.Cells {
		if c.N == 0 {
			row = append(row, "-")
			continue
		}
		row = append(row, fmt.Sprintf("%s (n=%d)", formatMetric(c.Median), c.N))
	}
	return row
}

func formatMetric(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1 || a == 0:
		return strconv.FormatFloat(v, 'f', 2, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

func bytesCell(n sql.NullInt64) string {
	if !n.Valid {
		return "-"
	}
	return fmt.Sprintf("%.1f GiB", float64(n.Int64)/(1<<30))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
