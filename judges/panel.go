package judges

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/local-inference-machine/lim/harness"
)

// DefaultReplayJudges is the panel the recorded fixtures hold, used when LIM_JUDGES is
// unset and the tests replay (no -tags=local) or record (LIM_RECORD=1): lim's tiny
// random-weight test model behind a real Ollama, through its native API and its
// OpenAI-compatible /v1. Its verdicts are junk — random scores, gibberish rationales,
// parse errors — and of the same family as the test model under test, so they are
// flagged; they prove the pipeline (prompt, structured output, parsing, storage,
// replay), not any quality. A panel made only of the test model never fails a subtest.
const DefaultReplayJudges = "ollama:lim-tiny-endless,openai:ollama/lim-tiny-endless"

// DefaultLiveJudges is the panel of live runs (-tags=local) when LIM_JUDGES is unset:
// two families, one cloud model through OpenRouter (needs OPENROUTER_API_KEY) and one
// local model through Ollama (needs `ollama pull qwen3:14b`). When either is missing,
// judging is skipped with a message saying so; set LIM_JUDGES to judges you have.
const DefaultLiveJudges = "openai:openrouter/google/gemini-2.5-flash,ollama:qwen3:14b"

// testModelPrefix names lim's random-weight test models (internal/devollama).
const testModelPrefix = "lim-tiny"

// Panel is the judges that judge every answer, and where that choice came from.
type Panel struct {
	Judges []Judge
	// Origin says where the panel came from, for messages: "LIM_JUDGES", or a default.
	Origin string
	// Off is set by LIM_JUDGES=off: nothing is judged.
	Off bool
	// Skip, when set, says why judging is skipped (the default live panel's models are
	// not available).
	Skip string
}

// Name is the panel as stored with its verdicts: the judges' specs, comma-separated.
func (p *Panel) Name() string {
	specs := make([]string, len(p.Judges))
	for i, j := range p.Judges {
		specs[i] = j.Spec.Raw
	}
	return strings.Join(specs, ",")
}

// Asserting reports whether the panel's verdicts may fail a subtest: not when every
// judge is lim's random-weight test model, whose scores are noise.
func (p *Panel) Asserting() bool {
	for _, j := range p.Judges {
		if !strings.HasPrefix(j.Spec.Model, testModelPrefix) {
			return true
		}
	}
	return false
}

// NewPanel is a panel of the given judge specs (LIM_JUDGES' syntax: model specs,
// comma-separated). needKeys checks that every OpenAI-compatible endpoint has its key
// (live calls); replays need none.
func NewPanel(specs string, needKeys bool) (*Panel, error) {
	ss, err := harness.ParseSpecs(specs)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, fmt.Errorf("%q names no judge", specs)
	}
	p := &Panel{Origin: "LIM_JUDGES"}
	for _, s := range ss {
		if s.Kind == harness.KindOracle {
			return nil, fmt.Errorf("the oracle cannot judge: it only knows the reference answer; name judge models")
		}
		if s.Kind == harness.KindOpenAI {
			if _, err := harness.ResolveEndpoint(s.Endpoint, needKeys); err != nil {
				return nil, fmt.Errorf("judge %s: %w", s.Raw, err)
			}
		}
		p.Judges = append(p.Judges, Judge{Spec: s})
	}
	return p, nil
}

var loadPanel = sync.OnceValues(func() (*Panel, error) {
	cfg, err := harness.LoadConfig()
	if err != nil {
		return nil, err
	}
	return PanelFromEnv(context.Background(), cfg)
})

// LoadPanel returns the process's panel, read from LIM_JUDGES the first time.
func LoadPanel() (*Panel, error) { return loadPanel() }

