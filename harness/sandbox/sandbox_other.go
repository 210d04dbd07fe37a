//go:build unix && !linux

package sandbox

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// asEnforced reports whether the kernel enforces RLIMIT_AS: macOS accepts
// some values and enforces none.
const asEnforced = runtime.GOOS != "darwin"

// run starts the shim without namespaces, which this OS does not have: the
// command gets rlimits and, for a root caller, uid 65534.
func run(ctx context.Context, p *plan) (Result, error) {
	if p.unsafe {
		return runUnsafe(ctx, p)
	}
	uid := os.Getuid()
	targetUID := uid
	gids, _ := os.Getgroups()
	gids = append(gids, os.Getgid())
	if p.uid >= 0 {
		targetUID, gids = p.uid, []int{p.uid}
	}
	cfg := &shimConfig{
		Path:   p.path,
		Args:   append([]string{p.cmd.Path}, p.cmd.Args...),
		Env:    p.env,
		Dir:    p.cmd.Dir,
		Limits: p.cmd.Limits,
		UID:    p.uid,
		NPROC:  p.uid >= 0,
	}
	iso := Isolation{Enforced: slices.Clone(p.enforced), Missing: slices.Clone(p.missing)}
	iso.Missing = append(iso.Missing,
		"network: "+runtime.GOOS+" has no network namespaces; the command can reach the network",
		"filesystem: "+runtime.GOOS+" has no mount namespaces; the command can write wherever uid "+strconv.Itoa(targetUID)+" can",
		"processes: no PID namespace on "+runtime.GOOS+"; a process that leaves the process group can outlive the command")
	if !asEnforced {
		iso.Missing = append(iso.Missing, "memory: "+runtime.GOOS+" does not enforce RLIMIT_AS; no memory limit")
	}
	if p.uid >= 0 {
		iso.Missing = append(iso.Missing, "processes: RLIMIT_NPROC counts every process of uid 65534 on this host, so concurrent sandboxes share the cap")
	} else {
		iso.Missing = append(iso.Missing, "processes: RLIMIT_NPROC not set: it would count every process of uid "+strconv.Itoa(uid)+", not only the command's")
	}
	binds := []bind{{Path: p.cmd.Dir, Writable: true}, {Path: p.path}}
	binds = append(binds, p.cmd.binds...)
	if _, err := planMounts(binds, targetUID, gids, false); err != nil {
		return Result{}, err
	}
	sp, err := newShimPipes(cfg)
	if err != nil {
		return Result{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return Result{}, fmt.Errorf("sandbox: finding own executable for the shim: %w", err)
	}
	c := &exec.Cmd{
		Path:        self,
		Args:        []string{"lim-sandbox-shim"},
		Env:         []string{shimMarker + "=" + shimVersion},
		Dir:         "/",
		ExtraFiles:  sp.extraFiles(),
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true},
	}
	res, err := supervise(ctx, p, c, sp, iso)
	if err != nil && c.Process == nil {
		return res, fmt.Errorf("sandbox: starting shim: %w", err)
	}
	return res, err
}

func killGroup(pid int) {
	_ = unix.Kill(-pid, unix.SIGKILL)
	_ = unix.Kill(pid, unix.SIGKILL)
}

// waitNoReap is a no-op here: without waitid(WNOWAIT) a kill racing the
// reap could, in principle, hit a recycled process group id.
func waitNoReap(pid int) {}

func dropBoundingSet() error { return nil }

func confine(cfg *shimConfig, rep *shimReport) error { return nil }

func lockDown(cfg *shimConfig, rep *shimReport) error { return nil }
