// Package hwbench measures what a device does with a model: `go test -bench` benchmarks
// of decode and prefill speed, time to first token, time per output token, load time,
// throughput under concurrent users, and the memory-bandwidth limit all of them sit
// under. Run it on each device you own or think of buying and compare the devices with
// benchstat and `lim report -hw`:
//
//	LIM_TIER=mac-studio-m4max-128 LIM_HW_MODELS=ollama:qwen3:14b \
//	    go test -run '^$' -bench . -count 10 ./hwbench/ | tee mac.txt
//	benchstat -col /model mac.txt        # models side by side on one device
//	benchstat pi.txt mac.txt             # two devices side by side
//	go run ./cmd/lim report -hw          # every stored device, per model
//
// The test binary cross-compiles without cgo (CGO_ENABLED=0 GOOS=linux GOARCH=arm64
// go test -c ./hwbench/), so it can be copied to a Raspberry Pi and run there.
//
// # Benchmarks
//
// Each model gets sub-benchmarks named model=<spec>/quant=<quantisation>/<param>, with
// ':' and '/' in the spec written as '-', so `benchstat -col /model` and `-col /ctx` work:
//
//   - BenchmarkDecode …/ctx=0 and …/ctx=4096: LIM_HW_DECODE_TOKENS (128) tokens from a short
//     prompt, and after a prompt that fills LIM_HW_DEEP_CTX (4096) tokens of context.
//   - BenchmarkPrefill …/prompt=512 and …/prompt=4096 (LIM_HW_PREFILL): a prompt of that
//     many tokens, unique per iteration (a random nonce first) so no prompt cache helps.
//   - BenchmarkLoad …/state=cold (unloaded first; Ollama only) and …/state=warm.
//   - BenchmarkUsers …/users=1,2,3,5,8 (LIM_HW_USERS): that many users each streaming
//     decode requests back to back for LIM_HW_DURATION (30s).
//   - BenchmarkMemoryBandwidth/kernel=copy and kernel=triad: the STREAM-style probe.
//
// Metrics (ns/op is hidden; it means nothing here):
//
//	tok/s          decode or prefill speed from the server's own counters (Ollama
//	               eval_count/eval_duration, prompt_eval_count/prompt_eval_duration);
//	               for users=N, all tokens of all users over the wall clock
//	client-tok/s   the same from the client's side: streamed tokens after the first over
//	               the time from first to last (decode), prompt tokens over TTFT (prefill)
//	ttft-ms        request sent → first streamed token (not at ctx=N, whose prompt the
//	               server's cache holds after the first call)
//	tpot-ms        time per output token after the first, client side
//	tpot-gap-%     client TPOT against the server's (eval_duration / eval_count), in
//	               percent; Ollama counts the first token but times from it, and leaves
//	               its sampling out, so a small positive gap is expected
//	load-ms        the server's model load time
//	prompt-tok     prompt tokens as the server counted them
//	ceiling-tok/s  memory bandwidth / bytes read per decoded token (the roofline)
//	mbu-%          measured decode tok/s as a share of that ceiling
//	user-tok/s-p50, ttft-p50-ms, ttft-p95-ms, ttft-p99-ms, goodput-req/s, slo-%, err-%
//	               the concurrency sweep; goodput counts requests that met both
//	               LIM_SLO_TTFT_MS (2000) and LIM_SLO_TPOT_MS (100)
//	GB/s           the bandwidth probe
//
// Against an OpenAI-compatible server (openai:<endpoint>/<model>) the same benchmarks
// run from client timings and reported usage: no tok/s from server counters, no cold
// load, no quantisation or bytes per token (so no ceiling), quant=unknown.
//
// # Configuration
//
//	LIM_HW_MODELS, else LIM_MODELS   models (ollama: and openai: specs; oracle is skipped).
//	                                 With none the benchmarks skip, naming these variables.
//	LIM_TIER                         the device's label in the store (default: made from
//	                                 OS, arch, CPU, cores and memory)
//	LIM_HW_DECODE_TOKENS             tokens per decode request (128)
//	LIM_HW_PREFILL                   prefill prompt sizes in tokens (512,4096)
//	LIM_HW_DEEP_CTX                  context before the deep decode (4096; 0 turns it off)
//	LIM_HW_NUM_CTX                   the context asked of Ollama for every request (the
//	                                 smallest power of two that holds the largest prompt
//	                                 and the decode; one value, so no request reloads)
//	LIM_HW_USERS, LIM_HW_DURATION    the concurrency sweep (1,2,3,5,8 and 30s)
//	LIM_SLO_TTFT_MS, LIM_SLO_TPOT_MS goodput targets (2000 and 100)
//	LIM_HW_SERVER_PARALLEL           the server's parallelism, when you know it; otherwise
//	                                 OLLAMA_NUM_PARALLEL in this process's environment is
//	                                 taken as the server's, and said so
//	LIM_BANDWIDTH_GBS                the device's memory bandwidth, instead of the probe
//	LIM_HW_PROBE_MB                  the probe's array size (256 MiB, or RAM/32 if less)
//	LIM_HW_OS_RESERVE_GB             memory kept for the OS in the fit (max of 2 GiB, 10%)
//	OLLAMA_KV_CACHE_TYPE             the server's KV cache type if not f16 (bytes per token)
//	LIM_DB                           the results store (default results/lim.db)
//	OLLAMA_HOST, LIM_ENDPOINT_*      where the servers are, as for the suites
//
// Every measurement is stored in the results store with the device's identity (tier,
// CPU, cores, memory, OS and arch, GPU, runtime and its version).
//
// The numbers are measurements of whatever else the device is doing too: run on a quiet
// machine, use -count 10, and let benchstat say what differs.
package hwbench
