package harness

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Backend kinds, the prefix of a model spec.
const (
	KindOllama = "ollama"
	KindOpenAI = "openai"
	KindOracle = "oracle"
)

// Spec names a model: "ollama:<model>" (e.g. "ollama:qwen3:14b"),
// "openai:<endpoint>/<model>" (e.g. "openai:openrouter/qwen/qwen3-coder"), or "oracle".
type Spec struct {
	Raw      string // as written
	Kind     string // KindOllama, KindOpenAI or KindOracle
	Endpoint string // openai: the endpoint's name
	Model    string // the model as the server names it
}

// ParseSpec parses one model spec.
func ParseSpec(s string) (Spec, error) {
	s = strings.TrimSpace(s)
	kind, rest, _ := strings.Cut(s, ":")
	switch kind {
	case KindOracle:
		if rest != "" {
			return Spec{}, fmt.Errorf("model spec %q: the oracle takes no model name; write just \"oracle\"", s)
		}
		return Spec{Raw: s, Kind: KindOracle, Model: "reference-answer"}, nil
	case KindOllama:
		if rest == "" {
			return Spec{}, fmt.Errorf("model spec %q: name the model, e.g. \"ollama:qwen3:14b\"", s)
		}
		return Spec{Raw: s, Kind: KindOllama, Model: rest}, nil
	case KindOpenAI:
		ep, model, ok := strings.Cut(rest, "/")
		if !ok || ep == "" || model == "" {
			return Spec{}, fmt.Errorf("model spec %q: write openai:<endpoint>/<model>, e.g. \"openai:openrouter/qwen/qwen3-coder\" (endpoints: %s, or your own via LIM_ENDPOINT_<NAME>_URL)", s, strings.Join(presetNames(), ", "))
		}
		return Spec{Raw: s, Kind: KindOpenAI, Endpoint: strings.ToLower(ep), Model: model}, nil
	}
	return Spec{}, fmt.Errorf("unknown model spec %q: use ollama:<model>, openai:<endpoint>/<model> or oracle", s)
}

// ParseSpecs parses a comma-separated list of specs (LIM_MODELS, LIM_JUDGES).
func ParseSpecs(list string) ([]Spec, error) {
	var specs []Spec
	seen := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		sp, err := ParseSpec(s)
		if err != nil {
			return nil, err
		}
		if !seen[sp.Raw] {
			specs = append(specs, sp)
			seen[sp.Raw] = true
		}
	}
	return specs, nil
}

// Family is the model family a spec belongs to, as far as its name tells ("qwen",
// "llama", "claude", …): judges of the same family as the model under test are flagged.
func (s Spec) Family() string {
	name := strings.ToLower(s.Model)
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":")
	end := strings.IndexFunc(name, func(r rune) bool { return r < 'a' || r > 'z' })
	if end > 0 {
		name = name[:end]
	}
	return name
}

// Endpoint is an OpenAI-compatible server lim can call.
type Endpoint struct {
	Name    string
	BaseURL string
	// APIKey is the key sent as a bearer token; it never reaches a fixture, row or log.
	APIKey string
	// KeyEnv names the variable the key is read from, for error messages.
	KeyEnv string
	// Concurrency is how many calls lim makes to it at once.
	Concurrency int
}

type endpointPreset struct {
	url    func() string
	keyEnv string
}

// presets are the endpoints lim knows by name; any of them can be overridden and new
// ones added with LIM_ENDPOINT_<NAME>_URL and LIM_ENDPOINT_<NAME>_KEY.
var presets = map[string]endpointPreset{
	"openrouter": {url: constURL("https://openrouter.ai/api/v1"), keyEnv: "OPENROUTER_API_KEY"},
	"openai":     {url: constURL("https://api.openai.com/v1"), keyEnv: "OPENAI_API_KEY"},
	"ollama":     {url: func() string { return OllamaURL() + "/v1" }},
	"llamacpp":   {url: constURL("http://127.0.0.1:8080/v1")},
	"vllm":       {url: constURL("http://127.0.0.1:8000/v1")},
	"lmstudio":   {url: constURL("http://127.0.0.1:1234/v1")},
}

func constURL(u string) func() string { return func() string { return u } }

func presetNames() []string {
	return []string{"openrouter", "openai", "ollama", "llamacpp", "vllm", "lmstudio"}
}

func envName(endpoint, suffix string) string {
	up := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(endpoint))
	return "LIM_ENDPOINT_" + up + "_" + suffix
}

// ResolveEndpoint returns the endpoint called name, from the environment and presets.
// needKey reports a missing key for an endpoint that requires one (live runs); replays
// need none.
func ResolveEndpoint(name string, needKey bool) (Endpoint, error) {
	p, known := presets[name]
	ep := Endpoint{Name: name, KeyEnv: envName(name, "KEY")}
	if u := os.Getenv(envName(name, "URL")); u != "" {
		ep.BaseURL = strings.TrimRight(u, "/")
	} else if known {
		ep.BaseURL = p.url()
	} else {
		return Endpoint{}, fmt.Errorf("unknown endpoint %q: set %s to its base URL (e.g. http://127.0.0.1:8080/v1), or use one of %s", name, envName(name, "URL"), strings.Join(presetNames(), ", "))
	}
	if _, err := url.Parse(ep.BaseURL); err != nil {
		return Endpoint{}, fmt.Errorf("endpoint %q: base URL %q: %w", name, ep.BaseURL, err)
	}
	if k := os.Getenv(envName(name, "KEY")); k != "" {
		ep.APIKey = k
	} else if known && p.keyEnv != "" {
		ep.KeyEnv = p.keyEnv
		ep.APIKey = os.Getenv(p.keyEnv)
		if ep.APIKey == "" && needKey {
			return Endpoint{}, fmt.Errorf("endpoint %q needs an API key: set %s", name, p.keyEnv)
		}
	}
	ep.Concurrency = 8
	if isLoopback(ep.BaseURL) {
		ep.Concurrency = 1
	}
	if c, err := envInt(envName(name, "CONCURRENCY")); err != nil {
		return Endpoint{}, err
	} else if c > 0 {
		ep.Concurrency = c
	}
	return ep, nil
}

func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// OllamaURL is the base URL of the Ollama server: OLLAMA_HOST (host:port or URL),
// default http://127.0.0.1:11434.
func OllamaURL() string {
	h := strings.TrimSpace(os.Getenv("OLLAMA_HOST"))
	if h == "" {
		return "http://127.0.0.1:11434"
	}
	if !strings.Contains(h, "://") {
		h = "http://" + h
	}
	u, err := url.Parse(h)
	if err != nil {
		return h
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "11434")
	}
	if u.Hostname() == "0.0.0.0" {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return strings.TrimRight(u.String(), "/")
}

// OllamaConcurrency is how many calls lim makes to Ollama at once:
// LIM_OLLAMA_CONCURRENCY, else OLLAMA_NUM_PARALLEL, else 1.
func OllamaConcurrency() (int, error) {
	for _, name := range []string{"LIM_OLLAMA_CONCURRENCY", "OLLAMA_NUM_PARALLEL"} {
		n, err := envInt(name)
		if err != nil {
			return 0, err
		}
		if n > 0 {
			return n, nil
		}
	}
	return 1, nil
}

func envInt(name string) (int, error) {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q: want a whole number ≥ 0", name, v)
	}
	return n, nil
}
