package hwbench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// fillerWords make prompt text that tokenizes like prose: common words, so a real
// tokenizer gives about one token per word, and lim's byte-level test model one per byte.
var fillerWords = strings.Fields(`the of and to in is that for it as with was on be by this
are from or an at which not have has but all one can were more will there their other
about into time some could them than these only new would then like over such after first
also where most many system memory model token cache server device request speed value
water river stone light garden market winter window letter number question answer
`)

// Filler returns exactly n bytes of ASCII prose-like text, the same for the same seed.
func Filler(n int, seed uint64) string {
	if n <= 0 {
		return ""
	}
	r := rand.New(rand.NewPCG(seed, 0x6c696d2d6877))
	var sb strings.Builder
	sb.Grow(n + 16)
	for sb.Len() < n {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(fillerWords[r.IntN(len(fillerWords))])
	}
	return sb.String()[:n]
}

// NonceLen is the length of a nonce: it opens every prompt that must not hit a cache.
const NonceLen = len("[0123456789abcdef] ")

// Nonce returns a fresh random nonce of NonceLen bytes.
func Nonce() string { return fmt.Sprintf("[%016x] ", rand.Uint64()) }

// Calibration maps prompt bytes to the tokens a server counts: tokens = Overhead +
// PerByte × bytes, measured from two prompts of different lengths. Overhead is the chat
// template's share.
type Calibration struct {
	PerByte  float64
	Overhead float64
	// Measured is false when the server reports no prompt token counts; the estimate is
	// then 4 bytes a token and prompt sizes cannot be checked.
	Measured bool
}

// Calibrate fits a Calibration to two measurements (bytes, tokens).
func Calibrate(bytes1, tokens1, bytes2, tokens2 int) (Calibration, error) {
	if bytes2 == bytes1 || tokens2 <= tokens1 {
		return Calibration{}, fmt.Errorf("calibrating the prompt size: a prompt of %d bytes counted %d tokens and one of %d bytes %d tokens; the longer prompt must count more", bytes1, tokens1, bytes2, tokens2)
	}
	per := float64(tokens2-tokens1) / float64(bytes2-bytes1)
	return Calibration{PerByte: per, Overhead: float64(tokens1) - per*float64(bytes1), Measured: true}, nil
}

// ByteLevel reports whether the tokenizer counts one token per byte, so prompt sizes
// can be checked exactly.
func (c Calibration) ByteLevel() bool {
	return c.Measured && c.PerByte == 1 && c.Overhead == math.Trunc(c.Overhead)
}

// Tolerance is how far the server's prompt token count may be from the target: exact
// for a byte-level tokenizer, else 10% (text of the same length tokenizes differently).
func (c Calibration) Tolerance(target int) int {
	if c.ByteLevel() {
		return 0
	}
	return max(2, target/10)
}

// Prompt returns a prompt that the server should count as target tokens, template
// included: nonce first (empty for a prompt meant to be reused), then filler text, then
// suffix (an instruction, or empty).
func (c Calibration) Prompt(target int, nonce, suffix string, seed uint64) (string, error) {
	per, overhead := c.PerByte, c.Overhead
	if !c.Measured {
		per, overhead = 0.25, 0
	}
	n := int(math.Round((float64(target) - overhead) / per))
	if n <= len(nonce)+len(suffix) {
		return "", fmt.Errorf("a prompt of %d tokens is shorter than the chat template (%.0f tokens), the nonce and the instruction", target, overhead)
	}
	return nonce + Filler(n-len(nonce)-len(suffix), seed) + suffix, nil
}

// CheckPromptTokens fails when the server counted a prompt far from its target: it
// truncated the prompt (its context is too small) or the calibration is off.
func (c Calibration) CheckPromptTokens(target, got int) error {
	if !c.Measured {
		return nil
	}
	if d := got - target; d > c.Tolerance(target) || -d > c.Tolerance(target) {
		return fmt.Errorf("the server counted %d prompt tokens for a prompt built to be %d (allowed ±%d): if it is fewer, the server cut the prompt to fit its context: raise the server's context (Ollama gets num_ctx=LIM_HW_NUM_CTX; llama-server -c, vLLM --max-model-len) or lower LIM_HW_PREFILL/LIM_HW_DEEP_CTX", got, target, c.Tolerance(target))
	}
	return nil
}

// decodePrompt asks for a long answer, so models that stop by themselves still produce
// a full decode budget most of the time.
const decodePrompt = "Count from one to one thousand in words, one number per line, and nothing else."
