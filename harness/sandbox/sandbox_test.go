//go:build unix

package sandbox

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hostileBin is testdata/hostile, built once by TestMain into a directory
// only root can search, so every Run also proves Path is made reachable.
var hostileBin string

func TestMain(m *testing.M) {
	if prebuilt := os.Getenv("LIM_SANDBOX_TEST_HOSTILE"); prebuilt != "" { // TestNonRootCaller's child
		hostileBin = prebuilt
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "lim-sandbox-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	hostileBin = filepath.Join(dir, "hostile")
	goBin, _, err := findGo()
	if err == nil {
		build := exec.Command(goBin, "build", "-buildvcs=false", "-o", hostileBin, "./testdata/hostile")
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		var out []byte
		out, err = build.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%v\n%s", err, out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "building testdata/hostile:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runHostile runs the hostile program in a fresh directory.
func runHostile(t *testing.T, limits Limits, args ...string) Result {
	t.Helper()
	res, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: hostileBin, Args: args, Limits: limits})
	if err != nil {
		t.Fatalf("Run(hostile %v): %v", args, err)
	}
	return res
}

var (
	probeOnce sync.Once
	probed    Isolation
)

// isolationHere is what the sandbox enforces on this machine.
func isolationHere(t *testing.T) Isolation {
	t.Helper()
	probeOnce.Do(func() {
		res, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: hostileBin, Args: []string{"ok"}})
		if err != nil {
			t.Fatalf("probing the sandbox: %v", err)
		}
		probed = res.Isolation
	})
	return probed
}

func enforced(iso Isolation, what string) bool { return slices.Contains(iso.Enforced, what) }

// missingMentions reports whether some Missing entry starts with topic.
func missingMentions(iso Isolation, topic string) bool {
	for _, m := range iso.Missing {
		if strings.HasPrefix(m, topic) {
			return true
		}
	}
	return false
}

