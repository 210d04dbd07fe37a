// Package devollamatest starts lim's development Ollama server from tests.
package devollamatest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/local-inference-machine/lim/internal/devollama"
)

// EnvRequire names the environment variable that turns a missing Ollama
// binary from a skip into a failure; CI sets it to 1.
const EnvRequire = "LIM_REQUIRE_OLLAMA"

const installCmd = "go run ./cmd/ollama-dev install"

// Start starts an Ollama server serving devollama.TinyModel for the test and
// stops it when the test ends. Without an installed binary (see
// devollama.Find) it skips the test, or fails it when LIM_REQUIRE_OLLAMA=1;
// it fails when LIM_OLLAMA_BIN names a missing file. When the test fails,
// the end of the server's log is logged.
func Start(t testing.TB) *devollama.Server {
	t.Helper()
	bin, ok := devollama.Find()
	switch {
	case !ok && bin != "":
		t.Fatalf("%s=%s: no such file; fix the path, or unset it and run `%s`", devollama.EnvBin, bin, installCmd)
	case !ok && os.Getenv(EnvRequire) == "1":
		t.Fatalf("no ollama binary and %s=1: run `%s` (or set %s)", EnvRequire, installCmd, devollama.EnvBin)
	case !ok:
		t.Skipf("no ollama binary: run `%s` (or set %s)", installCmd, devollama.EnvBin)
	}

	ctx := context.Background()
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline)
			defer cancel()
		}
	}
	dir := t.TempDir()
	srv, err := devollama.Start(ctx, devollama.Options{
		Bin:       bin,
		ModelsDir: filepath.Join(dir, "models"),
		LogPath:   filepath.Join(dir, "ollama.log"),
	})
	if err != nil {
		t.Fatalf("starting ollama: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("last lines of the ollama log %s:\n%s", srv.LogPath(), srv.LogTail())
		}
		if err := srv.Stop(); err != nil {
			t.Errorf("stopping ollama: %v", err)
		}
	})
	return srv
}
