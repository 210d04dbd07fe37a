package simplecoding

import (
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var parseHumanDuration = harness.Register(&harness.Task{
	ID:         "parse-human-duration",
	Category:   harness.SimpleCoding,
	Title:      "Parse a human duration like 1d2h30m with strict validation",
	Difficulty: 3,
	MaxTokens:  1536,
	Tags:       []string{"go", "parsing", "time", "config"},
	Prompt: `Our config files hold retention periods like "7d", "1h30m15s" or "90s". time.ParseDuration
has no "d" unit and accepts things we want to reject, so write our own, in package dur:

    func Parse(s string) (time.Duration, error)

Grammar and rules:
- s is one or more groups <digits><unit>, with nothing between groups and no surrounding
  spaces. Digits are ASCII 0-9 (no sign, no decimal point).
- Units: "d" (24h), "h", "m" (minute), "s", "ms" (millisecond).
- Units must appear in strictly decreasing order of size and each at most once:
  "1h30m" is fine, "30m1h" and "1h2h" are errors.
- A group's number is not limited by the next unit: "90s" is 90 seconds, "36h" is 36 hours.
- The bare string "0" is allowed and means 0. Any other number without a unit is an error
  ("15", "1h30").
- Errors: the empty string, spaces anywhere, a sign, an unknown unit ("1w", "1us"), a unit
  without digits ("h", "1hm"), and any value that overflows time.Duration (for example
  "9999999999999d" or "106751d23h48m", which is past the largest Duration).
- On error return 0 and a non-nil error.

Examples: "1h30m15s" → 1h30m15s; "2d" → 48h; "1m500ms" → 1m0.5s; "0s" → 0; "5ms" → 5ms.

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"hand-written tokenizer", "ambiguous units (m vs ms)", "ordering and duplicate validation", "overflow checks"},
	Reference: harness.Fenced("go", `package dur

import (
	"errors"
	"fmt"
	"math"
	"time"
)

var units = []struct {
	name string
	size time.Duration
}{
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"ms", time.Millisecond}, // before "m": "ms" must win over "m" followed by "s"
	{"m", time.Minute},
	{"s", time.Second},
}

// rank orders units from largest (0) to smallest.
var rank = map[string]int{"d": 0, "h": 1, "m": 2, "s": 3, "ms": 4}

// Parse parses a duration such as "1d2h30m15s500ms".
func Parse(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("dur: empty duration")
	}
	if s == "0" {
		return 0, nil
	}
	var total time.Duration
	last := -1
	i := 0
	for i < len(s) {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return 0, fmt.Errorf("dur: %q: expected digits at offset %d", s, start)
		}
		digits := s[start:i]
		unit := ""
		var size time.Duration
		for _, u := range units {
			if len(s)-i >= len(u.name) && s[i:i+len(u.name)] == u.name {
				unit, size = u.name, u.size
				break
			}
		}
		if unit == "" {
			return 0, fmt.Errorf("dur: %q: missing or unknown unit after %q", s, digits)
		}
		i += len(unit)
		if rank[unit] <= last {
			return 0, fmt.Errorf("dur: %q: unit %q out of order or repeated", s, unit)
		}
		last = rank[unit]
		var n int64
		for _, c := range digits {
			d := int64(c - '0')
			if n > (math.MaxInt64-d)/10 {
				return 0, fmt.Errorf("dur: %q: overflows", s)
			}
			n = n*10 + d
		}
		if n > int64(math.MaxInt64/size) {
			return 0, fmt.Errorf("dur: %q: overflows", s)
		}
		v := time.Duration(n) * size
		if total > math.MaxInt64-v {
			return 0, fmt.Errorf("dur: %q: overflows", s)
		}
		total += v
	}
	return total, nil
}`),
	Checks: []harness.Check{harness.GoTests{
		Package: "dur",
		Tests: map[string]string{"dur_test.go": `package dur

import (
	"testing"
	"time"
)

