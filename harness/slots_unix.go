//go:build unix

package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// acquireSlot takes one of n slots for the server named key, shared by every lim
// process on this machine (go test runs each package in its own process), so a cap of
// 1 on an Ollama server holds across the whole run. Slots are lock files under the
// temp dir, held with flock; a crashed process's slot frees itself.
func acquireSlot(ctx context.Context, key string, n int) (release func(), err error) {
	if n < 1 {
		n = 1
	}
	sum := sha256.Sum256([]byte(key))
	dir := filepath.Join(os.TempDir(), "lim-slots")
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("concurrency slots for %s: %w", key, err)
	}
	files := make([]*os.File, n)
	for i := range files {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%s-%d.lock", hex.EncodeToString(sum[:8]), i)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			for _, g := range files[:i] {
				g.Close()
			}
			return nil, fmt.Errorf("concurrency slots for %s: %w", key, err)
		}
		files[i] = f
	}
	closeAll := func(keep int) {
		for i, f := range files {
			if i != keep {
				f.Close()
			}
		}
	}
	delay := 5 * time.Millisecond
	for {
		for i, f := range files {
			err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
			if err == nil {
				closeAll(i)
				return func() {
					unix.Flock(int(f.Fd()), unix.LOCK_UN)
					f.Close()
				}, nil
			}
			if !errors.Is(err, unix.EWOULDBLOCK) {
				closeAll(-1)
				return nil, fmt.Errorf("concurrency slot for %s: %w", key, err)
			}
		}
		select {
		case <-ctx.Done():
			closeAll(-1)
			return nil, fmt.Errorf("waiting for a free slot on %s: %w", key, context.Cause(ctx))
		case <-time.After(delay):
			delay = min(delay*2, 100*time.Millisecond)
		}
	}
}
