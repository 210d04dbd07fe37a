// Package sandbox runs untrusted, model-generated code with limits on time,
// memory, processes, output, file size, network and filesystem access.
//
// On Linux, Run re-executes the current binary as a small shim (see shim.go)
// inside new user, mount, network, PID, IPC and UTS namespaces; the shim
// makes every mount read-only except the command's directory, hides /tmp,
// /var/tmp and /dev/shm behind empty read-only tmpfs mounts, applies
// rlimits, drops to uid/gid 65534 (or, for a non-root caller, drops every
// capability) and execs the command. Where a protection cannot be had, Run
// degrades and says so in Result.Isolation.Missing, so a stored result
// records honestly what was enforced. On other systems only rlimits apply.
//
// The shim is triggered by an environment marker checked in this package's
// init function, so any binary that imports the package (a test binary, the
// lim CLI) can serve as the shim.
package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// UnsafeEnv names the environment variable that turns the sandbox off. Only
// the exact value "1" does so: Run then keeps the wall-time limit, the output
// cap and the scrubbed environment, applies nothing else, and says so in
// Isolation.Missing.
const UnsafeEnv = "LIM_UNSAFE_NO_SANDBOX"

// sandboxUID is the uid and gid a root caller's command runs as (nobody).
const sandboxUID = 65534

// Defaults for a zero Limits field.
const (
	DefaultWallTime       = 60 * time.Second
	DefaultMemoryBytes    = 2 << 30
	DefaultMaxProcesses   = 32
	DefaultMaxOutputBytes = 1 << 20
	DefaultMaxFileBytes   = 64 << 20
)

// Limits bounds one sandboxed command. A zero field takes its default.
type Limits struct {
	WallTime time.Duration // default 60s
	CPUTime  time.Duration // CPU seconds per process (RLIMIT_CPU); default: WallTime
	// MemoryBytes is the address-space limit per process (RLIMIT_AS),
	// default 2 GiB. It counts reserved, not used, memory: a Go 1.26
	// program on amd64 reserves about 650 MiB before main runs, so a Go
	// command needs at least 1 GiB here and gets roughly MemoryBytes-650MiB
	// of heap.
	MemoryBytes    int64
	MaxProcesses   int   // processes and threads the command may have at once, default 32
	MaxOutputBytes int64 // stdout+stderr kept, default 1 MiB; exceeding it kills the command
	MaxFileBytes   int64 // largest file it may write (RLIMIT_FSIZE), default 64 MiB
}

// withDefaults returns l with every zero field set to its default.
func (l Limits) withDefaults() Limits {
	if l.WallTime <= 0 {
		l.WallTime = DefaultWallTime
	}
	if l.CPUTime <= 0 {
		l.CPUTime = l.WallTime
	}
	if l.MemoryBytes <= 0 {
		l.MemoryBytes = DefaultMemoryBytes
	}
	if l.MaxProcesses <= 0 {
		l.MaxProcesses = DefaultMaxProcesses
	}
	if l.MaxOutputBytes <= 0 {
		l.MaxOutputBytes = DefaultMaxOutputBytes
	}
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	return l
}

// Cmd describes one command to run in the sandbox.
type Cmd struct {
	// Dir is the working directory. It must be a directory the caller
	// created for this command (t.TempDir, os.MkdirTemp): Run hands it to the
	// sandbox user, and the command may write only here (HOME is Dir/home,
	// TMPDIR is Dir/tmp).
	Dir string
	// Path is the program: absolute, relative to Dir, or a bare name looked
	// up in the sandbox's PATH.
	Path string
	// Args are the arguments after the program name.
	Args []string
	// Env holds extra KEY=value variables. The command starts from an empty
	// environment plus PATH, HOME=Dir/home and TMPDIR=Dir/tmp; variables that
	// look like credentials (*_API_KEY, *_TOKEN, *_SECRET, OPENROUTER_*,
	// OPENAI_*, ANTHROPIC_*, LIM_ENDPOINT_*) are dropped and named in
	// Isolation.Enforced as "env-dropped:NAME".
	Env []string
	// Stdin is the command's standard input.
	Stdin []byte
	// Limits bounds the command; zero fields take defaults.
	Limits Limits

	// binds are further paths the command needs (GoTest's build cache and
	// GOROOT); Dir and Path are always made reachable.
	binds []bind
}

