package multifile

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// cfgTicks turns ´ into backticks, for struct tags in sources kept in raw strings.
func cfgTicks(s string) string { return strings.ReplaceAll(s, "´", "`") }

var cfgConfigOld = cfgTicks(`package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

var (
	ErrInvalid            = errors.New("invalid config")
	ErrUnsupportedVersion = errors.New("unsupported config version")
)

// Config is the deployer's configuration, in its current (version 2) shape.
type Config struct {
	Service  string
	Replicas int
	Timeout  time.Duration
	Regions  []string
	Env      map[string]string
}

// Load parses a version 2 config file and validates it.
func Load(data []byte) (Config, error) {
	var probe struct {
		Version *int ´json:"version"´
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Config{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if probe.Version == nil || *probe.Version != 2 {
		return Config{}, fmt.Errorf("%w: only version 2 is supported", ErrUnsupportedVersion)
	}
	cfg, err := parseV2(data)
	if err != nil {
		return Config{}, err
	}
	if err := validate(cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}`)

var cfgV2Given = cfgTicks(`package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

type fileV2 struct {
	Version  int               ´json:"version"´
	Service  string            ´json:"service"´
	Replicas *int              ´json:"replicas"´
	Timeout  string            ´json:"timeout"´
	Regions  []string          ´json:"regions"´
	Env      map[string]string ´json:"env"´
}

// decodeStrict decodes JSON into v, rejecting unknown fields.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}

func parseV2(data []byte) (Config, error) {
	var f fileV2
	if err := decodeStrict(data, &f); err != nil {
		return Config{}, err
	}
	cfg := Config{Service: f.Service, Replicas: 1, Timeout: 10 * time.Second, Regions: f.Regions, Env: f.Env}
	if f.Replicas != nil {
		cfg.Replicas = *f.Replicas
	}
	if f.Timeout != "" {
		d, err := time.ParseDuration(f.Timeout)
		if err != nil {
			return Config{}, fmt.Errorf("%w: timeout: %v", ErrInvalid, err)
		}
		cfg.Timeout = d
	}
	if cfg.Env == nil {
		cfg.Env = map[string]string{}
	}
	return cfg, nil
}`)

const cfgValidateGiven = `package config

import (
	"fmt"
	"regexp"
	"time"
)

var (
	serviceName = regexp.MustCompile("^[a-z][a-z0-9-]*$")
	regionName  = regexp.MustCompile("^[a-z]{2}-[a-z]+-[0-9]$")
	envKey      = regexp.MustCompile("^[A-Z_][A-Z0-9_]*$")
)

func validate(c Config) error {
	switch {
	case !serviceName.MatchString(c.Service):
		return fmt.Errorf("%w: service %q", ErrInvalid, c.Service)
	case c.Replicas < 1 || c.Replicas > 50:
		return fmt.Errorf("%w: replicas %d not in 1..50", ErrInvalid, c.Replicas)
	case c.Timeout < 100*time.Millisecond || c.Timeout > time.Minute:
		return fmt.Errorf("%w: timeout %v not in 100ms..1m", ErrInvalid, c.Timeout)
	case len(c.Regions) == 0:
		return fmt.Errorf("%w: no regions", ErrInvalid)
	}
	seen := map[string]bool{}
	for _, r := range c.Regions {
		if !regionName.MatchString(r) || seen[r] {
			return fmt.Errorf("%w: region %q", ErrInvalid, r)
		}
		seen[r] = true
	}
	for k := range c.Env {
		if !envKey.MatchString(k) {
			return fmt.Errorf("%w: env key %q", ErrInvalid, k)
		}
	}
	return nil
}`

var cfgConfigNew = cfgTicks(`// file: config/config.go
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

var (
	ErrInvalid            = errors.New("invalid config")
	ErrUnsupportedVersion = errors.New("unsupported config version")
)

// Config is the deployer's configuration, in its current (version 2) shape.
type Config struct {
	Service  string
	Replicas int
	Timeout  time.Duration
	Regions  []string
	Env      map[string]string
}

// Load parses a version 1 or version 2 config file, migrates version 1 to the
// current shape, and validates the result.
func Load(data []byte) (Config, error) {
	var probe struct {
		Version *int ´json:"version"´
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Config{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	var (
		cfg Config
		err error
	)
	switch {
	case probe.Version == nil || *probe.Version == 1:
		cfg, err = parseV1(data)
	case *probe.Version == 2:
		cfg, err = parseV2(data)
	default:
		return Config{}, fmt.Errorf("%w: %d", ErrUnsupportedVersion, *probe.Version)
	}
	if err != nil {
		return Config{}, err
	}
	if err := validate(cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}`)

