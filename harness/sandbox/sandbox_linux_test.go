package sandbox

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// forceMode makes Run start from a weaker namespace mode, as on a kernel
// that refused the stronger ones, until the test ends.
func forceMode(t *testing.T, m nsMode) {
	t.Helper()
	nsState.Lock()
	saved := nsState.mode
	nsState.mode = m
	nsState.Unlock()
	t.Cleanup(func() {
		nsState.Lock()
		nsState.mode = saved
		nsState.Unlock()
	})
}

func TestDegradedModesSayWhatIsMissing(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the degraded modes below user namespaces are for root callers")
	}
	t.Run("no user namespace", func(t *testing.T) {
		forceMode(t, modeNS)
		res, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: hostileBin, Args: []string{"ok"}})
		if err != nil {
			t.Fatal(err)
		}
		iso := res.Isolation
		if res.ExitCode != 0 || !iso.NetworkIsolated || !iso.FilesystemConfined || enforced(iso, "userns") || !enforced(iso, "uid:65534") {
			t.Errorf("exit %d, isolation %+v", res.ExitCode, iso)
		}
		if !missingMentions(iso, "processes: no user namespace") {
			t.Errorf("Missing %v does not say RLIMIT_NPROC is shared", iso.Missing)
		}
	})
	t.Run("no namespaces", func(t *testing.T) {
		forceMode(t, modeNone)
		// t.TempDir sits below a 0700 directory uid 65534 cannot search, and
		// without a mount namespace nothing can expose it.
		_, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: "sh", Args: []string{"-c", "true"}})
		if err == nil || !strings.Contains(err.Error(), "not reachable by uid 65534") {
			t.Errorf("Run in an unreachable Dir: error %v, want an explanation", err)
		}
		dir, err := os.MkdirTemp("", "lim-sandbox-plain-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		res, err := Run(context.Background(), Cmd{Dir: dir, Path: "sh", Args: []string{"-c", "id -u; echo x > " + filepath.Join(dir, "ok")}})
		if err != nil {
			t.Fatal(err)
		}
		iso := res.Isolation
		if res.ExitCode != 0 || strings.TrimSpace(string(res.Output)) != "65534" {
			t.Errorf("exit %d, output %q, want uid 65534", res.ExitCode, res.Output)
		}
		if iso.NetworkIsolated || iso.FilesystemConfined {
			t.Errorf("isolation %+v claims what it cannot have", iso)
		}
		for _, topic := range []string{"network", "filesystem", "processes"} {
			if !missingMentions(iso, topic) {
				t.Errorf("Missing %v says nothing about %s", iso.Missing, topic)
			}
		}
	})
}
