package suites

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/local-inference-machine/lim/harness"
)

// goldenTask is one line of a package's testdata/tasks.golden (see harness.GoldenLine);
// each package's TestSuite keeps its golden file true to its tasks.
type goldenTask struct {
	pkg, id, category string
	difficulty        int
	checks            int
}

func readGoldens(t *testing.T) []goldenTask {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("*", filepath.FromSlash(harness.GoldenFile)))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no suite golden files found")
	var tasks []goldenTask
	for _, f := range files {
		fh, err := os.Open(f)
		require.NoError(t, err)
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var g goldenTask
			var d, hash, checks string
			if _, err := fmt.Sscan(sc.Text(), &g.id, &g.category, &d, &hash, &checks); err != nil {
				t.Fatalf("%s: malformed line %q: %v", f, sc.Text(), err)
			}
			g.pkg = strings.Split(filepath.ToSlash(f), "/")[0]
			g.difficulty, _ = strconv.Atoi(strings.TrimPrefix(d, "d"))
			g.checks, _ = strconv.Atoi(strings.TrimPrefix(checks, "checks="))
			tasks = append(tasks, g)
		}
		fh.Close()
	}
	return tasks
}

// TestCorpus checks the corpus as a whole.
func TestCorpus(t *testing.T) {
	tasks := readGoldens(t)
	where := map[string]string{}
	perCategory := map[string][]goldenTask{}
	withChecks := 0
	for _, g := range tasks {
		if prev, dup := where[g.id]; dup {
			t.Errorf("task id %q is used in both %s and %s: ids must be unique across the suites", g.id, prev, g.pkg)
		}
		where[g.id] = g.pkg
		perCategory[g.category] = append(perCategory[g.category], g)
		if g.checks > 0 {
			withChecks++
		}
	}
	for _, c := range harness.Categories {
		ts := perCategory[string(c)]
		assert.GreaterOrEqual(t, len(ts), 8, "category %s has %d tasks, want at least 8", c, len(ts))
		levels := map[int]bool{}
		for _, g := range ts {
			levels[g.difficulty] = true
		}
		assert.GreaterOrEqual(t, len(levels), 2, "category %s: difficulty must be spread, not all at one level", c)
	}
	realWorld := 0
	for _, g := range tasks {
		if g.pkg == "realworld" {
			realWorld++
		}
	}
	assert.GreaterOrEqual(t, realWorld, 14, "real-world delegated sub-tasks")
	assert.GreaterOrEqual(t, len(tasks), 70, "tasks in the corpus")
	assert.GreaterOrEqual(t, 2*withChecks, len(tasks), "at least half the tasks need deterministic checks that can fail (%d of %d have them)", withChecks, len(tasks))
	t.Logf("%d tasks, %d with deterministic checks, %d real-world", len(tasks), withChecks, realWorld)
	checkReadmeCounts(t, tasks)
}

// checkReadmeCounts keeps the counts table in suites/README.md true.
func checkReadmeCounts(t *testing.T, tasks []goldenTask) {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	want := map[string][2]int{}
	for _, g := range tasks {
		c := want[g.category]
		c[0]++
		if g.pkg == "realworld" {
			c[1]++
		}
		want[g.category] = c
	}
	for _, c := range harness.Categories {
		row := fmt.Sprintf("| %s | %d | %d |", c, want[string(c)][0], want[string(c)][1])
		assert.Contains(t, string(readme), row, "suites/README.md's counts table is out of date: update the row for %s", c)
	}
}
