//go:build integration && local

package integration

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/internal/devollama"
	"github.com/local-inference-machine/lim/internal/devollama/devollamatest"
)

// BenchmarkHarnessOverhead measures what Run's path adds to a live call: each
// iteration makes the same call to the real server twice, once through harness.Measure
// (resume lookup, slots, streaming, store write, checks) and once with the raw Ollama
// client, alternating which goes first so prompt caching favours neither. It reports
// both times, their ratio (target ≤ 1.02), and harness-ms/op: Measure's time outside
// the call's own wall time, which the server's speed does not blur.
func BenchmarkHarnessOverhead(b *testing.B) {
	srv := devollamatest.Start(b)
	inProcessEnv(b, srv.Host())
	cfg, err := harness.LoadConfig()
	if err != nil {
		b.Fatal(err)
	}
	spec := harness.Spec{Raw: "ollama:" + devollama.EndlessModel, Kind: harness.KindOllama, Model: devollama.EndlessModel}
	base, _ := url.Parse(srv.URL())
	raw := api.NewClient(base, http.DefaultClient)
	newTask := func(i int) *harness.Task {
		return &harness.Task{
			ID: fmt.Sprintf("overhead-%d-%d", time.Now().UnixNano(), i), Category: harness.NonCoding, Title: "overhead", Difficulty: 1,
			MaxTokens: 32, Prompt: fmt.Sprintf("Reply with a short greeting. (%d)", i),
			Capabilities: []string{"answers"}, Reference: "hello",
		}
	}
	rawCall := func(task *harness.Task) {
		stream := true
		req := &api.ChatRequest{
			Model: spec.Model, Stream: &stream, Think: &api.ThinkValue{Value: false},
			Messages: []api.Message{{Role: "user", Content: task.Prompt}},
			Options: map[string]any{"temperature": cfg.Settings.Temperature, "num_predict": cfg.Settings.Budget(task),
				"seed": cfg.Settings.Seed, "num_ctx": cfg.Settings.NumCtx},
		}
		var done bool
		if err := raw.Chat(b.Context(), req, func(r api.ChatResponse) error { done = done || r.Done; return nil }); err != nil || !done {
			b.Fatalf("raw call: %v (done=%v)", err, done)
		}
	}
	// Load the model before timing.
	rawCall(newTask(-1))

	var viaRun, viaRaw, outsideCall time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		task := newTask(i)
		timeRun := func() {
			start := time.Now()
			o := harness.Measure(b, task, spec, 0)
			took := time.Since(start)
			viaRun += took
			if o.Reused || !o.Result.Status.Final() || !o.Result.WallMS.Valid {
				b.Fatalf("measure: reused=%v status=%s %s", o.Reused, o.Result.Status, o.Result.Error)
			}
			outsideCall += took - time.Duration(o.Result.WallMS.Float64*float64(time.Millisecond))
		}
		timeRaw := func() {
			start := time.Now()
			rawCall(task)
			viaRaw += time.Since(start)
		}
		if i%2 == 0 {
			timeRun()
			timeRaw()
		} else {
			timeRaw()
			timeRun()
		}
	}
	n := float64(b.N)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(viaRun.Microseconds())/1000/n, "run-ms/op")
	b.ReportMetric(float64(viaRaw.Microseconds())/1000/n, "raw-ms/op")
	b.ReportMetric(float64(viaRun)/float64(viaRaw), "run/raw")
	// The harness's own time per call (lookup, slot, store, checks), apart from the call's
	// wall time: the overhead without the server's noise.
	b.ReportMetric(float64(outsideCall.Microseconds())/1000/n, "harness-ms/op")
}
