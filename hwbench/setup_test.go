package hwbench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

// env is the process-wide state of a benchmark run: configuration, device, store, and
// the prepared models. Benchmarks share it, so each model is looked up, warmed and
// calibrated once per process.
type env struct {
	cfg    *Config
	cfgErr error
	dev    Device
	hc     *http.Client
	limits harness.CallLimits

	storeOnce sync.Once
	store     *results.Store
	run       results.HWRun
	storeErr  error

	bwOnce   sync.Once
	bw       float64
	bwSource string
	bwErr    error

	mu     sync.Mutex
	models map[string]*modelEntry
}

type modelEntry struct {
	once sync.Once
	m    *benchModel
	err  error
}

var theEnv = sync.OnceValue(func() *env {
	cfg, err := ConfigFromEnv()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // the concurrency sweep keeps its connections
	limits := harness.DefaultCallLimits()
	limits.Retry.Attempts = 1 // a retried call's timings are not a measurement
	return &env{cfg: cfg, cfgErr: err, dev: DetectDevice(context.Background()),
		hc: &http.Client{Transport: tr}, limits: limits, models: map[string]*modelEntry{}}
})

// setup returns the environment, skipping when no model is configured and failing when
// the configuration is wrong. needModels is false for device-only benchmarks.
func setup(b *testing.B, needModels bool) *env {
	b.Helper()
	e := theEnv()
	switch {
	case errors.Is(e.cfgErr, ErrNoModels) && needModels:
		b.Skip(e.cfgErr)
	case e.cfgErr != nil && !errors.Is(e.cfgErr, ErrNoModels):
		b.Fatal(e.cfgErr)
	}
	return e
}

// storeRun opens the results store and records this process's run, once.
func (e *env) storeRun(b *testing.B) (*results.Store, *results.HWRun) {
	b.Helper()
	e.storeOnce.Do(func() {
		ctx := context.Background()
		e.store, e.storeErr = results.Open(ctx, e.cfg.DBPath)
		if e.storeErr != nil {
			e.storeErr = fmt.Errorf("%w (hwbench stores every run: point LIM_DB at a writable file)", e.storeErr)
			return
		}
		d := e.dev
		e.run = results.HWRun{Tier: e.cfg.Tier, TierSource: "LIM_TIER", CPUModel: d.CPUModel, Cores: d.Cores,
			OS: d.OS, Arch: d.Arch, GPU: d.GPU, Settings: e.cfg.JSON(), GoVersion: runtime.Version(),
			StartedAt: time.Now().UTC(), ServerParallelSource: e.cfg.ServerParallelSource}
		if e.run.Tier == "" {
			e.run.Tier, e.run.TierSource = d.DerivedTier(), "derived"
		}
		if d.Memory > 0 {
			e.run.MemoryBytes = sql.NullInt64{Int64: d.Memory, Valid: true}
		}
		if d.GPUMemory > 0 {
			e.run.GPUMemoryBytes = sql.NullInt64{Int64: d.GPUMemory, Valid: true}
		}
		if e.cfg.ServerParallel > 0 {
			e.run.ServerParallel = sql.NullInt64{Int64: int64(e.cfg.ServerParallel), Valid: true}
		}
		e.storeErr = e.store.SaveHWRun(ctx, &e.run)
	})
	if e.storeErr != nil {
		b.Fatal(e.storeErr)
	}
	return e.store, &e.run
}

// bandwidth is the memory bandwidth the ceilings use: LIM_BANDWIDTH_GBS, or the best of
// the probe's copy and triad, measured once per process.
func (e *env) bandwidth(b *testing.B) (float64, string) {
	b.Helper()
	e.bwOnce.Do(func() {
		if e.cfg.BandwidthGBs > 0 {
			e.bw, e.bwSource = e.cfg.BandwidthGBs, "LIM_BANDWIDTH_GBS"
		} else {
			size := e.probeBytes()
			for _, k := range []string{KernelCopy, KernelTriad} {
				r, err := MeasureBandwidth(b.Context(), k, size, 0, 5)
				if err != nil {
					e.bwErr = fmt.Errorf("bandwidth probe: %w (or set LIM_BANDWIDTH_GBS)", err)
					return
				}
				b.Logf("bandwidth probe: %s %.1f GB/s (%d MiB arrays, %d threads, best of %d passes)", k, r.GBs, size>>20, r.Threads, r.Passes)
				if r.GBs > e.bw {
					e.bw, e.bwSource = r.GBs, "probe "+k
				}
			}
		}
		store, run := e.storeRun(b)
		e.bwErr = store.SetHWRunBandwidth(context.Background(), run.ID, e.bw, e.bwSource)
	})
	if e.bwErr != nil {
		b.Fatal(e.bwErr)
	}
	return e.bw, e.bwSource
}