var cfgV1New = cfgTicks(`// file: config/v1.go
package config

import (
	"fmt"
	"strings"
	"time"
)

// fileV1 is the version 1 file format, written by deployer 1.x.
type fileV1 struct {
	Version   int      ´json:"version"´
	Name      string   ´json:"name"´
	Instances int      ´json:"instances"´
	TimeoutMS *int64   ´json:"timeout_ms"´
	Region    string   ´json:"region"´
	Env       []string ´json:"env"´
}

// parseV1 reads a version 1 file and migrates it to Config, applying version 1's
// defaults (1 instance, 30 s timeout).
func parseV1(data []byte) (Config, error) {
	var f fileV1
	if err := decodeStrict(data, &f); err != nil {
		return Config{}, err
	}
	cfg := Config{Service: f.Name, Replicas: f.Instances, Timeout: 30 * time.Second, Env: map[string]string{}}
	if cfg.Replicas == 0 {
		cfg.Replicas = 1
	}
	if f.TimeoutMS != nil {
		cfg.Timeout = time.Duration(*f.TimeoutMS) * time.Millisecond
	}
	if f.Region != "" {
		cfg.Regions = []string{f.Region}
	}
	for _, kv := range f.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return Config{}, fmt.Errorf("%w: env entry %q has no '='", ErrInvalid, kv)
		}
		cfg.Env[k] = v
	}
	return cfg, nil
}`)

