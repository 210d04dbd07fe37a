package hwbench

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// BenchmarkDecode measures decoding LIM_HW_DECODE_TOKENS tokens at an empty context
// (ctx=0: a short prompt with a fresh nonce) and after LIM_HW_DEEP_CTX tokens of context
// (ctx=N: the same long prompt every iteration, so after the untimed first call the
// server's prompt cache skips its prefill; decode metrics never include prefill).
func BenchmarkDecode(b *testing.B) {
	params := []string{"ctx=0"}
	if e := theEnv(); e.cfg != nil && e.cfg.DeepCtx > 0 {
		params = append(params, fmt.Sprintf("ctx=%d", e.cfg.DeepCtx))
	}
	forEachModel(b, params, func(b *testing.B, e *env, m *benchModel, param string) {
		depth := paramInt(b, param)
		ctx := b.Context()
		prompt := func() string { return Nonce() + decodePrompt }
		if depth > 0 {
			deep, err := m.calib.Prompt(depth, "", "\n\n"+decodePrompt, 7)
			if err != nil {
				b.Fatal(err)
			}
			prompt = func() string { return deep }
		}
		// Untimed: loads the model if something unloaded it, and for ctx=N fills the cache.
		if _, err := m.chat(ctx, prompt(), 1); err != nil {
			b.Fatal(err)
		}

		var d decodeSums
		for b.Loop() {
			resp, err := m.chat(ctx, prompt(), e.cfg.DecodeTokens)
			if err != nil {
				b.Fatal(err)
			}
			if resp.CompletionTokens == nil || *resp.CompletionTokens < 2 || resp.TTFT == nil || resp.LastToken == nil {
				b.Fatalf("the decode request streamed %s tokens: TPOT needs at least 2 (the model stopped at once: is it a chat model? finish reason %q)", countString(resp.CompletionTokens), resp.FinishReason)
			}
			n := *resp.CompletionTokens
			if n < e.cfg.DecodeTokens && d.short == 0 {
				b.Logf("the model stopped after %d of %d tokens (finish reason %q): rates use the tokens it produced", n, e.cfg.DecodeTokens, resp.FinishReason)
			}
			if n < e.cfg.DecodeTokens {
				d.short++
			}
			if depth > 0 && resp.PromptTokens != nil {
				if err := m.calib.CheckPromptTokens(depth, *resp.PromptTokens); err != nil {
					b.Fatal(err)
				}
			}
			d.add(resp.PromptTokens, n, *resp.TTFT, *resp.LastToken, resp.Eval)
		}

		var ms metrics
		serverRate, clientRate := d.serverRate(), d.clientRate()
		ms.add(UnitTokS, serverRate)
		ms.add(UnitClientTokS, clientRate)
		if depth == 0 {
			ms.add(UnitTTFT, d.ttftMS())
		} else {
			ms.add(UnitPromptTok, d.promptTokens())
		}
		ms.add(UnitTPOT, d.tpotMS())
		ms.add(UnitTPOTGap, d.gapPct())
		note := "tok/s from the server's counters"
		rate := serverRate
		if d.evalN == 0 {
			rate, note = clientRate, "no server counters: mbu-% from client-tok/s"
		}
		if m.fp != nil {
			bw, _ := e.bandwidth(b)
			// The context grows from the prompt to the prompt plus the decode: on average
			// a token sees the prompt and half the decode.
			avgCtx := d.promptTokens() + float64(d.tokens)/float64(d.calls)/2
			if d.promptN == 0 {
				avgCtx = float64(depth) + float64(d.tokens)/float64(d.calls)/2
			}
			ceiling := bw * 1e9 / m.fp.BytesPerToken(avgCtx)
			ms.add(UnitCeiling, ceiling)
			ms.add(UnitMBU, 100*rate/ceiling)
		}
		e.report(b, "decode", m, d.calls, ms, note)
	})
}

