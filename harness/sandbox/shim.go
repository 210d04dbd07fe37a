//go:build unix

package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The shim is this package's init function running in a child that Run
// started from os.Executable() with shimMarker set. It reads its
// configuration from fd 3, reports on fd 4 (close-on-exec, so the parent
// sees end-of-file when the exec succeeds), confines itself and execs the
// command. Without the marker, init returns at once and nothing here runs.
//
// The marker carries no authority: the shim only lowers limits and drops
// privileges, so a sandboxed program that re-runs a lim binary with a
// crafted marker gains nothing it does not already have.
const shimMarker = "LIM_SANDBOX_SHIM"

// shimVersion must match between parent and shim (they are the same binary).
const shimVersion = "1"

const (
	shimConfigFD = 3
	shimStatusFD = 4
)

// canSetUID reports whether a root caller's command can run as sandboxUID.
const canSetUID = true

// shimConfig is what the parent tells the shim.
type shimConfig struct {
	Path   string
	Args   []string // argv, including argv[0]
	Env    []string
	Dir    string
	Limits Limits

	UID      int  // switch to this uid and gid; -1 keeps the caller's
	DropCaps bool // drop every capability (user namespace without a separate uid)
	NPROC    bool // apply RLIMIT_NPROC (only meaningful with a uid of its own)

	UserNS     bool     // in a new user namespace of its own
	Mounts     bool     // in a new mount namespace: confine the filesystem
	NewPID     bool     // in a new PID namespace: mount a fresh /proc
	NewNet     bool     // in a new network namespace: bring loopback up
	MountRoots []string // directories hidden behind an empty read-only tmpfs
	Binds      []bind   // paths made reachable at the same place
}

// shimReport is what the shim tells the parent: first the protections it
// applied, then, only if the exec fails, an error.
type shimReport struct {
	Enforced           []string `json:",omitempty"`
	Missing            []string `json:",omitempty"`
	NetworkIsolated    bool     `json:",omitempty"`
	FilesystemConfined bool     `json:",omitempty"`
	Error              string   `json:",omitempty"`
}

func (r *shimReport) enforce(s ...string) { r.Enforced = append(r.Enforced, s...) }
func (r *shimReport) miss(format string, a ...any) {
	r.Missing = append(r.Missing, fmt.Sprintf(format, a...))
}

func init() {
	if v, ok := os.LookupEnv(shimMarker); ok {
		shimMain(v)
	}
}

// shimMain never returns.
func shimMain(version string) {
	runtime.LockOSThread() // credentials, capabilities and exec are per thread
	os.Unsetenv(shimMarker)
	unix.CloseOnExec(shimStatusFD)
	status := os.NewFile(shimStatusFD, "sandbox-status")
	fail := func(format string, a ...any) {
		if status != nil {
			_ = json.NewEncoder(status).Encode(shimReport{Error: fmt.Sprintf(format, a...)})
		}
		fmt.Fprintf(os.Stderr, "lim sandbox shim: "+format+"\n", a...)
		os.Exit(125)
	}
	if version != shimVersion {
		fail("marker version %q, want %q", version, shimVersion)
	}
	var st unix.Stat_t
	if err := unix.Fstat(shimConfigFD, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		fail("no configuration pipe on fd %d", shimConfigFD)
	}
	unix.CloseOnExec(shimConfigFD)
	raw, err := io.ReadAll(os.NewFile(shimConfigFD, "sandbox-config"))
	if err != nil {
		fail("reading configuration: %v", err)
	}
	var cfg shimConfig
	if err := json.Unmarshal(raw, &cfg); err != nil {
		fail("decoding configuration: %v", err)
	}
	_ = unix.Close(shimConfigFD)

	var rep shimReport
	if err := confine(&cfg, &rep); err != nil {
		fail("%v", err)
	}
	if err := unix.Chdir(cfg.Dir); err != nil {
		fail("chdir %s: %v", cfg.Dir, err)
	}
	if err := applyLimits(&cfg, &rep); err != nil {
		fail("%v", err)
	}
	if err := dropPrivileges(&cfg, &rep); err != nil {
		fail("%v", err)
	}
	if err := json.NewEncoder(status).Encode(rep); err != nil {
		fail("writing report: %v", err)
	}
	// The address-space limit goes last: the shim itself may already use
	// more than the command is allowed.
	if asEnforced {
		if err := setLimit(unix.RLIMIT_AS, uint64(cfg.Limits.MemoryBytes), uint64(cfg.Limits.MemoryBytes)); err != nil {
			fail("RLIMIT_AS: %v", err)
		}
	}
	err = unix.Exec(cfg.Path, cfg.Args, cfg.Env)
	fail("exec %s: %v", cfg.Path, err)
}

