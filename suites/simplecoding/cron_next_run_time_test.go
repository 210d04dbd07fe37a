package simplecoding

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const cronReference = `package cron

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule is a parsed five-field cron expression.
type Schedule struct {
	minute, hour, dom, month, dow uint64 // bit i set: value i matches
	domRestricted, dowRestricted bool
}

type bounds struct{ min, max int }

var fieldBounds = []bounds{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}

// Parse parses "minute hour day-of-month month day-of-week".
func Parse(spec string) (*Schedule, error) {
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return nil, fmt.Errorf("cron: %q: want 5 fields, got %d", spec, len(fields))
	}
	var sets [5]uint64
	for i, f := range fields {
		set, err := parseField(f, fieldBounds[i])
		if err != nil {
			return nil, fmt.Errorf("cron: %q: field %d: %w", spec, i+1, err)
		}
		sets[i] = set
	}
	if sets[4]&(1<<7) != 0 { // 7 is Sunday too
		sets[4] = sets[4]&^(1<<7) | 1
	}
	return &Schedule{
		minute: sets[0], hour: sets[1], dom: sets[2], month: sets[3], dow: sets[4],
		domRestricted: fields[2] != "*", dowRestricted: fields[4] != "*",
	}, nil
}

func parseField(f string, b bounds) (uint64, error) {
	var set uint64
	for _, item := range strings.Split(f, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("bad step %q", stepText)
			}
			step = n
		}
		lo, hi := b.min, b.max
		switch {
		case rng == "*":
			if b.max == 7 {
				hi = 6 // "*" in day-of-week means 0-6
			}
		case strings.Contains(rng, "-"):
			a, z, _ := strings.Cut(rng, "-")
			var err error
			if lo, err = number(a, b); err != nil {
				return 0, err
			}
			if hi, err = number(z, b); err != nil {
				return 0, err
			}
			if lo > hi {
				return 0, fmt.Errorf("range %q is backwards", rng)
			}
		default:
			if hasStep {
				return 0, fmt.Errorf("step on a single value %q", item)
			}
			n, err := number(rng, b)
			if err != nil {
				return 0, err
			}
			lo, hi = n, n
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

func number(s string, b bounds) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("bad number %q", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < b.min || n > b.max {
		return 0, errors.New("value " + s + " out of range")
	}
	return n, nil
}

func (s *Schedule) dayMatches(t time.Time) bool {
	dom := s.dom&(1<<t.Day()) != 0
	dow := s.dow&(1<<int(t.Weekday())) != 0
	if s.domRestricted && s.dowRestricted {
		return dom || dow
	}
	return dom && dow
}

// Next returns the first time strictly after after, on a whole minute, that matches the
// schedule, in after's location; the zero Time if there is none within five years.
func (s *Schedule) Next(after time.Time) time.Time {
	loc := after.Location()
	t := time.Date(after.Year(), after.Month(), after.Day(), after.Hour(), after.Minute()+1, 0, 0, loc)
	limit := after.AddDate(5, 0, 1)
	for t.Before(limit) {
		switch {
		case s.month&(1<<int(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case s.hour&(1<<t.Hour()) == 0:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		case s.minute&(1<<t.Minute()) == 0:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}`

// cronMutate derives a wrong answer from the reference; it panics if old is not there,
// so a stale mutation cannot silently turn into a copy of the reference.
func cronMutate(src, old, new string) string {
	if !strings.Contains(src, old) {
		panic("cronMutate: " + old + " not found")
	}
	return strings.Replace(src, old, new, 1)
}