// decodeSums accumulates decode calls; rates are ratios of sums, so long calls weigh
// as much as their tokens.
type decodeSums struct {
	calls, tokens, short int
	span                 time.Duration // first to last token, summed
	gaps                 int           // tokens after the first, summed
	ttft                 time.Duration
	evalN                int
	evalDur              time.Duration
	promptN, promptSum   int
}

func (d *decodeSums) add(prompt *int, n int, ttft, last time.Duration, eval *time.Duration) {
	d.calls++
	d.tokens += n
	d.span += last - ttft
	d.gaps += n - 1
	d.ttft += ttft
	if eval != nil && *eval > 0 {
		d.evalN += n
		d.evalDur += *eval
	}
	if prompt != nil {
		d.promptN++
		d.promptSum += *prompt
	}
}

func (d *decodeSums) serverRate() float64 {
	if d.evalN == 0 {
		return nan()
	}
	return float64(d.evalN) / d.evalDur.Seconds()
}

func (d *decodeSums) clientRate() float64 { return float64(d.gaps) / d.span.Seconds() }

func (d *decodeSums) tpotMS() float64 { return millis(d.span) / float64(d.gaps) }

func (d *decodeSums) ttftMS() float64 { return millis(d.ttft) / float64(d.calls) }

func (d *decodeSums) promptTokens() float64 {
	if d.promptN == 0 {
		return nan()
	}
	return float64(d.promptSum) / float64(d.promptN)
}

// gapPct is the client's TPOT against the server's (eval_duration / eval_count), in
// percent: positive when the client saw tokens arrive slower than the server made them.
func (d *decodeSums) gapPct() float64 {
	if d.evalN == 0 {
		return nan()
	}
	server := millis(d.evalDur) / float64(d.evalN)
	return 100 * (d.tpotMS()/server - 1)
}

// BenchmarkPrefill measures prompt processing: prompts of LIM_HW_PREFILL tokens, each
// opening with a fresh nonce so no prompt cache can serve them, one output token. The
// server's prompt token count is checked against the size the prompt was built to.
// (Ollama's count includes the few template tokens before the nonce, which its cache
// may serve: under 2% of a 512-token prompt.)
func BenchmarkPrefill(b *testing.B) {
	var params []string
	if e := theEnv(); e.cfg != nil {
		for _, n := range e.cfg.Prefill {
			params = append(params, fmt.Sprintf("prompt=%d", n))
		}
	}
	forEachModel(b, params, func(b *testing.B, e *env, m *benchModel, param string) {
		size := paramInt(b, param)
		ctx := b.Context()
		if _, err := m.chat(ctx, Nonce()+"Say hello.", 1); err != nil {
			b.Fatal(err)
		}
		var calls, counted, promptSum, serverTokens int
		var ttft, serverDur time.Duration
		for b.Loop() {
			prompt, err := m.calib.Prompt(size, Nonce(), "", uint64(size))
			if err != nil {
				b.Fatal(err)
			}
			resp, err := m.chat(ctx, prompt, 1)
			if err != nil {
				b.Fatal(err)
			}
			if resp.TTFT == nil {
				b.Fatalf("the server streamed no token for a %d-token prompt (finish reason %q)", size, resp.FinishReason)
			}
			calls++
			ttft += *resp.TTFT
			if resp.PromptTokens != nil && *resp.PromptTokens > 0 {
				if err := m.calib.CheckPromptTokens(size, *resp.PromptTokens); err != nil {
					b.Fatal(err)
				}
				counted++
				promptSum += *resp.PromptTokens
				if resp.PromptEval != nil && *resp.PromptEval > 0 {
					serverTokens += *resp.PromptTokens
					serverDur += *resp.PromptEval
				}
			}
		}
		var ms metrics
		tokens := float64(size)
		if counted > 0 {
			tokens = float64(promptSum) / float64(counted)
			ms.add(UnitPromptTok, tokens)
		}
		if serverTokens > 0 {
			ms.add(UnitTokS, float64(serverTokens)/serverDur.Seconds())
		}
		ms.add(UnitClientTokS, tokens*float64(calls)/ttft.Seconds())
		ms.add(UnitTTFT, millis(ttft)/float64(calls))
		note := ""
		if counted == 0 {
			note = "the server reports no prompt tokens: sizes estimated, not checked"
		}
		e.report(b, "prefill", m, calls, ms, note)
	})
}