func (e *env) probeBytes() int64 {
	if e.cfg.ProbeBytes > 0 {
		return e.cfg.ProbeBytes
	}
	return DefaultProbeBytes(e.dev.Memory)
}

// metric is one reported value; metrics keep the order they are reported in.
type metric struct {
	unit  string
	value float64
}

type metrics []metric

func (ms *metrics) add(unit string, v float64) {
	if !KnownUnit(unit) {
		panic("hwbench: unit " + unit + " is not in Units")
	}
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		*ms = append(*ms, metric{unit, v})
	}
}

// report reports ms to the benchmark (hiding ns/op, which means nothing here) and
// stores them with the run. m is nil for device benchmarks.
func (e *env) report(b *testing.B, kind string, m *benchModel, iterations int, ms metrics, note string) {
	b.Helper()
	b.ReportMetric(0, "ns/op")
	values := map[string]float64{}
	for _, x := range ms {
		b.ReportMetric(x.value, x.unit)
		values[x.unit] = x.value
	}
	store, run := e.storeRun(b)
	name := b.Name()
	r := &results.HWResult{RunID: run.ID, Benchmark: name, Kind: kind, Param: name[strings.LastIndex(name, "/")+1:],
		Iterations: iterations, Note: note, CreatedAt: time.Now().UTC(), Metrics: values}
	if m != nil {
		r.Model = m.spec.Raw
	}
	if err := store.SaveHWResult(context.Background(), r); err != nil {
		b.Fatal(err)
	}
}

// benchModel is a model ready to benchmark: its backend, what the server says about it,
// and its prompt calibration.
type benchModel struct {
	spec     harness.Spec
	quant    string
	backend  harness.Backend
	ollama   *api.Client // nil for OpenAI-compatible servers
	fp       *Footprint  // nil when the server does not say
	calib    Calibration
	settings harness.Settings
	hw       results.HWModel

	// info is what preparing the model found out; the model's first sub-benchmark logs
	// it (a parent benchmark's log is not printed).
	info    []string
	logOnce sync.Once
}

func (m *benchModel) logf(format string, args ...any) {
	m.info = append(m.info, fmt.Sprintf(format, args...))
}

// forEachModel runs fn as model=…/quant=…/<param> for every configured model and
// param; a model that cannot be prepared fails its own sub-benchmark only.
func forEachModel(b *testing.B, params []string, fn func(b *testing.B, e *env, m *benchModel, param string)) {
	e := setup(b, true)
	for _, spec := range e.cfg.Models {
		b.Run("model="+BenchName(spec.Raw), func(b *testing.B) {
			m := e.model(b, spec)
			b.Run("quant="+BenchName(m.quant), func(b *testing.B) {
				for _, p := range params {
					b.Run(p, func(b *testing.B) {
						m.logOnce.Do(func() {
							for _, l := range m.info {
								b.Log(l)
							}
						})
						fn(b, e, m, p)
					})
				}
			})
		})
	}
}

// model prepares spec once per process: backend, metadata, warm-up, calibration,
// memory fit and spill, all stored.
func (e *env) model(b *testing.B, spec harness.Spec) *benchModel {
	b.Helper()
	e.mu.Lock()
	ent := e.models[spec.Raw]
	if ent == nil {
		ent = &modelEntry{}
		e.models[spec.Raw] = ent
	}
	e.mu.Unlock()
	ent.once.Do(func() { ent.m, ent.err = e.prepare(b, spec) })
	if ent.err != nil {
		b.Fatalf("model %s: %v", spec.Raw, ent.err)
	}
	return ent.m
}

