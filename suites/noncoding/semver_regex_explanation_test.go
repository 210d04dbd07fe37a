package noncoding

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

// semverPattern is the regular expression the task explains (semver.org's recommended
// one, with \d for [0-9]).
const semverPattern = `^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`

// semverSamples are the strings the model must classify, in prompt order.
var semverSamples = []string{
	"1.0.0-alpha.01",
	"1.0.0-0a.1",
	"1.0.0+001",
	"01.0.0",
	"1.0.0-",
	"1.0.0-rc.1+build.7",
	"1.0.0-x-y-z.--",
	"v1.2.3",
	"1.0.0-alpha+beta+gamma",
	"2.10.0-rc.1.0",
}

var semverRegexExplanation = harness.Register(&harness.Task{
	ID:         "semver-regex-explanation",
	Category:   harness.NonCoding,
	Title:      "Explain a semantic-version regular expression and predict its matches",
	Difficulty: 5,
	MaxTokens:  2048,
	Tags:       []string{"regex", "explanation", "semver"},
	Prompt: `A teammate found this regular expression in our release tooling and asked what it accepts:

    ` + semverPattern + `

1. Explain, part by part, what it matches, in plain English for a developer who does not read regular expressions fluently. Point out the rules that are easy to miss.
2. Then say, for each of these strings, whether the whole string matches:

    1. 1.0.0-alpha.01
    2. 1.0.0-0a.1
    3. 1.0.0+001
    4. 01.0.0
    5. 1.0.0-
    6. 1.0.0-rc.1+build.7
    7. 1.0.0-x-y-z.--
    8. v1.2.3
    9. 1.0.0-alpha+beta+gamma
    10. 2.10.0-rc.1.0

End your reply with exactly ten lines of the form "<number>: MATCH" or "<number>: NO MATCH", one per string, in order.`,
	Capabilities: []string{"reads a long regular expression accurately", "explains alternation and optional groups", "notices the leading-zero rule that differs between pre-release and build metadata"},
	Reference: `This is the Semantic Versioning 2.0.0 pattern from semver.org. Piece by piece:

- "^ ... $" — the whole string must match; nothing may come before or after (so no "v" prefix).
- "(0|[1-9]\d*)" three times, separated by "\." — MAJOR.MINOR.PATCH. Each part is either exactly "0" or a number that does not start with 0: leading zeros such as "01" are rejected.
- "(?:-( ... ))?" — an optional pre-release part after a hyphen: one or more identifiers separated by dots. Each identifier is either
  - a numeric identifier, "0|[1-9]\d*": again no leading zeros, so "01" is not allowed, or
  - an alphanumeric identifier, "\d*[a-zA-Z-][0-9a-zA-Z-]*": digits, letters and hyphens with at least one letter or hyphen somewhere (so "0a", "alpha", "x-y-z" and even "--" are fine).
  Identifiers cannot be empty: "1.0.0-" and "alpha..1" fail.
- "(?:\+( ... ))?" — optional build metadata after "+": dot-separated identifiers of digits, letters and hyphens. Easy to miss: here leading zeros ARE allowed ("001"), and only one "+" may appear, because "+" is not in the allowed characters.
- Capture groups 1–3 are major, minor and patch, 4 the pre-release and 5 the build metadata.

Results:
1. "1.0.0-alpha.01" — "01" is a numeric pre-release identifier with a leading zero: no match.
2. "1.0.0-0a.1" — "0a" contains a letter, so it is alphanumeric: match.
3. "1.0.0+001" — leading zeros are fine in build metadata: match.
4. "01.0.0" — major version with a leading zero: no match.
5. "1.0.0-" — hyphen with an empty pre-release: no match.
6. "1.0.0-rc.1+build.7" — pre-release "rc.1", build "build.7": match.
7. "1.0.0-x-y-z.--" — "x-y-z" and "--" are alphanumeric identifiers (hyphens count): match.
8. "v1.2.3" — the "v" prefix is not allowed: no match.
9. "1.0.0-alpha+beta+gamma" — a second "+" cannot appear in build metadata: no match.
10. "2.10.0-rc.1.0" — "10" has no leading zero, and "rc", "1", "0" are valid identifiers: match.

1: NO MATCH
2: MATCH
3: MATCH
4: NO MATCH
5: NO MATCH
6: MATCH
7: MATCH
8: NO MATCH
9: NO MATCH
10: MATCH`,
	Checks: []harness.Check{
		harness.Func{Label: "verdicts", Version: "1", Fn: checkSemverVerdicts},
		harness.Contains{Label: "explains-rules", All: []string{"leading zero|leading 0|leading-zero", "build metadata|build"}},
	},
	WrongAnswers: []string{
		// Applies the no-leading-zeros rule to build metadata too and misses the hyphen rule.
		`It matches MAJOR.MINOR.PATCH without leading zeros, an optional pre-release after "-" and optional build metadata after "+", with no leading zeros anywhere.

1: NO MATCH
2: MATCH
3: NO MATCH
4: NO MATCH
5: NO MATCH
6: MATCH
7: NO MATCH
8: NO MATCH
9: NO MATCH
10: MATCH`,
	},
})

var semverVerdict = regexp.MustCompile(`(?im)^[\s*_-]*(\d{1,2})[.):]*\s*[*_]*\s*[:.)-]?\s*[*_]*\s*(NO MATCH|MATCH)\b`)

// checkSemverVerdicts compares the model's verdicts with what the pattern really does.
func checkSemverVerdicts(_ context.Context, answer string) harness.CheckResult {
	re := regexp.MustCompile(semverPattern)
	got := map[int]string{}
	for _, m := range semverVerdict.FindAllStringSubmatch(answer, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		got[n] = strings.ToUpper(m[2]) // the last verdict for a number wins
	}
	var bad []string
	for i, s := range semverSamples {
		want := "NO MATCH"
		if re.MatchString(s) {
			want = "MATCH"
		}
		switch g, ok := got[i+1]; {
		case !ok:
			bad = append(bad, fmt.Sprintf("%d: no verdict", i+1))
		case g != want:
			bad = append(bad, fmt.Sprintf("%d (%s): %s, want %s", i+1, s, g, want))
		}
	}
	if len(bad) > 0 {
		return harness.CheckResult{Score: float64(len(semverSamples)-len(bad)) / float64(len(semverSamples)), Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestSemverRegexExplanation(t *testing.T) { harness.Run(t, semverRegexExplanation) }

// TestSemverSamplesInPrompt keeps the sample list the check uses and the prompt in step.
func TestSemverSamplesInPrompt(t *testing.T) {
	for i, s := range semverSamples {
		if !strings.Contains(semverRegexExplanation.Prompt, fmt.Sprintf("%d. %s\n", i+1, s)) {
			t.Errorf("sample %d %q is not in the prompt", i+1, s)
		}
	}
}
