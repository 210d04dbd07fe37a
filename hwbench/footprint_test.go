package hwbench

import (
	"strings"
	"testing"

	"github.com/ollama/ollama/api"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// denseShow is a small llama-shaped model: 2 layers, width 64, 4 heads of which 2 are
// KV heads, vocabulary 100, with or without its own output layer.
func denseShow(fileType float64, tensorType string, ownOutput bool) *api.ShowResponse {
	info := map[string]any{
		"general.architecture":          "llama",
		"general.file_type":             fileType,
		"general.parameter_count":       float64(2*(4*64*64+3*64*128) + 100*64),
		"llama.block_count":             float64(2),
		"llama.embedding_length":        float64(64),
		"llama.attention.head_count":    float64(4),
		"llama.attention.head_count_kv": float64(2),
	}
	var ts []api.Tensor
	ts = append(ts, api.Tensor{Name: "token_embd.weight", Type: tensorType, Shape: []uint64{64, 100}})
	if ownOutput {
		ts = append(ts, api.Tensor{Name: "output.weight", Type: tensorType, Shape: []uint64{64, 100}})
	}
	for _, n := range []string{"blk.0", "blk.1"} {
		for _, w := range []string{"attn_q", "attn_k", "attn_v", "attn_output"} {
			ts = append(ts, api.Tensor{Name: n + "." + w + ".weight", Type: tensorType, Shape: []uint64{64, 64}})
		}
		for _, w := range []string{"ffn_gate", "ffn_up", "ffn_down"} {
			ts = append(ts, api.Tensor{Name: n + "." + w + ".weight", Type: tensorType, Shape: []uint64{64, 128}})
		}
	}
	return &api.ShowResponse{ModelInfo: info, Tensors: ts}
}

func TestFootprintDense(t *testing.T) {
	const blocks = 2 * (4*64*64 + 3*64*128) // elements in the blocks
	const table = 100 * 64
	for _, tc := range []struct {
		name            string
		show            *api.ShowResponse
		weights, active int64
		source          string
	}{
		{"F32 with its own output layer: the embedding lookup reads one row", denseShow(0, "F32", true), 4 * (blocks + 2*table), 4 * (blocks + table), "tensors"},
		{"F32 with tied embeddings: the table is read as the output layer", denseShow(0, "F32", false), 4 * (blocks + table), 4 * (blocks + table), "tensors"},
		{"Q8_0: 34 bytes per 32 weights", denseShow(7, "Q8_0", true), (blocks + 2*table) * 34 / 32, (blocks + table) * 34 / 32, "tensors"},
		{"Q4_K: 144 bytes per 256 weights", denseShow(15, "q4_k", true), (blocks + 2*table) * 144 / 256, (blocks + table) * 144 / 256, "tensors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fp, err := FootprintOf(tc.show, 0, "f16")
			require.NoError(t, err)
			assert.Equal(t, tc.weights, fp.Weights)
			assert.Equal(t, tc.active, fp.Active)
			assert.Equal(t, tc.source, fp.Source)
			// 2 layers × 2 KV heads × (16 + 16) head dims × 2 bytes.
			assert.Equal(t, int64(2*2*32*2), fp.KVPerToken)
			assert.Equal(t, float64(tc.active)+1000*256, fp.BytesPerToken(1000))
		})
	}
}

func TestFootprintMixtureOfExperts(t *testing.T) {
	show := denseShow(1, "F16", true)
	show.ModelInfo["llama.expert_count"] = float64(8)
	show.ModelInfo["llama.expert_used_count"] = float64(2)
	var ts []api.Tensor
	for _, x := range show.Tensors {
		if strings.Contains(x.Name, "ffn_") {
			x.Name = strings.Replace(x.Name, ".weight", "_exps.weight", 1)
			x.Shape = append(x.Shape, 8)
		}
		ts = append(ts, x)
	}
	show.Tensors = ts
	fp, err := FootprintOf(show, 0, "q8_0")
	require.NoError(t, err)
	attn := int64(2 * 4 * 64 * 64 * 2)
	experts := int64(2 * 3 * 64 * 128 * 8 * 2)
	table := int64(100 * 64 * 2)
	assert.Equal(t, attn+experts+2*table, fp.Weights)
	assert.Equal(t, attn+experts*2/8+table, fp.Active, "2 of 8 experts are read per token")
	assert.Equal(t, "tensors, 2 of 8 experts", fp.Source)
	assert.Equal(t, int64(2*2*32*34/32), fp.KVPerToken, "q8_0 KV cache")
}