// BenchmarkLoad measures loading: state=cold unloads the model first (Ollama only; the
// model file may still be in the OS page cache), state=warm calls it loaded. load-ms is
// the server's load_duration; ttft-ms is what a user waits.
func BenchmarkLoad(b *testing.B) {
	forEachModel(b, []string{"state=cold", "state=warm"}, func(b *testing.B, e *env, m *benchModel, param string) {
		ctx := b.Context()
		cold := param == "state=cold"
		if cold && m.ollama == nil {
			b.Skipf("%s: an OpenAI-compatible server cannot be told to unload a model; state=warm runs", m.spec.Raw)
		}
		if !cold {
			if _, err := m.chat(ctx, Nonce()+"Say hello.", 1); err != nil {
				b.Fatal(err)
			}
		}
		var calls, loads int
		var ttft, load time.Duration
		for b.Loop() {
			if cold {
				b.StopTimer()
				if err := unload(ctx, m.ollama, m.spec.Model); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			resp, err := m.chat(ctx, Nonce()+"Say hello.", 1)
			if err != nil {
				b.Fatal(err)
			}
			if resp.TTFT == nil {
				b.Fatalf("no token streamed (finish reason %q)", resp.FinishReason)
			}
			calls++
			ttft += *resp.TTFT
			if resp.Load != nil {
				loads++
				load += *resp.Load
			}
		}
		var ms metrics
		if loads > 0 {
			ms.add(UnitLoad, millis(load)/float64(loads))
		}
		ms.add(UnitTTFT, millis(ttft)/float64(calls))
		e.report(b, "load", m, calls, ms, "")
	})
}

// unload asks Ollama to unload model and waits until /api/ps no longer lists it.
func unload(ctx context.Context, c *api.Client, model string) error {
	err := c.Generate(ctx, &api.GenerateRequest{Model: model, KeepAlive: &api.Duration{Duration: 0}}, func(api.GenerateResponse) error { return nil })
	if err != nil {
		return fmt.Errorf("unloading %s: %w", model, err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ps, err := c.ListRunning(ctx)
		if err != nil {
			return fmt.Errorf("unloading %s: %w", model, err)
		}
		loaded := false
		for _, r := range ps.Models {
			loaded = loaded || sameModel(r.Name, model)
		}
		if !loaded {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Ollama still lists %s as loaded 2 minutes after it was asked to unload it (another client keeping it busy?)", model)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// BenchmarkUsers is the concurrency sweep: users=N users each stream decode requests
// back to back for LIM_HW_DURATION; a request started before the end runs to its end,
// and the wall clock runs until the last one ends. Each iteration is one such window.
func BenchmarkUsers(b *testing.B) {
	var params []string
	if e := theEnv(); e.cfg != nil {
		for _, n := range e.cfg.Users {
			params = append(params, fmt.Sprintf("users=%d", n))
		}
	}
	forEachModel(b, params, func(b *testing.B, e *env, m *benchModel, param string) {
		users := paramInt(b, param)
		ctx := b.Context()
		if _, err := m.chat(ctx, Nonce()+"Say hello.", 1); err != nil {
			b.Fatal(err)
		}
		if users == 1 {
			b.Logf("server parallelism: %s", parallelString(e.cfg))
		}
		var all []Call
		var wall time.Duration
		windows := 0
		for b.Loop() {
			calls, w := window(ctx, m, users, e.cfg.Duration, e.cfg.DecodeTokens)
			all = append(all, calls...)
			wall += w
			windows++
		}
		var failed []string
		for _, c := range all {
			if c.Err != nil && len(failed) < 3 {
				failed = append(failed, c.Err.Error())
			}
		}
		st := Sweep(all, wall, e.cfg.SLOTTFT, e.cfg.SLOTPOT)
		if len(failed) == len(all) {
			b.Fatalf("every request failed: %s", strings.Join(failed, "; "))
		}
		if len(failed) > 0 {
			b.Logf("%.0f%% of requests failed, e.g. %s", st.ErrPct, strings.Join(failed, "; "))
		}
		var ms metrics
		ms.add(UnitTokS, st.AggregateTokS)
		ms.add(UnitUserTokSP50, st.UserTokSP50)
		ms.add(UnitTTFTP50, st.TTFTP50)
		ms.add(UnitTTFTP95, st.TTFTP95)
		ms.add(UnitTTFTP99, st.TTFTP99)
		ms.add(UnitGoodput, st.GoodputReqS)
		ms.add(UnitSLO, st.SLOPct)
		ms.add(UnitReqS, st.ReqS)
		ms.add(UnitErr, st.ErrPct)
		note := fmt.Sprintf("%d requests in %d windows of %v; SLO ttft ≤ %v, tpot ≤ %v; server parallelism %s",
			st.Requests, windows, e.cfg.Duration, e.cfg.SLOTTFT, e.cfg.SLOTPOT, parallelString(e.cfg))
		e.report(b, "users", m, windows, ms, note)
	})
}

// window runs users users for d and returns their calls and the wall clock.
func window(ctx context.Context, m *benchModel, users int, d time.Duration, tokens int) ([]Call, time.Duration) {
	start := time.Now()
	end := start.Add(d)
	var mu sync.Mutex
	var calls []Call
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) && ctx.Err() == nil {
				resp, err := m.chat(ctx, Nonce()+decodePrompt, tokens)
				c := Call{Err: err}
				if err == nil && (resp.TTFT == nil || resp.LastToken == nil || resp.CompletionTokens == nil) {
					c.Err = fmt.Errorf("no tokens streamed (finish reason %q)", resp.FinishReason)
				}
				if c.Err == nil {
					c.TTFT, c.LastToken, c.Tokens = *resp.TTFT, *resp.LastToken, *resp.CompletionTokens
				}
				mu.Lock()
				calls = append(calls, c)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return calls, time.Since(start)
}

func parallelString(c *Config) string {
	if c.ServerParallel > 0 {
		return fmt.Sprintf("%d (%s)", c.ServerParallel, c.ServerParallelSource)
	}
	return c.ServerParallelSource
}

// BenchmarkMemoryBandwidth is the STREAM-style probe: copy and triad over arrays far
// larger than the caches, on every core. It needs no model.
func BenchmarkMemoryBandwidth(b *testing.B) {
	e := setup(b, false)
	for _, kernel := range []string{KernelCopy, KernelTriad} {
		b.Run("kernel="+kernel, func(b *testing.B) {
			size := e.probeBytes()
			p, err := NewProbe(kernel, size, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Free()
			p.Pass() // untimed warm-up
			var total time.Duration
			passes := 0
			for b.Loop() {
				total += p.Pass()
				passes++
			}
			var ms metrics
			ms.add(UnitGBs, float64(p.BytesPerPass())*float64(passes)/total.Seconds()/1e9)
			e.report(b, "bandwidth", nil, passes, ms, fmt.Sprintf("%d MiB arrays, %d threads", size>>20, p.Threads))
		})
	}
}

func paramInt(b *testing.B, param string) int {
	_, v, _ := strings.Cut(param, "=")
	n, err := strconv.Atoi(v)
	if err != nil {
		b.Fatalf("parameter %q: %v", param, err)
	}
	return n
}

func countString(n *int) string {
	if n == nil {
		return "no"
	}
	return strconv.Itoa(*n)
}

func millis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func nan() float64 { return math.NaN() }