func TestValid(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"1h30m15s":          time.Hour + 30*time.Minute + 15*time.Second,
		"90s":               90 * time.Second,
		"2d":                48 * time.Hour,
		"7d":                7 * 24 * time.Hour,
		"36h":               36 * time.Hour,
		"0":                 0,
		"0s":                0,
		"5ms":               5 * time.Millisecond,
		"1m500ms":           time.Minute + 500*time.Millisecond,
		"1m":                time.Minute,
		"1d1h1m1s1ms":       24*time.Hour + time.Hour + time.Minute + time.Second + time.Millisecond,
		"2h5ms":             2*time.Hour + 5*time.Millisecond,
		"1500ms":            1500 * time.Millisecond,
		"007s":              7 * time.Second,
		"106751d":           106751 * 24 * time.Hour,
		"9223372036854ms":   9223372036854 * time.Millisecond,
		"106751d1h":         2562025 * time.Hour,
		"106751d23h47m16s854ms": 106751*24*time.Hour + 23*time.Hour + 47*time.Minute + 16*time.Second + 854*time.Millisecond,
	} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

func TestRejectsMalformed(t *testing.T) {
	for _, in := range []string{"", " ", "15", "1h30", "h", "1hm", "1w", "1us", "1.5h", "-5s", "+5s",
		"1h 30m", " 1h", "1h ", "1H", "s1", "1h-30m", "0h0", "00"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, nil; want an error", in, got)
		}
	}
}

func TestRejectsOrderAndRepeats(t *testing.T) {
	for _, in := range []string{"30m1h", "1h2h", "1s1m", "1ms1s", "1s1s", "1d1d", "1m1h1s", "5ms5ms", "1h1d"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, nil; want an error (units out of order or repeated)", in, got)
		}
	}
}

func TestRejectsOverflow(t *testing.T) {
	for _, in := range []string{"9999999999999d", "106751d23h48m", "106751d24h", "2562048h", "99999999999999999999s", "9223372036855ms", "106751d23h47m16s855ms"} {
		if got, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, nil; want an overflow error", in, got)
		}
	}
}

func TestZeroOnError(t *testing.T) {
	if got, err := Parse("1h1h"); err == nil || got != 0 {
		t.Errorf("Parse(%q) = %v, %v; want 0 and an error", "1h1h", got, err)
	}
}
`},
	}},
	WrongAnswers: []string{
		// No order/duplicate validation and no overflow check.
		harness.Fenced("go", `package dur

import (
	"errors"
	"strconv"
	"time"
)

func Parse(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("empty")
	}
	var total time.Duration
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, errors.New("expected digits")
		}
		n, err := strconv.ParseInt(s[:i], 10, 64)
		if err != nil {
			return 0, err
		}
		s = s[i:]
		var unit time.Duration
		switch {
		case len(s) >= 2 && s[:2] == "ms":
			unit, s = time.Millisecond, s[2:]
		case len(s) >= 1 && s[0] == 'd':
			unit, s = 24*time.Hour, s[1:]
		case len(s) >= 1 && s[0] == 'h':
			unit, s = time.Hour, s[1:]
		case len(s) >= 1 && s[0] == 'm':
			unit, s = time.Minute, s[1:]
		case len(s) >= 1 && s[0] == 's':
			unit, s = time.Second, s[1:]
		default:
			return 0, errors.New("bad unit")
		}
		total += time.Duration(n) * unit
	}
	return total, nil
}`),
		// Checks "m" before "ms", so "5ms" is read as 5 minutes then a stray "s".
		harness.Fenced("go", `package dur

import (
	"errors"
	"math"
	"time"
)

var order = []string{"d", "h", "m", "s", "ms"}
var size = map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute, "s": time.Second, "ms": time.Millisecond}

func Parse(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("empty")
	}
	var total time.Duration
	last := -1
	for len(s) > 0 {
		i := 0
		var n int64
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if n > (math.MaxInt64-9)/10 {
				return 0, errors.New("overflow")
			}
			n = n*10 + int64(s[i]-'0')
			i++
		}
		if i == 0 {
			return 0, errors.New("expected digits")
		}
		s = s[i:]
		found := -1
		for r, u := range order {
			if len(s) >= len(u) && s[:len(u)] == u {
				found = r
				break
			}
		}
		if found < 0 || found <= last {
			return 0, errors.New("bad unit")
		}
		last = found
		u := order[found]
		s = s[len(u):]
		if n > int64(math.MaxInt64/size[u]) || total > math.MaxInt64-time.Duration(n)*size[u] {
			return 0, errors.New("overflow")
		}
		total += time.Duration(n) * size[u]
	}
	return total, nil
}`),
	},
})

func TestParseHumanDuration(t *testing.T) { harness.Run(t, parseHumanDuration) }
