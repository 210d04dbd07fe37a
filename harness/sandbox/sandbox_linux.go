package sandbox

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// asEnforced reports whether the kernel enforces RLIMIT_AS.
const asEnforced = true

// nsMode is how much namespace isolation a Run attempts; a mode the kernel
// refuses is remembered and the next weaker one tried.
type nsMode int

const (
	// modeUserNS: new user, mount, network, PID, IPC and UTS namespaces.
	// The user namespace makes RLIMIT_NPROC count only this sandbox's
	// processes, and lets a non-root caller create the other namespaces.
	modeUserNS nsMode = iota
	// modeNS: the same without a user namespace (root only).
	modeNS
	// modeNone: no namespaces; rlimits and, for root, uid 65534 only.
	modeNone
)

var nsState struct {
	sync.Mutex
	mode    nsMode
	refused map[nsMode]string // why a mode was refused
}

const baseClone = unix.CLONE_NEWNS | unix.CLONE_NEWNET | unix.CLONE_NEWPID | unix.CLONE_NEWIPC | unix.CLONE_NEWUTS

func run(ctx context.Context, p *plan) (Result, error) {
	if p.unsafe {
		return runUnsafe(ctx, p)
	}
	nsState.Lock()
	mode := nsState.mode
	nsState.Unlock()
	root := os.Geteuid() == 0
	for {
		if mode == modeNS && !root {
			mode = modeNone
		}
		res, err := runMode(ctx, p, mode)
		if err == nil || mode == modeNone || !namespaceRefused(err) {
			return res, err
		}
		nsState.Lock()
		if nsState.refused == nil {
			nsState.refused = map[nsMode]string{}
		}
		nsState.refused[mode] = errnoText(err)
		if nsState.mode <= mode {
			nsState.mode = mode + 1
		}
		nsState.Unlock()
		mode++
	}
}

// namespaceRefused reports whether starting the shim failed because the
// kernel refused to create a namespace or write an id map.
func namespaceRefused(err error) bool {
	for _, e := range []error{unix.EPERM, unix.EACCES, unix.EINVAL, unix.ENOSPC, unix.EUSERS, unix.ENOSYS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// errnoText renders err as "not permitted (EPERM)".
func errnoText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("%s (%s)", errno.Error(), unix.ErrnoName(errno))
	}
	return err.Error()
}

func refusedReason(m nsMode) string {
	nsState.Lock()
	defer nsState.Unlock()
	if r, ok := nsState.refused[m]; ok {
		return r
	}
	if m == modeNS && os.Geteuid() != 0 {
		return "needs root"
	}
	return "not attempted"
}

