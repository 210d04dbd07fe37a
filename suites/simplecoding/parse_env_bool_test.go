package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var parseEnvBool = harness.Register(&harness.Task{
	ID:         "parse-env-bool",
	Category:   harness.SimpleCoding,
	Title:      "Parse a boolean environment variable leniently",
	Difficulty: 1,
	MaxTokens:  768,
	Tags:       []string{"go", "config", "strings"},
	Prompt: `Our service reads feature flags from environment variables (FEATURE_X=yes, DEBUG=0, ...).
Write a Go function in package envflag:

    func ParseBool(s string) (bool, error)

Rules:
- surrounding whitespace is ignored and matching is case-insensitive;
- true values: "1", "t", "true", "y", "yes", "on";
- false values: "0", "f", "false", "n", "no", "off";
- an empty (or all-whitespace) string means the variable is unset: return false, nil;
- anything else returns false and an error whose text is exactly
  envflag: invalid boolean value <s quoted with %q>
  where <s> is the original argument, untrimmed. Example: ParseBool(" maybe") returns the error
  envflag: invalid boolean value " maybe"

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"string normalisation", "table of accepted spellings", "exact error text"},
	Reference: harness.Fenced("go", `package envflag

import (
	"fmt"
	"strings"
)

// ParseBool parses a boolean flag value leniently. An empty value means unset (false).
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "y", "yes", "on":
		return true, nil
	case "0", "f", "false", "n", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("envflag: invalid boolean value %q", s)
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "envflag",
		Tests: map[string]string{"envflag_test.go": `package envflag

import "testing"

func TestTrue(t *testing.T) {
	for _, s := range []string{"1", "t", "T", "true", "TRUE", "True", "y", "Y", "yes", "Yes", "on", "ON", " yes ", "\ttrue\n"} {
		got, err := ParseBool(s)
		if err != nil || !got {
			t.Errorf("ParseBool(%q) = %v, %v; want true, nil", s, got, err)
		}
	}
}

func TestFalse(t *testing.T) {
	for _, s := range []string{"0", "f", "F", "false", "FALSE", "n", "N", "no", "NO", "off", "Off", "  off  "} {
		got, err := ParseBool(s)
		if err != nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false, nil", s, got, err)
		}
	}
}

func TestEmptyMeansUnset(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n"} {
		got, err := ParseBool(s)
		if err != nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false, nil", s, got, err)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{"maybe", "2", "yess", "tru", "o", "enabled", "-1", "y e s"} {
		got, err := ParseBool(s)
		if err == nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false and an error", s, got, err)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := ParseBool(" maybe")
	want := "envflag: invalid boolean value \" maybe\""
	if err == nil || err.Error() != want {
		t.Errorf("ParseBool(%q) error = %v, want %s", " maybe", err, want)
	}
}
`},
	}},
	WrongAnswers: []string{
		// Delegates to strconv.ParseBool: rejects yes/no/on/off and the empty string.
		harness.Fenced("go", `package envflag

import (
	"fmt"
	"strconv"
	"strings"
)

func ParseBool(s string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return false, fmt.Errorf("envflag: invalid boolean value %q", s)
	}
	return b, nil
}`),
		// Quotes the trimmed value in the error instead of the original argument.
		harness.Fenced("go", `package envflag

import (
	"fmt"
	"strings"
)

func ParseBool(s string) (bool, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "1", "t", "true", "y", "yes", "on":
		return true, nil
	case "0", "f", "false", "n", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("envflag: invalid boolean value %q", strings.TrimSpace(s))
}`),
	},
})

func TestParseEnvBool(t *testing.T) { harness.Run(t, parseEnvBool) }