func TestFootprintFallbacks(t *testing.T) {
	show := denseShow(15, "Q4_K", true)
	show.Tensors = nil
	fp, err := FootprintOf(show, 0, "f16")
	require.NoError(t, err)
	params := int64(2*(4*64*64+3*64*128) + 100*64)
	assert.Equal(t, params*144/256, fp.Weights)
	assert.Equal(t, "parameters × Q4_K_M", fp.Source)

	show.Tensors = []api.Tensor{{Name: "blk.0.attn_q.weight", Type: "IQ9_Z", Shape: []uint64{64, 64}}}
	fp, err = FootprintOf(show, 0, "f16")
	require.NoError(t, err)
	assert.Equal(t, "parameters × Q4_K_M", fp.Source, "a tensor type lim does not know falls back to the file type")

	delete(show.ModelInfo, "general.parameter_count")
	fp, err = FootprintOf(show, 5_000_000, "f16")
	require.NoError(t, err)
	assert.Equal(t, int64(5_000_000), fp.Active)
	assert.Equal(t, "file size", fp.Source)

	_, err = FootprintOf(show, 0, "f16")
	assert.ErrorContains(t, err, "neither tensors")
}

func TestKVPerLayerHeads(t *testing.T) {
	info := map[string]any{
		"general.architecture":           "gemma3",
		"gemma3.block_count":             float64(3),
		"gemma3.attention.head_count":    float64(8),
		"gemma3.attention.head_count_kv": []any{float64(4), float64(0), float64(2)},
		"gemma3.attention.key_length":    float64(256),
		"gemma3.attention.value_length":  float64(128),
	}
	assert.Equal(t, float64((4+0+2)*(256+128)), kvElementsPerToken(info, "gemma3"))
}

func TestQuant(t *testing.T) {
	for _, tc := range []struct {
		level string
		ft    any
		want  string
	}{
		{"Q4_K_M", float64(15), "Q4_K_M"},
		{"unknown", float64(0), "F32"}, // Ollama shows F32 models as "unknown"
		{"", float64(1), "F16"},
		{"unknown", float64(999), "unknown"},
		{"", nil, "unknown"},
	} {
		show := &api.ShowResponse{Details: api.ModelDetails{QuantizationLevel: tc.level}, ModelInfo: map[string]any{"general.file_type": tc.ft}}
		assert.Equal(t, tc.want, Quant(show), "level %q, file type %v", tc.level, tc.ft)
	}
}

func TestMemoryFit(t *testing.T) {
	fp := Footprint{Weights: 8 << 30, KVPerToken: 128 << 10, KVType: "f16"} // 8 GiB + 1 GiB per 8k tokens
	cpu := Device{Memory: 32 << 30, Available: 20 << 30}
	for _, tc := range []struct {
		name   string
		dev    Device
		ctx    int
		loaded int64
		want   string
	}{
		{"fits beside what runs", cpu, 8192, 0, FitYes},
		{"fits only alone", Device{Memory: 32 << 30, Available: 6 << 30}, 8192, 0, FitAlone},
		{"already loaded counts as free", Device{Memory: 32 << 30, Available: 6 << 30}, 8192, 9 << 30, FitYes},
		{"too big for the device", Device{Memory: 8 << 30, Available: 7 << 30}, 8192, 0, FitNo},
		{"context makes it too big", cpu, 200_000, 0, FitNo},
		{"GPU: VRAM decides", Device{Memory: 64 << 30, Available: 60 << 30, GPU: "RTX", GPUMemory: 8 << 30, GPUFree: 8 << 30}, 8192, 0, FitNo},
		{"GPU with room", Device{Memory: 64 << 30, Available: 60 << 30, GPU: "RTX", GPUMemory: 24 << 30, GPUFree: 20 << 30}, 8192, 0, FitYes},
		{"unknown memory", Device{}, 8192, 0, FitUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := MemoryFit(fp, tc.ctx, 1, tc.dev, DefaultOSReserve(tc.dev.Memory), tc.loaded)
			assert.Equal(t, tc.want, f.Verdict, f.Detail)
		})
	}
	f := MemoryFit(fp, 8192, 1, Device{Memory: 64 << 30, Available: 60 << 30, GPU: "RTX", GPUMemory: 8 << 30, GPUFree: 8 << 30}, 0, 0)
	assert.Contains(t, f.Detail, "partly offloaded", "a model too big for VRAM but not for RAM runs split")
	two := MemoryFit(fp, 8192, 2, cpu, 0, 0)
	assert.Contains(t, two.Detail, "2.0 GiB (8192 tokens × 2 slots", "each parallel slot has its own KV cache")
}

func TestSpill(t *testing.T) {
	gpu := Device{GPU: "RTX"}
	assert.Equal(t, "none: all in GPU memory", Spill(100, 100, gpu))
	assert.Equal(t, "spilled: 25% in CPU memory (25 KiB of 100 KiB)", Spill(100<<10, 75<<10, gpu))
	assert.Equal(t, "all in CPU memory: the GPU is not used", Spill(100, 0, gpu))
	assert.Equal(t, "none: CPU only (no GPU)", Spill(100, 0, Device{}))
	assert.Equal(t, "not loaded", Spill(0, 0, gpu))
}