// runMode starts the shim with the namespaces of mode.
func runMode(ctx context.Context, p *plan, mode nsMode) (Result, error) {
	uid, gid := os.Getuid(), os.Getgid()
	root := os.Geteuid() == 0
	targetUID := uid
	gids, _ := os.Getgroups()
	gids = append(gids, gid)
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
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	iso := Isolation{Enforced: slices.Clone(p.enforced), Missing: slices.Clone(p.missing)}
	switch mode {
	case modeUserNS:
		attr.Cloneflags = unix.CLONE_NEWUSER | baseClone
		if root {
			// Inside root is host root (so the shim can reach every path it
			// must mount) and 65534 is 65534; the shim switches to 65534.
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: sandboxUID, HostID: sandboxUID, Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1}, {ContainerID: sandboxUID, HostID: sandboxUID, Size: 1}}
			attr.GidMappingsEnableSetgroups = true
		} else {
			// Only the caller's own ids can be mapped: the shim runs as
			// namespace root and drops every capability before the exec.
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: uid, Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: gid, Size: 1}}
			cfg.DropCaps = true
		}
		cfg.NPROC, cfg.UserNS = true, true
		iso.Enforced = append(iso.Enforced, "userns")
	case modeNS:
		attr.Cloneflags = baseClone
		cfg.NPROC = p.uid >= 0
		iso.Missing = append(iso.Missing, "processes: no user namespace ("+refusedReason(modeUserNS)+
			"): RLIMIT_NPROC counts every process of uid 65534 on this host, so concurrent sandboxes share the cap")
	case modeNone:
		cfg.NPROC = p.uid >= 0
		why := refusedReason(modeNS)
		if !root {
			why = refusedReason(modeUserNS)
		}
		iso.Missing = append(iso.Missing,
			"network: new network namespace not permitted: "+why+"; the command can reach the network",
			"filesystem: no mount namespace ("+why+"); the command can write wherever uid "+strconv.Itoa(targetUID)+" can, including /tmp",
			"processes: no PID namespace ("+why+"); a process that leaves the process group can outlive the command")
		if p.uid >= 0 {
			iso.Missing = append(iso.Missing, "processes: RLIMIT_NPROC counts every process of uid 65534 on this host, so concurrent sandboxes share the cap")
		} else {
			iso.Missing = append(iso.Missing, "processes: RLIMIT_NPROC not set: it would count every process of uid "+strconv.Itoa(uid)+", not only the command's")
		}
	}
	if attr.Cloneflags != 0 {
		cfg.Mounts, cfg.NewPID, cfg.NewNet = true, true, true
		iso.Enforced = append(iso.Enforced, "mountns", "netns", "pidns", "ipcns", "utsns")
	}

	binds := []bind{{Path: p.cmd.Dir, Writable: true}}
	if !within(p.path, p.cmd.Dir) {
		binds = append(binds, bind{Path: p.path})
	}
	for _, b := range p.cmd.binds {
		if !within(b.Path, p.cmd.Dir) {
			binds = append(binds, b)
		}
	}
	slices.SortFunc(binds, func(a, b bind) int { return strings.Compare(a.Path, b.Path) })
	roots, err := planMounts(binds, targetUID, gids, cfg.Mounts)
	if err != nil {
		return Result{}, err
	}
	cfg.Binds, cfg.MountRoots = binds, roots

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
		SysProcAttr: attr,
	}
	res, err := supervise(ctx, p, c, sp, iso)
	if err != nil && c.Process == nil {
		return res, fmt.Errorf("sandbox: starting shim: %w", err)
	}
	return res, err
}

// killGroup kills the process group led by pid, and pid itself; in a PID
// namespace, killing its init (pid) kills everything inside.
func killGroup(pid int) {
	_ = unix.Kill(-pid, unix.SIGKILL)
	_ = unix.Kill(pid, unix.SIGKILL)
}

// waitNoReap waits for pid to exit without reaping it, so its pid and
// process group id stay reserved until exec.Cmd.Wait reaps it.
func waitNoReap(pid int) {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return
		}
	}
}

// confine runs in the shim, as root of its namespaces, before the exec.
func confine(cfg *shimConfig, rep *shimReport) error {
	if cfg.NewNet {
		if err := loopbackUp(); err != nil {
			rep.miss("network: private loopback left down: %v", err)
		}
		rep.NetworkIsolated = true
	}
	if cfg.Mounts {
		return confineMounts(cfg, rep)
	}
	return nil
}