var cronNextRunTime = harness.Register(&harness.Task{
	ID:         "cron-next-run-time",
	Category:   harness.SimpleCoding,
	Title:      "Parse a five-field cron expression and compute the next run time",
	Difficulty: 5,
	MaxTokens:  4096,
	Tags:       []string{"go", "parsing", "time", "scheduling"},
	Prompt: `Our job scheduler needs a small cron implementation with no third-party dependency. Write,
in package cron:

    type Schedule struct{ /* unexported fields */ }

    // Parse parses a standard five-field expression: minute hour day-of-month month day-of-week.
    func Parse(spec string) (*Schedule, error)

    // Next returns the first time strictly after the argument, on a whole minute (seconds
    // and nanoseconds zero), that matches the schedule; the zero time.Time if none exists
    // within five years of after.
    func (s *Schedule) Next(after time.Time) time.Time

Syntax:
- Fields are separated by runs of spaces or tabs; exactly five fields. No names (JAN, MON),
  no macros (@daily), no "?", "L" or "W".
- Ranges: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12, day-of-week 0-7 where both
  0 and 7 mean Sunday.
- A field is a comma-separated list of items. An item is "*", a number "n", a range "a-b"
  (a <= b), or "*/s" or "a-b/s" (every s-th value starting at the low end; s >= 1). A step on a
  single number ("5/10") is an error. "*" in day-of-week means 0-6.
- Anything else is an error: wrong field count, out-of-range values, backwards ranges,
  step 0, empty list items ("1,,2"), signs, garbage.

Matching:
- A time matches when its minute, hour and month are in their sets and its day matches.
- Day rule (as in Vixie cron): if both day-of-month and day-of-week are restricted — a field
  is restricted when it is anything other than exactly "*" — the day matches when EITHER
  matches. Otherwise both must match (an unrestricted field matches every day).
  So "0 0 13 * 5" runs on every 13th and on every Friday, and "0 0 */10 * 1" runs on days
  1, 11, 21, 31 and on every Monday.
- Evaluate in after's location (after.Location()); the result is in that location. Tests
  use UTC and fixed-offset zones only, so you need not handle DST.
- Must be fast: a Next that finds nothing must not take more than a few milliseconds.

Examples (UTC): "*/15 * * * *" after 10:07:30 → 10:15:00; after exactly 10:15:00 → 10:30:00.
"0 9 * * 1-5" after Friday 2024-05-03 10:00 → Monday 2024-05-06 09:00.
"0 0 29 2 *" after 2025-03-01 → 2028-02-29 00:00. "0 0 30 2 *" → zero time.

Reply with the complete Go file in one fenced code block, standard library only, no tests.`,
	Capabilities: []string{"field parsing with lists, ranges and steps", "cron day-of-month/day-of-week OR rule", "calendar arithmetic with time.Date normalisation", "bounded search for the next match"},
	Reference:    harness.Fenced("go", cronReference),
	Checks: []harness.Check{harness.GoTests{
		Package: "cron",
		Tests: map[string]string{"cron_test.go": `package cron

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

func next(t *testing.T, spec, after, want string) {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Errorf("Parse(%q): %v", spec, err)
		return
	}
	got := s.Next(at(after))
	if want == "" {
		if !got.IsZero() {
			t.Errorf("%q after %s = %s, want the zero time", spec, after, got)
		}
		return
	}
	if !got.Equal(at(want)) {
		t.Errorf("%q after %s = %s, want %s", spec, after, got.Format("2006-01-02 15:04:05 Mon"), want)
	}
}

func TestEveryQuarterHour(t *testing.T) {
	next(t, "*/15 * * * *", "2024-05-01 10:07:30", "2024-05-01 10:15:00")
	next(t, "*/15 * * * *", "2024-05-01 10:15:00", "2024-05-01 10:30:00")
	next(t, "*/15 * * * *", "2024-05-01 10:15:00.5", "2024-05-01 10:30:00")
	next(t, "*/15 * * * *", "2024-05-01 23:59:59", "2024-05-02 00:00:00")
	next(t, "* * * * *", "2024-05-01 10:15:00", "2024-05-01 10:16:00")
}

func TestWeekdays(t *testing.T) {
	next(t, "0 9 * * 1-5", "2024-05-03 10:00:00", "2024-05-06 09:00:00")
	next(t, "0 9 * * 1-5", "2024-05-06 08:59:59", "2024-05-06 09:00:00")
	next(t, "30 2 * * 7", "2024-05-06 00:00:00", "2024-05-12 02:30:00")
	next(t, "30 2 * * 0", "2024-05-06 00:00:00", "2024-05-12 02:30:00")
	next(t, "0 8 * * 5-7", "2024-05-06 00:00:00", "2024-05-10 08:00:00")
	next(t, "0 8 * * 5-7", "2024-05-11 09:00:00", "2024-05-12 08:00:00")
	next(t, "0 8 * * */2", "2024-05-06 09:00:00", "2024-05-07 08:00:00")
}

func TestListsRangesSteps(t *testing.T) {
	next(t, "0 0 1,15 * *", "2024-05-01 00:00:00", "2024-05-15 00:00:00")
	next(t, "0 0 1,15 * *", "2024-05-15 00:00:00", "2024-06-01 00:00:00")
	next(t, "10-50/20 * * * *", "2024-05-01 10:50:00", "2024-05-01 11:10:00")
	next(t, "10-50/20 * * * *", "2024-05-01 10:10:00", "2024-05-01 10:30:00")
	next(t, "5 4 * * *", "2024-12-31 23:59:00", "2025-01-01 04:05:00")
	next(t, "0 12 1 1-3,10 *", "2024-04-01 00:00:00", "2024-10-01 12:00:00")
	next(t, "0,30 9-17/4 * * *", "2024-05-01 13:45:00", "2024-05-01 17:00:00")
	next(t, "0 0 31 * *", "2024-05-31 00:00:00", "2024-07-31 00:00:00")
}

func TestDayOfMonthOrDayOfWeek(t *testing.T) {
	// 2024-05-13 is a Monday: the 13th matches although it is not a Friday.
	next(t, "0 0 13 * 5", "2024-05-10 00:00:00", "2024-05-13 00:00:00")
	// 2024-05-17 is a Friday.
	next(t, "0 0 13 * 5", "2024-05-13 00:00:00", "2024-05-17 00:00:00")
	// Days 1, 11, 21, 31 or Mondays: after Thursday 2024-05-02 comes Monday 2024-05-06.
	next(t, "0 0 */10 * 1", "2024-05-02 00:00:00", "2024-05-06 00:00:00")
	next(t, "0 0 */10 * 1", "2024-05-07 00:00:00", "2024-05-11 00:00:00")
	// Only day-of-month restricted: every 13th, whatever the weekday.
	next(t, "0 0 13 * *", "2024-05-14 00:00:00", "2024-06-13 00:00:00")
	next(t, "0 0 29 2 1", "2024-02-01 00:00:00", "2024-02-05 00:00:00")
	next(t, "0 0 29 2 1", "2024-02-26 00:00:00", "2024-02-29 00:00:00")
}

func TestLeapAndImpossible(t *testing.T) {
	next(t, "0 0 29 2 *", "2025-03-01 00:00:00", "2028-02-29 00:00:00")
	next(t, "0 0 30 2 *", "2024-01-01 00:00:00", "")
	next(t, "0 0 31 4,6,9,11 *", "2024-01-01 00:00:00", "")
}

func TestImpossibleIsFast(t *testing.T) {
	s, err := Parse("59 23 31 2 *")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < 20; i++ {
		if got := s.Next(at("2024-01-01 00:00:00")); !got.IsZero() {
			t.Fatalf("got %s, want zero", got)
		}
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("20 impossible searches took %v", d)
	}
}

func TestLocation(t *testing.T) {
	loc := time.FixedZone("UTC+2", 2*3600)
	s, err := Parse("0 9 * * *")
	if err != nil {
		t.Fatal(err)
	}
	got := s.Next(time.Date(2024, 5, 1, 10, 0, 0, 0, loc))
	want := time.Date(2024, 5, 2, 9, 0, 0, 0, loc)
	if !got.Equal(want) || got.Location() != loc {
		t.Errorf("got %s, want %s in UTC+2", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, spec := range []string{"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *",
		"* * 32 * *", "* * * 0 *", "* * * 13 *", "* * * * 8", "5-1 * * * *", "*/0 * * * *", "1,,2 * * * *",
		"a * * * *", "5/10 * * * *", "1-2-3 * * * *", "-1 * * * *", "*/ * * * *", "+5 * * * *", "@daily",
		"1, * * * *", "*/-2 * * * *", "** * * * *"} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("Parse(%q) gave no error", spec)
		}
	}
}

func TestParseAccepts(t *testing.T) {
	for _, spec := range []string{"0 0 1 1 0", "59 23 31 12 7", "*/1 * * * *", "0-59/59 0-23/23 1-31/30 1-12/11 0-7/7", "  1\t2  3 4 5  "} {
		if _, err := Parse(spec); err != nil {
			t.Errorf("Parse(%q): %v", spec, err)
		}
	}
}
`},
	}},
	WrongAnswers: []string{
		// Always ANDs day-of-month and day-of-week.
		harness.Fenced("go", cronMutate(cronReference, "return dom || dow", "return dom && dow")),
		// Not strict: returns after itself when it is on a matching minute.
		harness.Fenced("go", cronMutate(cronReference, "after.Minute()+1, 0, 0, loc)", "after.Minute(), 0, 0, loc)\n\tif after.Second() != 0 || after.Nanosecond() != 0 {\n\t\tt = t.Add(time.Minute)\n\t}")),
		// Treats day-of-week 7 as invalid.
		harness.Fenced("go", cronMutate(cronReference, "{1, 12}, {0, 7}}", "{1, 12}, {0, 6}}")),
	},
})

func TestCronNextRunTime(t *testing.T) { harness.Run(t, cronNextRunTime) }
