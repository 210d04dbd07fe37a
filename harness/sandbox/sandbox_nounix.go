//go:build !unix

package sandbox

import (
	"context"
	"errors"
	"os"
	"runtime"
	"syscall"
)

// canSetUID reports whether a root caller's command can run as sandboxUID.
const canSetUID = false

// shimMarker names the variable that starts the shim on unix systems.
const shimMarker = "LIM_SANDBOX_SHIM"

type shimPipes struct{}

func (*shimPipes) closeAll()                       {}
func (*shimPipes) afterStart() error               { return nil }
func (*shimPipes) readReport() (shimReport, error) { return shimReport{}, nil }

type shimReport struct {
	Enforced, Missing                   []string
	NetworkIsolated, FilesystemConfined bool
}

// run refuses: there is no sandbox on this OS; only the unsafe opt-out runs.
func run(ctx context.Context, p *plan) (Result, error) {
	if p.unsafe {
		return runUnsafe(ctx, p)
	}
	return Result{}, errors.New("sandbox: no sandbox on " + runtime.GOOS + "; set " + UnsafeEnv + "=1 to run unsandboxed")
}

func ownedBy(fi os.FileInfo, uid int) bool { return false }

func groupAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

func waitNoReap(pid int) {}

func killedByLimit(ps *os.ProcessState) bool { return false }
