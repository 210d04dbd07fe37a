package hwbench

import (
	"fmt"
	"math"
	"strings"

	"github.com/ollama/ollama/api"
)

// Footprint is what a model costs in memory: its weights, the bytes one decoded token
// reads, and the KV cache per token of context.
type Footprint struct {
	Parameters int64
	// Weights is the size of all weights in memory.
	Weights int64
	// Active is what one decoded token reads from the weights: every tensor except the
	// token-embedding table (one row is looked up, unless the output layer shares it),
	// and for a mixture of experts only the used experts' share of the expert tensors.
	Active int64
	// Source says how Active was worked out.
	Source string
	// KVPerToken is the KV cache one token of context takes (and a decode step reads).
	KVPerToken  int64
	KVType      string
	Experts     int // 0 for a dense model
	ExpertsUsed int
}

// BytesPerToken is what decoding one token reads with ctx tokens in context: the
// active weights and the KV cache of the context.
func (f Footprint) BytesPerToken(ctx float64) float64 {
	return float64(f.Active) + ctx*float64(f.KVPerToken)
}

// ggmlTypeBytes is bytes per element of each GGML tensor type (block bytes / block
// elements), as ollama's fs/ggml computes them.
var ggmlTypeBytes = map[string]float64{
	"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I8": 1, "I16": 2, "I32": 4, "I64": 8,
	"Q4_0": 18.0 / 32, "Q4_1": 20.0 / 32, "Q5_0": 22.0 / 32, "Q5_1": 24.0 / 32,
	"Q8_0": 34.0 / 32, "Q8_1": 36.0 / 32, "MXFP4": 17.0 / 32,
	"Q2_K": 84.0 / 256, "Q3_K": 110.0 / 256, "Q4_K": 144.0 / 256, "Q5_K": 176.0 / 256,
	"Q6_K": 210.0 / 256, "Q8_K": 292.0 / 256,
}

// fileTypes names GGUF general.file_type values and gives their average bytes per
// weight (the K-quant mixes by their main type; a fallback when the tensors are unknown).
var fileTypes = map[int]struct {
	name  string
	bytes float64
}{
	0: {"F32", 4}, 1: {"F16", 2}, 2: {"Q4_0", 18.0 / 32}, 3: {"Q4_1", 20.0 / 32},
	4: {"MXFP4", 17.0 / 32}, 7: {"Q8_0", 34.0 / 32}, 8: {"Q5_0", 22.0 / 32}, 9: {"Q5_1", 24.0 / 32},
	10: {"Q2_K", 84.0 / 256}, 11: {"Q3_K_S", 110.0 / 256}, 12: {"Q3_K_M", 110.0 / 256},
	13: {"Q3_K_L", 110.0 / 256}, 14: {"Q4_K_S", 144.0 / 256}, 15: {"Q4_K_M", 144.0 / 256},
	16: {"Q5_K_S", 176.0 / 256}, 17: {"Q5_K_M", 176.0 / 256}, 18: {"Q6_K", 210.0 / 256},
	21: {"Q2_K_S", 84.0 / 256}, 32: {"BF16", 2},
}

// kvBytesPerElement is the KV cache's bytes per element for OLLAMA_KV_CACHE_TYPE.
var kvBytesPerElement = map[string]float64{"f16": 2, "q8_0": 34.0 / 32, "q4_0": 18.0 / 32}

// Quant is the model's quantisation as Ollama shows it, or the name of its GGUF file
// type when Ollama says "unknown" (as it does for F32), or "unknown".
func Quant(show *api.ShowResponse) string {
	if q := strings.TrimSpace(show.Details.QuantizationLevel); q != "" && !strings.EqualFold(q, "unknown") {
		return q
	}
	if ft, ok := infoInt(show.ModelInfo, "general.file_type"); ok {
		if t, ok := fileTypes[int(ft)]; ok {
			return t.name
		}
	}
	return "unknown"
}

