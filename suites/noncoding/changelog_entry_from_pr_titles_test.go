package noncoding

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/local-inference-machine/lim/harness"
)

var changelogEntryFromPRTitles = harness.Register(&harness.Task{
	ID:         "changelog-entry-from-pr-titles",
	Category:   harness.NonCoding,
	Title:      "Write a Keep a Changelog entry from merged PR titles",
	Difficulty: 3,
	MaxTokens:  1024,
	Tags:       []string{"writing", "changelog", "release"},
	Prompt: `We are releasing version 2.8.0 of tern, a command-line file-sync tool, on 2025-06-02. Write its CHANGELOG.md entry from the pull requests merged since 2.7.1:

#2291 feat(cli): add --output=json flag to "tern status"
#2293 fix(sync): don't drop files whose names contain a newline
#2294 chore(deps): bump golang.org/x/sys from 0.28.0 to 0.29.0
#2297 ci: cache Go modules in the release workflow
#2298 feat(config)!: remove the deprecated "remote.url" key (use "remote.endpoint")
#2301 fix(auth): refresh expired OAuth tokens before retrying a 401 instead of failing
#2302 docs: fix typo in CONTRIBUTING.md
#2305 perf(scan): hash large files in parallel (up to GOMAXPROCS workers)
#2306 test: deflake TestWatchRename on macOS
#2309 feat(sync): support .ternignore files in subdirectories
#2311 fix(cli): exit with status 2, not 1, on usage errors
#2312 refactor(store): split store.go into reader.go and writer.go

Rules:
- Keep a Changelog format: a heading "## [2.8.0] - 2025-06-02", then only the sections that have entries, from "### Added", "### Changed", "### Removed", "### Fixed" (in that order).
- Users read this file: include only changes they can notice. Leave out dependency bumps, CI, docs, test and internal refactoring PRs.
- One bullet per PR, written for users (not the raw PR title), ending with the PR number like "(#2291)".
- Start the bullet of any breaking change with "**BREAKING:**" and tell users what to do.

Reply with only the Markdown entry.`,
	Capabilities: []string{"filters user-visible changes from internal ones", "sorts changes into the right changelog sections", "flags the breaking change with a migration hint"},
	Reference: `## [2.8.0] - 2025-06-02

### Added
- "tern status --output=json" prints machine-readable status for scripts. (#2291)
- ".ternignore" files are now honoured in subdirectories, not only at the root. (#2309)

### Changed
- Large files are hashed in parallel during scans, which makes scanning big trees faster. (#2305)
- Usage errors (unknown flags, missing arguments) now exit with status 2 instead of 1. (#2311)

### Removed
- **BREAKING:** the deprecated "remote.url" config key is gone; rename it to "remote.endpoint" in your config before upgrading. (#2298)

### Fixed
- Files whose names contain a newline are no longer skipped during sync. (#2293)
- Expired OAuth tokens are refreshed automatically instead of failing the request with a 401. (#2301)`,
	Checks: []harness.Check{
		harness.Matches{Label: "version-heading", Patterns: []string{`(?m)^##\s*\[2\.8\.0\]\s*[-–—]\s*2025-06-02\s*$`}},
		harness.Func{Label: "sections", Version: "1", Fn: checkChangelogSections},
		harness.Contains{Label: "breaking-change", All: []string{"breaking", "remote.endpoint"}},
	},
	WrongAnswers: []string{
		// Lists every PR, internal ones included.
		`## [2.8.0] - 2025-06-02

### Added
- JSON output for tern status. (#2291)
- .ternignore in subdirectories. (#2309)

### Changed
- Bump golang.org/x/sys to 0.29.0. (#2294)
- Cache Go modules in CI. (#2297)
- Parallel hashing of large files. (#2305)
- Split store.go into reader.go and writer.go. (#2312)

### Removed
- **BREAKING:** remove "remote.url"; use "remote.endpoint". (#2298)

### Fixed
- Files with newlines in their names are synced. (#2293)
- OAuth tokens refreshed on 401. (#2301)
- Usage errors exit with status 2. (#2311)
- Typo in CONTRIBUTING.md. (#2302)
- Flaky TestWatchRename. (#2306)`,
		// Puts the removal under Added and forgets to flag it.
		`## [2.8.0] - 2025-06-02

### Added
- JSON output for tern status. (#2291)
- .ternignore files in subdirectories. (#2309)
- The "remote.endpoint" key replaces "remote.url". (#2298)

### Changed
- Faster scans: large files are hashed in parallel. (#2305)

### Fixed
- Files with newlines in their names are no longer dropped. (#2293)
- Expired OAuth tokens are refreshed before retrying. (#2301)
- Usage errors exit with status 2. (#2311)`,
	},
})

var (
	changelogSection = regexp.MustCompile(`^#{3,}\s*(\w+)`)
	changelogPR      = regexp.MustCompile(`#(\d{4})\b`)
	// changelogWant lists, per user-visible PR, the sections it may be filed under.
	changelogWant = map[string][]string{
		"2291": {"added"}, "2309": {"added"},
		"2305": {"changed"},
		"2311": {"changed", "fixed"},
		"2298": {"removed", "changed"},
		"2293": {"fixed"}, "2301": {"fixed"},
	}
	changelogOmit = []string{"2294", "2297", "2302", "2306", "2312"}
)

// checkChangelogSections checks that every user-visible PR is listed once under an
// acceptable section and that the internal PRs are left out.
func checkChangelogSections(_ context.Context, answer string) harness.CheckResult {
	section := ""
	where := map[string][]string{}
	for _, line := range strings.Split(answer, "\n") {
		if m := changelogSection.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			section = strings.ToLower(m[1])
			continue
		}
		for _, m := range changelogPR.FindAllStringSubmatch(line, -1) {
			where[m[1]] = append(where[m[1]], section)
		}
	}
	var bad []string
	total := len(changelogWant) + len(changelogOmit)
	for pr, ok := range changelogWant {
		got := where[pr]
		switch {
		case len(got) == 0:
			bad = append(bad, fmt.Sprintf("#%s is missing", pr))
		case len(got) > 1:
			bad = append(bad, fmt.Sprintf("#%s is listed %d times", pr, len(got)))
		case !slices.Contains(ok, got[0]):
			bad = append(bad, fmt.Sprintf("#%s is under %q, want %s", pr, got[0], strings.Join(ok, " or ")))
		}
	}
	for _, pr := range changelogOmit {
		if len(where[pr]) > 0 {
			bad = append(bad, fmt.Sprintf("#%s is internal and should be left out", pr))
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		return harness.CheckResult{Score: float64(total-len(bad)) / float64(total), Detail: strings.Join(bad, "; ")}
	}
	return harness.CheckResult{Passed: true, Score: 1}
}

func TestChangelogEntryFromPRTitles(t *testing.T) { harness.Run(t, changelogEntryFromPRTitles) }