// setLimit sets a resource limit, never above the current hard limit.
func setLimit(resource int, soft, hard uint64) error {
	var cur unix.Rlimit
	if err := unix.Getrlimit(resource, &cur); err != nil {
		return err
	}
	hard = min(hard, uint64(cur.Max))
	soft = min(soft, hard)
	cur.Cur, cur.Max = asRlim(soft, cur.Cur), asRlim(hard, cur.Max)
	return unix.Setrlimit(resource, &cur)
}

// asRlim converts v to the type of an Rlimit field on this OS.
func asRlim[T int64 | uint64](v uint64, _ T) T { return T(v) }

// applyLimits sets every rlimit but RLIMIT_AS.
func applyLimits(cfg *shimConfig, rep *shimReport) error {
	l := cfg.Limits
	cpu := uint64((l.CPUTime + 999_999_999) / 1_000_000_000) // whole seconds, rounded up
	limits := []struct {
		name       string
		res        int
		soft, hard uint64
		apply      bool
	}{
		// SIGXCPU at the soft limit (Go programs ignore it), SIGKILL one second later.
		{"rlimit-cpu", unix.RLIMIT_CPU, cpu, cpu + 1, true},
		{"rlimit-fsize", unix.RLIMIT_FSIZE, uint64(l.MaxFileBytes), uint64(l.MaxFileBytes), true},
		{"rlimit-core", unix.RLIMIT_CORE, 0, 0, true},
		{"rlimit-nproc", unix.RLIMIT_NPROC, uint64(l.MaxProcesses), uint64(l.MaxProcesses), cfg.NPROC},
	}
	for _, lim := range limits {
		if !lim.apply {
			continue
		}
		if err := setLimit(lim.res, lim.soft, lim.hard); err != nil {
			return fmt.Errorf("%s: %v", lim.name, err)
		}
		rep.enforce(lim.name)
	}
	if asEnforced {
		rep.enforce("rlimit-as")
	}
	return nil
}

// dropPrivileges switches to cfg.UID or drops capabilities, then sets
// no_new_privs where the system has it.
func dropPrivileges(cfg *shimConfig, rep *shimReport) error {
	if cfg.UID >= 0 {
		if err := dropBoundingSet(); err != nil {
			return fmt.Errorf("dropping capability bounding set: %v", err)
		}
		if err := unix.Setgroups(nil); err != nil {
			return fmt.Errorf("setgroups: %v", err)
		}
		if err := unix.Setgid(cfg.UID); err != nil {
			return fmt.Errorf("setgid %d: %v", cfg.UID, err)
		}
		if err := unix.Setuid(cfg.UID); err != nil {
			return fmt.Errorf("setuid %d: %v", cfg.UID, err)
		}
		if unix.Getuid() != cfg.UID || unix.Geteuid() != cfg.UID {
			return fmt.Errorf("setuid %d did not take", cfg.UID)
		}
		rep.enforce(fmt.Sprintf("uid:%d", cfg.UID))
	}
	return lockDown(cfg, rep)
}

// ownedBy reports whether fi belongs to uid and gid uid.
func ownedBy(fi os.FileInfo, uid int) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == uid && int(st.Gid) == uid
}