// FootprintOf works out a model's footprint from Ollama's /api/show (verbose, so the
// tensors are listed), falling back to the parameter count × the file type's bytes per
// weight, or to fileSize (the model's size in Ollama's list) when neither is known.
func FootprintOf(show *api.ShowResponse, fileSize int64, kvType string) (Footprint, error) {
	info := show.ModelInfo
	arch, _ := info["general.architecture"].(string)
	var f Footprint
	f.Parameters, _ = infoInt(info, "general.parameter_count")
	if n, ok := infoInt(info, arch+".expert_count"); ok && n > 0 {
		f.Experts = int(n)
		u, _ := infoInt(info, arch+".expert_used_count")
		f.ExpertsUsed = int(u)
	}
	expertShare := 1.0
	if f.Experts > 0 && f.ExpertsUsed > 0 {
		expertShare = float64(f.ExpertsUsed) / float64(f.Experts)
	}

	if len(show.Tensors) > 0 {
		var weights, active float64
		tied := true
		for _, t := range show.Tensors {
			if t.Name == "output.weight" {
				tied = false
			}
		}
		unknown := 0
		for _, t := range show.Tensors {
			per, ok := ggmlTypeBytes[strings.ToUpper(t.Type)]
			if !ok {
				unknown++
				continue
			}
			elems := 1.0
			for _, d := range t.Shape {
				elems *= float64(d)
			}
			b := elems * per
			weights += b
			switch {
			case t.Name == "token_embd.weight" && !tied:
				// A lookup reads one row.
			case strings.Contains(t.Name, "_exps"):
				active += b * expertShare
			default:
				active += b
			}
		}
		if unknown == 0 {
			f.Weights, f.Active = int64(weights), int64(active)
			f.Source = "tensors"
			if f.Experts > 0 {
				f.Source = fmt.Sprintf("tensors, %d of %d experts", f.ExpertsUsed, f.Experts)
			}
		}
	}
	if f.Source == "" {
		ft, ok := infoInt(info, "general.file_type")
		t, known := fileTypes[int(ft)]
		switch {
		case ok && known && f.Parameters > 0:
			f.Weights = int64(float64(f.Parameters) * t.bytes)
			f.Active = int64(float64(f.Weights) * expertShare)
			f.Source = "parameters × " + t.name
		case fileSize > 0:
			f.Weights, f.Active = fileSize, int64(float64(fileSize)*expertShare)
			f.Source = "file size"
		default:
			return f, fmt.Errorf("the server shows neither tensors, nor parameter count and file type, nor file size")
		}
		if f.Experts > 0 {
			f.Source += fmt.Sprintf(", %d of %d experts (all weights scaled)", f.ExpertsUsed, f.Experts)
		}
	}

	f.KVType = kvType
	per, ok := kvBytesPerElement[kvType]
	if !ok {
		return f, fmt.Errorf("unknown KV cache type %q", kvType)
	}
	f.KVPerToken = int64(math.Round(kvElementsPerToken(info, arch) * per))
	return f, nil
}

// kvElementsPerToken is the number of K and V elements one token of context adds:
// per layer, the KV heads times the key and value lengths.
func kvElementsPerToken(info map[string]any, arch string) float64 {
	layers, _ := infoInt(info, arch+".block_count")
	heads, _ := infoInt(info, arch+".attention.head_count")
	embd, _ := infoInt(info, arch+".embedding_length")
	if layers == 0 || heads == 0 {
		return 0
	}
	keyLen, ok := infoInt(info, arch+".attention.key_length")
	if !ok && embd > 0 {
		keyLen = embd / heads
	}
	valLen, ok := infoInt(info, arch+".attention.value_length")
	if !ok {
		valLen = keyLen
	}
	// head_count_kv is a number, or a list with one entry per layer.
	perLayer := func(l int) float64 {
		switch v := info[arch+".attention.head_count_kv"].(type) {
		case float64:
			return v
		case []any:
			if l < len(v) {
				if f, ok := v[l].(float64); ok {
					return f
				}
			}
			return 0
		default:
			return float64(heads)
		}
	}
	var total float64
	for l := 0; l < int(layers); l++ {
		total += perLayer(l) * float64(keyLen+valLen)
	}
	return total
}