// bind is a host path made reachable inside the sandbox at the same path.
type bind struct {
	Path     string
	Writable bool
}

// Result is what a sandboxed command did.
type Result struct {
	ExitCode        int           // exit status; -1 when it ended by a signal
	Output          []byte        // combined stdout+stderr, at most MaxOutputBytes
	OutputTruncated bool          // output exceeded MaxOutputBytes (the command was killed)
	TimedOut        bool          // wall-clock limit hit
	Killed          bool          // killed for any limit (wall time, output, CPU time, file size)
	Duration        time.Duration // wall-clock time from start to exit
	Isolation       Isolation     // what was actually enforced on this OS
}

// Isolation reports which protections were in force, so a stored result
// says so honestly.
type Isolation struct {
	NetworkIsolated    bool     // new network namespace (Linux): only a private loopback, no other network
	FilesystemConfined bool     // writes outside Dir impossible
	Enforced           []string // e.g. "netns", "uid:65534", "rlimit-as", "rlimit-cpu", "rlimit-nproc", ...
	Missing            []string // what could not be enforced here and why
}

// Run runs cmd in the sandbox and waits for it. The error reports only a
// sandbox set-up failure (or ctx ending); a command that fails, crashes or
// is killed for a limit is described by the Result.
func Run(ctx context.Context, cmd Cmd) (Result, error) {
	cmd.Limits = cmd.Limits.withDefaults()
	if cmd.Dir == "" {
		return Result{}, errors.New("sandbox: Cmd.Dir is required")
	}
	if cmd.Path == "" {
		return Result{}, errors.New("sandbox: Cmd.Path is required")
	}
	dir, err := checkDir(cmd.Dir)
	if err != nil {
		return Result{}, err
	}
	cmd.Dir = dir
	env, dropped := buildEnv(cmd.Dir, cmd.Env)
	path, err := resolvePath(cmd.Dir, cmd.Path, env)
	if err != nil {
		return Result{}, err
	}
	p := plan{cmd: cmd, path: path, env: env}
	for _, name := range dropped {
		p.enforced = append(p.enforced, "env-dropped:"+name)
	}
	if os.Getenv(UnsafeEnv) == "1" {
		p.unsafe = true
		p.missing = append(p.missing, "EVERYTHING: "+UnsafeEnv+"=1, so the command ran unsandboxed: "+
			"caller's uid, network and filesystem; only wall time, output cap and environment scrubbing applied")
	}
	if err := prepareDirs(&p); err != nil {
		return Result{}, err
	}
	return run(ctx, &p)
}

// plan is one Run call after validation.
type plan struct {
	cmd      Cmd
	path     string   // resolved program path
	env      []string // the command's full environment
	unsafe   bool
	uid      int      // uid the command runs as, -1 for the caller's
	enforced []string // notes made by the parent
	missing  []string
}

