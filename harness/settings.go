package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Think says whether reasoning models are asked to think.
type Think string

// Thinking settings. ThinkDefault sends nothing and leaves it to the model.
const (
	ThinkDefault Think = ""
	ThinkOn      Think = "on"
	ThinkOff     Think = "off"
)

// Settings are the sampling settings of one comparison. The same settings go to every
// backend and are stored with every result; they are part of the resume key.
type Settings struct {
	Temperature float64 `json:"temperature"`
	// MaxTokens overrides every task's completion budget when > 0 (LIM_MAX_TOKENS).
	MaxTokens int `json:"max_tokens,omitempty"`
	// ThinkBudget is added to a task's budget unless thinking is off, so reasoning
	// models can finish their reasoning and still answer (LIM_THINK_BUDGET).
	ThinkBudget int   `json:"think_budget"`
	Think       Think `json:"think"`
	// NumCtx is the context window asked of servers that take one per request (Ollama's
	// num_ctx). OpenAI-compatible servers use their own configured context.
	NumCtx int `json:"num_ctx"`
	// Seed is the base seed; sample i is requested with Seed+i.
	Seed int `json:"seed"`
}

// DefaultSettings are lim's defaults: greedy decoding for reproducibility, thinking left
// to the model with 4096 extra tokens to think in, an 8192-token context.
func DefaultSettings() Settings {
	return Settings{Temperature: 0, ThinkBudget: 4096, NumCtx: 8192, Seed: 42}
}

// SettingsFromEnv reads LIM_TEMPERATURE, LIM_MAX_TOKENS, LIM_THINK (on/off),
// LIM_THINK_BUDGET, LIM_NUM_CTX and LIM_SEED over the defaults.
func SettingsFromEnv() (Settings, error) {
	s := DefaultSettings()
	if v := os.Getenv("LIM_TEMPERATURE"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 2 {
			return s, fmt.Errorf("LIM_TEMPERATURE=%q: want a number from 0 to 2", v)
		}
		s.Temperature = f
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"LIM_MAX_TOKENS", &s.MaxTokens}, {"LIM_THINK_BUDGET", &s.ThinkBudget}, {"LIM_NUM_CTX", &s.NumCtx}, {"LIM_SEED", &s.Seed}} {
		if os.Getenv(f.name) == "" {
			continue
		}
		n, err := envInt(f.name)
		if err != nil {
			return s, err
		}
		*f.dst = n
	}
	switch t := Think(strings.ToLower(os.Getenv("LIM_THINK"))); t {
	case ThinkDefault, ThinkOn, ThinkOff:
		s.Think = t
	default:
		return s, fmt.Errorf("LIM_THINK=%q: use on, off, or leave it unset for the model's default", t)
	}
	return s, nil
}

// Budget is the completion budget sent for task t: its own (or the override), plus the
// thinking budget unless thinking is off.
func (s Settings) Budget(t *Task) int {
	n := t.MaxTokensOrDefault()
	if s.MaxTokens > 0 {
		n = s.MaxTokens
	}
	if s.Think != ThinkOff {
		n += s.ThinkBudget
	}
	return n
}

// JSON is the settings as stored with results.
func (s Settings) JSON() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Hash identifies the settings in the resume key.
func (s Settings) Hash() string {
	sum := sha256.Sum256([]byte(s.JSON()))
	return hex.EncodeToString(sum[:8])
}