func (e *env) prepare(b *testing.B, spec harness.Spec) (*benchModel, error) {
	ctx := b.Context()
	m := &benchModel{spec: spec, quant: "unknown",
		settings: harness.Settings{Temperature: 0, NumCtx: e.cfg.NumCtx, Seed: 42}}
	m.hw = results.HWModel{Model: spec.Raw, Quant: "unknown", NumCtx: sql.NullInt64{Int64: int64(e.cfg.NumCtx), Valid: true}}
	var size int64
	switch spec.Kind {
	case harness.KindOllama:
		base := harness.OllamaURL()
		u, err := url.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("OLLAMA_HOST gives the URL %q: %w", base, err)
		}
		m.ollama = api.NewClient(u, e.hc)
		if m.backend, err = harness.NewOllama(spec, base, e.hc, e.limits); err != nil {
			return nil, err
		}
		show, err := m.ollama.Show(ctx, &api.ShowRequest{Model: spec.Model, Verbose: true})
		if err != nil {
			return nil, ollamaError(err, base, spec)
		}
		m.quant = Quant(show)
		m.hw.Runtime = "ollama"
		if v, err := m.ollama.Version(ctx); err == nil {
			m.hw.RuntimeVersion = v
		}
		if list, err := m.ollama.List(ctx); err == nil {
			for _, lm := range list.Models {
				if sameModel(lm.Name, spec.Model) {
					m.hw.ModelDigest, size = lm.Digest, lm.Size
				}
			}
		}
		fp, err := FootprintOf(show, size, e.cfg.KVCacheType)
		if err != nil {
			m.logf("model %s: no bytes per token, so no ceiling or mbu-%%: %v", spec.Raw, err)
		} else {
			m.fp = &fp
		}
	case harness.KindOpenAI:
		ep, err := harness.ResolveEndpoint(spec.Endpoint, true)
		if err != nil {
			return nil, err
		}
		m.backend = harness.NewOpenAI(spec, ep, e.hc, e.limits)
		m.hw.Runtime = ep.Name + " (OpenAI API)"
		m.hw.RuntimeVersion = serverVersion(ctx, e.hc, ep.BaseURL)
		m.logf("model %s: an OpenAI-compatible server shows no quantisation or tensor sizes: quant=unknown, no ceiling or mbu-%%, no server-side tok/s", spec.Raw)
	default:
		return nil, fmt.Errorf("hwbench measures ollama: and openai: models, not %s", spec.Kind)
	}
	m.hw.Quant = m.quant

	// Warm up (the first call loads the model), then calibrate the prompt sizes.
	if _, err := m.chat(ctx, Nonce()+"Say hello.", 1); err != nil {
		return nil, fmt.Errorf("warm-up call: %w", err)
	}
	var err error
	if m.calib, err = m.calibrate(ctx); err != nil {
		return nil, err
	}
	if m.calib.Measured {
		m.logf("model %s: prompt tokens = %.1f + %.3f × bytes (byte-level tokenizer: %t)", spec.Raw, m.calib.Overhead, m.calib.PerByte, m.calib.ByteLevel())
	} else {
		m.logf("model %s: the server reports no prompt token counts: prompt sizes are estimated at 4 bytes a token and not checked", spec.Raw)
	}

	var loaded, vram int64
	if m.ollama != nil {
		if ps, err := m.ollama.ListRunning(ctx); err == nil {
			for _, r := range ps.Models {
				if sameModel(r.Name, spec.Model) {
					loaded, vram = r.Size, r.SizeVRAM
				}
			}
		}
		m.hw.Spill = Spill(loaded, vram, e.dev)
		if loaded > 0 {
			m.hw.LoadedBytes = sql.NullInt64{Int64: loaded, Valid: true}
			m.hw.VRAMBytes = sql.NullInt64{Int64: vram, Valid: true}
		}
	}
	if fp := m.fp; fp != nil {
		m.hw.Parameters = nullInt(fp.Parameters)
		m.hw.WeightsBytes = nullInt(fp.Weights)
		m.hw.BytesPerToken = nullInt(fp.Active)
		m.hw.BytesSource = fp.Source
		m.hw.KVBytesPerToken = nullInt(fp.KVPerToken)
		reserve := e.cfg.OSReserve
		if reserve == 0 {
			reserve = DefaultOSReserve(e.dev.Memory)
		}
		fit := MemoryFit(*fp, e.cfg.NumCtx, e.cfg.ServerParallel, e.dev, reserve, loaded)
		m.hw.Fit, m.hw.FitDetail = fit.Verdict, fit.Detail
		m.logf("model %s: %s, %s read per token (%s), KV cache %d B/token; memory fit at ctx %d: %s (%s); spill: %s",
			spec.Raw, m.quant, gib(fp.Active), fp.Source, fp.KVPerToken, e.cfg.NumCtx, fit.Verdict, fit.Detail, m.hw.Spill)
	} else {
		m.hw.Fit = FitUnknown
	}
	store, run := e.storeRun(b)
	m.hw.RunID = run.ID
	if err := store.SaveHWModel(context.Background(), &m.hw); err != nil {
		return nil, err
	}
	return m, nil
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: n > 0} }

