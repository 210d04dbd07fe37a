package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var semverComparePrerelease = harness.Register(&harness.Task{
	ID:         "semver-compare-prerelease",
	Category:   harness.SimpleCoding,
	Title:      "Compare semantic versions with pre-release precedence",
	Difficulty: 4,
	MaxTokens:  2048,
	Tags:       []string{"go", "parsing", "semver", "sorting"},
	Prompt: `Our release tooling must order version tags exactly as Semantic Versioning 2.0.0 does. Write,
in package semver:

    // Compare returns -1, 0 or +1 as a is lower than, equal to (in precedence) or higher
    // than b, or an error if either is not a valid version.
    func Compare(a, b string) (int, error)

Validity (SemVer 2.0.0, plus an optional leading "v"):
- MAJOR.MINOR.PATCH: exactly three dot-separated numeric parts; each is "0" or a decimal
  number without leading zeros that fits in a uint64 ("01.2.3", "1.2", "1.2.3.4" are invalid).
- Optional pre-release after '-': one or more dot-separated identifiers; each non-empty,
  only [0-9A-Za-z-]; a purely numeric identifier must not have leading zeros ("1.0.0-01" is
  invalid; "1.0.0-0a" and "1.0.0--" are valid).
- Optional build metadata after '+' (after the pre-release, if any): one or more
  dot-separated, non-empty identifiers of [0-9A-Za-z-]; leading zeros are allowed here.
- Nothing else: no spaces, no empty string, no lone "v".

Precedence:
- Compare MAJOR, MINOR, PATCH numerically, in that order.
- If those are equal, a version with a pre-release is lower than one without.
- Two pre-releases compare identifier by identifier, left to right: numeric identifiers
  compare numerically; alphanumeric ones compare lexically in ASCII order; a numeric
  identifier is always lower than an alphanumeric one; if all shared identifiers are equal,
  the shorter list is lower.
- Build metadata is ignored: Compare("1.0.0+a", "1.0.0+b") is 0.

Example order: 1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta < 1.0.0-beta.2
< 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0 < v1.0.1 < 1.1.0 < 2.0.0.

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"grammar validation", "SemVer pre-release precedence", "numeric vs lexical identifier comparison"},
	Reference: harness.Fenced("go", `package semver

import (
	"fmt"
	"strconv"
	"strings"
)

type version struct {
	core [3]uint64
	pre  []string
}

// Compare returns -1, 0 or +1 as a is lower than, equal to or higher than b in
// SemVer 2.0.0 precedence, or an error if either is invalid.
func Compare(a, b string) (int, error) {
	va, err := parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := parse(b)
	if err != nil {
		return 0, err
	}
	for i := range va.core {
		if c := cmpUint(va.core[i], vb.core[i]); c != 0 {
			return c, nil
		}
	}
	switch {
	case len(va.pre) == 0 && len(vb.pre) == 0:
		return 0, nil
	case len(va.pre) == 0:
		return 1, nil
	case len(vb.pre) == 0:
		return -1, nil
	}
	for i := 0; i < len(va.pre) && i < len(vb.pre); i++ {
		if c := cmpIdent(va.pre[i], vb.pre[i]); c != 0 {
			return c, nil
		}
	}
	return cmpUint(uint64(len(va.pre)), uint64(len(vb.pre))), nil
}

func parse(s string) (version, error) {
	var v version
	bad := func(why string) (version, error) { return version{}, fmt.Errorf("semver: invalid version %q: %s", s, why) }
	rest := strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(rest, '+'); i >= 0 {
		if !validIdents(rest[i+1:], false) {
			return bad("bad build metadata")
		}
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '-'); i >= 0 {
		if !validIdents(rest[i+1:], true) {
			return bad("bad pre-release")
		}
		v.pre = strings.Split(rest[i+1:], ".")
		rest = rest[:i]
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return bad("want MAJOR.MINOR.PATCH")
	}
	for i, p := range parts {
		if !isNumeric(p) || (len(p) > 1 && p[0] == '0') {
			return bad("bad numeric part " + strconv.Quote(p))
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return bad("numeric part out of range")
		}
		v.core[i] = n
	}
	return v, nil
}

func validIdents(s string, pre bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for _, c := range id {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-') {
				return false
			}
		}
		if pre && isNumeric(id) && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func cmpIdent(a, b string) int {
	an, bn := isNumeric(a), isNumeric(b)
	switch {
	case an && bn:
		// No leading zeros: a longer number is larger, equal lengths compare lexically.
		if c := cmpUint(uint64(len(a)), uint64(len(b))); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "semver",
		Tests: map[string]string{"semver_test.go": `package semver

import "testing"

func expect(t *testing.T, a, b string, want int) {
	t.Helper()
	got, err := Compare(a, b)
	if err != nil || got != want {
		t.Errorf("Compare(%q, %q) = %d, %v; want %d", a, b, got, err, want)
	}
}

func TestSpecOrder(t *testing.T) {
	order := []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
		"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.1.0", "2.0.0"}
	for i := range order {
		for j := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			expect(t, order[i], order[j], want)
		}
	}
}

func TestNumericCore(t *testing.T) {
	expect(t, "1.10.0", "1.9.0", 1)
	expect(t, "1.2.10", "1.2.9", 1)
	expect(t, "10.0.0", "9.99.99", 1)
	expect(t, "0.0.0", "0.0.1", -1)
	expect(t, "18446744073709551615.0.0", "18446744073709551614.9.9", 1)
}

func TestPrerelease(t *testing.T) {
	expect(t, "1.0.0-2", "1.0.0-10", -1)
	expect(t, "1.0.0-10", "1.0.0-a", -1)
	expect(t, "1.0.0-a", "1.0.0-10", 1)
	expect(t, "1.0.0-alpha", "1.0.0-Alpha", 1)
	expect(t, "1.0.0-a.b.c", "1.0.0-a.b", 1)
	expect(t, "1.0.0-0a", "1.0.0-1", 1)
	expect(t, "1.0.0--", "1.0.0-0", 1)
	expect(t, "1.0.0-rc.1", "1.0.0-rc.1", 0)
	expect(t, "2.0.0-rc.1", "1.9.9", 1)
	expect(t, "1.0.0-x.7.z.92", "1.0.0-x.7.z.92", 0)
	expect(t, "1.0.0-beta.100", "1.0.0-beta.99", 1)
}

func TestBuildIgnored(t *testing.T) {
	expect(t, "1.0.0+a", "1.0.0+b", 0)
	expect(t, "1.0.0-alpha+001", "1.0.0-alpha", 0)
	expect(t, "1.0.0+20130313144700", "1.0.0", 0)
	expect(t, "1.0.0-beta+exp.sha.5114f85", "1.0.0-beta.1", -1)
	expect(t, "v1.2.3", "1.2.3", 0)
	expect(t, "1.0.0+build.01", "1.0.0", 0)
	expect(t, "1.0.0-a-b+c-d", "1.0.0-a-b", 0)
}

func TestInvalid(t *testing.T) {
	for _, s := range []string{"", "v", "1", "1.0", "1.0.0.0", "01.0.0", "1.02.0", "1.0.00", "1.0.0-",
		"1.0.0-01", "1.0.0-a..b", "1.0.0-a.", "1.0.0+", "1.0.0+a..b", "1.0.0-alpha_beta", " 1.0.0",
		"1.0.0 ", "V1.0.0", "vv1.0.0", "1.0.0-é", "a.b.c", "-1.0.0", "1.-1.0", "18446744073709551616.0.0", "1.0.0+a+b"} {
		if _, err := Compare(s, "1.0.0"); err == nil {
			t.Errorf("Compare(%q, \"1.0.0\") gave no error", s)
		}
		if _, err := Compare("1.0.0", s); err == nil {
			t.Errorf("Compare(\"1.0.0\", %q) gave no error", s)
		}
	}
}
`},
	}},
	WrongAnswers: []string{
		// Compares pre-release identifiers as strings: beta.11 < beta.2.
		harness.Fenced("go", `package semver

import (
	"errors"
	"strconv"
	"strings"
)

func Compare(a, b string) (int, error) {
	ca, pa, err := split(a)
	if err != nil {
		return 0, err
	}
	cb, pb, err := split(b)
	if err != nil {
		return 0, err
	}
	for i := 0; i < 3; i++ {
		if ca[i] != cb[i] {
			if ca[i] < cb[i] {
				return -1, nil
			}
			return 1, nil
		}
	}
	if pa == "" && pb == "" {
		return 0, nil
	}
	if pa == "" {
		return 1, nil
	}
	if pb == "" {
		return -1, nil
	}
	return strings.Compare(pa, pb), nil
}

func split(s string) ([3]uint64, string, error) {
	var core [3]uint64
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	pre := ""
	if i := strings.IndexByte(s, '-'); i >= 0 {
		pre = s[i+1:]
		s = s[:i]
		if pre == "" {
			return core, "", errors.New("empty pre-release")
		}
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return core, "", errors.New("bad version")
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || (len(p) > 1 && p[0] == '0') {
			return core, "", errors.New("bad number")
		}
		core[i] = n
	}
	return core, pre, nil
}`),
	},
})

func TestSemverComparePrerelease(t *testing.T) { harness.Run(t, semverComparePrerelease) }