var configV1Migration = harness.Register(&harness.Task{
	ID:         "config-v1-migration",
	Category:   harness.MultiFile,
	Title:      "Teach a config loader to read and migrate the previous file format",
	Difficulty: 4,
	MaxTokens:  3072,
	Tags:       []string{"go", "json", "config", "migration", "backward-compatibility"},
	Prompt: `The Go module example.com/deployer has a package config that reads only version 2 config files. Its files:

config/config.go:

` + harness.Fenced("go", cfgConfigOld) + `

config/v2.go (do not change):

` + harness.Fenced("go", cfgV2Given) + `

config/validate.go (do not change):

` + harness.Fenced("go", cfgValidateGiven) + `

Many deployments still have version 1 files, written by deployer 1.x. Its documentation describes them:

    {
      "version": 1,                 optional: a file without "version" is version 1
      "name": "api",                the service name
      "instances": 3,               optional, default 1; 0 also means 1
      "timeout_ms": 2500,           optional, in milliseconds, default 30000
      "region": "eu-west-1",        the one region the service runs in
      "env": ["KEY=VALUE", ...]     optional; each entry is split at its first "=";
                                    an entry without "=" is invalid; a later entry
                                    for the same key overrides an earlier one
    }

Make Load accept both versions:
- Write config/v1.go with the version 1 file type and a parseV1(data []byte) (Config, error) that migrates it to Config: name → Service, instances → Replicas, timeout_ms → Timeout, region → Regions (a one-element list; none when region is missing or empty), env → Env (never nil). Unknown fields are invalid, as in version 2 (use decodeStrict).
- Change config/config.go so that Load dispatches on the version: absent or 1 → parseV1, 2 → parseV2, any other number → an error wrapping ErrUnsupportedVersion. Every result is validated as before, and every other problem wraps ErrInvalid.

Reply with config/config.go and config/v1.go in full, each in its own fenced Go code block whose first line is "// file: <path>". Standard library only, no tests.`,
	Capabilities: []string{"version detection and dispatch", "migrates an old format with its own defaults", "splits KEY=VALUE at the first '='", "keeps error wrapping consistent"},
	Reference:    harness.Fenced("go", cfgConfigNew) + "\n\n" + harness.Fenced("go", cfgV1New),
	Checks: []harness.Check{harness.GoTests{
		MultiFile: true,
		Module:    "example.com/deployer",
		Given:     map[string]string{"config/v2.go": cfgV2Given, "config/validate.go": cfgValidateGiven},
		Tests: map[string]string{"config_test.go": `package deployertest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"example.com/deployer/config"
)

func load(t *testing.T, s string) config.Config {
	t.Helper()
	cfg, err := config.Load([]byte(s))
	if err != nil {
		t.Fatalf("Load(%s): %v", s, err)
	}
	return cfg
}

func TestV1Full(t *testing.T) {
	got := load(t, "{\"name\": \"api\", \"instances\": 3, \"timeout_ms\": 2500, \"region\": \"eu-west-1\", \"env\": [\"LOG_LEVEL=debug\", \"DSN=postgres://db/app?sslmode=disable&x=1\", \"LOG_LEVEL=info\", \"EMPTY=\"]}")
	want := config.Config{
		Service:  "api",
		Replicas: 3,
		Timeout:  2500 * time.Millisecond,
		Regions:  []string{"eu-west-1"},
		Env:      map[string]string{"LOG_LEVEL": "info", "DSN": "postgres://db/app?sslmode=disable&x=1", "EMPTY": ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestV1Defaults(t *testing.T) {
	got := load(t, "{\"version\": 1, \"name\": \"worker\", \"region\": \"us-east-1\"}")
	want := config.Config{Service: "worker", Replicas: 1, Timeout: 30 * time.Second, Regions: []string{"us-east-1"}, Env: map[string]string{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := load(t, "{\"name\": \"worker\", \"instances\": 0, \"region\": \"us-east-1\"}"); got.Replicas != 1 {
		t.Errorf("instances 0: replicas %d, want 1", got.Replicas)
	}
}

func TestV1Invalid(t *testing.T) {
	for _, s := range []string{
		"{\"name\": \"api\", \"region\": \"eu-west-1\", \"env\": [\"BROKEN\"]}",
		"{\"name\": \"api\", \"region\": \"eu-west-1\", \"replicas\": 2}",
		"{\"name\": \"api\"}",
		"{\"name\": \"api\", \"region\": \"\"}",
		"{\"name\": \"api\", \"region\": \"eu-west-1\", \"timeout_ms\": 50}",
		"{\"name\": \"api\", \"region\": \"eu-west-1\", \"instances\": -2}",
		"{\"name\": \"Api\", \"region\": \"eu-west-1\"}",
		"{\"name\": \"api\", \"region\": \"eu-west-1\", \"env\": [\"lower=x\"]}",
		"{\"name\": \"api\", \"region\": ",
	} {
		if _, err := config.Load([]byte(s)); !errors.Is(err, config.ErrInvalid) {
			t.Errorf("Load(%s) = %v, want ErrInvalid", s, err)
		}
	}
}

func TestV2StillWorks(t *testing.T) {
	got := load(t, "{\"version\": 2, \"service\": \"api\", \"replicas\": 4, \"timeout\": \"1.5s\", \"regions\": [\"eu-west-1\", \"eu-central-1\"], \"env\": {\"A\": \"b=c\"}}")
	want := config.Config{Service: "api", Replicas: 4, Timeout: 1500 * time.Millisecond, Regions: []string{"eu-west-1", "eu-central-1"}, Env: map[string]string{"A": "b=c"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := load(t, "{\"version\": 2, \"service\": \"api\", \"regions\": [\"eu-west-1\"]}"); got.Timeout != 10*time.Second {
		t.Errorf("v2 default timeout %v, want 10s", got.Timeout)
	}
	if _, err := config.Load([]byte("{\"version\": 2, \"service\": \"api\", \"regions\": [\"eu-west-1\"], \"name\": \"x\"}")); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("v2 with a v1 field: %v, want ErrInvalid", err)
	}
}

func TestV2WithoutVersionIsNotV2(t *testing.T) {
	if _, err := config.Load([]byte("{\"service\": \"api\", \"regions\": [\"eu-west-1\"]}")); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("v2 fields without a version are read as v1 and rejected: got %v", err)
	}
}

func TestUnsupportedVersions(t *testing.T) {
	for _, s := range []string{
		"{\"version\": 3, \"service\": \"api\", \"regions\": [\"eu-west-1\"]}",
		"{\"version\": 0, \"name\": \"api\", \"region\": \"eu-west-1\"}",
	} {
		if _, err := config.Load([]byte(s)); !errors.Is(err, config.ErrUnsupportedVersion) {
			t.Errorf("Load(%s) = %v, want ErrUnsupportedVersion", s, err)
		}
	}
	if _, err := config.Load([]byte("{\"version\": \"2\", \"service\": \"api\", \"regions\": [\"eu-west-1\"]}")); err == nil {
		t.Error("a string version must be rejected")
	}
}
`},
	}},
	WrongAnswers: []string{
		// Applies version 2's 10 s default timeout to version 1 files.
		harness.Fenced("go", cfgConfigNew) + "\n\n" + harness.Fenced("go", strings.Replace(cfgV1New, "Timeout: 30 * time.Second", "Timeout: 10 * time.Second", 1)),
		// Splits env entries at every "=": values containing "=" are cut short.
		harness.Fenced("go", cfgConfigNew) + "\n\n" + harness.Fenced("go", strings.Replace(cfgV1New, `		k, v, ok := strings.Cut(kv, "=")
		if !ok {`, `		parts := strings.Split(kv, "=")
		k, v, ok := parts[0], "", len(parts) > 1
		if ok {
			v = parts[1]
		}
		if !ok {`, 1)),
		// Only config.go: parseV1 is missing.
		harness.Fenced("go", cfgConfigNew),
	},
})

func TestConfigV1Migration(t *testing.T) { harness.Run(t, configV1Migration) }