// searchable reports whether uid (with groups gids) may search directory fi.
func searchable(fi os.FileInfo, uid int, gids []int) bool {
	if uid == 0 {
		return true
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	perm := fi.Mode().Perm()
	if int(st.Uid) == uid {
		return perm&0o100 != 0
	}
	for _, g := range gids {
		if int(st.Gid) == g {
			return perm&0o010 != 0
		}
	}
	return perm&0o001 != 0
}

// hiddenDirs are world-writable directories every sandbox with a mount
// namespace hides behind an empty read-only tmpfs.
var hiddenDirs = []string{"/tmp", "/var/tmp", "/dev/shm"}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// errUnreachable marks a path the sandbox user cannot reach.
var errUnreachable = errors.New("not reachable")

// planMounts decides how each bind becomes reachable for uid/gids. With
// mounts, a bind below a hidden directory or below a directory uid cannot
// search gets that directory hidden behind a tmpfs and is bound back at its
// own path; without mounts such a bind is an error.
func planMounts(binds []bind, uid int, gids []int, mounts bool) (roots []string, err error) {
	if mounts {
		for _, h := range hiddenDirs {
			if fi, err := os.Stat(h); err == nil && fi.IsDir() {
				roots = append(roots, h)
			}
		}
	}
	for _, b := range binds {
		root := ""
		parts := strings.Split(strings.TrimPrefix(filepath.Clean(b.Path), "/"), "/")
		for i := 1; i < len(parts) && root == ""; i++ {
			anc := "/" + filepath.Join(parts[:i]...)
			for _, r := range roots {
				if anc == r {
					root = r
				}
			}
			if root != "" {
				break
			}
			fi, err := os.Stat(anc)
			if err != nil {
				return nil, fmt.Errorf("sandbox: %s: %w", anc, err)
			}
			if !searchable(fi, uid, gids) {
				if !mounts {
					return nil, fmt.Errorf("sandbox: %s is %w by uid %d: %s (mode %v) blocks it, "+
						"and without a mount namespace it cannot be exposed; put it under a world-searchable directory",
						b.Path, errUnreachable, uid, anc, fi.Mode().Perm())
				}
				root = anc
				roots = append(roots, anc)
			}
		}
	}
	return roots, nil
}

// shimPipes connects the parent to one shim.
type shimPipes struct {
	cfg              []byte
	cfgR, cfgW       *os.File
	statusR, statusW *os.File
}

func newShimPipes(cfg *shimConfig) (*shimPipes, error) {
	raw, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("sandbox: encoding shim configuration: %w", err)
	}
	sp := &shimPipes{cfg: raw}
	if sp.cfgR, sp.cfgW, err = os.Pipe(); err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	if sp.statusR, sp.statusW, err = os.Pipe(); err != nil {
		sp.closeAll()
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return sp, nil
}

// extraFiles become the shim's fds 3 and 4.
func (sp *shimPipes) extraFiles() []*os.File { return []*os.File{sp.cfgR, sp.statusW} }

func (sp *shimPipes) closeAll() {
	for _, f := range []*os.File{sp.cfgR, sp.cfgW, sp.statusR, sp.statusW} {
		if f != nil {
			f.Close()
		}
	}
}

// afterStart closes the child's ends and sends the configuration.
func (sp *shimPipes) afterStart() error {
	sp.cfgR.Close()
	sp.statusW.Close()
	go func() {
		_, _ = sp.cfgW.Write(sp.cfg) // a shim that died early is reported by readReport
		sp.cfgW.Close()
	}()
	return nil
}

// readReport reads the shim's report; it returns when the command has been
// exec'd (the status pipe closes) or the shim has failed.
func (sp *shimPipes) readReport() (shimReport, error) {
	defer sp.statusR.Close()
	var all shimReport
	got := false
	dec := json.NewDecoder(sp.statusR)
	for {
		var r shimReport
		if err := dec.Decode(&r); err != nil {
			if !errors.Is(err, io.EOF) {
				return all, fmt.Errorf("sandbox: reading shim report: %w", err)
			}
			break
		}
		if r.Error != "" {
			return all, fmt.Errorf("sandbox: setting up: %s", r.Error)
		}
		all, got = r, true
	}
	if !got {
		return all, errors.New("sandbox: the shim ended before starting the command")
	}
	return all, nil
}

// groupAttr starts a command as the leader of a new process group.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killedByLimit reports whether the command died of a signal a limit sends:
// RLIMIT_CPU ends in SIGKILL (after SIGXCPU), RLIMIT_FSIZE sends SIGXFSZ.
func killedByLimit(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return false
	}
	switch ws.Signal() {
	case syscall.SIGKILL, syscall.SIGXCPU, syscall.SIGXFSZ:
		return true
	}
	return false
}