// loopbackUp brings up lo in the new network namespace, so the command can
// use 127.0.0.1 among its own processes (httptest servers) and nothing else.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// confineMounts makes every mount read-only, hides the world-writable and
// unreachable directories behind empty read-only tmpfs mounts, mounts a
// fresh /proc, and binds Dir (writable) and the other binds back in.
func confineMounts(cfg *shimConfig, rep *shimReport) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		rep.miss("filesystem: cannot make mounts private (%v), so the mount namespace is left unchanged", err)
		return bindsReachableAnyway(cfg)
	}
	// Open every bind source before anything is mounted over it.
	fds := make([]int, len(cfg.Binds))
	for i, b := range cfg.Binds {
		fd, err := unix.Open(b.Path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("opening %s: %v", b.Path, err)
		}
		fds[i] = fd
	}
	readOnly := true
	if err := readOnlyEverywhere(); err != nil {
		readOnly = false
		rep.miss("filesystem: cannot make mounts read-only (%v); writes are limited only by file permissions", err)
	}
	if cfg.NewPID {
		if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			rep.miss("processes: host /proc still visible, fresh mount refused (%v)", err)
		} else {
			rep.enforce("fresh-proc")
		}
	}
	if cfg.UserNS {
		// The limit belongs to this sandbox's user namespace; nested ones
		// are kernel attack surface the command does not need.
		if err := os.WriteFile("/proc/sys/user/max_user_namespaces", []byte("0\n"), 0); err != nil {
			rep.miss("namespaces: the command may create nested user namespaces (%v)", err)
		} else {
			rep.enforce("no-nested-userns")
		}
	}
	hidden := true
	for _, r := range cfg.MountRoots {
		if err := unix.Mount("tmpfs", r, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=256k,nr_inodes=4096"); err != nil {
			if slices.Contains(hiddenDirs, r) {
				hidden = false
				rep.miss("filesystem: %s of the host stays visible (%v)", r, err)
				continue
			}
			return fmt.Errorf("hiding %s: %v", r, err)
		}
	}
	for i, b := range cfg.Binds {
		if err := bindBack(b, fds[i], cfg.MountRoots, readOnly); err != nil {
			return err
		}
		_ = unix.Close(fds[i])
	}
	for _, r := range cfg.MountRoots {
		_ = setReadOnly(r, true)
	}
	if hidden {
		rep.enforce("private-tmp")
	}
	if readOnly {
		rep.enforce("readonly-root")
		rep.FilesystemConfined = true
	}
	return nil
}

// bindsReachableAnyway fails when a bind would have needed a mount.
func bindsReachableAnyway(cfg *shimConfig) error {
	for _, b := range cfg.Binds {
		for _, r := range cfg.MountRoots {
			if within(b.Path, r) && !slices.Contains(hiddenDirs, r) {
				return fmt.Errorf("%s is reachable only through a mount, and mounts are refused", b.Path)
			}
		}
	}
	return nil
}

// bindBack makes b reachable at its own path: created inside the tmpfs that
// hides its ancestor if there is one, then bind-mounted from fd.
func bindBack(b bind, fd int, roots []string, readOnly bool) error {
	var root string
	for _, r := range roots {
		if within(b.Path, r) && len(r) > len(root) {
			root = r
		}
	}
	if root == "" && (!b.Writable || !readOnly) {
		return nil // reachable, and already as writable as it should be
	}
	if root != "" {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return fmt.Errorf("stat %s: %v", b.Path, err)
		}
		isDir := st.Mode&unix.S_IFMT == unix.S_IFDIR
		parent := b.Path
		if !isDir {
			parent = filepath.Dir(b.Path)
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return fmt.Errorf("making mount point for %s: %v", b.Path, err)
		}
		if !isDir {
			f, err := os.OpenFile(b.Path, os.O_CREATE|os.O_RDONLY, 0o444)
			if err != nil {
				return fmt.Errorf("making mount point for %s: %v", b.Path, err)
			}
			f.Close()
		}
	}
	src := "/proc/self/fd/" + strconv.Itoa(fd)
	if err := unix.Mount(src, b.Path, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("binding %s: %v", b.Path, err)
	}
	if err := setReadOnly(b.Path, !b.Writable); err != nil {
		return fmt.Errorf("setting flags on %s: %v", b.Path, err)
	}
	return nil
}

// readOnlyEverywhere makes every mount in this namespace read-only and nosuid.
func readOnlyEverywhere() error {
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID}
	err := unix.MountSetattr(-1, "/", unix.AT_RECURSIVE, attr)
	if err != unix.ENOSYS {
		return err
	}
	// Kernels before 5.12: remount each mount point, deepest first.
	points, err := mountPoints()
	if err != nil {
		return err
	}
	for i := len(points) - 1; i >= 0; i-- {
		if err := setReadOnly(points[i], true); err != nil && err != unix.ENOENT && err != unix.EACCES {
			return fmt.Errorf("%s: %v", points[i], err)
		}
	}
	return nil
}

