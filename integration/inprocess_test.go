//go:build integration && local

package integration

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/local-inference-machine/lim/internal/devollama"
)

var inProcessOnce sync.Once

// inProcessEnv points the in-process harness at the Ollama server at host. The harness
// reads its LIM_ configuration once per process, so those are set once, for every
// in-process test and benchmark; OLLAMA_HOST is read per call and set each time.
func inProcessEnv(tb testing.TB, host string) {
	tb.Helper()
	inProcessOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lim-integration-")
		if err != nil {
			tb.Fatal(err)
		}
		for k, v := range map[string]string{
			"LIM_MODELS":        "ollama:" + devollama.TinyModel + ",openai:ollama/" + devollama.TinyModel,
			"LIM_DB":            filepath.Join(dir, "lim.db"),
			"LIM_BATCH":         "in-process",
			"LIM_STALL_TIMEOUT": "2s",
			"LIM_NUM_CTX":       "512", // small, so a prompt that overflows it is quick to read
			"LIM_MAX_TOKENS":    "24",
			"LIM_THINK":         "off",
			"LIM_ASSERT":        "off",
			"LIM_PROGRESS":      "off",
			"LIM_JUDGES":        "off",
		} {
			if err := os.Setenv(k, v); err != nil {
				tb.Fatal(err)
			}
		}
	})
	if err := os.Setenv("OLLAMA_HOST", host); err != nil {
		tb.Fatal(err)
	}
}

// dbPath is the in-process harness's results database.
func dbPath() string { return os.Getenv("LIM_DB") }