// checkDir validates Dir and returns its absolute path with symlinks resolved.
func checkDir(d string) (string, error) {
	abs, err := filepath.Abs(d)
	if err != nil {
		return "", fmt.Errorf("sandbox: Dir: %w", err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("sandbox: Dir: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("sandbox: Dir: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("sandbox: Dir %s is not a directory", real)
	}
	switch real {
	case "/", "/tmp", "/var/tmp", "/dev/shm", "/dev", "/proc", "/sys", "/etc", "/usr", "/var", "/home", "/root":
		return "", fmt.Errorf("sandbox: Dir %s is a system directory; give each command a directory of its own", real)
	}
	if home, err := os.UserHomeDir(); err == nil && real == filepath.Clean(home) {
		return "", fmt.Errorf("sandbox: Dir %s is the home directory; give each command a directory of its own", real)
	}
	return real, nil
}

// isSecretName reports whether an environment variable name looks like a
// credential or endpoint configuration that untrusted code must not see.
func isSecretName(name string) bool {
	u := strings.ToUpper(name)
	for _, s := range []string{"_API_KEY", "_TOKEN", "_SECRET"} {
		if strings.HasSuffix(u, s) {
			return true
		}
	}
	for _, p := range []string{"OPENROUTER_", "OPENAI_", "ANTHROPIC_", "LIM_ENDPOINT_"} {
		if strings.HasPrefix(u, p) {
			return true
		}
	}
	return u == shimMarker
}

// sandboxPATH is the PATH every command starts with.
const sandboxPATH = "/usr/local/bin:/usr/bin:/bin"

// buildEnv returns the command's environment: PATH, HOME, TMPDIR and the
// extra variables, later entries overriding earlier ones, and the names of
// the variables dropped as secrets.
func buildEnv(dir string, extra []string) (env, dropped []string) {
	base := []string{
		"PATH=" + sandboxPATH,
		"HOME=" + filepath.Join(dir, "home"),
		"TMPDIR=" + filepath.Join(dir, "tmp"),
	}
	index := map[string]int{}
	for _, kv := range append(base, extra...) {
		name, _, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			continue
		}
		if isSecretName(name) {
			dropped = append(dropped, name)
			continue
		}
		if i, seen := index[name]; seen {
			env[i] = kv
			continue
		}
		index[name] = len(env)
		env = append(env, kv)
	}
	return env, dropped
}

// resolvePath turns Cmd.Path into an absolute path with symlinks resolved.
func resolvePath(dir, p string, env []string) (string, error) {
	if !strings.Contains(p, "/") {
		search := sandboxPATH
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "PATH="); ok {
				search = v
			}
		}
		for _, d := range filepath.SplitList(search) {
			if !filepath.IsAbs(d) {
				continue
			}
			c := filepath.Join(d, p)
			if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				p = c
				break
			}
		}
		if !strings.Contains(p, "/") {
			return "", fmt.Errorf("sandbox: %q not found in PATH %s", p, search)
		}
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("sandbox: Path: %w", err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("sandbox: Path: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("sandbox: Path %s is not a regular file", real)
	}
	return real, nil
}

// prepareDirs creates Dir/home and Dir/tmp and, when the command will run as
// the sandbox uid, hands Dir and everything in it to that uid. Dir may hold
// what an earlier sandboxed command left (GoTest runs three in one Dir), so
// every operation goes through os.Root and never follows a symlink out.
func prepareDirs(p *plan) error {
	p.uid = -1
	if !p.unsafe && os.Geteuid() == 0 && canSetUID {
		p.uid = sandboxUID
	}
	root, err := os.OpenRoot(p.cmd.Dir)
	if err != nil {
		return fmt.Errorf("sandbox: opening Dir: %w", err)
	}
	defer root.Close()
	for _, sub := range []string{"home", "tmp"} {
		if err := root.Mkdir(sub, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("sandbox: preparing Dir: %w", err)
		}
	}
	if p.uid < 0 {
		return nil
	}
	err = fs.WalkDir(root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && ownedBy(info, sandboxUID) {
			return nil
		}
		return root.Lchown(path, sandboxUID, sandboxUID)
	})
	if err != nil {
		return fmt.Errorf("sandbox: handing Dir to uid %d: %w", sandboxUID, err)
	}
	for _, b := range p.cmd.binds {
		if b.Writable {
			if err := os.Lchown(b.Path, sandboxUID, sandboxUID); err != nil {
				return fmt.Errorf("sandbox: handing %s to uid %d: %w", b.Path, sandboxUID, err)
			}
		}
	}
	return nil
}

// capWriter keeps the first max bytes written to it and calls full once
// when more arrive.
type capWriter struct {
	mu        sync.Mutex
	buf       []byte
	max       int64
	truncated bool
	full      func()
}