// setReadOnly sets or clears read-only (and sets nosuid, nodev) on the mount at path.
func setReadOnly(path string, ro bool) error {
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if ro {
		attr.Attr_set |= unix.MOUNT_ATTR_RDONLY
	} else {
		attr.Attr_clr = unix.MOUNT_ATTR_RDONLY
	}
	err := unix.MountSetattr(-1, path, 0, attr)
	if err != unix.ENOSYS {
		return err
	}
	var sfs unix.Statfs_t
	if err := unix.Statfs(path, &sfs); err != nil {
		return err
	}
	// Keep the flags a user namespace may have locked (the ST_ and MS_ values agree).
	keep := uintptr(sfs.Flags) & (unix.MS_NOEXEC | unix.MS_NOATIME | unix.MS_NODIRATIME | unix.MS_RELATIME)
	flags := unix.MS_REMOUNT | unix.MS_BIND | unix.MS_NOSUID | keep
	if uintptr(sfs.Flags)&unix.ST_NODEV != 0 || !ro {
		flags |= unix.MS_NODEV
	}
	if ro {
		flags |= unix.MS_RDONLY
	}
	return unix.Mount("", path, "", flags, "")
}

// mountPoints lists this namespace's mount points from /proc/self/mountinfo.
func mountPoints() ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 4 {
			points = append(points, unescapeMountinfo(fields[4]))
		}
	}
	return points, sc.Err()
}

// unescapeMountinfo undoes mountinfo's octal escapes (\040 for a space).
func unescapeMountinfo(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// lockDown runs in the shim after the uid switch: it drops capabilities
// when asked, sets no_new_privs (no setuid binary can raise privileges
// again) and re-arms the parent-death signal, which a uid change clears.
func lockDown(cfg *shimConfig, rep *shimReport) error {
	if cfg.DropCaps {
		if err := dropAllCaps(); err != nil {
			return fmt.Errorf("dropping capabilities: %v", err)
		}
		rep.enforce("no-capabilities")
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %v", err)
	}
	rep.enforce("no-new-privs")
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGKILL), 0, 0, 0); err != nil {
		return fmt.Errorf("pdeathsig: %v", err)
	}
	return nil
}

// dropBoundingSet empties this thread's capability bounding set, so
// nothing it execs can ever hold a capability.
func dropBoundingSet() error {
	last := unix.CAP_LAST_CAP
	if b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			last = n
		}
	}
	for c := 0; c <= last; c++ {
		if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil && err != unix.EINVAL {
			return err
		}
	}
	return nil
}

// dropAllCaps leaves this thread, and whatever it execs, with no
// capabilities: root in the user namespace no longer implies any.
func dropAllCaps() error {
	if err := dropBoundingSet(); err != nil {
		return fmt.Errorf("bounding set: %v", err)
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		return fmt.Errorf("ambient set: %v", err)
	}
	// linux/securebits.h: NOROOT, NO_SETUID_FIXUP, KEEP_CAPS and
	// NO_CAP_AMBIENT_RAISE are bits 0, 2, 4 and 6; each one's lock is the next bit.
	const (
		noRoot, noRootLocked            = 1 << 0, 1 << 1
		noSetuidFixup, noSetuidLocked   = 1 << 2, 1 << 3
		keepCapsLocked                  = 1 << 5
		noAmbientRaise, noAmbientLocked = 1 << 6, 1 << 7
	)
	bits := noRoot | noRootLocked | noSetuidFixup | noSetuidLocked | keepCapsLocked | noAmbientRaise | noAmbientLocked
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, uintptr(bits), 0, 0, 0); err != nil {
		return fmt.Errorf("securebits: %v", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	return unix.Capset(&hdr, &data[0])
}
