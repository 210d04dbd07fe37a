package debugging

import (
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

const dstScheduleBuggy = `package sched

import "time"

// NextRun returns the first instant strictly after now at which a job scheduled daily
// at hh:mm wall-clock time in loc runs.
func NextRun(now time.Time, hh, mm int, loc *time.Location) time.Time {
	now = now.In(loc)
	run := time.Date(now.Year(), now.Month(), now.Day(), hh, mm, 0, 0, loc)
	if !run.After(now) {
		run = run.Add(24 * time.Hour)
	}
	return run
}

// RunsBetween lists the runs of a daily hh:mm job in (from, to], in order.
func RunsBetween(from, to time.Time, hh, mm int, loc *time.Location) []time.Time {
	var runs []time.Time
	for t := NextRun(from, hh, mm, loc); !t.After(to); t = t.Add(24 * time.Hour) {
		runs = append(runs, t)
	}
	return runs
}`

var dstDailySchedule = harness.Register(&harness.Task{
	ID:         "dst-daily-schedule",
	Category:   harness.Debugging,
	Title:      "Fix a daily scheduler that drifts by an hour across DST changes",
	Difficulty: 4,
	MaxTokens:  1536,
	Tags:       []string{"go", "time", "timezones", "dst", "scheduling"},
	Prompt: `Our backup job is configured to run daily at 09:00 America/New_York. Since the clocks
changed on Sunday 10 March 2024 it runs at 10:00. From the scheduler's log:

    2024-03-08T09:00:00-05:00 INFO run job=backup scheduled=09:00 tz=America/New_York
    2024-03-09T09:00:00-05:00 INFO run job=backup scheduled=09:00 tz=America/New_York
    2024-03-10T10:00:00-04:00 INFO run job=backup scheduled=09:00 tz=America/New_York
    2024-03-11T10:00:00-04:00 INFO run job=backup scheduled=09:00 tz=America/New_York

The dashboard's "upcoming runs" list (RunsBetween) shows the same drift, and Europe/Berlin
customers saw it two weeks later. Here is sched.go:

` + harness.Fenced("go", dstScheduleBuggy) + `

Fix both functions so runs always happen at hh:mm local wall-clock time, including across
DST transitions in either direction. You may assume hh:mm never falls in a skipped or
repeated hour. Keep the signatures and the "strictly after now" and "(from, to]" semantics.
Reply with the complete fixed sched.go in one fenced code block.`,
	Capabilities: []string{"calendar days vs 24-hour durations", "time.Date normalisation in a location", "reads a scheduler log", "fixes every instance"},
	Reference: harness.Fenced("go", strings.NewReplacer(
		"		run = run.Add(24 * time.Hour)",
		"		// Next calendar day at hh:mm local time: a day is 23 or 25 hours long when\n		// the clocks change, so adding 24h would drift by an hour.\n		run = time.Date(now.Year(), now.Month(), now.Day()+1, hh, mm, 0, 0, loc)",
		"t = t.Add(24 * time.Hour)", "t = NextRun(t, hh, mm, loc)",
	).Replace(dstScheduleBuggy)),
	Checks: []harness.Check{harness.GoTests{
		Package: "sched",
		Tests: map[string]string{"sched_test.go": `package sched

import (
	"testing"
	"time"
	_ "time/tzdata"
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestNextRunSameDay(t *testing.T) {
	ny := load(t, "America/New_York")
	now := time.Date(2024, 3, 9, 8, 0, 0, 0, ny)
	want := time.Date(2024, 3, 9, 9, 0, 0, 0, ny)
	if got := NextRun(now, 9, 0, ny); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := NextRun(want, 9, 0, ny); got.Equal(want) {
		t.Errorf("NextRun at exactly 09:00 returned the same instant")
	}
}

func TestNextRunAcrossSpringForward(t *testing.T) {
	ny := load(t, "America/New_York")
	now := time.Date(2024, 3, 9, 10, 0, 0, 0, ny)
	got := NextRun(now, 9, 0, ny)
	want := time.Date(2024, 3, 10, 9, 0, 0, 0, ny)
	if !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(ny), want)
	}
}

func TestNextRunAcrossFallBack(t *testing.T) {
	ny := load(t, "America/New_York")
	now := time.Date(2024, 11, 2, 9, 30, 0, 0, ny)
	want := time.Date(2024, 11, 3, 9, 0, 0, 0, ny)
	if got := NextRun(now, 9, 0, ny); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(ny), want)
	}
}

func TestNextRunNowInOtherZone(t *testing.T) {
	berlin := load(t, "Europe/Berlin")
	// 2024-03-30 23:30 UTC is already 2024-03-31 00:30 in Berlin (CET, +1); the clocks
	// go forward at 02:00 that night.
	now := time.Date(2024, 3, 30, 23, 30, 0, 0, time.UTC)
	want := time.Date(2024, 3, 31, 6, 15, 0, 0, berlin)
	if got := NextRun(now, 6, 15, berlin); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(berlin), want)
	}
	now = time.Date(2024, 3, 31, 5, 0, 0, 0, time.UTC) // 07:00 CEST
	want = time.Date(2024, 4, 1, 6, 15, 0, 0, berlin)
	if got := NextRun(now, 6, 15, berlin); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(berlin), want)
	}
}

func TestNextRunUsesLocalDate(t *testing.T) {
	ny := load(t, "America/New_York")
	// 20:00 EST on March 8 is already March 9 in UTC.
	now := time.Date(2024, 3, 8, 20, 0, 0, 0, ny)
	want := time.Date(2024, 3, 8, 21, 0, 0, 0, ny)
	if got := NextRun(now.UTC(), 21, 0, ny); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(ny), want)
	}
	berlin := load(t, "Europe/Berlin")
	// 00:30 local on March 31 is still March 30 in UTC; today's 00:15 has passed.
	now = time.Date(2024, 3, 30, 23, 30, 0, 0, time.UTC)
	want = time.Date(2024, 4, 1, 0, 15, 0, 0, berlin)
	if got := NextRun(now, 0, 15, berlin); !got.Equal(want) {
		t.Errorf("got %s, want %s", got.In(berlin), want)
	}
}

func TestRunsBetweenKeepsWallClock(t *testing.T) {
	ny := load(t, "America/New_York")
	from := time.Date(2024, 3, 7, 12, 0, 0, 0, ny)
	to := time.Date(2024, 3, 13, 9, 0, 0, 0, ny)
	runs := RunsBetween(from, to, 9, 0, ny)
	if len(runs) != 6 {
		t.Fatalf("got %d runs, want 6 (Mar 8..13): %v", len(runs), runs)
	}
	for i, r := range runs {
		l := r.In(ny)
		if l.Hour() != 9 || l.Minute() != 0 || l.Day() != 8+i {
			t.Errorf("run %d at %s, want 2024-03-%02d 09:00 local", i, l, 8+i)
		}
	}
}

func TestRunsBetweenFallBack(t *testing.T) {
	berlin := load(t, "Europe/Berlin")
	from := time.Date(2024, 10, 25, 0, 0, 0, 0, berlin)
	to := time.Date(2024, 10, 29, 0, 0, 0, 0, berlin)
	runs := RunsBetween(from, to, 7, 30, berlin)
	if len(runs) != 4 {
		t.Fatalf("got %d runs, want 4: %v", len(runs), runs)
	}
	for i, r := range runs {
		l := r.In(berlin)
		if l.Hour() != 7 || l.Minute() != 30 || l.Day() != 25+i {
			t.Errorf("run %d at %s, want 2024-10-%02d 07:30 local", i, l, 25+i)
		}
	}
}

func TestRunsBetweenBounds(t *testing.T) {
	utc := time.UTC
	from := time.Date(2024, 1, 1, 9, 0, 0, 0, utc)
	to := time.Date(2024, 1, 3, 9, 0, 0, 0, utc)
	runs := RunsBetween(from, to, 9, 0, utc)
	if len(runs) != 2 || !runs[0].Equal(from.AddDate(0, 0, 1)) || !runs[1].Equal(to) {
		t.Errorf("got %v, want Jan 2 and Jan 3 09:00 (from excluded, to included)", runs)
	}
	if got := RunsBetween(to, from, 9, 0, utc); len(got) != 0 {
		t.Errorf("reversed range gave %v", got)
	}
}
`},
	}},
	WrongAnswers: []string{
		harness.Fenced("go", dstScheduleBuggy),
		// Fixes NextRun only; RunsBetween still steps by 24 hours.
		harness.Fenced("go", strings.Replace(dstScheduleBuggy,
			"		run = run.Add(24 * time.Hour)",
			"		run = run.AddDate(0, 0, 1)", 1)),
		// Fixes the day arithmetic but takes the calendar date from now in UTC.
		harness.Fenced("go", strings.NewReplacer(
			"	now = now.In(loc)\n	run := time.Date(now.Year(), now.Month(), now.Day(), hh, mm, 0, 0, loc)",
			"	y, m, d := now.UTC().Date()\n	run := time.Date(y, m, d, hh, mm, 0, 0, loc)",
			"		run = run.Add(24 * time.Hour)",
			"		run = time.Date(y, m, d+1, hh, mm, 0, 0, loc)",
			"t = t.Add(24 * time.Hour)", "t = NextRun(t, hh, mm, loc)",
		).Replace(dstScheduleBuggy)),
	},
})

func TestDSTDailySchedule(t *testing.T) { harness.Run(t, dstDailySchedule) }