func (w *capWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	room := w.max - int64(len(w.buf))
	over := int64(len(b)) > room
	if over {
		w.buf = append(w.buf, b[:max(room, 0)]...)
	} else {
		w.buf = append(w.buf, b...)
	}
	first := over && !w.truncated
	if over {
		w.truncated = true
	}
	w.mu.Unlock()
	if first {
		w.full()
	}
	return len(b), nil // keep draining so the command never blocks on a full pipe
}

func (w *capWriter) result() ([]byte, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]byte(nil), w.buf...), w.truncated
}

// waitDelay bounds how long Run waits for the output pipe to close after the
// command exits (a stray process may hold it open).
const waitDelay = 2 * time.Second

// runUnsafe runs the command directly, with only the wall-time limit, the
// output cap and the scrubbed environment.
func runUnsafe(ctx context.Context, p *plan) (Result, error) {
	c := exec.Command(p.path, p.cmd.Args...)
	c.Args[0] = p.cmd.Path
	c.Dir = p.cmd.Dir
	c.Env = p.env
	c.SysProcAttr = groupAttr()
	iso := Isolation{Enforced: append(p.enforced, "wall-time", "output-cap", "env-scrubbed"), Missing: p.missing}
	return supervise(ctx, p, c, nil, iso)
}

// supervise starts c, enforces the wall-time limit and the output cap, and
// waits for it. With sh, c is the shim: supervise sends it its
// configuration and merges its report into iso.
func supervise(ctx context.Context, p *plan, c *exec.Cmd, sh *shimPipes, iso Isolation) (Result, error) {
	var (
		mu       sync.Mutex
		exited   bool
		reason   string // why we killed it
		killOnce sync.Once
	)
	kill := func(why string) {
		killOnce.Do(func() {
			mu.Lock()
			defer mu.Unlock()
			reason = why
			if !exited && c.Process != nil {
				killGroup(c.Process.Pid)
			}
		})
	}
	out := &capWriter{max: p.cmd.Limits.MaxOutputBytes, full: func() { kill("output") }}
	c.Stdout, c.Stderr = out, out
	c.Stdin = bytes.NewReader(p.cmd.Stdin)
	c.WaitDelay = waitDelay

	start := time.Now()
	if err := c.Start(); err != nil {
		if sh != nil {
			sh.closeAll()
		}
		return Result{}, err
	}
	if sh != nil {
		if err := sh.afterStart(); err != nil {
			killGroup(c.Process.Pid)
			_ = c.Wait()
			return Result{}, err
		}
	}
	timer := time.AfterFunc(p.cmd.Limits.WallTime, func() { kill("wall") })
	defer timer.Stop()
	stop := context.AfterFunc(ctx, func() { kill("ctx") })
	defer stop()

	var shimErr error
	if sh != nil {
		rep, err := sh.readReport()
		if err != nil {
			shimErr = err
			kill("setup")
		}
		iso.Enforced = append(iso.Enforced, rep.Enforced...)
		iso.Missing = append(iso.Missing, rep.Missing...)
		iso.NetworkIsolated = rep.NetworkIsolated
		iso.FilesystemConfined = rep.FilesystemConfined
	}

	waitNoReap(c.Process.Pid)
	mu.Lock()
	exited = true
	// Leader gone but not yet reaped, so its process group id cannot be
	// reused: kill whatever it left behind.
	killGroup(c.Process.Pid)
	mu.Unlock()
	waitErr := c.Wait()
	dur := time.Since(start)
	if shimErr != nil {
		return Result{}, shimErr
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return Result{}, fmt.Errorf("sandbox: waiting for command: %w", waitErr)
	}

	res := Result{Duration: dur, Isolation: iso}
	res.Output, res.OutputTruncated = out.result()
	ps := c.ProcessState
	res.ExitCode = ps.ExitCode()
	mu.Lock()
	why := reason
	mu.Unlock()
	switch why {
	case "wall":
		res.TimedOut, res.Killed = true, true
	case "output", "ctx":
		res.Killed = true
	}
	if killedByLimit(ps) {
		res.Killed = true
	}
	if why == "ctx" {
		return res, fmt.Errorf("sandbox: %w", context.Cause(ctx))
	}
	return res, nil
}
