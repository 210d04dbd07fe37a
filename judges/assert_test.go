package judges

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/harness"
	"github.com/local-inference-machine/lim/results"
)

func TestDecide(t *testing.T) {
	judged := func(score float64) results.Judgement { return results.Judgement{Judged: true, Score: score} }
	for _, tc := range []struct {
		name                string
		j                   results.Judgement
		asserted, asserting bool
		fail                bool
		msg                 string
	}{
		{"above the threshold", judged(1.5), true, true, false, "≥ threshold 1.00"},
		{"at the threshold", judged(1), true, true, false, "≥ threshold"},
		{"below, asserted", judged(0.5), true, true, true, "below the task's threshold 1.00"},
		{"below, model not asserted", judged(0.5), false, true, false, "LIM_ASSERT does not select this model"},
		{"below, test-model panel", judged(0.5), true, false, false, "random-weight test model"},
		{"capped", results.Judgement{Judged: true, Score: 1, Capped: true}, true, true, false, "capped at 1"},
		{"unjudged never fails or scores", results.Judgement{Verdicts: make([]results.Verdict, 2)}, true, true, false, "none of the 2 judges"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fail, msg := decide(tc.j, 1, tc.asserted, tc.asserting)
			assert.Equal(t, tc.fail, fail)
			assert.Contains(t, msg, tc.msg)
		})
	}
}

func TestPanelFromEnv(t *testing.T) {
	replay := &harness.Config{Fixtures: harness.FixtureReplay}
	record := &harness.Config{Fixtures: harness.FixtureRecord, Live: true}
	live := &harness.Config{Fixtures: harness.FixtureOff, Live: true}
	ctx := context.Background()

	t.Run("replay default", func(t *testing.T) {
		t.Setenv("LIM_JUDGES", "")
		for _, cfg := range []*harness.Config{replay, record} {
			p, err := PanelFromEnv(ctx, cfg)
			require.NoError(t, err)
			assert.Equal(t, DefaultReplayJudges, p.Name(), "recording records what replays replay")
			assert.False(t, p.Asserting(), "the random-weight test model never fails a subtest")
		}
	})
	t.Run("live default without its models skips", func(t *testing.T) {
		t.Setenv("LIM_JUDGES", "")
		t.Setenv("OPENROUTER_API_KEY", "")
		t.Setenv("OLLAMA_HOST", "127.0.0.1:1") // nothing listens there
		p, err := PanelFromEnv(ctx, live)
		require.NoError(t, err, "a missing capability is a skip, not a failure")
		assert.Equal(t, DefaultLiveJudges, p.Name())
		assert.Contains(t, p.Skip, "LIM_JUDGES")
		assert.Contains(t, p.Skip, "OPENROUTER_API_KEY")
		assert.Contains(t, p.Skip, "Ollama")
		assert.True(t, p.Asserting())
	})
	t.Run("off", func(t *testing.T) {
		t.Setenv("LIM_JUDGES", "off")
		p, err := PanelFromEnv(ctx, live)
		require.NoError(t, err)
		assert.True(t, p.Off)
	})
	t.Run("explicit", func(t *testing.T) {
		t.Setenv("LIM_JUDGES", "ollama:gemma3:12b, openai:ollama/qwen3:14b")
		p, err := PanelFromEnv(ctx, live)
		require.NoError(t, err)
		assert.Equal(t, "ollama:gemma3:12b,openai:ollama/qwen3:14b", p.Name())
		assert.Empty(t, p.Skip)
		assert.True(t, p.Asserting())
	})
	for _, tc := range []struct{ name, env, want string }{
		{"unparseable", "gpt-4", "unknown model spec"},
		{"the oracle", "oracle,ollama:qwen3:14b", "the oracle cannot judge"},
		{"unknown endpoint", "openai:nowhere/m", "LIM_ENDPOINT_NOWHERE_URL"},
		{"a live endpoint without its key", "openai:openrouter/google/gemini-2.5-flash", "OPENROUTER_API_KEY"},
	} {
		t.Run("wrong: "+tc.name, func(t *testing.T) {
			t.Setenv("LIM_JUDGES", tc.env)
			t.Setenv("OPENROUTER_API_KEY", "")
			_, err := PanelFromEnv(ctx, live)
			require.Error(t, err, "a wrong configuration fails")
			assert.Contains(t, err.Error(), "LIM_JUDGES")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSameFamily(t *testing.T) {
	cfg := &harness.Config{Fixtures: harness.FixtureReplay}
	spec := func(s string) harness.Spec {
		sp, err := harness.ParseSpec(s)
		require.NoError(t, err)
		return sp
	}
	for _, tc := range []struct {
		judge, judged string
		same          bool
	}{
		{"ollama:lim-tiny-endless", "ollama:lim-tiny", true},
		{"openai:ollama/lim-tiny-endless", "openai:ollama/lim-tiny", true},
		{"ollama:lim-tiny-endless", "oracle", false},
		{"ollama:qwen3:14b", "openai:openrouter/qwen/qwen3-coder", true},
		{"openai:openrouter/google/gemini-2.5-flash", "ollama:qwen3:14b", false},
	} {
		assert.Equal(t, tc.same, sameFamily(context.Background(), cfg, spec(tc.judge), spec(tc.judged)), "%s judging %s", tc.judge, tc.judged)
	}
}

func TestPromptVersionCoversThePrompt(t *testing.T) {
	v := PromptVersion()
	assert.Len(t, v, 12)
	// The rubric's wording for non-coding tasks differs, and the version covers both.
	assert.NotEqual(t, systemPrompt(harness.SimpleCoding), systemPrompt(harness.NonCoding))
	assert.Contains(t, systemPrompt(harness.NonCoding), "the intended reader could not use it")
	for _, d := range results.Dimensions {
		assert.Contains(t, systemPrompt(harness.Debugging), d+" — ")
		assert.Contains(t, string(verdictSchema), `"`+d+`"`)
	}
	in := injectionInput("short")
	in.Answer = strings.Repeat("a", maxAnswerChars+100)
	p := userPrompt(in)
	assert.Contains(t, p, "cut in the middle")
	assert.Contains(t, p, "characters cut here by lim")
}