// infoInt reads a number from Ollama's model_info (JSON numbers arrive as float64).
func infoInt(info map[string]any, key string) (int64, bool) {
	switch v := info[key].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// Fit is whether a model and its KV cache fit in a device's memory.
type Fit struct {
	Verdict string // FitYes, FitAlone, FitNo or FitUnknown
	Detail  string
}

// Memory-fit verdicts.
const (
	FitYes     = "fits"       // fits beside what runs now
	FitAlone   = "fits alone" // fits only with nothing else running
	FitNo      = "no"         // does not fit at all
	FitUnknown = "unknown"
)

// DefaultOSReserve is the memory kept for the OS and its programs: 10% of it, at least
// 2 GiB.
func DefaultOSReserve(memory int64) int64 { return max(memory/10, 2<<30) }

// MemoryFit says whether weights plus the KV cache of ctx tokens in each of parallel
// slots fit in the device's model memory (the GPU's if it has one) after reserve.
// loaded is what the model already occupies there (it counts as free for the model).
func MemoryFit(fp Footprint, ctx, parallel int, d Device, reserve, loaded int64) Fit {
	parallel = max(parallel, 1)
	kv := fp.KVPerToken * int64(ctx) * int64(parallel)
	need := fp.Weights + kv
	total, free, where := d.Memory, d.Available, "memory"
	if d.GPU != "" && d.GPUMemory > 0 {
		total, where = d.GPUMemory, "GPU memory"
		free = d.GPUFree
		if d.Unified {
			free = min(d.Available, d.GPUMemory)
			where = "the GPU's share of unified memory"
		}
		// VRAM holds no OS, and the GPU's share of unified memory already leaves the
		// rest to it.
		reserve = 0
	}
	if total <= 0 || fp.Weights <= 0 {
		return Fit{Verdict: FitUnknown, Detail: "the device's memory or the model's size is unknown"}
	}
	slots := "1 slot"
	if parallel > 1 {
		slots = fmt.Sprintf("%d slots", parallel)
	}
	detail := fmt.Sprintf("weights %s + KV cache %s (%d tokens × %s, %s) = %s against %s %s",
		gib(fp.Weights), gib(kv), ctx, slots, fp.KVType, gib(need), where, gib(total))
	if reserve > 0 {
		detail += fmt.Sprintf(" less %s for the OS", gib(reserve))
	}
	if free > 0 {
		detail += fmt.Sprintf(", %s free now", gib(free+loaded))
	}
	switch {
	case need+reserve > total:
		if d.GPU != "" && !d.Unified && need+DefaultOSReserve(d.Memory) <= d.Memory {
			detail += "; runs only partly offloaded, the rest in system memory"
		}
		return Fit{Verdict: FitNo, Detail: detail}
	case free > 0 && need > free+loaded:
		return Fit{Verdict: FitAlone, Detail: detail}
	case free > 0:
		return Fit{Verdict: FitYes, Detail: detail}
	default:
		return Fit{Verdict: FitAlone, Detail: detail + " (free memory unknown)"}
	}
}

// Spill describes where Ollama put a loaded model (/api/ps size and size_vram).
func Spill(size, vram int64, d Device) string {
	switch {
	case size <= 0:
		return "not loaded"
	case vram >= size:
		return "none: all in GPU memory"
	case vram > 0:
		return fmt.Sprintf("spilled: %.0f%% in CPU memory (%s of %s)", 100*float64(size-vram)/float64(size), gib(size-vram), gib(size))
	case d.GPU != "":
		return "all in CPU memory: the GPU is not used"
	default:
		return "none: CPU only (no GPU)"
	}
}

func gib(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
}
