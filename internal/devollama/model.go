package devollama

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"

	"github.com/ollama/ollama/fs/ggml"
)

// TinyModel is the name under which a started Server serves the tiny model with
// a stop sequence: like a real model it ends its answers by itself (when it
// writes TinyStop, about one character in a hundred), so suites get short
// answers that finish with done_reason "stop". Lim's fixtures are recorded from it.
const TinyModel = "lim-tiny"

// TinyStop is TinyModel's stop sequence.
const TinyStop = "~"

// EndlessModel is the same weights without a stop sequence: greedy decoding
// never ends early, so it generates exactly num_predict tokens (hwbench), and
// under a JSON-schema format it ends only when the JSON is complete (judges).
const EndlessModel = "lim-tiny-endless"

// The tiny model's shape. It is a real llama-architecture network with random
// weights: it answers gibberish, but through the real inference path.
const (
	tinyBlocks  = 2
	tinyEmbd    = 64
	tinyHeads   = 4
	tinyFFN     = 128
	tinyContext = 8192 // hwbench sends 4096-token prompts and generates 128 more
	tinyVocab   = 256 + 2
	tinyBOS     = 256
	tinyEOS     = 257
	tinySeed    = 0x6c696d2d74696e79 // "lim-tiny"
)

// Per-token logit biases, written into the bias channel of output.weight (see
// WriteTinyModel). They are in units of output.weight, which the final norm
// multiplies by about 7, against a random part with a spread of about 2.
const (
	biasNever = -10.0 // BOS, EOS, control bytes, non-ASCII bytes: never sampled
	biasSpace = -0.3  // a space now and then
	biasQuote = 0.45  // '"' often enough that constrained JSON strings close
)

// WriteTinyModel writes the tiny model lim serves as TinyModel to path as a
// GGUF file: a llama-architecture network with 2 blocks, width 64, 4 heads,
// an FFN of 128, a context of 8192 tokens, F32 weights drawn from a fixed-seed
// generator (the same bytes on every call), and a byte-level gpt2 tokenizer of
// the 256 bytes in GPT-2's bytes-to-unicode mapping plus BOS and EOS, with no
// merges.
//
// The weights are random but steered so the model behaves well in tests.
// Hidden dimension 0 is a constant bias channel: every token embedding holds 20
// there, the norms in front of attention and FFN ignore it, and no layer writes
// to it. After the final norm it stays large and positive, so the dimension-0
// column of output.weight acts as a per-token logit bias: BOS and EOS are never
// chosen (greedy decoding always produces num_predict tokens), neither are
// control and non-ASCII bytes (the output is printable ASCII), spaces are
// rarer than other characters, and '"' is favoured so that JSON strings under
// a format constraint close and the JSON completes quickly.
func WriteTinyModel(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating tiny model file: %w", err)
	}
	if err := ggml.WriteGGUF(f, tinyKV(), tinyTensors()); err != nil {
		f.Close()
		return fmt.Errorf("writing tiny model %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing tiny model %s: %w", path, err)
	}
	return nil
}

func tinyKV() ggml.KV {
	tokens := make([]string, tinyVocab)
	types := make([]int32, tinyVocab)
	for b := range 256 {
		tokens[b] = string(byteToUnicode(byte(b)))
		types[b] = 1 // normal
	}
	tokens[tinyBOS], types[tinyBOS] = "<|lim_bos|>", 3 // control
	tokens[tinyEOS], types[tinyEOS] = "<|lim_eos|>", 3

	return ggml.KV{
		"general.architecture": "llama",
		"general.name":         TinyModel,
		"general.file_type":    uint32(0), // all F32

		"llama.block_count":                      uint32(tinyBlocks),
		"llama.context_length":                   uint32(tinyContext),
		"llama.embedding_length":                 uint32(tinyEmbd),
		"llama.feed_forward_length":              uint32(tinyFFN),
		"llama.attention.head_count":             uint32(tinyHeads),
		"llama.attention.head_count_kv":          uint32(tinyHeads),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.rope.dimension_count":             uint32(tinyEmbd / tinyHeads),
		"llama.rope.freq_base":                   float32(10000),
		"llama.vocab_size":                       uint32(tinyVocab),

		"tokenizer.ggml.model":         "gpt2",
		"tokenizer.ggml.pre":           "default",
		"tokenizer.ggml.tokens":        tokens,
		"tokenizer.ggml.token_type":    types,
		"tokenizer.ggml.merges":        []string{},
		"tokenizer.ggml.bos_token_id":  uint32(tinyBOS),
		"tokenizer.ggml.eos_token_id":  uint32(tinyEOS),
		"tokenizer.ggml.add_bos_token": true,
		"tokenizer.ggml.add_eos_token": false,
	}
}

