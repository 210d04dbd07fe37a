package sandbox

import (
	"context"
	"os"
	"os/exec"
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

func TestNoNestedUserNamespaces(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare (util-linux)")
	}
	before, _ := os.ReadFile("/proc/sys/user/max_user_namespaces")
	res, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: unshare, Args: []string{"--user", "--map-root-user", "true"}})
	if err != nil {
		t.Fatal(err)
	}
	if !enforced(res.Isolation, "no-nested-userns") {
		t.Skipf("not enforced here: %v", res.Isolation.Missing)
	}
	if res.ExitCode == 0 || !strings.Contains(string(res.Output), "No space left on device") {
		t.Errorf("exit %d, output %q: want unshare refused with ENOSPC (the namespace limit)", res.ExitCode, res.Output)
	}
	if after, _ := os.ReadFile("/proc/sys/user/max_user_namespaces"); string(after) != string(before) {
		t.Errorf("the host's max_user_namespaces changed from %q to %q", before, after)
	}
}
