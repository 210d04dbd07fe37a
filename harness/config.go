package harness

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/results"
)

// DefaultReplayModels are the models the recorded fixtures hold: the oracle, and lim's
// tiny random-weight test model served by a real Ollama through its native API and its
// OpenAI-compatible /v1.
const DefaultReplayModels = "oracle,ollama:lim-tiny,openai:ollama/lim-tiny"

var recordFlag *bool

func init() {
	if testing.Testing() {
		recordFlag = flag.Bool("record", false, "lim: record model calls into fixtures/ (needs -tags=local and live models)")
	}
}

// liveMode reports whether model calls go to real servers: test binaries built with
// -tags=local, and programs that are not tests (the lim CLI).
func liveMode() bool { return liveBuild || !testing.Testing() }

// Config is a run's configuration, read once per process from the environment.
type Config struct {
	Models   []Spec
	Samples  int
	Batch    string
	DBPath   string
	Settings Settings
	Limits   CallLimits
	Fixtures FixtureMode
	// Assert lists the models whose failed checks fail their subtest; nil with
	// AssertAll set means every model.
	Assert    map[string]bool
	AssertAll bool
	Live      bool

	ollamaCap int
}

var loadConfig = sync.OnceValues(func() (*Config, error) { return ConfigFromEnv(context.Background()) })

// LoadConfig returns the process's configuration, reading the environment the first
// time it is called.
func LoadConfig() (*Config, error) { return loadConfig() }

// ConfigFromEnv reads a configuration from the environment:
// LIM_MODELS, LIM_SAMPLES, LIM_BATCH, LIM_DB, LIM_ASSERT, LIM_RECORD, LIM_CALL_TIMEOUT,
// LIM_STALL_TIMEOUT and the settings variables (see SettingsFromEnv).
func ConfigFromEnv(ctx context.Context) (*Config, error) {
	c := &Config{Live: liveMode(), Limits: DefaultCallLimits()}
	var err error
	if c.Settings, err = SettingsFromEnv(); err != nil {
		return nil, err
	}
	record := os.Getenv("LIM_RECORD") == "1" || (recordFlag != nil && *recordFlag)
	switch {
	case record && !c.Live:
		return nil, fmt.Errorf("LIM_RECORD=1 records live model calls: add -tags=local (go test -tags=local -count=1 …)")
	case record:
		c.Fixtures = FixtureRecord
	case c.Live:
		c.Fixtures = FixtureOff
	default:
		c.Fixtures = FixtureReplay
	}

	models := os.Getenv("LIM_MODELS")
	switch {
	case models != "":
		if c.Models, err = ParseSpecs(models); err != nil {
			return nil, fmt.Errorf("LIM_MODELS: %w", err)
		}
	case c.Live:
		if c.Models, err = OllamaModels(ctx, OllamaURL()); err != nil {
			return nil, err
		}
	default:
		c.Models, _ = ParseSpecs(DefaultReplayModels)
	}
	if len(c.Models) == 0 {
		return nil, fmt.Errorf("LIM_MODELS=%q names no model", models)
	}
	for _, m := range c.Models {
		if m.Kind == KindOpenAI {
			if _, err := ResolveEndpoint(m.Endpoint, c.Live); err != nil {
				return nil, fmt.Errorf("model %s: %w", m.Raw, err)
			}
		}
	}

	c.Samples = 1
	if n, err := envInt("LIM_SAMPLES"); err != nil {
		return nil, err
	} else if n > 0 {
		c.Samples = n
	}
	if c.ollamaCap, err = OllamaConcurrency(); err != nil {
		return nil, err
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"LIM_CALL_TIMEOUT", &c.Limits.Timeout}, {"LIM_STALL_TIMEOUT", &c.Limits.Stall}} {
		if v := os.Getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < 0 {
				return nil, fmt.Errorf("%s=%q: want a duration such as 10m or 90s", d.name, v)
			}
			*d.dst = t
		}
	}

	c.Batch = os.Getenv("LIM_BATCH")
	if c.Batch == "" {
		c.Batch = DefaultBatch(c.Live, time.Now())
	}
	c.DBPath = os.Getenv("LIM_DB")
	if c.DBPath == "" {
		c.DBPath = DefaultDBPath()
	}

	switch a := strings.TrimSpace(os.Getenv("LIM_ASSERT")); {
	case a == "on" || (a == "" && c.Live):
		c.AssertAll = true
	case a == "off":
		c.Assert = map[string]bool{}
	case a == "":
		c.Assert = map[string]bool{KindOracle: true}
	default:
		specs, err := ParseSpecs(a)
		if err != nil {
			return nil, fmt.Errorf("LIM_ASSERT: %w (or use on/off)", err)
		}
		c.Assert = map[string]bool{}
		for _, s := range specs {
			c.Assert[s.Raw] = true
		}
	}
	return c, nil
}

// DefaultBatch names the batch of a run started at now: the date for live runs
// (a run resumed on a later day needs LIM_BATCH set to its first day), "replay-" and
// the date for replays.
func DefaultBatch(live bool, now time.Time) string {
	d := now.Format("2006-01-02")
	if live {
		return d
	}
	return "replay-" + d
}

// DefaultDBPath is results/lim.db under the module root, or lim.db here outside one.
func DefaultDBPath() string {
	if root, err := ModuleRoot(); err == nil {
		return filepath.Join(root, "results", "lim.db")
	}
	return "lim.db"
}

// Asserts reports whether spec's failed checks fail its subtest.
func (c *Config) Asserts(spec Spec) bool { return c.AssertAll || c.Assert[spec.Raw] }

// Concurrency is how many calls lim makes at once to the server behind spec, and the
// name of that server for the cross-process slots; 0 means no cap (the oracle).
func (c *Config) Concurrency(spec Spec) (string, int, error) {
	switch spec.Kind {
	case KindOllama:
		return "ollama " + OllamaURL(), c.ollamaCap, nil
	case KindOpenAI:
		ep, err := ResolveEndpoint(spec.Endpoint, c.Live)
		if err != nil {
			return "", 0, err
		}
		return "openai " + ep.BaseURL, ep.Concurrency, nil
	}
	return "oracle", 0, nil
}

// Acquire takes one of the call slots of the server behind spec, shared by every lim
// process on this machine, and returns the function that gives it back. Everything that
// calls a model — Run, the judges, tools — goes through it, so the per-server caps hold.
func (c *Config) Acquire(ctx context.Context, spec Spec) (release func(), err error) {
	key, n, err := c.Concurrency(spec)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return func() {}, nil
	}
	return acquireSlot(ctx, key, n)
}

// NewBackend returns the backend for spec, making HTTP calls through hc (the test's
// fixture transport in tests).
func (c *Config) NewBackend(spec Spec, hc *http.Client) (Backend, error) {
	switch spec.Kind {
	case KindOracle:
		return NewOracle(), nil
	case KindOllama:
		return NewOllama(spec, OllamaURL(), hc, c.Limits)
	case KindOpenAI:
		ep, err := ResolveEndpoint(spec.Endpoint, c.Live)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", spec.Raw, err)
		}
		return NewOpenAI(spec, ep, hc, c.Limits), nil
	}
	return nil, fmt.Errorf("unknown model spec %q", spec.Raw)
}

var openStore = sync.OnceValues(func() (*results.Store, error) {
	c, err := LoadConfig()
	if err != nil {
		return nil, err
	}
	return results.Open(context.Background(), c.DBPath)
})

// Store returns the process's results store, opened once from LIM_DB.
func Store() (*results.Store, error) { return openStore() }