// byteToUnicode is GPT-2's bytes-to-unicode mapping: printable Latin-1 bytes
// stand for themselves, the others are shifted to code points from 256 up.
func byteToUnicode(b byte) rune {
	switch {
	case b == 0xad:
		return 0x143
	case b <= 0x20:
		return rune(b) + 0x100
	case b >= 0x7f && b <= 0xa0:
		return rune(b) + 0xa2
	default:
		return rune(b)
	}
}

// tokenBias is the logit bias of a vocabulary entry (see WriteTinyModel).
func tokenBias(tok int) float32 {
	switch {
	case tok >= 256: // BOS, EOS
		return biasNever
	case tok == ' ':
		return biasSpace
	case tok == '"':
		return biasQuote
	case tok > ' ' && tok < 0x7f:
		return 0
	default: // control characters, DEL, bytes of multi-byte UTF-8
		return biasNever
	}
}

// tinyTensors builds the weights. Shapes are in GGUF order, the input
// dimension first: a [in, out] matrix stores out rows of in values each.
func tinyTensors() []*ggml.Tensor {
	rng := splitmix64(tinySeed)
	var ts []*ggml.Tensor
	add := func(name string, shape []uint64, values []float32) {
		buf := make([]byte, 4*len(values))
		for i, v := range values {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		ts = append(ts, &ggml.Tensor{Name: name, Kind: 0, Shape: shape, WriterTo: bytes.NewReader(buf)})
	}
	// matrix returns out rows of in values, uniformly random with the given
	// standard deviation; rows listed in zeroRows stay zero.
	matrix := func(in, out int, std float64, zeroRows ...int) []float32 {
		m := make([]float32, in*out)
		for i := range m {
			m[i] = float32(rng.uniform(std))
		}
		for _, r := range zeroRows {
			clear(m[r*in : (r+1)*in])
		}
		return m
	}
	// norm weights: the bias channel is hidden from the layers' inputs, the
	// other dimensions are scaled back to unit size.
	norm := func(bias float32) []float32 {
		w := make([]float32, tinyEmbd)
		for i := range w {
			w[i] = 2.5
		}
		w[0] = bias
		return w
	}

	embd := matrix(tinyEmbd, tinyVocab, 1)
	for tok := range tinyVocab {
		embd[tok*tinyEmbd] = 20
	}
	add("token_embd.weight", []uint64{tinyEmbd, tinyVocab}, embd)

	for blk := range tinyBlocks {
		p := fmt.Sprintf("blk.%d.", blk)
		in := 1 / math.Sqrt(tinyEmbd-1)
		add(p+"attn_norm.weight", []uint64{tinyEmbd}, norm(0))
		add(p+"attn_q.weight", []uint64{tinyEmbd, tinyEmbd}, matrix(tinyEmbd, tinyEmbd, 2*in))
		add(p+"attn_k.weight", []uint64{tinyEmbd, tinyEmbd}, matrix(tinyEmbd, tinyEmbd, 2*in))
		add(p+"attn_v.weight", []uint64{tinyEmbd, tinyEmbd}, matrix(tinyEmbd, tinyEmbd, in))
		// Row 0 of each output projection is zero: no layer writes to the
		// bias channel.
		add(p+"attn_output.weight", []uint64{tinyEmbd, tinyEmbd}, matrix(tinyEmbd, tinyEmbd, 1/math.Sqrt(tinyEmbd), 0))
		add(p+"ffn_norm.weight", []uint64{tinyEmbd}, norm(0))
		add(p+"ffn_gate.weight", []uint64{tinyEmbd, tinyFFN}, matrix(tinyEmbd, tinyFFN, in))
		add(p+"ffn_up.weight", []uint64{tinyEmbd, tinyFFN}, matrix(tinyEmbd, tinyFFN, in))
		add(p+"ffn_down.weight", []uint64{tinyFFN, tinyEmbd}, matrix(tinyFFN, tinyEmbd, 1/math.Sqrt(tinyFFN/2), 0))
	}

	onorm := make([]float32, tinyEmbd)
	for i := range onorm {
		onorm[i] = 1
	}
	add("output_norm.weight", []uint64{tinyEmbd}, onorm)

	out := matrix(tinyEmbd, tinyVocab, 0.5)
	for tok := range tinyVocab {
		out[tok*tinyEmbd] = tokenBias(tok)
	}
	add("output.weight", []uint64{tinyEmbd, tinyVocab}, out)
	return ts
}

// splitmix64 is a tiny, fully specified random generator, so the model's bytes
// never depend on a standard library algorithm that may change.
type splitmix64 uint64

func (s *splitmix64) next() uint64 {
	*s += 0x9e3779b97f4a7c15
	z := uint64(*s)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// uniform returns a value drawn uniformly with mean 0 and the given standard
// deviation.
func (s *splitmix64) uniform(std float64) float64 {
	u := float64(s.next()>>11) / (1 << 53) // [0, 1)
	return (2*u - 1) * math.Sqrt(3) * std
}