func TestRunReportsIsolation(t *testing.T) {
	res := runHostile(t, Limits{}, "ok")
	if res.ExitCode != 0 || !strings.Contains(string(res.Output), "hello from the sandbox") {
		t.Fatalf("exit %d, output %q", res.ExitCode, res.Output)
	}
	iso := res.Isolation
	t.Logf("isolation here: %+v", iso)
	for _, want := range []string{"rlimit-as", "rlimit-cpu", "rlimit-fsize", "rlimit-core"} {
		if !enforced(iso, want) {
			t.Errorf("Enforced = %v, lacks %q", iso.Enforced, want)
		}
	}
	if !iso.NetworkIsolated && !missingMentions(iso, "network") {
		t.Errorf("network not isolated, and Missing %v does not say so", iso.Missing)
	}
	if !iso.FilesystemConfined && !missingMentions(iso, "filesystem") {
		t.Errorf("filesystem not confined, and Missing %v does not say so", iso.Missing)
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 && !enforced(iso, "uid:65534") {
		t.Errorf("running as root, but Enforced = %v lacks uid:65534", iso.Enforced)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		args   []string
		check  func(t *testing.T, r Result)
	}{
		{
			name:   "endless loop hits wall time",
			limits: Limits{WallTime: time.Second, CPUTime: time.Minute},
			args:   []string{"spin"},
			check: func(t *testing.T, r Result) {
				if !r.TimedOut || !r.Killed {
					t.Errorf("TimedOut=%v Killed=%v, want both", r.TimedOut, r.Killed)
				}
				if r.Duration < time.Second || r.Duration > 10*time.Second {
					t.Errorf("Duration = %v, want just over 1s", r.Duration)
				}
			},
		},
		{
			name:   "idle command hits wall time",
			limits: Limits{WallTime: 300 * time.Millisecond},
			args:   []string{"sleep"},
			check: func(t *testing.T, r Result) {
				if !r.TimedOut || !r.Killed || r.ExitCode != -1 {
					t.Errorf("TimedOut=%v Killed=%v ExitCode=%d, want true true -1", r.TimedOut, r.Killed, r.ExitCode)
				}
			},
		},
		{
			name:   "endless loop hits CPU time",
			limits: Limits{WallTime: time.Minute, CPUTime: time.Second},
			args:   []string{"spin"},
			check: func(t *testing.T, r Result) {
				if r.TimedOut || !r.Killed {
					t.Errorf("TimedOut=%v Killed=%v, want false true", r.TimedOut, r.Killed)
				}
				if r.Duration > 30*time.Second {
					t.Errorf("Duration = %v, want about 2s of CPU", r.Duration)
				}
			},
		},
		{
			name:   "memory within the limit works",
			limits: Limits{MemoryBytes: 1 << 30},
			args:   []string{"alloc", strconv.Itoa(128 << 20)},
			check: func(t *testing.T, r Result) {
				if r.ExitCode != 0 || !strings.Contains(string(r.Output), "allocated") {
					t.Errorf("exit %d, output %q; a Go program should run in 1 GiB", r.ExitCode, r.Output)
				}
			},
		},
		{
			name:   "4 GiB memory hog fails",
			limits: Limits{MemoryBytes: 1 << 30},
			args:   []string{"alloc", strconv.FormatInt(4<<30, 10)},
			check: func(t *testing.T, r Result) {
				if r.ExitCode == 0 || strings.Contains(string(r.Output), "allocated") {
					t.Errorf("exit %d, output %.300q: the hog got its 4 GiB", r.ExitCode, r.Output)
				}
				if !strings.Contains(string(r.Output), "out of memory") {
					t.Errorf("output %.300q does not say out of memory", r.Output)
				}
			},
		},
		{
			name:   "100 MB of output is truncated at the cap",
			limits: Limits{MaxOutputBytes: 1 << 20},
			args:   []string{"output", strconv.Itoa(100 << 20)},
			check: func(t *testing.T, r Result) {
				if !r.OutputTruncated || !r.Killed || r.TimedOut {
					t.Errorf("OutputTruncated=%v Killed=%v TimedOut=%v, want true true false", r.OutputTruncated, r.Killed, r.TimedOut)
				}
				if len(r.Output) != 1<<20 {
					t.Errorf("kept %d bytes, want exactly 1 MiB", len(r.Output))
				}
			},
		},
		{
			name:   "large file hits the file size limit",
			limits: Limits{MaxFileBytes: 1 << 20},
			args:   []string{"bigfile", strconv.Itoa(8 << 20)},
			check: func(t *testing.T, r Result) {
				if r.ExitCode == 0 || !strings.Contains(string(r.Output), "file too large") {
					t.Errorf("exit %d, output %q, want a file too large error", r.ExitCode, r.Output)
				}
			},
		},
		{
			name:   "stdin reaches the command",
			limits: Limits{},
			args:   []string{"stdin"},
			check: func(t *testing.T, r Result) {
				if r.ExitCode != 0 || !strings.Contains(string(r.Output), "stdin: ping") {
					t.Errorf("exit %d, output %q", r.ExitCode, r.Output)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			res, err := Run(context.Background(), Cmd{Dir: dir, Path: hostileBin, Args: tt.args, Limits: tt.limits, Stdin: []byte("ping")})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, res)
			if fi, err := os.Stat(filepath.Join(dir, "big")); err == nil && fi.Size() > 1<<20 && tt.limits.MaxFileBytes == 1<<20 {
				t.Errorf("the command wrote a %d-byte file past the 1 MiB limit", fi.Size())
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	res, err := Run(context.Background(), Cmd{Dir: t.TempDir(), Path: "sh", Args: []string{"-c", "echo out; echo err >&2; exit 7"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 7 || res.Killed || res.TimedOut {
		t.Errorf("ExitCode=%d Killed=%v TimedOut=%v, want 7 false false", res.ExitCode, res.Killed, res.TimedOut)
	}
	if got := string(res.Output); got != "out\nerr\n" {
		t.Errorf("Output = %q, want stdout and stderr combined", got)
	}
}

// sleepToken is a sleep duration no other test run on this machine uses (60 or 300
// seconds and a few millionths), so hostileProcesses finds only this run's sleepers.
func sleepToken(whole int) string {
	return fmt.Sprintf("%d.%06d", whole, 1+rand.IntN(999998))
}

// hostileProcesses lists live processes of this test binary's sandboxes that carry
// marker among their arguments: this binary's hostile program (its path is unique to
// the run) or a sleeper started with a sleepToken. Other test runs on the machine, with
// their own sandboxes and sleepers, are not counted.
func hostileProcesses(t *testing.T, marker string) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to look for leftover processes: %v", err)
	}
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
		if slices.Contains(args, marker) && (args[0] == hostileBin || strings.Contains(args[0], "sleep")) {
			found = append(found, e.Name()+": "+strings.Join(args, " "))
		}
	}
	return found
}

func TestProcessLimit(t *testing.T) {
	iso := isolationHere(t)
	if !enforced(iso, "rlimit-nproc") && !enforced(iso, "cgroup-pids") {
		t.Skipf("no process limit here (Missing: %v); a spawner would not be stopped", iso.Missing)
	}
	t.Run("spawner is refused", func(t *testing.T) {
		token := sleepToken(60)
		res := runHostile(t, Limits{MaxProcesses: 32, WallTime: 20 * time.Second}, "spawn", token)
		m := regexp.MustCompile(`spawned (\d+), then: (.*)`).FindStringSubmatch(string(res.Output))
		if m == nil {
			t.Fatalf("exit %d, output %q: the spawner was never refused", res.ExitCode, res.Output)
		}
		if n, _ := strconv.Atoi(m[1]); n >= 32 {
			t.Errorf("spawned %d processes under a limit of 32", n)
		}
		if !strings.Contains(m[2], "resource temporarily unavailable") {
			t.Errorf("refused with %q, want EAGAIN", m[2])
		}
		if left := hostileProcesses(t, token); len(left) > 0 {
			t.Errorf("children outlived the command: %v", left)
		}
	})
	t.Run("fork bomb is capped and stops", func(t *testing.T) {
		res := runHostile(t, Limits{MaxProcesses: 32, WallTime: 3 * time.Second}, "forkbomb")
		// Either the bomb's first process dies of the cap (the Go runtime
		// cannot start a thread) or the deadline kills it.
		capped := strings.Contains(string(res.Output), "resource temporarily unavailable") || strings.Contains(string(res.Output), "errno=11")
		if res.ExitCode == 0 || !(capped || res.TimedOut) {
			t.Errorf("exit %d, TimedOut=%v, output %.500q: want the bomb stopped by the cap or the deadline", res.ExitCode, res.TimedOut, res.Output)
		}
		if res.Duration > 10*time.Second {
			t.Errorf("Duration = %v, want under the 3s deadline plus slack", res.Duration)
		}
		t.Logf("bomb ended after %v: exit %d, TimedOut=%v, first line %q", res.Duration, res.ExitCode, res.TimedOut, strings.SplitN(string(res.Output), "\n", 2)[0])
		if !enforced(res.Isolation, "pidns") {
			t.Skip("no PID namespace: stray bomb processes may survive; not checking")
		}
		if left := hostileProcesses(t, "forkbomb"); len(left) > 0 {
			t.Errorf("%d bomb processes outlived the command: %v", len(left), left)
		}
	})
}

func TestEscapedProcessIsKilled(t *testing.T) {
	token := sleepToken(300)
	res := runHostile(t, Limits{}, "escape", token)
	if res.ExitCode != 0 {
		t.Fatalf("exit %d, output %q", res.ExitCode, res.Output)
	}
	if !enforced(res.Isolation, "pidns") {
		if !missingMentions(res.Isolation, "processes") {
			t.Errorf("no PID namespace and Missing %v does not say so", res.Isolation.Missing)
		}
		t.Skip("no PID namespace here")
	}
	if left := hostileProcesses(t, token); len(left) > 0 {
		t.Errorf("a process that left the group outlived the command: %v", left)
	}
}

func TestSecretsAreDropped(t *testing.T) {
	const key = "sk-or-test-0123456789abcdef"
	t.Setenv("OPENROUTER_API_KEY", key)
	t.Setenv("ANTHROPIC_API_KEY", key)
	res, err := Run(context.Background(), Cmd{
		Dir:  t.TempDir(),
		Path: hostileBin,
		Args: []string{"env"},
		Env: []string{
			"OPENROUTER_API_KEY=" + key,
			"OPENAI_BASE_URL=https://example.invalid/" + key,
			"ANTHROPIC_X=" + key,
			"GITHUB_TOKEN=" + key,
			"aws_secret=" + key,
			"LIM_ENDPOINT_LOCAL=" + key,
			"LIM_SANDBOX_SHIM=1",
			"KEEP_ME=visible",
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	out := string(res.Output)
	if strings.Contains(out, key) {
		t.Errorf("the command saw the key:\n%s", out)
	}
	if strings.Contains(out, "LIM_SANDBOX_SHIM") {
		t.Errorf("the command saw the shim marker:\n%s", out)
	}
	for _, want := range []string{"KEEP_ME=visible", "PATH=", "HOME=", "TMPDIR="} {
		if !strings.Contains(out, want) {
			t.Errorf("environment lacks %s:\n%s", want, out)
		}
	}
	if lines := strings.Count(strings.TrimSpace(out), "\n") + 1; lines != 4 {
		t.Errorf("environment has %d variables, want PATH, HOME, TMPDIR, KEEP_ME only:\n%s", lines, out)
	}
	for _, name := range []string{"OPENROUTER_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_X", "GITHUB_TOKEN", "aws_secret", "LIM_ENDPOINT_LOCAL", "LIM_SANDBOX_SHIM"} {
		if !enforced(res.Isolation, "env-dropped:"+name) {
			t.Errorf("Enforced %v does not note dropping %s", res.Isolation.Enforced, name)
		}
	}
}

func TestNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	res := runHostile(t, Limits{}, "dial", ln.Addr().String())
	if !res.Isolation.NetworkIsolated {
		if !missingMentions(res.Isolation, "network") {
			t.Errorf("network not isolated and Missing %v does not say so", res.Isolation.Missing)
		}
		t.Skipf("no network namespace here: %v", res.Isolation.Missing)
	}
	if res.ExitCode == 0 || !strings.Contains(string(res.Output), "dial failed") {
		t.Errorf("exit %d, output %q: the command reached the host's listener", res.ExitCode, res.Output)
	}
	select {
	case <-accepted:
		t.Error("the listener accepted a connection from the sandbox")
	case <-time.After(100 * time.Millisecond):
	}
}

func TestPrivateLoopbackWorks(t *testing.T) {
	// Hidden tests may start an httptest server: loopback inside the
	// sandbox must work even though the host's is out of reach.
	res := runHostile(t, Limits{}, "loopback")
	if res.ExitCode != 0 || !strings.Contains(string(res.Output), "loopback ok") {
		t.Errorf("exit %d, output %q (Missing %v)", res.ExitCode, res.Output, res.Isolation.Missing)
	}
}

func TestWritesOutsideDirFail(t *testing.T) {
	dir := t.TempDir()
	other := t.TempDir()
	// A directory the sandbox user owns and can reach from the host's /tmp,
	// as another sandbox's Dir would be.
	victim, err := os.MkdirTemp("", "lim-sandbox-victim-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(victim)
	if os.Geteuid() == 0 {
		if err := os.Chown(victim, sandboxUID, sandboxUID); err != nil {
			t.Fatal(err)
		}
	}
	random := strconv.FormatInt(time.Now().UnixNano(), 36)
	targets := []string{
		filepath.Join(other, "pwned"),
		filepath.Join(victim, "pwned"),
		"/tmp/lim-sandbox-" + random,
		"/var/tmp/lim-sandbox-" + random,
		"/dev/shm/lim-sandbox-" + random,
		filepath.Join(filepath.Dir(dir), "pwned-"+random),
	}
	t.Cleanup(func() {
		for _, p := range targets {
			os.Remove(p)
		}
	})
	iso := isolationHere(t)
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			res, err := Run(context.Background(), Cmd{Dir: dir, Path: hostileBin, Args: []string{"write", target}})
			if err != nil {
				t.Fatal(err)
			}
			_, statErr := os.Stat(target)
			if res.ExitCode == 0 || statErr == nil {
				if !iso.FilesystemConfined && missingMentions(iso, "filesystem") {
					t.Skipf("filesystem not confined here, as Missing says: %v", iso.Missing)
				}
				t.Errorf("exit %d, output %q, file exists: %v", res.ExitCode, res.Output, statErr == nil)
			}
		})
	}
	t.Run("inside Dir works", func(t *testing.T) {
		target := filepath.Join(dir, "tmp", "fine")
		res, err := Run(context.Background(), Cmd{Dir: dir, Path: hostileBin, Args: []string{"write", target}})
		if err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(target); res.ExitCode != 0 || err != nil || !bytes.Equal(b, []byte("pwned\n")) {
			t.Errorf("exit %d, output %q, read back %q, %v", res.ExitCode, res.Output, b, err)
		}
	})
}

func TestUnsafeOptOut(t *testing.T) {
	tests := []struct {
		value  string
		unsafe bool
	}{
		{"1", true},
		{"0", false},
		{"true", false},
		{"yes", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run("value="+tt.value, func(t *testing.T) {
			t.Setenv(UnsafeEnv, tt.value)
			res := runHostile(t, Limits{WallTime: 500 * time.Millisecond}, "sleep")
			if !res.TimedOut || !res.Killed {
				t.Errorf("TimedOut=%v Killed=%v: the wall-time limit must hold even unsandboxed", res.TimedOut, res.Killed)
			}
			loud := len(res.Isolation.Missing) > 0 && strings.Contains(res.Isolation.Missing[0], UnsafeEnv)
			if loud != tt.unsafe {
				t.Errorf("Missing = %v; want an %s warning: %v", res.Isolation.Missing, UnsafeEnv, tt.unsafe)
			}
			if got := enforced(res.Isolation, "rlimit-as"); got == tt.unsafe {
				t.Errorf("Enforced = %v; rlimits applied = %v, want %v", res.Isolation.Enforced, got, !tt.unsafe)
			}
		})
	}
}

func TestSetupErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "data.txt")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cmd  Cmd
		want string
	}{
		{"no dir", Cmd{Path: hostileBin}, "Dir is required"},
		{"missing dir", Cmd{Dir: filepath.Join(dir, "nope"), Path: hostileBin}, "no such file"},
		{"root as dir", Cmd{Dir: "/", Path: hostileBin}, "system directory"},
		{"tmp as dir", Cmd{Dir: "/tmp", Path: hostileBin}, "system directory"},
		{"unknown program", Cmd{Dir: dir, Path: "no-such-program-lim"}, "not found"},
		{"not executable", Cmd{Dir: dir, Path: notExec}, "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.cmd)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Run error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestContextCancelKills(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	res, err := Run(ctx, Cmd{Dir: t.TempDir(), Path: hostileBin, Args: []string{"sleep"}})
	if err == nil || !res.Killed || res.TimedOut {
		t.Errorf("err=%v Killed=%v TimedOut=%v, want the context's error and a kill that is not a wall-time timeout", err, res.Killed, res.TimedOut)
	}
	if res.Duration > 5*time.Second {
		t.Errorf("Duration = %v, want about 300ms", res.Duration)
	}
}

func TestShimMarkerWithoutConfigurationRunsNothing(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := exec.Command(self, "-test.run=^TestExitCode$", "-test.v")
	c.Env = []string{shimMarker + "=" + shimVersion}
	out, err := c.CombinedOutput()
	if c.ProcessState == nil || c.ProcessState.ExitCode() != 125 {
		t.Errorf("exit %v, want 125 (the shim refusing); output %q", err, out)
	}
	if strings.Contains(string(out), "=== RUN") || !strings.Contains(string(out), "no configuration pipe") {
		t.Errorf("output %q: the marker alone must neither run tests nor a command", out)
	}
}

// TestNonRootCaller reruns the isolation tests as an ordinary user (uid
// 1000, via setpriv), the way a developer or CI runs lim, and logs the
// isolation an unprivileged caller gets.
func TestNonRootCaller(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds and reruns tests as another user; skipped with -short")
	}
	if runtime.GOOS != "linux" || os.Geteuid() != 0 || os.Getenv("LIM_SANDBOX_TEST_CHILD") != "" {
		t.Skip("needs root on Linux to switch to an ordinary user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// A copy of this test binary, and a home, that uid 1000 can use.
	base, err := os.MkdirTemp("", "lim-sandbox-nonroot-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "sandbox.test")
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	hostile := filepath.Join(base, "hostile")
	if data, err = os.ReadFile(hostileBin); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hostile, data, 0o755); err != nil {
		t.Fatal(err)
	}
	home := filepath.Join(base, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, 1000, 1000); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(setpriv, "--reuid=1000", "--regid=1000", "--clear-groups", bin,
		"-test.run=^(TestRunReportsIsolation|TestNoNetwork|TestWritesOutsideDirFail|TestSecretsAreDropped|TestProcessLimit|TestEscapedProcessIsKilled|TestNoNestedUserNamespaces)$", "-test.v", "-test.count=1")
	c.Dir = base
	c.Env = []string{"PATH=" + sandboxPATH, "HOME=" + home, "TMPDIR=/tmp",
		"LIM_SANDBOX_TEST_CHILD=1", "LIM_SANDBOX_TEST_HOSTILE=" + hostile}
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("as uid 1000: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "isolation here") || strings.HasPrefix(strings.TrimSpace(line), "--- SKIP") || strings.Contains(line, "sandbox_test.go") {
			t.Log(strings.TrimSpace(line))
		}
	}
}