// PanelFromEnv reads the panel from LIM_JUDGES for a run configured by cfg:
//
//   - LIM_JUDGES=off: no judging;
//   - LIM_JUDGES=<specs>: those judges (a spec that does not parse, or an endpoint
//     without its key in a live run, is an error);
//   - unset, replaying or recording: DefaultReplayJudges;
//   - unset, live: DefaultLiveJudges when its endpoint key and Ollama model are there,
//     else a panel that skips judging and says why.
func PanelFromEnv(ctx context.Context, cfg *harness.Config) (*Panel, error) {
	env := strings.TrimSpace(os.Getenv("LIM_JUDGES"))
	switch {
	case strings.EqualFold(env, "off"):
		return &Panel{Off: true, Origin: "LIM_JUDGES=off"}, nil
	case env != "":
		p, err := NewPanel(env, cfg.Fixtures != harness.FixtureReplay)
		if err != nil {
			return nil, fmt.Errorf("LIM_JUDGES: %w (or LIM_JUDGES=off)", err)
		}
		return p, nil
	case cfg.Fixtures != harness.FixtureOff:
		p, err := NewPanel(DefaultReplayJudges, false)
		if err != nil {
			return nil, err
		}
		p.Origin = "the replay default (LIM_JUDGES unset)"
		return p, nil
	}
	p, err := NewPanel(DefaultLiveJudges, false)
	if err != nil {
		return nil, err
	}
	p.Origin = "the live default (LIM_JUDGES unset)"
	if missing := missingDefaults(ctx, p); len(missing) > 0 {
		p.Skip = fmt.Sprintf("judging skipped: the default judges (%s) need %s. Set LIM_JUDGES to two judges of different families you have (e.g. LIM_JUDGES=ollama:gemma3:12b,ollama:qwen3:14b), or LIM_JUDGES=off to silence this",
			DefaultLiveJudges, strings.Join(missing, " and "))
	}
	return p, nil
}

// missingDefaults lists what the default live panel lacks here.
func missingDefaults(ctx context.Context, p *Panel) []string {
	var missing []string
	var ollamaModels []string
	listed := false
	for _, j := range p.Judges {
		switch j.Spec.Kind {
		case harness.KindOpenAI:
			if _, err := harness.ResolveEndpoint(j.Spec.Endpoint, true); err != nil {
				missing = append(missing, err.Error())
			}
		case harness.KindOllama:
			if !listed {
				listed = true
				ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				specs, err := harness.OllamaModels(ctx, harness.OllamaURL())
				cancel()
				if err != nil {
					missing = append(missing, "a running Ollama at "+harness.OllamaURL())
					continue
				}
				for _, s := range specs {
					ollamaModels = append(ollamaModels, s.Model, strings.TrimSuffix(s.Model, ":latest"))
				}
			}
			if listed && ollamaModels != nil && !slices.Contains(ollamaModels, j.Spec.Model) {
				missing = append(missing, "`ollama pull "+j.Spec.Model+"`")
			}
		}
	}
	return missing
}

// families caches the model family Ollama reports per model ("" when unknown).
var families sync.Map

// serverFamily is the family Ollama's model details report for spec, asked once per
// process and only in live runs (it is metadata, not a recorded call).
func serverFamily(ctx context.Context, cfg *harness.Config, spec harness.Spec) string {
	if !cfg.Live || spec.Kind != harness.KindOllama {
		return ""
	}
	key := harness.OllamaURL() + "\x00" + spec.Model
	if f, ok := families.Load(key); ok {
		return f.(string)
	}
	u, err := url.Parse(harness.OllamaURL())
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	f := ""
	if show, err := api.NewClient(u, http.DefaultClient).Show(ctx, &api.ShowRequest{Model: spec.Model}); err == nil {
		f = strings.ToLower(show.Details.Family)
	}
	families.Store(key, f)
	return f
}

// sameFamily reports whether judge and judged are of one model family: by their specs'
// names (harness.Spec.Family), or by the family Ollama reports for both.
func sameFamily(ctx context.Context, cfg *harness.Config, judge, judged harness.Spec) bool {
	if judged.Kind == harness.KindOracle {
		return false
	}
	if f := judge.Family(); f != "" && f == judged.Family() {
		return true
	}
	a, b := serverFamily(ctx, cfg, judge), serverFamily(ctx, cfg, judged)
	return a != "" && a == b
}
