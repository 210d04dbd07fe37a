package devollama

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestStartServerExits checks that Start notices a server that exits at once
// and reports the end of its log, without waiting for the deadline.
func TestStartServerExits(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a shell script as the fake server")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "ollama")
	script := "#!/bin/sh\necho \"listen tcp $OLLAMA_HOST: address already in use\" >&2\nexit 3\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	start := time.Now()
	srv, err := Start(ctx, Options{Bin: bin, LogPath: filepath.Join(dir, "log")})
	if err == nil {
		srv.Stop()
		t.Fatal("Start succeeded with a server that exits")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Start took %v to notice the exit", d)
	}
	for _, want := range []string{"exited", "exit status 3", "address already in use"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}
