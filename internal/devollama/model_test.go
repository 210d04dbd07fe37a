package devollama

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

func TestWriteTinyModel(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.gguf")
	if err := WriteTinyModel(path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ggml.Decode(f, -1)
	if err != nil {
		t.Fatalf("decoding the tiny model: %v", err)
	}
	kv := m.KV()

	for _, tt := range []struct {
		name      string
		got, want any
	}{
		{"architecture", kv.Architecture(), "llama"},
		{"block count", kv.BlockCount(), uint64(2)},
		{"embedding length", kv.EmbeddingLength(), uint64(64)},
		{"context length", kv.ContextLength(), uint64(8192)},
		{"head count", kv.Uint("attention.head_count"), uint32(4)},
		{"head count kv", kv.Uint("attention.head_count_kv"), uint32(4)},
		{"tokenizer", kv.String("tokenizer.ggml.model"), "gpt2"},
		{"vocabulary size", len(kv.Strings("tokenizer.ggml.tokens")), 258},
		{"token types", len(kv.Ints("tokenizer.ggml.token_type")), 258},
		{"bos", kv.Uint("tokenizer.ggml.bos_token_id"), uint32(256)},
		{"eos", kv.Uint("tokenizer.ggml.eos_token_id"), uint32(257)},
		{"token for byte 'A'", kv.Strings("tokenizer.ggml.tokens")['A'], "A"},
		{"token for byte ' '", kv.Strings("tokenizer.ggml.tokens")[' '], "Ġ"},
		{"token for byte '\\n'", kv.Strings("tokenizer.ggml.tokens")['\n'], "Ċ"},
		{"tensor count", len(m.Tensors().Items()), 3 + 2*9},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %v (%T), want %v (%T)", tt.name, tt.got, tt.got, tt.want, tt.want)
		}
	}

	shapes := make(map[string][]uint64)
	for _, ts := range m.Tensors().Items() {
		shapes[ts.Name] = ts.Shape
	}
	for name, want := range map[string][]uint64{
		"token_embd.weight":        {64, 258},
		"blk.0.attn_norm.weight":   {64},
		"blk.1.attn_q.weight":      {64, 64},
		"blk.1.attn_k.weight":      {64, 64},
		"blk.1.attn_v.weight":      {64, 64},
		"blk.1.attn_output.weight": {64, 64},
		"blk.1.ffn_gate.weight":    {64, 128},
		"blk.1.ffn_up.weight":      {64, 128},
		"blk.1.ffn_down.weight":    {128, 64},
		"output_norm.weight":       {64},
		"output.weight":            {64, 258},
	} {
		if got, ok := shapes[name]; !ok || !slices.Equal(got, want) {
			t.Errorf("tensor %s has shape %v (present: %t), want %v", name, got, ok, want)
		}
	}

	// The bias channel (see WriteTinyModel), read back from the file.
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tensor := func(name string) []float32 {
		t.Helper()
		for _, ts := range m.Tensors().Items() {
			if ts.Name == name {
				start := m.Tensors().Offset + ts.Offset
				raw := data[start : start+ts.Size()]
				v := make([]float32, len(raw)/4)
				for i := range v {
					v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
				}
				return v
			}
		}
		t.Fatalf("tensor %s missing", name)
		return nil
	}
	embd, out := tensor("token_embd.weight"), tensor("output.weight")
	for tok := range 258 {
		if embd[tok*64] != 20 {
			t.Errorf("token %d: embedding[0] = %v, want 20", tok, embd[tok*64])
		}
	}
	for _, tok := range []int{256, 257, 0, '\n', 0x7f, 0xc3} {
		if b := out[tok*64]; b > -5 {
			t.Errorf("token %d: logit bias %v, want strongly negative", tok, b)
		}
	}
	if b := out['"'*64]; b <= 0 {
		t.Errorf("'\"': logit bias %v, want positive", b)
	}
	for _, name := range []string{"blk.0.attn_output.weight", "blk.1.ffn_down.weight"} {
		w := tensor(name)
		in := len(w) / 64
		if row0 := w[:in]; slices.ContainsFunc(row0, func(v float32) bool { return v != 0 }) {
			t.Errorf("%s writes to the bias channel", name)
		}
	}

	again := filepath.Join(dir, "again.gguf")
	if err := WriteTinyModel(again); err != nil {
		t.Fatal(err)
	}
	a, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two writes of the tiny model differ (%d and %d bytes)", len(a), len(b))
	}
}
