package harness

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSpec(t *testing.T) {
	for _, tc := range []struct {
		in                    string
		kind, endpoint, model string
		err                   string
	}{
		{in: "ollama:qwen3:14b", kind: KindOllama, model: "qwen3:14b"},
		{in: " ollama:llama3.2 ", kind: KindOllama, model: "llama3.2"},
		{in: "openai:openrouter/qwen/qwen3-coder", kind: KindOpenAI, endpoint: "openrouter", model: "qwen/qwen3-coder"},
		{in: "openai:LlamaCpp/local", kind: KindOpenAI, endpoint: "llamacpp", model: "local"},
		{in: "oracle", kind: KindOracle, model: "reference-answer"},
		{in: "ollama:", err: "name the model"},
		{in: "openai:openrouter", err: "openai:<endpoint>/<model>"},
		{in: "oracle:x", err: "takes no model name"},
		{in: "gpt-4o", err: `unknown model spec "gpt-4o"`},
		{in: "anthropic:claude", err: "use ollama:<model>, openai:<endpoint>/<model> or oracle"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, err := ParseSpec(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.kind, s.Kind)
			assert.Equal(t, tc.endpoint, s.Endpoint)
			assert.Equal(t, tc.model, s.Model)
		})
	}
	specs, err := ParseSpecs("oracle, ollama:a,,ollama:a")
	require.NoError(t, err)
	assert.Len(t, specs, 2, "empty entries and repeats are dropped")
}

func TestSpecFamily(t *testing.T) {
	for in, want := range map[string]string{
		"ollama:qwen3:14b":                        "qwen",
		"ollama:llama3.2:3b":                      "llama",
		"openai:openrouter/anthropic/claude-4.5":  "claude",
		"openai:openrouter/google/gemma-3-27b-it": "gemma",
		"openai:ollama/lim-tiny":                  "lim",
	} {
		s, err := ParseSpec(in)
		require.NoError(t, err)
		assert.Equal(t, want, s.Family(), in)
	}
}

func TestResolveEndpoint(t *testing.T) {
	t.Setenv("OLLAMA_HOST", "127.0.0.1:5555")
	t.Setenv("OPENROUTER_API_KEY", "")
	ep, err := ResolveEndpoint("ollama", true)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:5555/v1", ep.BaseURL)
	assert.Equal(t, 1, ep.Concurrency, "a loopback server gets one call at a time")

	_, err = ResolveEndpoint("openrouter", true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set OPENROUTER_API_KEY")
	ep, err = ResolveEndpoint("openrouter", false)
	require.NoError(t, err, "replays need no key")
	assert.Equal(t, 8, ep.Concurrency)

	_, err = ResolveEndpoint("mybox", true)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set LIM_ENDPOINT_MYBOX_URL")

	t.Setenv("LIM_ENDPOINT_MYBOX_URL", "http://10.0.0.5:8080/v1/")
	t.Setenv("LIM_ENDPOINT_MYBOX_KEY", "local-secret-123")
	t.Setenv("LIM_ENDPOINT_MYBOX_CONCURRENCY", "3")
	ep, err = ResolveEndpoint("mybox", true)
	require.NoError(t, err)
	assert.Equal(t, "http://10.0.0.5:8080/v1", ep.BaseURL)
	assert.Equal(t, "local-secret-123", ep.APIKey)
	assert.Equal(t, 3, ep.Concurrency)

	t.Setenv("LIM_ENDPOINT_MYBOX_CONCURRENCY", "lots")
	_, err = ResolveEndpoint("mybox", true)
	assert.ErrorContains(t, err, "LIM_ENDPOINT_MYBOX_CONCURRENCY")
}

func TestOllamaURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "http://127.0.0.1:11434",
		"0.0.0.0":               "http://127.0.0.1:11434",
		"127.0.0.1:9000":        "http://127.0.0.1:9000",
		"https://gpu-box:11434": "https://gpu-box:11434",
		"gpu-box":               "http://gpu-box:11434",
	} {
		t.Setenv("OLLAMA_HOST", in)
		assert.Equal(t, want, OllamaURL(), in)
	}
}

func TestSettingsFromEnv(t *testing.T) {
	s, err := SettingsFromEnv()
	require.NoError(t, err)
	assert.Equal(t, DefaultSettings(), s)
	task := &Task{MaxTokens: 1000}
	assert.Equal(t, 1000+4096, s.Budget(task), "thinking not off: the budget includes room to think")

	t.Setenv("LIM_THINK", "off")
	t.Setenv("LIM_TEMPERATURE", "0.7")
	t.Setenv("LIM_MAX_TOKENS", "300")
	s2, err := SettingsFromEnv()
	require.NoError(t, err)
	assert.Equal(t, 300, s2.Budget(task))
	assert.NotEqual(t, s.Hash(), s2.Hash(), "settings are part of the resume key")

	for name, val := range map[string]string{"LIM_THINK": "maybe", "LIM_TEMPERATURE": "hot", "LIM_NUM_CTX": "-1"} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, val)
			_, err := SettingsFromEnv()
			require.Error(t, err)
			assert.Contains(t, err.Error(), name)
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("LIM_MODELS", "")
	c, err := ConfigFromEnv(t.Context())
	require.NoError(t, err)
	if !liveBuild {
		assert.Equal(t, FixtureReplay, c.Fixtures)
		assert.Len(t, c.Models, 3, "replays default to the recorded models")
		assert.True(t, c.Asserts(Spec{Raw: "oracle"}))
		assert.False(t, c.Asserts(Spec{Raw: "ollama:lim-tiny"}), "the random-weight test model is measured, not asserted")
	}

	t.Setenv("LIM_MODELS", "oracle,gpt-4o")
	_, err = ConfigFromEnv(t.Context())
	assert.ErrorContains(t, err, `LIM_MODELS: unknown model spec "gpt-4o"`)

	t.Setenv("LIM_MODELS", "openai:nowhere/x")
	_, err = ConfigFromEnv(t.Context())
	assert.ErrorContains(t, err, "LIM_ENDPOINT_NOWHERE_URL")

	t.Setenv("LIM_MODELS", "oracle")
	t.Setenv("LIM_SAMPLES", "three")
	_, err = ConfigFromEnv(t.Context())
	assert.ErrorContains(t, err, "LIM_SAMPLES")

	t.Setenv("LIM_SAMPLES", "")
	t.Setenv("LIM_CALL_TIMEOUT", "soon")
	_, err = ConfigFromEnv(t.Context())
	assert.ErrorContains(t, err, "LIM_CALL_TIMEOUT")

	if !liveBuild {
		t.Setenv("LIM_CALL_TIMEOUT", "")
		t.Setenv("LIM_RECORD", "1")
		_, err = ConfigFromEnv(t.Context())
		assert.ErrorContains(t, err, "-tags=local")
	}
}