// chat makes one streamed call with hwbench's settings.
func (m *benchModel) chat(ctx context.Context, prompt string, maxTokens int) (harness.Response, error) {
	return m.backend.Chat(ctx, harness.Request{Prompt: prompt, MaxTokens: maxTokens, Settings: m.settings, Seed: m.settings.Seed})
}

// calibrate measures how the server counts prompt bytes as tokens.
func (m *benchModel) calibrate(ctx context.Context) (Calibration, error) {
	const short, long = 256, 1280
	var counts [2]int
	for i, n := range []int{short, long} {
		nonce := Nonce()
		resp, err := m.chat(ctx, nonce+Filler(n-len(nonce), uint64(i)), 1)
		if err != nil {
			return Calibration{}, fmt.Errorf("calibrating prompt sizes: %w", err)
		}
		if resp.PromptTokens == nil || *resp.PromptTokens == 0 {
			return Calibration{}, nil
		}
		counts[i] = *resp.PromptTokens
	}
	return Calibrate(short, counts[0], long, counts[1])
}

// sameModel reports whether Ollama's name for a model (with its tag) is spec's model.
func sameModel(listed, model string) bool {
	return listed == model || listed == model+":latest" || strings.TrimSuffix(listed, ":latest") == strings.TrimSuffix(model, ":latest")
}

// ollamaError turns a failed /api/show into what to do about it.
func ollamaError(err error, base string, spec harness.Spec) error {
	var se api.StatusError
	if errors.As(err, &se) && se.StatusCode == http.StatusNotFound {
		return fmt.Errorf("Ollama at %s has no model %q: `ollama pull %s`, or fix LIM_HW_MODELS/LIM_MODELS", base, spec.Model, spec.Model)
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || errors.As(err, &ne) {
		return fmt.Errorf("cannot reach Ollama at %s (%v): start `ollama serve`, or point OLLAMA_HOST at it", base, err)
	}
	return fmt.Errorf("asking Ollama at %s about %s: %w", base, spec.Model, err)
}

// serverVersion asks an OpenAI-compatible server which software it is, best effort:
// Ollama's /api/version, then vLLM's /version. It returns "" when neither answers.
func serverVersion(ctx context.Context, hc *http.Client, baseURL string) string {
	root := strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1")
	for _, probe := range []struct{ path, name string }{{"/api/version", "ollama "}, {"/version", ""}} {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, root+probe.path, nil)
		if err != nil {
			cancel()
			return ""
		}
		resp, err := hc.Do(req)
		if err != nil {
			cancel()
			continue
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		cancel()
		if resp.StatusCode != http.StatusOK {
			continue
		}
		if v := jsonVersion(body); v != "" {
			return probe.name + v
		}
	}
	return ""
}

func jsonVersion(body []byte) string {
	var v struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	return v.Version
}
